// The sentences of the traffic path analysis (reach.ts), kept apart so the walk reads as logic.
// Hop details are short and name the rule or route used; reasons are for beginners: what blocks,
// why, and what to write in the blueprint to open it.
import { t } from '@vscode/l10n';
import { isKind, kindWord } from './vocabulary';

export interface Traffic {
  protocol: 'tcp' | 'udp' | 'icmp';
  port: number | null;
}

const services: Record<number, string> = { 22: 'SSH', 80: 'HTTP', 443: 'HTTPS', 3389: 'Remote Desktop', 53: 'DNS' };

/** "TCP 22 (SSH)", "UDP 53 (DNS)", "ICMP". */
export function describeTraffic(traffic: Traffic): string {
  if (traffic.protocol === 'icmp' || traffic.port === null) return 'ICMP';
  const service = services[traffic.port];
  return `${traffic.protocol.toUpperCase()} ${traffic.port}${service ? ` (${service})` : ''}`;
}

function who(from: string): string {
  return from === '0.0.0.0/0' ? t('anyone on the internet (0.0.0.0/0)') : t('{0} on the internet', from);
}

export const flowText = (what: string, direction: 'from' | 'to', where: string) => (direction === 'from' ? t('{0} from {1}', what, where) : t('{0} to {1}', what, where));
export const partOf = (whole: string, example: string) => t('part of {0} (for example {1})', whole, example);

function list(items: string[]): string {
  return items.join('; ');
}

export const allTraffic = () => t('all traffic');

// Query problems (usage errors).
export const noInstances = () => t('This blueprint declares no instance, so there is nothing to reach.');
export const unknownInstance = (name: string, names: string[]) => t('There is no instance named "{0}". Declared: {1}.', name, names.join(', '));
export const udpNeedsPort = () => t('--protocol udp needs --port (there is no usual UDP port to assume).');
export const badPort = (port: string) => t('"{0}" is not a port; ports go from 0 to 65535.', port);
export const badSource = (from: string) => t('"{0}" is not an IPv4 address or CIDR (for example 203.0.113.7 or 203.0.113.0/24).', from);
export const sourceInsideVpc = (from: string, vpc: string) =>
  t('{0} lies inside the VPC ({1}); this analysis is about traffic from the internet. Give an address outside the VPC.', from, vpc);

// The internet and the gateway.
export const internetFrom = (from: string) => t('request from {0}', who(from));
export const internetTo = (from: string) => t('reaches {0}', who(from));
export const backTo = (from: string) => t('the reply arrives back at {0}', who(from));
export const answerFrom = (from: string) => t('the answer from {0}', who(from));
export const gatewayIn = (vpc: string) => t('attached to {0}: the way in from the internet', vpc);
export const gatewayOut = (privateIp: string, publicAddress: string | undefined) =>
  publicAddress
    ? t('translates the source {0} to {1} and sends the packet to the internet', privateIp, publicAddress)
    : t('sends the packet to the internet');
export const gatewayBackIn = (publicAddress: string | undefined, privateIp: string) =>
  t('translates {0} back to {1}', publicAddress ?? t('the public address'), privateIp);
export const noGatewayDetail = (vpc: string) => t('no internet gateway is attached to {0}', vpc);
export const noGatewayReason = (vpc: string, instance: string) =>
  t('VPC "{0}" has no internet gateway, so nothing from the internet can enter it and "{1}" cannot be reached. Declare one (internetGateway: with a name) and a route 0.0.0.0/0 to it.', vpc, instance);
export const noGatewayOutReason = (vpc: string, instance: string) =>
  t('VPC "{0}" has no internet gateway, so "{1}" has no way out to the internet. Declare one (internetGateway: with a name) and a route 0.0.0.0/0 to it.', vpc, instance);

// Public addresses.
export const elasticIpLabel = (eip: string, address: string | undefined) => (address ? t('the Elastic IP {0} ({1})', address, eip) : t('the Elastic IP {0}', eip));
export const publicIpLabel = (address: string | undefined) => (address ? t('the public address {0}', address) : t('the public address'));
export const anAddressIn = (cidr: string) => t('a private address AWS picks in {0}', cidr);
/** "the private address 10.0.1.11", or the phrase of anAddressIn as it is. */
const pa = (ip: string) => (/^\d/.test(ip) ? t('the private address {0}', ip) : ip);
export const elasticIpTranslation = (eip: string, address: string | undefined, privateIp: string, direction: 'inbound' | 'outbound') =>
  direction === 'inbound'
    ? t('the client dials the Elastic IP {0}; the gateway translates it to {1}', address ?? eip, pa(privateIp))
    : t('the packet leaves with the Elastic IP {0} as its source instead of {1}', address ?? eip, privateIp);
export const publicIpTranslation = (address: string | undefined, privateIp: string, direction: 'inbound' | 'outbound') =>
  direction === 'inbound'
    ? t('the client dials the public IPv4 address {0}; the gateway translates it to {1}', address ?? t('(assigned at launch)'), pa(privateIp))
    : t('the packet leaves with the public IPv4 address {0} as its source instead of {1}', address ?? t('(assigned at launch)'), privateIp);
export const noPublicDetail = (privateIp: string) => t('only {0}: no Elastic IP, no public IPv4 address', pa(privateIp));
export const noPublicReason = (instance: string, eni: string | undefined, privateIp: string) =>
  eni
    ? t('Instance "{0}" has only {1}, which cannot be dialled from the internet. Give network interface "{2}" an Elastic IP (elasticIps: with networkInterface: {2}).', instance, pa(privateIp), eni)
    : t('Instance "{0}" has only {1}, which cannot be dialled from the internet. Set publicIp: true on it, or give it a network interface with an Elastic IP.', instance, pa(privateIp));
export const noPublicOutReason = (instance: string, eni: string | undefined) =>
  eni
    ? t('Instance "{0}" has no public address, so the internet gateway cannot send its packets out (and answers could not find their way back). Give network interface "{1}" an Elastic IP.', instance, eni)
    : t('Instance "{0}" has no public address, so the internet gateway cannot send its packets out. Set publicIp: true on it, or give it a network interface with an Elastic IP.', instance);

// Route tables.
export const localRouteIn = (vpcCidr: string, subnet: string, explicit: boolean) =>
  explicit
    ? t('route {0} → local delivers the packet inside the VPC to subnet {1}', vpcCidr, subnet)
    : t('route {0} → local delivers the packet inside the VPC to subnet {1} (the subnet has no route table of its own, so the main route table governs it)', vpcCidr, subnet);
export const routeUsed = (destinations: string[], gateway: string, reply: boolean) =>
  (destinations.length === 1
    ? t('route {0} → {1}', destinations[0]!, gateway)
    : t('routes {0} → {1}', destinations.join(', '), gateway)) +
  (reply ? ' ' + t('(the instance does not know where the client is: the reply takes the most specific route covering the client\'s address)') : ' ' + t('(the most specific route covering the destination)'));
const defaultRoute = (gateway: string) => `{ destination: 0.0.0.0/0, target: ${gateway} }`;
export const noRouteDetail = (uncovered: string, gateway: string, elsewhere: { destination: string; target: string } | undefined) =>
  elsewhere
    ? t('route {0} → {1} wins for {2}, not a route to {3}', elsewhere.destination, elsewhere.target, uncovered, gateway)
    : t('no route covers {0}, so there is no way to {1}', uncovered, gateway);
export const noRouteReason = (table: string, subnet: string, uncovered: string, gateway: string, partial: boolean, reply: boolean) =>
  (reply
    ? t('The request gets in, but the reply cannot get out: route table "{0}" of subnet "{1}" has no route for {2} to internet gateway "{3}".', table, subnet, uncovered, gateway)
    : t('Route table "{0}" of subnet "{1}" has no route for {2} to internet gateway "{3}", so the packet has nowhere to go.', table, subnet, uncovered, gateway)) +
  ' ' +
  (partial
    ? t('Its routes to the gateway cover only part of the internet; add {0} to cover the rest.', defaultRoute(gateway))
    : t('Add {0} to its routes.', defaultRoute(gateway)));
export const mainTableReason = (subnet: string, vpc: string, gateway: string, reply: boolean) =>
  (reply
    ? t('The request gets in, but the reply cannot get out: subnet "{0}" is associated with no route table, so the main route table of {1} governs it, and that one has only the local route.', subnet, vpc)
    : t('Subnet "{0}" is associated with no route table, so the main route table of {1} governs it, and that one has only the local route.', subnet, vpc)) +
  ' ' +
  t('List the subnet under subnets: of a route table that has {0}.', defaultRoute(gateway));

// Network ACLs.
export const defaultAcl = () => t('the VPC\'s default network ACL (this subnet has none of its own): allows all traffic in and out');
export const defaultAclReply = () => t('the default network ACL allows all outbound traffic, the reply included (ACLs are stateless, but this one allows everything)');
export const aclRuleText = (rule: number, action: 'allow' | 'deny', ports: string, direction: 'from' | 'to', peer: string) =>
  action === 'allow'
    ? direction === 'from'
      ? t('rule {0} allows {1} from {2}', rule, ports, peer)
      : t('rule {0} allows {1} to {2}', rule, ports, peer)
    : direction === 'from'
      ? t('rule {0} denies {1} from {2}', rule, ports, peer)
      : t('rule {0} denies {1} to {2}', rule, ports, peer);
export const aclAllowed = (direction: 'inbound' | 'outbound', rules: string[]) =>
  direction === 'inbound' ? t('inbound {0}', list(rules)) : t('outbound {0}', list(rules));
export const aclBlockedDetail = (direction: 'inbound' | 'outbound', deniedBy: { rule: number } | undefined, left: string) =>
  deniedBy
    ? direction === 'inbound'
      ? t('inbound rule {0} denies {1}', deniedBy.rule, left)
      : t('outbound rule {0} denies {1}', deniedBy.rule, left)
    : direction === 'inbound'
      ? t('no inbound rule allows {0}; the final rule * denies it', left)
      : t('no outbound rule allows {0}; the final rule * denies it', left);
export const statelessReply = (direction: 'inbound' | 'outbound', rules: string[]) =>
  direction === 'outbound'
    ? t('stateless: the reply is checked again on the way out, so the ephemeral ports 1024-65535 must be allowed out — outbound {0}', list(rules))
    : t('stateless: the answer is checked again on the way in, so the ephemeral ports 1024-65535 must be allowed in — inbound {0}', list(rules));
export const aclInboundReason = (acl: string, subnet: string, traffic: Traffic, addresses: string, deniedBy: { rule: number } | undefined) =>
  deniedBy
    ? t('Network ACL "{0}" of subnet "{1}" denies {2} from {3} with its rule {4}. Rules are read from the lowest number up and the first match wins: allow it with a lower number, or narrow the deny rule.', acl, subnet, describeTraffic(traffic), addresses, deniedBy.rule)
    : t('Network ACL "{0}" of subnet "{1}" has no inbound rule that allows {2} from {3}, so its final rule * denies it. Add an inbound rule that allows it.', acl, subnet, describeTraffic(traffic), addresses);
export const aclReplyOutReason = (acl: string, traffic: Traffic, addresses: string, ports: string, deniedBy: { rule: number } | undefined) =>
  (deniedBy
    ? t('Network ACL "{0}" lets {1} in, but its outbound rule {2} denies the reply to {3} on ports {4}.', acl, describeTraffic(traffic), deniedBy.rule, addresses, ports)
    : t('Network ACL "{0}" lets {1} in, but no outbound rule lets the reply out to {2} on ports {3} (the ephemeral ports the client picked for its end).', acl, describeTraffic(traffic), addresses, ports)) +
  ' ' +
  t('Network ACLs are stateless: a reply is checked like any other packet. Allow outbound {0} 1024-65535 to {1}.', traffic.protocol === 'icmp' ? 'icmp' : traffic.protocol, addresses);
export const aclRequestOutReason = (acl: string, traffic: Traffic, addresses: string, deniedBy: { rule: number } | undefined) =>
  deniedBy
    ? t('Network ACL "{0}" denies {1} out to {2} with its outbound rule {3}.', acl, describeTraffic(traffic), addresses, deniedBy.rule)
    : t('Network ACL "{0}" has no outbound rule that allows {1} to {2}, so its final rule * denies it. Add an outbound rule that allows it.', acl, describeTraffic(traffic), addresses);
export const aclReplyInReason = (acl: string, traffic: Traffic, addresses: string, ports: string, deniedBy: { rule: number } | undefined) =>
  (deniedBy
    ? t('Network ACL "{0}" lets {1} out, but its inbound rule {2} denies the answer from {3} to ports {4}.', acl, describeTraffic(traffic), deniedBy.rule, addresses, ports)
    : t('Network ACL "{0}" lets {1} out, but no inbound rule lets the answer in from {2} to ports {3} (the ephemeral ports the instance picked for its end).', acl, describeTraffic(traffic), addresses, ports)) +
  ' ' +
  t('Network ACLs are stateless: an answer is checked like any other packet. Allow inbound {0} 1024-65535 from {1}.', traffic.protocol === 'icmp' ? 'icmp' : traffic.protocol, addresses);

// Security groups.
export const groupRuleText = (direction: 'inbound' | 'outbound', ports: string, peer: string, description: string | undefined) =>
  (direction === 'inbound' ? t('inbound rule {0} from {1}', ports, peer) : t('outbound rule {0} to {1}', ports, peer)) + (description ? ` (${description})` : '');
export const groupAllowed = (_direction: 'inbound' | 'outbound', rules: string[]) => list(rules);
export const defaultEgress = () => t('no outbound rules declared: AWS\'s default outbound rule allows all traffic to 0.0.0.0/0');
export const groupBlockedDetail = (direction: 'inbound' | 'outbound', traffic: Traffic, addresses: string, groups: string[]) =>
  groups.length === 0
    ? t('no security group given, so the VPC\'s default group applies: it lets in only its own members')
    : direction === 'inbound'
      ? t('no inbound rule allows {0} from {1}', describeTraffic(traffic), addresses)
      : t('no outbound rule allows {0} to {1}', describeTraffic(traffic), addresses);
export const groupInboundReason = (groups: string[], traffic: Traffic, from: string, addresses: string, others: string[]) => {
  if (groups.length === 0)
    return t('The interface names no security group, so the VPC\'s default group applies, and it lets in only traffic from its own members. Give it a security group with an inbound rule for {0}.', describeTraffic(traffic));
  const names = groups.map((g) => `"${g}"`).join(', ');
  const rule = traffic.protocol === 'icmp' ? `{ protocol: icmp, source: ${from} }` : `{ protocol: ${traffic.protocol}, port: ${traffic.port}, source: ${from} }`;
  return others.length > 0
    ? t('Security group {0} lets {1} in only from {2}, not from {3}. Add an inbound rule such as {4}, or check with --from an address inside {2}.', names, describeTraffic(traffic), others.join(', '), addresses === from ? who(from) : t('all of {0}', from), rule)
    : t('Security group {0} has no inbound rule that lets {1} in from {2}. Add one: {3}.', names, describeTraffic(traffic), who(from), rule);
};
export const groupEgressReason = (groups: string[], traffic: Traffic, to: string) => {
  const rule = traffic.protocol === 'icmp' ? `{ protocol: icmp, destination: ${to} }` : `{ protocol: ${traffic.protocol}, port: ${traffic.port}, destination: ${to} }`;
  return t('Security group {0} declares outbound rules, and none lets {1} out to {2}. (A group without egress: keeps AWS\'s default rule that allows all outbound traffic; declaring rules replaces it.) Add {3}.', groups.map((g) => `"${g}"`).join(', '), describeTraffic(traffic), to, rule);
};
export const statefulReply = () => t('stateful: the reply of a connection it let in goes out without any outbound rule (outbound rules are not consulted for replies)');
export const statefulAnswer = () => t('stateful: the answer to a connection it let out comes in without any inbound rule');

// The interface and the instance.
export const interfaceDetail = (privateIp: string, subnet: string, implicit: boolean) =>
  implicit ? t('the instance\'s primary network interface, private address {0} in subnet {1}', privateIp, subnet) : t('private address {0} in subnet {1}', privateIp, subnet);
/** `sshUser` only when the traffic is SSH to this instance. */
export const instanceReceives = (traffic: Traffic, sshUser: string | undefined) =>
  sshUser ? t('receives {0}; log in as {1}', describeTraffic(traffic), sshUser) : t('receives {0}', describeTraffic(traffic));
export const instanceReplies = (traffic: Traffic, privateIp: string, from: string) =>
  traffic.protocol === 'icmp'
    ? t('replies from {0} to {1}', privateIp, from)
    : t('replies from {0} port {1} to the port the client picked (one of 1024-65535)', privateIp, traffic.port ?? 0);
export const instanceSends = (traffic: Traffic, to: string) => t('sends {0} to {1}', describeTraffic(traffic), who(to));
export const instanceGetsAnswer = (traffic: Traffic) => t('gets the answer to its {0} connection', describeTraffic(traffic));
export const instanceStateDetail = (state: string) => t('the instance is {0}, not running', state);
export const instanceNotRunning = (instance: string, state: string) =>
  t('Instance "{0}" is {1}. Only a running instance answers; start it (or apply the blueprint again).', instance, state);

// The verdict as text (CLI, output channel).
export const hopKindWord = (kind: string): string => {
  if (isKind(kind)) return kindWord(kind);
  switch (kind) {
    case 'internet': return t('internet');
    case 'publicIp': return t('public IP');
    default: return kind;
  }
};
export const verdictHeadline = (instance: string, traffic: Traffic, direction: 'inbound' | 'outbound', from: string, reachable: boolean) =>
  (direction === 'inbound' ? t('{0} from {1} to {2}', describeTraffic(traffic), who(from), instance) : t('{0} from {1} to {2}', describeTraffic(traffic), instance, who(from))) +
  ': ' +
  (reachable ? t('reachable') : t('BLOCKED'));
export const legTitle = (direction: 'inbound' | 'outbound', leg: 'forward' | 'return') =>
  leg === 'forward' ? (direction === 'inbound' ? t('The way in:') : t('The way out:')) : direction === 'inbound' ? t('The way back (the reply):') : t('The way back (the answer):');
export const whyLine = (reason: string) => t('Why: {0}', reason);
export const codeLine = (code: string, awsCode: string | null) =>
  awsCode ? t('Code: {0} (AWS Reachability Analyzer: {1})', code, awsCode) : t('Code: {0}', code);

// Notes on the diagram.
export const keyPointRoute = (route: string) =>
  t('Key point 1: the instance does not know where the client is, so the reply follows the most specific route covering the client\'s address ({0}).', route);
export const keyPointStateful = () =>
  t('Key point 2: there is no outbound rule for this traffic, yet the reply passes. Security groups are stateful: the answer to an allowed connection is allowed out.');
export const keyPointStatefulAnswer = () => t('Security groups are stateful: the answer to a connection the instance opened comes back in without an inbound rule.');
export const keyPointStateless = (inbound: boolean) =>
  inbound
    ? t('Network ACLs are stateless: the reply is checked again, so an outbound rule must allow the ephemeral ports 1024-65535.')
    : t('Network ACLs are stateless: the answer is checked again, so an inbound rule must allow the ephemeral ports 1024-65535.');

// The editor's warning.
export const sshBlocked = (instance: string, reason: string) => t('SSH cannot reach "{0}": {1}', instance, reason);

// NAT gateways (the way out of a private subnet).
export const natOut = (nat: string, subnet: string, address: string | undefined, privateIp: string) =>
  t('NAT gateway {0} in public subnet {1} replaces the source {2} with its own address {3}', nat, subnet, privateIp, address ?? t('(its Elastic IP)'));
export const natBackIn = (nat: string, privateIp: string) => t('{0} remembers the connection and sends the answer back to {1}', nat, privateIp);
export const natGatewayOut = (address: string | undefined) =>
  t('sends the packet to the internet from the NAT gateway\'s address {0}', address ?? t('(its Elastic IP)'));
export const keyPointNatWayOut = () =>
  t('Key point: the NAT gateway is a way out only. The private instance can open connections to the internet (dnf update); nothing on the internet can open one to it.');
export const natNoRouteReason = (nat: string, subnet: string, table: string, gateway: string) =>
  t('NAT gateway "{0}" is in subnet "{1}", whose route table "{2}" has no route 0.0.0.0/0 to internet gateway "{3}": the NAT gateway itself has no way out. Put it in a public subnet, or add {4} to "{2}".', nat, subnet, table, gateway, defaultRoute(gateway));

// SSH through a jump host: two legs.
export const viaTitle = (jump: string, automatic: boolean) =>
  automatic ? t('Through the jump host {0} (the one instance with a public address whose groups let it in):', jump) : t('Through the jump host {0} (sshVia):', jump);
export const legOneBlocked = (jump: string, reason: string) => t('Leg 1 (your PC → jump host "{0}") is blocked: {1}', jump, reason);
export const legTwoBlocked = (jump: string, instance: string, reason: string) => t('Leg 2 (jump host "{0}" → "{1}") is blocked: {2}', jump, instance, reason);
export const jumpSends = (traffic: Traffic, target: string, ip: string) => t('opens {0} to {1} at {2}', describeTraffic(traffic), target, ip);
export const localRouteBetween = (vpcCidr: string) => t('route {0} → local: both ends are inside the VPC', vpcCidr);
export const jumpGroupEgressReason = (groups: string[], traffic: Traffic, target: string) =>
  t('Security group {0} of the jump host declares outbound rules, and none lets {1} out to "{2}". Add an outbound rule for it (a CIDR of the VPC, or the name of the target\'s security group).', groups.map((g) => `"${g}"`).join(', '), describeTraffic(traffic), target);
export const targetGroupInboundReason = (groups: string[], traffic: Traffic, jump: string, jumpGroups: string[]) =>
  t('Security group {0} has no inbound rule that lets {1} in from the jump host "{2}". Add {3}.', groups.map((g) => `"${g}"`).join(', '), describeTraffic(traffic), jump, `{ protocol: tcp, port: ${traffic.port ?? 22}, source: ${jumpGroups[0] ?? '<jump host address>/32'} }`);
export const internalAclReason = (acl: string, direction: 'inbound' | 'outbound', traffic: Traffic, peer: string) =>
  direction === 'inbound'
    ? t('Network ACL "{0}" has no inbound rule that allows {1} from {2} (ACLs are stateless and also govern traffic between subnets).', acl, describeTraffic(traffic), peer)
    : t('Network ACL "{0}" has no outbound rule that allows {1} to {2} (ACLs are stateless and also govern traffic between subnets).', acl, describeTraffic(traffic), peer);
export const jumpReceivesReply = () => t('gets the reply and passes it back over the first leg');

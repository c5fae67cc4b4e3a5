// Traffic path analysis: can a packet from the internet reach an instance (or the instance reach
// the internet), through which hops, and how does the reply get back. Pure: it reads a blueprint
// (the one in the file, or one read back from AWS) and answers in the spirit of AWS Reachability
// Analyzer, naming the first component that blocks the path and the rule or route it lacks.
import type { Blueprint, Instance, NatGateway, NetworkAcl, RouteTable, SecurityGroup } from './schema';
import type { StateFile } from './state';
import { parseCidr, type Cidr } from './cidr';
import {
  allPorts, describeAddresses, describePorts, evaluateAcl, evaluateGroups, largestBlockAt, mergeAddresses, minusAll, protocolMatches, routeTo, rulePorts,
  type AclRule, type AnyRuleProtocol, type Box, type SgRule,
} from './flows';
import { BlueprintError } from './errors';
import * as say from './reach-messages';
import { components } from './model';
import { diagnostic, type Diagnostic, type SourceMap } from './diagnostics';
import { INTERNET, YOUR_PC, type TrafficHop, type TrafficOverlay } from './diagram';

export type ReachCode =
  | 'NO_INTERNET_GATEWAY'
  | 'NO_PUBLIC_ADDRESS'
  | 'NO_ROUTE_TO_INTERNET_GATEWAY'
  | 'SECURITY_GROUP_RULE_MISSING'
  | 'NETWORK_ACL_DENIES_INBOUND'
  | 'NETWORK_ACL_DENIES_OUTBOUND'
  | 'INSTANCE_NOT_RUNNING'
  | 'NAT_WITHOUT_INTERNET_ROUTE';

/** The AWS Reachability Analyzer explanation code closest to each of ours (null: none fits). */
export const awsCodes: Record<ReachCode, string | null> = {
  NO_INTERNET_GATEWAY: null,
  NO_PUBLIC_ADDRESS: 'IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS',
  NO_ROUTE_TO_INTERNET_GATEWAY: 'NO_ROUTE_TO_DESTINATION',
  SECURITY_GROUP_RULE_MISSING: 'ENI_SG_RULES_MISMATCH',
  NETWORK_ACL_DENIES_INBOUND: 'SUBNET_ACL_RESTRICTION',
  NETWORK_ACL_DENIES_OUTBOUND: 'SUBNET_ACL_RESTRICTION',
  INSTANCE_NOT_RUNNING: 'BAD_STATE',
  NAT_WITHOUT_INTERNET_ROUTE: 'NO_ROUTE_TO_DESTINATION',
};

export type ReachProtocol = 'tcp' | 'udp' | 'icmp';
export type ReachDirection = 'inbound' | 'outbound';

export type HopKind =
  | 'internet'
  | 'vpc'
  | 'internetGateway'
  | 'elasticIp'
  | 'publicIp'
  | 'natGateway'
  | 'routeTable'
  | 'networkAcl'
  | 'securityGroup'
  | 'networkInterface'
  | 'instance';

/** One step of the path: the component (its name in the blueprint, its AWS id when known) and the
 * rule or route that let the packet through, or what was missing when `blocked`. */
export interface Hop {
  kind: HopKind;
  name: string;
  id: string | null;
  detail: string;
  blocked?: true;
}

/** What would open the path, when the fix is obvious (the editor offers it as a quick fix). */
export type ReachFix =
  | { kind: 'add-internet-gateway'; vpc: string }
  | { kind: 'add-elastic-ip'; networkInterface: string }
  | { kind: 'set-public-ip'; instance: string }
  | { kind: 'add-route'; routeTable: string; destination: string; target: string }
  | { kind: 'associate-route-table'; subnet: string; routeTable?: string; target: string }
  | { kind: 'add-security-group-rule'; securityGroup: string; direction: 'ingress' | 'egress'; protocol: ReachProtocol; port?: number; peer: string }
  | { kind: 'add-network-acl-rule'; networkAcl: string; direction: 'inbound' | 'outbound'; protocol: ReachProtocol; port?: string; peer: string };

export interface ReachQuery {
  /** The instance's name; default the first instance of the blueprint. */
  to?: string;
  /** Default: inbound, the instance's sshPort (22); outbound, 443. Ignored for icmp. */
  port?: number;
  protocol?: ReachProtocol;
  /** The other end on the internet: an address or a CIDR. Default anyone, 0.0.0.0/0. */
  from?: string;
  direction?: ReachDirection;
}

export interface ReachContext {
  /** Fills each hop's `id` from the state file's AWS ids. */
  state?: StateFile;
  /** name → AWS id (a live snapshot); wins over `state`. */
  ids?: Record<string, string>;
  /** Live mode: the name (in the blueprint's routeTables) of the VPC's main route table, which
   * governs every subnet without an explicit association. Absent: the main table has only the
   * local route, as a new VPC's has. */
  mainRouteTable?: string;
  /** Live mode: instance name → EC2 state name (running, stopped, …). */
  instanceStates?: Record<string, string>;
  /** Public addresses known for an Elastic IP or an instance (by name), for the hop details. */
  publicAddresses?: Record<string, string>;
}

export interface ResolvedQuery {
  instance: string;
  protocol: ReachProtocol;
  /** null for icmp. */
  port: number | null;
  from: string;
  direction: ReachDirection;
}

export interface ReachVerdict {
  reachable: boolean;
  code: ReachCode | null;
  awsCode: string | null;
  reason: string | null;
  /** The way there: internet → … → instance (inbound) or instance → … → internet (outbound). */
  hops: Hop[];
  /** The way back. Empty when the way there is blocked. */
  returnHops: Hop[];
  query: ResolvedQuery;
  /** The blocking hop: on which leg and its index there. */
  blockedAt?: { leg: 'forward' | 'return'; index: number; kind: HopKind; name: string };
  fix?: ReachFix;
  /** SSH through a jump host: which one, whether the blueprint named it (sshVia) or it was found,
   * and which leg blocks (1: client → jump host, 2: jump host → instance). The hops of leg 1 come
   * first in `hops`, last in `returnHops`. */
  via?: { jumpHost: string; automatic: boolean; blockedLeg: 1 | 2 | null };
}

/** The name the main route table goes by in hops when the blueprint does not declare it. */
export const mainRouteTableName = 'main route table';
/** The ports a client picks for its end of a connection (the widest range any OS uses). */
export const ephemeralPorts = { from: 1024, to: 65535 } as const;

function formatRulePorts(protocol: AnyRuleProtocol, port: number | string | undefined): string {
  if (protocol === 'all') return say.allTraffic();
  if (protocol === 'icmp') return 'icmp';
  return `${protocol} ${port ?? '0-65535'}`;
}

// ---------------------------------------------------------------------------------------------
// The pieces of the network an instance sits in.

interface Placement {
  instance: Instance;
  subnet: string | undefined;
  networkInterface: string | undefined;
  /** The hop name of the interface: the ENI's name, or the instance's own for its implicit one. */
  interfaceName: string;
  privateIp: string | undefined;
  securityGroups: string[];
  elasticIp: string | undefined;
  autoPublicIp: boolean;
}

function placementOf(bp: Blueprint, instance: Instance): Placement {
  const eni = instance.networkInterface ? (bp.networkInterfaces ?? []).find((n) => n.name === instance.networkInterface) : undefined;
  const elasticIp = eni ? (bp.elasticIps ?? []).find((e) => e.networkInterface === eni.name)?.name : undefined;
  return {
    instance,
    subnet: eni?.subnet ?? instance.subnet,
    networkInterface: eni?.name,
    interfaceName: eni?.name ?? instance.name,
    privateIp: eni?.privateIp ?? instance.privateIp,
    securityGroups: eni ? (eni.securityGroups ?? []) : (instance.securityGroups ?? []),
    elasticIp,
    autoPublicIp: !eni && instance.publicIp === true,
  };
}

interface GoverningTable {
  name: string;
  table: RouteTable | undefined;
  explicit: boolean;
}

function routeTableOf(bp: Blueprint, subnet: string | undefined, ctx: ReachContext): GoverningTable {
  const explicit = subnet ? (bp.routeTables ?? []).find((rt) => (rt.subnets ?? []).includes(subnet)) : undefined;
  if (explicit) return { name: explicit.name, table: explicit, explicit: true };
  const main = ctx.mainRouteTable ? (bp.routeTables ?? []).find((rt) => rt.name === ctx.mainRouteTable) : undefined;
  return { name: main?.name ?? mainRouteTableName, table: main, explicit: false };
}

/** The subnet's ACL: undefined when the blueprint declares no ACL at all (no ACL hop is drawn);
 * `default` when ACLs exist but none governs this subnet (the VPC's default ACL allows all). */
function aclOf(bp: Blueprint, subnet: string | undefined): NetworkAcl | 'default' | undefined {
  if (!bp.networkAcls || bp.networkAcls.length === 0) return undefined;
  return (subnet && bp.networkAcls.find((a) => (a.subnets ?? []).includes(subnet))) || 'default';
}

// ---------------------------------------------------------------------------------------------
// The query.

/** Checks and completes a query against the blueprint; throws a usage error a user can act on. */
export function resolveQuery(bp: Blueprint, query: ReachQuery): ResolvedQuery {
  const instances = bp.instances ?? [];
  if (instances.length === 0) throw new BlueprintError('usage', say.noInstances());
  const instance = query.to === undefined ? instances[0]! : instances.find((i) => i.name === query.to);
  if (!instance) throw new BlueprintError('usage', say.unknownInstance(query.to!, instances.map((i) => i.name)));
  const direction = query.direction ?? 'inbound';
  const protocol = query.protocol ?? 'tcp';
  let port: number | null = null;
  if (protocol !== 'icmp') {
    if (query.port === undefined && protocol === 'udp') throw new BlueprintError('usage', say.udpNeedsPort());
    port = query.port ?? (direction === 'outbound' ? 443 : (instance.sshPort ?? 22));
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new BlueprintError('usage', say.badPort(String(query.port)));
  }
  const fromText = query.from ?? '0.0.0.0/0';
  const from = parseCidr(fromText.includes('/') ? fromText : `${fromText}/32`);
  if (!from || from.version !== 4) throw new BlueprintError('usage', say.badSource(fromText));
  const vpc = parseCidr(bp.vpc.cidr);
  if (vpc && vpc.first <= from.first && from.last <= vpc.last) throw new BlueprintError('usage', say.sourceInsideVpc(from.network, bp.vpc.cidr));
  return { instance: instance.name, protocol, port, from: from.network, direction };
}

// ---------------------------------------------------------------------------------------------
// The walk.

/** Is the path open? Inbound: from `from` on the internet to the instance, and the reply back.
 * Outbound: from the instance to `from` on the internet, and the answer back in. */
export function analyzeReach(bp: Blueprint, query: ReachQuery = {}, ctx: ReachContext = {}): ReachVerdict {
  const q = resolveQuery(bp, query);
  const instance = (bp.instances ?? []).find((i) => i.name === q.instance)!;
  if (q.direction === 'outbound') return walkOutbound(bp, q, instance, ctx);
  const jump = q.protocol === 'tcp' && q.port === (instance.sshPort ?? 22) ? jumpHostOf(bp, instance.name) : undefined;
  const jumpInstance = jump && (bp.instances ?? []).find((i) => i.name === jump.name);
  return jump && jumpInstance ? walkVia(bp, q, instance, jumpInstance, jump.automatic, ctx) : walkInbound(bp, q, instance, ctx);
}

interface Walk {
  bp: Blueprint;
  q: ResolvedQuery;
  ctx: ReachContext;
  place: Placement;
  /** The peer's addresses outside the VPC (inside it the local route wins; that is not the internet). */
  peer: Box[];
  hops: Hop[];
  returnHops: Hop[];
}

function idOf(ctx: ReachContext, name: string): string | null {
  return ctx.ids?.[name] ?? ctx.state?.resources[name]?.id ?? null;
}

function publicAddressOf(ctx: ReachContext, name: string): string | undefined {
  const known = ctx.publicAddresses?.[name];
  if (known) return known;
  const attrs = ctx.state?.resources[name]?.attributes ?? {};
  for (const key of ['publicIp', 'publicIpAddress', 'address']) if (typeof attrs[key] === 'string') return attrs[key] as string;
  return undefined;
}

function hop(w: Walk, kind: HopKind, name: string, detail: string, id?: string | null): Hop {
  return { kind, name, id: id === undefined ? idOf(w.ctx, name) : id, detail };
}

type Block = { code: ReachCode; reason: string; fix?: ReachFix };

function finish(w: Walk, leg: 'forward' | 'return', blockedHop: Hop | undefined, block: Block | undefined): ReachVerdict {
  if (!blockedHop || !block) return { reachable: true, code: null, awsCode: null, reason: null, hops: w.hops, returnHops: w.returnHops, query: w.q };
  blockedHop.blocked = true;
  const list = leg === 'forward' ? w.hops : w.returnHops;
  list.push(blockedHop);
  return {
    reachable: false,
    code: block.code,
    awsCode: awsCodes[block.code],
    reason: block.reason,
    hops: w.hops,
    returnHops: leg === 'forward' ? [] : w.returnHops,
    query: w.q,
    blockedAt: { leg, index: list.length - 1, kind: blockedHop.kind, name: blockedHop.name },
    ...(block.fix ? { fix: block.fix } : {}),
  };
}

function startWalk(bp: Blueprint, q: ResolvedQuery, instance: Instance, ctx: ReachContext): Walk {
  const from = parseCidr(q.from)!;
  const vpc = parseCidr(bp.vpc.cidr);
  let peer: Box[] = [{ lo: from.first, hi: from.last, ...allPorts }];
  if (vpc) peer = minusAll(peer, { lo: vpc.first, hi: vpc.last, ...allPorts });
  return { bp, q, ctx, place: placementOf(bp, instance), peer, hops: [], returnHops: [] };
}

function trafficOf(q: ResolvedQuery): say.Traffic {
  return { protocol: q.protocol, port: q.port };
}

/** The flows of the request: the peer's addresses × the service port. */
function requestFlows(w: Walk): Box[] {
  const p = w.q.port ?? 0;
  return w.peer.map((b) => ({ lo: b.lo, hi: b.hi, pLo: p, pHi: p }));
}

/** The flows of the reply: the peer's addresses × the ephemeral ports (any for icmp). */
function replyFlows(w: Walk): Box[] {
  return w.q.protocol === 'icmp' ? requestFlows(w) : w.peer.map((b) => ({ lo: b.lo, hi: b.hi, pLo: ephemeralPorts.from, pHi: ephemeralPorts.to }));
}

function walkInbound(bp: Blueprint, q: ResolvedQuery, instance: Instance, ctx: ReachContext): ReachVerdict {
  const w = startWalk(bp, q, instance, ctx);
  const { place } = w;
  const traffic = trafficOf(q);
  const gateway = bp.internetGateway?.name;
  w.hops.push(hop(w, 'internet', 'internet', say.internetFrom(q.from), null));

  // The internet gateway attached to the VPC.
  if (!gateway) return finish(w, 'forward', hop(w, 'vpc', bp.vpc.name, say.noGatewayDetail(bp.vpc.name)), { code: 'NO_INTERNET_GATEWAY', reason: say.noGatewayReason(bp.vpc.name, place.instance.name), fix: { kind: 'add-internet-gateway', vpc: bp.vpc.name } });
  w.hops.push(hop(w, 'internetGateway', gateway, say.gatewayIn(bp.vpc.name)));

  // The public address the peer dials, translated by the gateway to the private one.
  const privateIp = place.privateIp ?? say.anAddressIn(subnetCidr(bp, place.subnet));
  const block = publicAddressHop(w, privateIp, 'inbound');
  if (block) return block;

  // The route table of the subnet: the local route delivers inside the VPC.
  const governing = routeTableOf(bp, place.subnet, ctx);
  w.hops.push(hop(w, 'routeTable', governing.name, say.localRouteIn(bp.vpc.cidr, place.subnet ?? '?', governing.explicit), governing.table ? undefined : idOf(ctx, governing.name)));

  // The network ACL, inbound: the request's port from the peer.
  const acl = aclOf(bp, place.subnet);
  if (acl === 'default') w.hops.push(hop(w, 'networkAcl', defaultAclName(bp), say.defaultAcl()));
  else if (acl) {
    const result = evaluateAcl(acl.inbound ?? [], q.protocol, requestFlows(w));
    if (!result.allowed)
      return finish(w, 'forward', hop(w, 'networkAcl', acl.name, say.aclBlockedDetail('inbound', result.deniedBy, describeLeft(w, result.left!, traffic, false, 'inbound'))), {
        code: 'NETWORK_ACL_DENIES_INBOUND',
        reason: say.aclInboundReason(acl.name, place.subnet ?? '?', traffic, addressesText(w, result.left!), result.deniedBy),
        ...(result.deniedBy ? {} : { fix: { kind: 'add-network-acl-rule', networkAcl: acl.name, direction: 'inbound', protocol: q.protocol, ...(q.port === null ? {} : { port: String(q.port) }), peer: q.from } }),
      });
    w.hops.push(hop(w, 'networkAcl', acl.name, say.aclAllowed('inbound', result.used.map(formatAclRule))));
  }

  // The security groups of the interface, inbound.
  const groups = groupsOf(bp, place, 'ingress');
  const sg = evaluateGroups(groups, q.protocol, requestFlows(w));
  if (!sg.allowed) {
    const name = place.securityGroups[0] ?? defaultGroupName(bp);
    const others = otherPeersFor(groups, q);
    return finish(w, 'forward', hop(w, 'securityGroup', name, say.groupBlockedDetail('inbound', traffic, addressesText(w, sg.left!), place.securityGroups)), {
      code: 'SECURITY_GROUP_RULE_MISSING',
      reason: say.groupInboundReason(place.securityGroups, traffic, q.from, addressesText(w, sg.left!), others),
      ...(place.securityGroups[0] ? { fix: { kind: 'add-security-group-rule', securityGroup: place.securityGroups[0], direction: 'ingress', protocol: q.protocol, ...(q.port === null ? {} : { port: q.port }), peer: q.from } } : {}),
    });
  }
  for (const name of unique(sg.used.map((u) => u.group)))
    w.hops.push(hop(w, 'securityGroup', name, say.groupAllowed('inbound', sg.used.filter((u) => u.group === name).map((u) => formatGroupRule('inbound', u.rule)))));

  // The interface and the instance.
  w.hops.push(interfaceHop(w, privateIp));
  const notRunning = instanceState(w);
  if (notRunning) return finish(w, 'forward', hop(w, 'instance', place.instance.name, say.instanceStateDetail(notRunning)), { code: 'INSTANCE_NOT_RUNNING', reason: say.instanceNotRunning(place.instance.name, notRunning) });
  w.hops.push(hop(w, 'instance', place.instance.name, say.instanceReceives(traffic, q.protocol === 'tcp' && q.port === (place.instance.sshPort ?? 22) ? place.instance.sshUser : undefined)));

  // The reply: instance → security group (stateful) → ACL outbound (stateless) → route → gateway.
  w.returnHops.push(hop(w, 'instance', place.instance.name, say.instanceReplies(traffic, privateIp, q.from)));
  if (place.securityGroups.length > 0) w.returnHops.push(hop(w, 'securityGroup', sg.used[0]?.group ?? place.securityGroups[0]!, say.statefulReply()));
  if (acl === 'default') w.returnHops.push(hop(w, 'networkAcl', defaultAclName(bp), say.defaultAclReply()));
  else if (acl) {
    const result = evaluateAcl(acl.outbound ?? [], q.protocol, replyFlows(w));
    if (!result.allowed)
      return finish(w, 'return', hop(w, 'networkAcl', acl.name, say.aclBlockedDetail('outbound', result.deniedBy, describeLeft(w, result.left!, traffic, true, 'outbound'))), {
        code: 'NETWORK_ACL_DENIES_OUTBOUND',
        reason: say.aclReplyOutReason(acl.name, traffic, addressesText(w, result.left!), describePorts(result.left![0]!), result.deniedBy),
        fix: { kind: 'add-network-acl-rule', networkAcl: acl.name, direction: 'outbound', protocol: q.protocol, ...(q.protocol === 'icmp' ? {} : { port: `${ephemeralPorts.from}-${ephemeralPorts.to}` }), peer: q.from },
      });
    w.returnHops.push(hop(w, 'networkAcl', acl.name, say.statelessReply('outbound', result.used.map(formatAclRule))));
  }
  const routeBlock = routeHop(w, w.returnHops, 'return', governing, gateway);
  if (routeBlock) return routeBlock;
  w.returnHops.push(hop(w, 'internetGateway', gateway, say.gatewayOut(privateIp, publicLabel(w))));
  w.returnHops.push(hop(w, 'internet', 'internet', say.backTo(q.from), null));
  return finish(w, 'return', undefined, undefined);
}

function walkOutbound(bp: Blueprint, q: ResolvedQuery, instance: Instance, ctx: ReachContext): ReachVerdict {
  const w = startWalk(bp, q, instance, ctx);
  const { place } = w;
  const traffic = trafficOf(q);
  const gateway = bp.internetGateway?.name;
  const privateIp = place.privateIp ?? say.anAddressIn(subnetCidr(bp, place.subnet));

  const notRunning = instanceState(w);
  if (notRunning) return finish(w, 'forward', hop(w, 'instance', place.instance.name, say.instanceStateDetail(notRunning)), { code: 'INSTANCE_NOT_RUNNING', reason: say.instanceNotRunning(place.instance.name, notRunning) });
  w.hops.push(hop(w, 'instance', place.instance.name, say.instanceSends(traffic, q.from)));
  w.hops.push(interfaceHop(w, privateIp));

  // Security group egress: declared rules, or AWS's default allow-all.
  const declared = place.securityGroups
    .map((name) => (bp.securityGroups ?? []).find((g) => g.name === name))
    .filter((g): g is SecurityGroup => g !== undefined);
  const groups = groupsOf(bp, place, 'egress');
  const sg = evaluateGroups(groups, q.protocol, requestFlows(w));
  if (!sg.allowed) {
    const name = place.securityGroups[0] ?? defaultGroupName(bp);
    return finish(w, 'forward', hop(w, 'securityGroup', name, say.groupBlockedDetail('outbound', traffic, addressesText(w, sg.left!), place.securityGroups)), {
      code: 'SECURITY_GROUP_RULE_MISSING',
      reason: say.groupEgressReason(place.securityGroups, traffic, q.from),
      ...(place.securityGroups[0] ? { fix: { kind: 'add-security-group-rule', securityGroup: place.securityGroups[0], direction: 'egress', protocol: q.protocol, ...(q.port === null ? {} : { port: q.port }), peer: q.from } } : {}),
    });
  }
  for (const name of unique(sg.used.map((u) => u.group))) {
    const defaultEgress = declared.find((g) => g.name === name)?.egress === undefined;
    w.hops.push(hop(w, 'securityGroup', name, defaultEgress ? say.defaultEgress() : say.groupAllowed('outbound', sg.used.filter((u) => u.group === name).map((u) => formatGroupRule('outbound', u.rule)))));
  }

  // ACL outbound: the request's port to the peer.
  const acl = aclOf(bp, place.subnet);
  if (acl === 'default') w.hops.push(hop(w, 'networkAcl', defaultAclName(bp), say.defaultAcl()));
  else if (acl) {
    const result = evaluateAcl(acl.outbound ?? [], q.protocol, requestFlows(w));
    if (!result.allowed)
      return finish(w, 'forward', hop(w, 'networkAcl', acl.name, say.aclBlockedDetail('outbound', result.deniedBy, describeLeft(w, result.left!, traffic, false, 'outbound'))), {
        code: 'NETWORK_ACL_DENIES_OUTBOUND',
        reason: say.aclRequestOutReason(acl.name, traffic, addressesText(w, result.left!), result.deniedBy),
        ...(result.deniedBy ? {} : { fix: { kind: 'add-network-acl-rule', networkAcl: acl.name, direction: 'outbound', protocol: q.protocol, ...(q.port === null ? {} : { port: String(q.port) }), peer: q.from } }),
      });
    w.hops.push(hop(w, 'networkAcl', acl.name, say.aclAllowed('outbound', result.used.map(formatAclRule))));
  }

  // The route to the gateway, then the public address, then the gateway.
  const governing = routeTableOf(bp, place.subnet, ctx);
  const nat = natGatewayFor(bp, governing.table, w.peer);
  if (nat) return walkOutViaNat(w, governing, nat, privateIp, acl, sg.used[0]?.group);
  if (!gateway) return finish(w, 'forward', hop(w, 'vpc', bp.vpc.name, say.noGatewayDetail(bp.vpc.name)), { code: 'NO_INTERNET_GATEWAY', reason: say.noGatewayOutReason(bp.vpc.name, place.instance.name), fix: { kind: 'add-internet-gateway', vpc: bp.vpc.name } });
  const routeBlock = routeHop(w, w.hops, 'forward', governing, gateway);
  if (routeBlock) return routeBlock;
  const block = publicAddressHop(w, privateIp, 'outbound');
  if (block) return block;
  w.hops.push(hop(w, 'internetGateway', gateway, say.gatewayOut(privateIp, publicLabel(w))));
  w.hops.push(hop(w, 'internet', 'internet', say.internetTo(q.from), null));

  // The answer back in: gateway → ACL inbound (stateless: the ephemeral ports) → group (stateful).
  w.returnHops.push(hop(w, 'internet', 'internet', say.answerFrom(q.from), null));
  w.returnHops.push(hop(w, 'internetGateway', gateway, say.gatewayBackIn(publicLabel(w), privateIp)));
  if (acl === 'default') w.returnHops.push(hop(w, 'networkAcl', defaultAclName(bp), say.defaultAclReply()));
  else if (acl) {
    const result = evaluateAcl(acl.inbound ?? [], q.protocol, replyFlows(w));
    if (!result.allowed)
      return finish(w, 'return', hop(w, 'networkAcl', acl.name, say.aclBlockedDetail('inbound', result.deniedBy, describeLeft(w, result.left!, traffic, true, 'inbound'))), {
        code: 'NETWORK_ACL_DENIES_INBOUND',
        reason: say.aclReplyInReason(acl.name, traffic, addressesText(w, result.left!), describePorts(result.left![0]!), result.deniedBy),
        fix: { kind: 'add-network-acl-rule', networkAcl: acl.name, direction: 'inbound', protocol: q.protocol, ...(q.protocol === 'icmp' ? {} : { port: `${ephemeralPorts.from}-${ephemeralPorts.to}` }), peer: q.from },
      });
    w.returnHops.push(hop(w, 'networkAcl', acl.name, say.statelessReply('inbound', result.used.map(formatAclRule))));
  }
  if (place.securityGroups.length > 0) w.returnHops.push(hop(w, 'securityGroup', sg.used[0]?.group ?? place.securityGroups[0]!, say.statefulAnswer()));
  w.returnHops.push(interfaceHop(w, privateIp));
  w.returnHops.push(hop(w, 'instance', place.instance.name, say.instanceGetsAnswer(traffic)));
  return finish(w, 'return', undefined, undefined);
}

// ---------------------------------------------------------------------------------------------
// The way out of a private subnet: through a NAT gateway in a public subnet.

/** The NAT gateway the most specific route for the peer's addresses goes to, if it is one. */
function natGatewayFor(bp: Blueprint, table: RouteTable | undefined, peer: Box[]): NatGateway | undefined {
  const decisive = routeTo(table, bp.vpc.cidr, undefined, peer).elsewhere;
  return decisive ? (bp.natGateways ?? []).find((n) => n.name === decisive.target) : undefined;
}

/** instance → … → route to the NAT gateway → NAT (its address) → its subnet's route → internet
 * gateway → internet, and the answer back the same way. */
function walkOutViaNat(w: Walk, governing: GoverningTable, nat: NatGateway, privateIp: string, acl: NetworkAcl | 'default' | undefined, group: string | undefined): ReachVerdict {
  const { bp, q, place } = w;
  const traffic = trafficOf(q);
  const gateway = bp.internetGateway?.name;
  const routeBlock = routeHop(w, w.hops, 'forward', governing, nat.name);
  if (routeBlock) return routeBlock;
  const address = publicAddressOf(w.ctx, nat.name) ?? (nat.elasticIp ? publicAddressOf(w.ctx, nat.elasticIp) : undefined);
  w.hops.push(hop(w, 'natGateway', nat.name, say.natOut(nat.name, nat.subnet, address, privateIp)));
  if (!gateway) return finish(w, 'forward', hop(w, 'vpc', bp.vpc.name, say.noGatewayDetail(bp.vpc.name)), { code: 'NO_INTERNET_GATEWAY', reason: say.noGatewayOutReason(bp.vpc.name, place.instance.name), fix: { kind: 'add-internet-gateway', vpc: bp.vpc.name } });
  // The NAT gateway's subnet: its ACL (when it differs) and its route to the internet gateway.
  const natAcl = aclOf(bp, nat.subnet);
  const ownAcl = natAcl && natAcl !== 'default' && natAcl !== acl ? natAcl : undefined;
  if (ownAcl) {
    const result = evaluateAcl(ownAcl.outbound ?? [], q.protocol, requestFlows(w));
    if (!result.allowed)
      return finish(w, 'forward', hop(w, 'networkAcl', ownAcl.name, say.aclBlockedDetail('outbound', result.deniedBy, describeLeft(w, result.left!, traffic, false, 'outbound'))), {
        code: 'NETWORK_ACL_DENIES_OUTBOUND',
        reason: say.aclRequestOutReason(ownAcl.name, traffic, addressesText(w, result.left!), result.deniedBy),
      });
    w.hops.push(hop(w, 'networkAcl', ownAcl.name, say.aclAllowed('outbound', result.used.map(formatAclRule))));
  }
  const natTable = routeTableOf(bp, nat.subnet, w.ctx);
  const natTableId = natTable.table ? undefined : idOf(w.ctx, natTable.name);
  const out = routeTo(natTable.table, bp.vpc.cidr, gateway, w.peer);
  if (out.missing || out.elsewhere)
    return finish(w, 'forward', hop(w, 'routeTable', natTable.name, say.noRouteDetail(w.q.from, gateway, out.elsewhere), natTableId), {
      code: 'NAT_WITHOUT_INTERNET_ROUTE',
      reason: say.natNoRouteReason(nat.name, nat.subnet, natTable.name, gateway),
      ...(natTable.table ? { fix: { kind: 'add-route', routeTable: natTable.name, destination: '0.0.0.0/0', target: gateway } } : {}),
    });
  w.hops.push(hop(w, 'routeTable', natTable.name, say.routeUsed(out.used.map((r) => r.destination), gateway, false), natTableId));
  w.hops.push(hop(w, 'internetGateway', gateway, say.natGatewayOut(address)));
  w.hops.push(hop(w, 'internet', 'internet', say.internetTo(q.from), null));

  // The answer: internet gateway → the NAT's subnet ACL → NAT → the instance's ACL and group.
  w.returnHops.push(hop(w, 'internet', 'internet', say.answerFrom(q.from), null));
  w.returnHops.push(hop(w, 'internetGateway', gateway, say.gatewayBackIn(address, nat.name)));
  for (const [which, list] of [[ownAcl, 'nat'], [acl, 'instance']] as const) {
    if (which === 'default') w.returnHops.push(hop(w, 'networkAcl', defaultAclName(bp), say.defaultAclReply()));
    else if (which) {
      const result = evaluateAcl(which.inbound ?? [], q.protocol, replyFlows(w));
      if (!result.allowed)
        return finish(w, 'return', hop(w, 'networkAcl', which.name, say.aclBlockedDetail('inbound', result.deniedBy, describeLeft(w, result.left!, traffic, true, 'inbound'))), {
          code: 'NETWORK_ACL_DENIES_INBOUND',
          reason: say.aclReplyInReason(which.name, traffic, addressesText(w, result.left!), describePorts(result.left![0]!), result.deniedBy),
        });
      w.returnHops.push(hop(w, 'networkAcl', which.name, say.statelessReply('inbound', result.used.map(formatAclRule))));
    }
    if (list === 'nat') w.returnHops.push(hop(w, 'natGateway', nat.name, say.natBackIn(nat.name, privateIp)));
  }
  if (place.securityGroups.length > 0) w.returnHops.push(hop(w, 'securityGroup', group ?? place.securityGroups[0]!, say.statefulAnswer()));
  w.returnHops.push(interfaceHop(w, privateIp));
  w.returnHops.push(hop(w, 'instance', place.instance.name, say.instanceGetsAnswer(traffic)));
  return finish(w, 'return', undefined, undefined);
}

// ---------------------------------------------------------------------------------------------
// SSH through a jump host: leg 1 is the usual way in to the jump host, leg 2 goes from the jump
// host to the instance's private address inside the VPC.

function hasPublicAddress(bp: Blueprint, instance: Instance): boolean {
  const place = placementOf(bp, instance);
  return place.elasticIp !== undefined || place.autoPublicIp;
}

/** The jump host for SSH to an instance: its `sshVia`; or, for an instance without a public
 * address, the one instance with a public address whose security groups let it reach the
 * instance's SSH port (none when there are several or none: the user must say). */
export function jumpHostOf(bp: Blueprint, instanceName: string): { name: string; automatic: boolean } | undefined {
  const instance = (bp.instances ?? []).find((i) => i.name === instanceName);
  if (!instance) return undefined;
  if (instance.sshVia) return { name: instance.sshVia, automatic: false };
  if (hasPublicAddress(bp, instance)) return undefined;
  const q: ResolvedQuery = { instance: instance.name, protocol: 'tcp', port: instance.sshPort ?? 22, from: '0.0.0.0/0', direction: 'inbound' };
  const fits = (bp.instances ?? []).filter((o) => o.name !== instance.name && hasPublicAddress(bp, o) && walkInternal(bp, q, o, instance, {}).reachable);
  return fits.length === 1 ? { name: fits[0]!.name, automatic: true } : undefined;
}

function walkVia(bp: Blueprint, q: ResolvedQuery, instance: Instance, jump: Instance, automatic: boolean, ctx: ReachContext): ReachVerdict {
  const legOne = walkInbound(bp, { ...q, instance: jump.name, port: jump.sshPort ?? 22 }, jump, ctx);
  if (!legOne.reachable)
    return { ...legOne, query: q, reason: say.legOneBlocked(jump.name, legOne.reason ?? ''), via: { jumpHost: jump.name, automatic, blockedLeg: 1 } };
  const legTwo = walkInternal(bp, q, jump, instance, ctx);
  const merged: ReachVerdict = { ...legTwo, query: q, hops: [...legOne.hops, ...legTwo.hops], returnHops: [...legTwo.returnHops, ...legOne.returnHops], via: { jumpHost: jump.name, automatic, blockedLeg: null } };
  if (legTwo.reachable || !legTwo.blockedAt) return merged;
  const forward = legTwo.blockedAt.leg === 'forward';
  return {
    ...merged,
    returnHops: forward ? [] : legTwo.returnHops,
    reason: say.legTwoBlocked(jump.name, instance.name, legTwo.reason ?? ''),
    blockedAt: { ...legTwo.blockedAt, index: forward ? legOne.hops.length + legTwo.blockedAt.index : legTwo.blockedAt.index },
    via: { jumpHost: jump.name, automatic, blockedLeg: 2 },
  };
}

/** Rules that name a security group count for the members of that group: a peer in one of
 * `memberOf` stands for `cidr`, any other group stands for nobody. */
function resolveGroupPeers(groups: { name: string; rules: SgRule[] }[], memberOf: string[], cidr: string): { name: string; rules: SgRule[] }[] {
  const resolve = (peer: string) => (parseCidr(peer) ? peer : memberOf.includes(peer) ? cidr : undefined);
  return groups.map((g) => ({
    name: g.name,
    rules: g.rules.flatMap((r): SgRule[] => {
      const peer = resolve('source' in r ? r.source : r.destination);
      if (!peer) return [];
      const resolved = ('source' in r ? { ...r, source: peer } : { ...r, destination: peer }) as SgRule;
      asWritten.set(resolved, r);
      return [resolved];
    }),
  }));
}

/** The rule as the blueprint wrote it (a group's name, not the address it stood for here). */
const asWritten = new WeakMap<SgRule, SgRule>();

/** Leg 2: the jump host opens the connection to the instance's private address. Security groups
 * are checked on both ends (a rule naming the other's group counts), network ACLs only when the
 * two are in different subnets (an ACL governs what crosses its subnet's edge). */
function walkInternal(bp: Blueprint, q: ResolvedQuery, jump: Instance, target: Instance, ctx: ReachContext): ReachVerdict {
  const jp = placementOf(bp, jump);
  const tp = placementOf(bp, target);
  const jumpCidr = jp.privateIp ? `${jp.privateIp}/32` : subnetCidr(bp, jp.subnet);
  const targetCidr = tp.privateIp ? `${tp.privateIp}/32` : subnetCidr(bp, tp.subnet);
  const box = (text: string, ports: { pLo: number; pHi: number }): Box[] => {
    const c = parseCidr(text);
    return c ? [{ lo: c.first, hi: c.last, ...ports }] : [];
  };
  const port = q.port ?? 22;
  const w: Walk = { bp, q: { ...q, from: jumpCidr }, ctx, place: tp, peer: box(jumpCidr, allPorts), hops: [], returnHops: [] };
  const traffic = trafficOf(q);
  const targetIp = tp.privateIp ?? say.anAddressIn(subnetCidr(bp, tp.subnet));
  const jumpIp = jp.privateIp ?? say.anAddressIn(subnetCidr(bp, jp.subnet));
  const toTarget = box(targetCidr, { pLo: port, pHi: port });
  const fromJump = box(jumpCidr, { pLo: port, pHi: port });
  const ephemeral = { pLo: ephemeralPorts.from, pHi: ephemeralPorts.to };
  const crossing = jp.subnet !== tp.subnet;
  const jumpAcl = crossing ? aclOf(bp, jp.subnet) : undefined;
  const targetAcl = crossing ? aclOf(bp, tp.subnet) : undefined;
  const aclStep = (acl: NetworkAcl | 'default' | undefined, direction: 'inbound' | 'outbound', flows: Box[], leg: 'forward' | 'return', peerName: string): ReachVerdict | undefined => {
    const list = leg === 'forward' ? w.hops : w.returnHops;
    if (acl === undefined) return undefined;
    if (acl === 'default') {
      list.push(hop(w, 'networkAcl', defaultAclName(bp), say.defaultAcl()));
      return undefined;
    }
    const result = evaluateAcl((direction === 'inbound' ? acl.inbound : acl.outbound) ?? [], 'tcp', flows);
    if (!result.allowed)
      return finish(w, leg, hop(w, 'networkAcl', acl.name, say.aclBlockedDetail(direction, result.deniedBy, peerName)), {
        code: direction === 'inbound' ? 'NETWORK_ACL_DENIES_INBOUND' : 'NETWORK_ACL_DENIES_OUTBOUND',
        reason: say.internalAclReason(acl.name, direction, traffic, peerName),
      });
    list.push(hop(w, 'networkAcl', acl.name, say.aclAllowed(direction, result.used.map(formatAclRule))));
    return undefined;
  };

  w.hops.push(hop(w, 'instance', jump.name, say.jumpSends(traffic, target.name, targetIp)));
  const egress = evaluateGroups(resolveGroupPeers(groupsOf(bp, jp, 'egress'), tp.securityGroups, targetCidr), 'tcp', toTarget);
  if (!egress.allowed)
    return finish(w, 'forward', hop(w, 'securityGroup', jp.securityGroups[0] ?? defaultGroupName(bp), say.groupBlockedDetail('outbound', traffic, targetIp, jp.securityGroups)), {
      code: 'SECURITY_GROUP_RULE_MISSING',
      reason: say.jumpGroupEgressReason(jp.securityGroups, traffic, target.name),
    });
  for (const name of unique(egress.used.map((u) => u.group))) w.hops.push(hop(w, 'securityGroup', name, say.groupAllowed('outbound', egress.used.filter((u) => u.group === name).map((u) => formatGroupRule('outbound', u.rule)))));
  const jumpTable = routeTableOf(bp, jp.subnet, ctx);
  const outBlocked = aclStep(jumpAcl, 'outbound', toTarget, 'forward', target.name);
  if (outBlocked) return outBlocked;
  w.hops.push(hop(w, 'routeTable', jumpTable.name, say.localRouteBetween(bp.vpc.cidr), jumpTable.table ? undefined : idOf(ctx, jumpTable.name)));
  const inBlocked = aclStep(targetAcl, 'inbound', fromJump, 'forward', jump.name);
  if (inBlocked) return inBlocked;
  const ingress = evaluateGroups(resolveGroupPeers(groupsOf(bp, tp, 'ingress'), jp.securityGroups, jumpCidr), 'tcp', fromJump);
  if (!ingress.allowed)
    return finish(w, 'forward', hop(w, 'securityGroup', tp.securityGroups[0] ?? defaultGroupName(bp), say.groupBlockedDetail('inbound', traffic, jump.name, tp.securityGroups)), {
      code: 'SECURITY_GROUP_RULE_MISSING',
      reason: say.targetGroupInboundReason(tp.securityGroups, traffic, jump.name, jp.securityGroups),
      ...(tp.securityGroups[0] ? { fix: { kind: 'add-security-group-rule', securityGroup: tp.securityGroups[0], direction: 'ingress', protocol: 'tcp', port, peer: jp.securityGroups[0] ?? jumpCidr } } : {}),
    });
  for (const name of unique(ingress.used.map((u) => u.group))) w.hops.push(hop(w, 'securityGroup', name, say.groupAllowed('inbound', ingress.used.filter((u) => u.group === name).map((u) => formatGroupRule('inbound', u.rule)))));
  w.hops.push(interfaceHop(w, targetIp));
  const notRunning = instanceState(w);
  if (notRunning) return finish(w, 'forward', hop(w, 'instance', target.name, say.instanceStateDetail(notRunning)), { code: 'INSTANCE_NOT_RUNNING', reason: say.instanceNotRunning(target.name, notRunning) });
  w.hops.push(hop(w, 'instance', target.name, say.instanceReceives(traffic, target.sshUser)));

  // The reply: stateful groups on both ends, stateless ACLs checked again on the ephemeral ports.
  w.returnHops.push(hop(w, 'instance', target.name, say.instanceReplies(traffic, targetIp, jumpIp)));
  if (tp.securityGroups.length > 0) w.returnHops.push(hop(w, 'securityGroup', ingress.used[0]?.group ?? tp.securityGroups[0]!, say.statefulReply()));
  const replyBlocked = aclStep(targetAcl, 'outbound', box(jumpCidr, ephemeral), 'return', jump.name) ?? aclStep(jumpAcl, 'inbound', box(targetCidr, ephemeral), 'return', target.name);
  if (replyBlocked) return replyBlocked;
  if (jp.securityGroups.length > 0) w.returnHops.push(hop(w, 'securityGroup', egress.used[0]?.group ?? jp.securityGroups[0]!, say.statefulAnswer()));
  w.returnHops.push(hop(w, 'instance', jump.name, say.jumpReceivesReply()));
  return finish(w, 'return', undefined, undefined);
}

function publicAddressHop(w: Walk, privateIp: string, direction: ReachDirection): ReachVerdict | undefined {
  const { place } = w;
  if (place.elasticIp) {
    w.hops.push(hop(w, 'elasticIp', place.elasticIp, say.elasticIpTranslation(place.elasticIp, publicAddressOf(w.ctx, place.elasticIp), privateIp, direction)));
    return undefined;
  }
  if (place.autoPublicIp) {
    w.hops.push(hop(w, 'publicIp', place.instance.name, say.publicIpTranslation(publicAddressOf(w.ctx, place.instance.name), privateIp, direction), null));
    return undefined;
  }
  const onEni = place.networkInterface !== undefined;
  return finish(w, 'forward', hop(w, onEni ? 'networkInterface' : 'instance', place.interfaceName, say.noPublicDetail(privateIp)), {
    code: 'NO_PUBLIC_ADDRESS',
    reason: direction === 'inbound' ? say.noPublicReason(place.instance.name, place.networkInterface, privateIp) : say.noPublicOutReason(place.instance.name, place.networkInterface),
    fix: onEni ? { kind: 'add-elastic-ip', networkInterface: place.networkInterface! } : { kind: 'set-public-ip', instance: place.instance.name },
  });
}

function routeHop(w: Walk, list: Hop[], leg: 'forward' | 'return', governing: GoverningTable, gateway: string, subnet = w.place.subnet ?? '?'): ReachVerdict | undefined {
  const result = routeTo(governing.table, w.bp.vpc.cidr, gateway, w.peer);
  const id = governing.table ? undefined : idOf(w.ctx, governing.name);
  if (result.missing || result.elsewhere) {
    const uncovered = result.missing ? addressesText(w, result.missing) : w.q.from;
    const partial = result.used.length > 0;
    return finish(w, leg, hop(w, 'routeTable', governing.name, say.noRouteDetail(uncovered, gateway, result.elsewhere), id), {
      code: 'NO_ROUTE_TO_INTERNET_GATEWAY',
      reason: governing.explicit || governing.table
        ? say.noRouteReason(governing.name, subnet, uncovered, gateway, partial, leg === 'return')
        : say.mainTableReason(subnet, w.bp.vpc.name, gateway, leg === 'return'),
      fix: governing.explicit || governing.table
        ? { kind: 'add-route', routeTable: governing.name, destination: hasDefaultRoute(governing.table) ? w.q.from : '0.0.0.0/0', target: gateway }
        : { kind: 'associate-route-table', subnet, ...(routedTable(w.bp, gateway) ? { routeTable: routedTable(w.bp, gateway)! } : {}), target: gateway },
    });
  }
  // Most specific first: the route that decides for (most of) the peer's addresses.
  list.push(hop(w, 'routeTable', governing.name, say.routeUsed(result.used.map((r) => r.destination), gateway, leg === 'return'), id));
  return undefined;
}

function hasDefaultRoute(table: RouteTable | undefined): boolean {
  return (table?.routes ?? []).some((r) => parseCidr(r.destination)?.prefix === 0);
}

/** A declared route table with a default route to the gateway, to associate a subnet with. */
function routedTable(bp: Blueprint, gateway: string): string | undefined {
  return (bp.routeTables ?? []).find((rt) => (rt.routes ?? []).some((r) => r.target === gateway && parseCidr(r.destination)?.prefix === 0))?.name;
}

function interfaceHop(w: Walk, privateIp: string): Hop {
  const { place } = w;
  return hop(w, 'networkInterface', place.interfaceName, say.interfaceDetail(privateIp, place.subnet ?? '?', place.networkInterface === undefined), place.networkInterface ? undefined : null);
}

function instanceState(w: Walk): string | undefined {
  const state = w.ctx.instanceStates?.[w.place.instance.name];
  return state !== undefined && state !== 'running' ? state : undefined;
}

function groupsOf(bp: Blueprint, place: Placement, direction: 'ingress' | 'egress'): { name: string; rules: SgRule[] }[] {
  if (place.securityGroups.length === 0) {
    // The VPC's default group: in from its own members only (never the internet), out to all.
    return [{ name: defaultGroupName(bp), rules: direction === 'egress' ? [{ protocol: 'all', destination: '0.0.0.0/0' }] : [] }];
  }
  return place.securityGroups.map((name) => {
    const group = (bp.securityGroups ?? []).find((g) => g.name === name);
    const rules: SgRule[] = direction === 'ingress' ? (group?.ingress ?? []) : (group?.egress ?? [{ protocol: 'all', destination: '0.0.0.0/0' }]);
    return { name, rules };
  });
}

/** The CIDRs other rules of the groups allow the same traffic from (to say "only from …"). */
function otherPeersFor(groups: { name: string; rules: SgRule[] }[], q: ResolvedQuery): string[] {
  const out: string[] = [];
  for (const g of groups)
    for (const rule of g.rules) {
      if (!protocolMatches(rule.protocol, q.protocol)) continue;
      const ports = rulePorts(rule.protocol, rule.port);
      if (!ports || (q.port !== null && (q.port < ports.pLo || q.port > ports.pHi))) continue;
      out.push('source' in rule ? rule.source : rule.destination);
    }
  return unique(out);
}

function defaultGroupName(bp: Blueprint): string {
  return `default (${bp.vpc.name})`;
}

function defaultAclName(bp: Blueprint): string {
  return `default ACL (${bp.vpc.name})`;
}

function subnetCidr(bp: Blueprint, subnet: string | undefined): string {
  return (bp.subnets ?? []).find((s) => s.name === subnet)?.cidr ?? '?';
}

function publicLabel(w: Walk): string | undefined {
  const { place } = w;
  if (place.elasticIp) return say.elasticIpLabel(place.elasticIp, publicAddressOf(w.ctx, place.elasticIp));
  if (place.autoPublicIp) return say.publicIpLabel(publicAddressOf(w.ctx, place.instance.name));
  return undefined;
}

/** "TCP 22 (SSH) from 0.0.0.0/0", or for a reply "tcp 1024-65535 to 0.0.0.0/0". */
function describeLeft(w: Walk, left: Box[], traffic: say.Traffic, reply: boolean, direction: 'inbound' | 'outbound'): string {
  const where = addressesText(w, left);
  const what = reply && traffic.protocol !== 'icmp' ? `${traffic.protocol} ${describePorts(left[0]!)}` : say.describeTraffic(traffic);
  return say.flowText(what, direction === 'inbound' ? 'from' : 'to', where);
}

/** The peer as the user wrote it when none of it got through, else "part of it, e.g. …". */
function addressesText(w: Walk, boxes: Box[]): string {
  const merged = mergeAddresses(boxes);
  const size = (list: { lo: bigint; hi: bigint }[]) => list.reduce((n, r) => n + r.hi - r.lo + 1n, 0n);
  if (merged.length === 0 || size(merged) === size(mergeAddresses(w.peer))) return w.q.from;
  const first = merged[0]!;
  if (merged.length === 1 && describeAddresses({ ...first, ...allPorts }).includes('/')) return describeAddresses({ ...first, ...allPorts });
  return say.partOf(w.q.from, largestBlockAt(first.lo, first.hi));
}

function formatAclRule(rule: AclRule): string {
  const peer = 'source' in rule ? rule.source : rule.destination;
  return say.aclRuleText(rule.rule, rule.action, formatRulePorts(rule.protocol, rule.port), 'source' in rule ? 'from' : 'to', peer);
}

function formatGroupRule(direction: 'inbound' | 'outbound', resolved: SgRule): string {
  const rule = asWritten.get(resolved) ?? resolved;
  const peer = 'source' in rule ? rule.source : rule.destination;
  return say.groupRuleText(direction, formatRulePorts(rule.protocol, rule.port), peer, rule.description);
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

/** A blueprint read back from AWS knows nothing of SSH settings (they live in the file and in the
 * instance's user data): take each instance's sshUser and sshPort from the planned blueprint. */
export function withPlannedSshSettings(live: Blueprint, planned: Blueprint): Blueprint {
  const byName = new Map((planned.instances ?? []).map((i) => [i.name, i]));
  const instances = live.instances?.map((i) => {
    const p = byName.get(i.name);
    return p ? { ...i, ...(p.sshUser !== undefined ? { sshUser: p.sshUser } : {}), ...(p.sshPort !== undefined ? { sshPort: p.sshPort } : {}) } : i;
  });
  return instances ? { ...live, instances } : live;
}

// ---------------------------------------------------------------------------------------------
// Output shapes.

/** The `reach --json` document (DESIGN.md section 4): exactly these keys, hops as
 * {kind, name, id, detail}. */
export function verdictJson(v: ReachVerdict) {
  const plain = (h: Hop) => ({ kind: h.kind, name: h.name, id: h.id, detail: h.detail });
  return { reachable: v.reachable, code: v.code, awsCode: v.awsCode, reason: v.reason, hops: v.hops.map(plain), returnHops: v.returnHops.map(plain), ...(v.via ? { via: v.via } : {}) };
}

/** The verdict as lines of text: a headline, the hops of each leg numbered, the reason. */
export function verdictText(v: ReachVerdict): string[] {
  const lines = [say.verdictHeadline(v.query.instance, { protocol: v.query.protocol, port: v.query.port }, v.query.direction, v.query.from, v.reachable)];
  if (v.via) lines.push(say.viaTitle(v.via.jumpHost, v.via.automatic));
  const labelOf = (h: Hop) => (h.kind === 'internet' ? say.hopKindWord('internet') : `${say.hopKindWord(h.kind)} ${h.name}${h.id ? ` (${h.id})` : ''}`);
  const legs: ['forward' | 'return', Hop[]][] = [['forward', v.hops], ['return', v.returnHops]];
  let n = 0;
  const all = [...v.hops, ...v.returnHops];
  const width = Math.min(60, Math.max(...all.map((h) => labelOf(h).length)));
  for (const [leg, hops] of legs) {
    if (hops.length === 0) continue;
    lines.push('', say.legTitle(v.query.direction, leg));
    for (const h of hops) {
      n++;
      const mark = h.blocked ? '✖' : ' ';
      lines.push(`  ${String(n).padStart(2)}. ${mark} ${labelOf(h).padEnd(width)}  ${h.detail}`);
    }
  }
  if (!v.reachable && v.code) lines.push('', say.whyLine(v.reason ?? ''), say.codeLine(v.code, v.awsCode));
  return lines;
}

// ---------------------------------------------------------------------------------------------
// The verdict drawn on the diagram (src/core/diagram.ts TrafficOverlay).

/** The verdict as arrows between the diagram's components: the way in (or out) and the way back,
 * the blocking component and the reason, and the tutorial's key points as notes. Hops that are
 * not components of the picture (the Elastic IP's translation, the VPC's main route table, a
 * default ACL) are folded into the label of the arrow next to them. */
export function reachOverlay(bp: Blueprint, v: ReachVerdict): TrafficOverlay {
  const names = new Set(components(bp).map((c) => c.name));
  const instance = (bp.instances ?? []).find((i) => i.name === v.query.instance);
  const place = instance ? placementOf(bp, instance) : undefined;
  const nodeOf = (h: Hop): string | undefined => (h.kind === 'internet' ? INTERNET : h.kind === 'elasticIp' || h.kind === 'publicIp' ? undefined : names.has(h.name) ? h.name : undefined);
  /** Where a hop that is not drawn is shown when it blocks: its subnet, else the VPC. */
  const stand = (h: Hop): string => nodeOf(h) ?? (h.kind === 'securityGroup' ? place?.interfaceName : place?.subnet) ?? bp.vpc.name;
  const traffic = { protocol: v.query.protocol, port: v.query.port };

  // Through a jump host each arrow says its leg (1: to the jump host, 2: from it to the instance):
  // the leg of the hop it lands on. Leg 1 ends, and leg 2 starts, at the jump host's instance hop.
  const jump = v.via?.jumpHost;
  const legsOf = (hops: Hop[], legOneFirst: boolean): (1 | 2 | undefined)[] => {
    if (!jump) return hops.map(() => undefined);
    // A path blocked before the jump host never turns: all of it is its first part.
    const at = hops.findIndex((h) => h.kind === 'instance' && h.name === jump);
    const turn = at < 0 ? hops.length : at + 1;
    return hops.map((_, i) => ((i < turn) === legOneFirst ? 1 : 2));
  };

  // An arrow A → B carries what happened at A (the rule or route that let the packet on); what
  // happened at hops that are not drawn is added to the arrow that passes them. At the same node
  // again (an instance, its own interface, the jump host passing the packet on) the arrow says the
  // last thing done there, and nothing of the interface.
  const arrows = (hops: Hop[], legs: (1 | 2 | undefined)[], start: string | undefined, startLabel: string, end: string | undefined): TrafficHop[] => {
    const out: TrafficHop[] = [];
    let at = start;
    let pending: string[] = start ? [startLabel] : [];
    const push = (from: string, to: string, leg: 1 | 2 | undefined) => out.push({ from, to, label: pending.join('; '), ...(leg ? { leg } : {}) });
    for (const [i, h] of hops.entries()) {
      const node = nodeOf(h);
      if (node && node === at && !h.blocked) {
        if (h.kind !== 'networkInterface') pending = [shortLabel(h.detail)];
        continue;
      }
      if (!node) {
        if (h.kind === 'elasticIp' || h.kind === 'publicIp') {
          // The translation is said on the arrow into the gateway (the way in); on the way out
          // the gateway's own hop says it.
          const previous = out[out.length - 1];
          if (previous && previous.to === bp.internetGateway?.name) previous.label = h.detail;
        } else if (!h.blocked) pending.push(shortLabel(h.detail));
        if (h.blocked && at) push(at, stand(h), legs[i]);
        continue;
      }
      if (at !== undefined) push(at, node, legs[i]);
      at = node;
      pending = [shortLabel(h.detail)];
    }
    if (end && at && !hops.some((h) => h.blocked)) push(at, end, legs.at(-1));
    return out;
  };

  const inbound = v.query.direction === 'inbound';
  const forward = arrows(v.hops, legsOf(v.hops, true), inbound ? YOUR_PC : undefined, say.describeTraffic(traffic), undefined);
  const back = arrows(v.returnHops, legsOf(v.returnHops, false), undefined, '', inbound ? YOUR_PC : undefined);
  const notes: { at: string; text: string }[] = [];
  for (const h of v.returnHops) {
    if (h.blocked || !nodeOf(h) || notes.some((n) => n.at === h.name)) continue;
    if (h.kind === 'securityGroup') notes.push({ at: h.name, text: inbound ? say.keyPointStateful() : say.keyPointStatefulAnswer() });
    if (h.kind === 'routeTable' && inbound) notes.push({ at: h.name, text: say.keyPointRoute(h.detail.split(' (')[0]!) });
    if (h.kind === 'networkAcl') notes.push({ at: h.name, text: say.keyPointStateless(inbound) });
  }
  const blocked = v.blockedAt ? (v.blockedAt.leg === 'forward' ? v.hops : v.returnHops)[v.blockedAt.index] : undefined;
  return {
    inbound: forward,
    reply: back,
    ...(notes.length ? { notes } : {}),
    ...(blocked && v.reason ? { blockedAt: { name: stand(blocked), reason: v.reason } } : {}),
  };
}

/** What the diagram draws over the picture: SSH to the instance it is about (the first one reached
 * through a jump host, both legs; else the first instance), and, when that instance goes out to the
 * internet through a NAT gateway, that way out (instance → route table → NAT gateway → the public
 * subnet's route table → internet gateway → internet). Undefined when there is no instance. */
export function diagramOverlay(bp: Blueprint, ctx: ReachContext = {}): TrafficOverlay | undefined {
  const instances = bp.instances ?? [];
  const instance = instances.find((i) => jumpHostOf(bp, i.name)) ?? instances[0];
  if (!instance) return undefined;
  const ssh = reachOverlay(bp, sshReachOf(bp, instance.name, ctx));
  const table = routeTableOf(bp, placementOf(bp, instance).subnet, ctx).table;
  const nat = (table?.routes ?? []).find((r) => (bp.natGateways ?? []).some((n) => n.name === r.target))?.target;
  if (!nat) return ssh;
  const out = analyzeReach(bp, { to: instance.name, direction: 'outbound' }, ctx);
  const way = reachOverlay(bp, out);
  const notes = [...(ssh.notes ?? []), { at: nat, text: say.keyPointNatWayOut() }];
  if (way.blockedAt) notes.push({ at: way.blockedAt.name, text: `✖ ${way.blockedAt.reason}` });
  return { ...ssh, outbound: way.inbound, notes };
}

/** A hop's detail short enough for an arrow: the explanation in parentheses goes to the notes. */
function shortLabel(detail: string): string {
  // Trailing explanations go first, one at a time (a Japanese rule keeps its "(X から)").
  let text = detail;
  while (text.length > 60 && text.endsWith(')') && text.lastIndexOf(' (') > 0) text = text.slice(0, text.lastIndexOf(' ('));
  if (text.length <= 60) return text;
  const cut = text.split(' (')[0]!;
  return cut.length <= 90 ? cut : cut.split(/[:;] /)[0]!;
}

// ---------------------------------------------------------------------------------------------
// In the editor: a warning on an instance meant for SSH whose SSH path is blocked.

/** Can SSH reach this instance from somewhere on the internet? A security group that allows SSH
 * only from the user's own address is the advice of the validator, so each CIDR its rules name is
 * tried as the source before "anyone". The verdict returned is the reachable one if any, else the
 * one that explains the block best (from an address the rules allow, so the block is elsewhere). */
export function sshReachOf(bp: Blueprint, instanceName: string, ctx: ReachContext = {}): ReachVerdict {
  const instance = (bp.instances ?? []).find((i) => i.name === instanceName);
  if (!instance) throw new BlueprintError('usage', say.unknownInstance(instanceName, (bp.instances ?? []).map((i) => i.name)));
  const port = instance.sshPort ?? 22;
  // Through a jump host, the internet's addresses that count are those the jump host lets in.
  const jumpName = jumpHostOf(bp, instance.name)?.name;
  const entry = (jumpName && (bp.instances ?? []).find((i) => i.name === jumpName)) || instance;
  const place = placementOf(bp, entry);
  const vpc = parseCidr(bp.vpc.cidr);
  const allowed = otherPeersFor(groupsOf(bp, place, 'ingress'), { instance: entry.name, protocol: 'tcp', port: entry.sshPort ?? 22, from: '0.0.0.0/0', direction: 'inbound' })
    .map((peer) => parseCidr(peer))
    .filter((c): c is Cidr => c !== undefined && c.version === 4 && !(vpc && vpc.first <= c.first && c.last <= vpc.last))
    .map((c) => c.network);
  const verdicts = [...unique(allowed), '0.0.0.0/0'].map((from) => analyzeReach(bp, { to: instance.name, port, protocol: 'tcp', from }, ctx));
  return verdicts.find((v) => v.reachable) ?? verdicts[0]!;
}

/** A warning `ssh-blocked` on the name of each instance with `sshUser` whose SSH path is blocked,
 * saying where and why (the verdict's `fix` tells the editor which quick fix applies). */
export function reachDiagnostics(bp: Blueprint, source: SourceMap): Diagnostic[] {
  const out: Diagnostic[] = [];
  (bp.instances ?? []).forEach((instance, i) => {
    if (instance.sshUser === undefined) return;
    let verdict: ReachVerdict;
    try {
      verdict = sshReachOf(bp, instance.name);
    } catch {
      return;
    }
    if (verdict.reachable || !verdict.reason) return;
    out.push(diagnostic('warning', 'ssh-blocked', say.sshBlocked(instance.name, verdict.reason), source.range(['instances', i, 'name'])));
  });
  return out;
}

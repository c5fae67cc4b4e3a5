// Traffic path analysis: can a packet from the internet reach an instance (or the instance reach
// the internet), through which hops, and how does the reply get back. Pure: it reads a blueprint
// (the one in the file, or one read back from AWS) and answers in the spirit of AWS Reachability
// Analyzer, naming the first component that blocks the path and the rule or route it lacks.
import type { Blueprint, Instance, SecurityGroup } from './schema';
import type { StateFile } from './state';
import { parseCidr } from './cidr';
import { describePorts, evaluateAcl, evaluateGroups } from './flows';
import { BlueprintError } from './errors';
import * as say from './reach-messages';
import {
  aclOf, addressesText, defaultAclName, defaultGroupName, describeLeft, ephemeralPorts, finish, formatAclRule, formatGroupRule, groupsOf, hop, idOf, instanceState, interfaceHop,
  otherPeersFor, publicAddressHop, publicLabel, replyFlows, requestFlows, routeHop, routeTableOf, startWalk, subnetCidr, trafficOf, unique,
} from './reach-walk';
import { natGatewayFor, walkOutViaNat } from './reach-nat';
import { jumpHostOf, throughJumpHost } from './reach-jump-host';

export type ReachCode =
  | 'NO_INTERNET_GATEWAY'
  | 'NO_PUBLIC_ADDRESS'
  | 'NO_ROUTE_TO_INTERNET_GATEWAY'
  | 'SECURITY_GROUP_RULE_MISSING'
  | 'NETWORK_ACL_DENIES_INBOUND'
  | 'NETWORK_ACL_DENIES_OUTBOUND'
  | 'INSTANCE_NOT_RUNNING'
  | 'NAT_WITHOUT_INTERNET_ROUTE';

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
  if (!jump || !jumpInstance) return walkInbound(bp, q, instance, ctx);
  const legOne = walkInbound(bp, { ...q, instance: jumpInstance.name, port: jumpInstance.sshPort ?? 22 }, jumpInstance, ctx);
  return throughJumpHost(bp, q, legOne, instance, jumpInstance, jump.automatic, ctx);
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

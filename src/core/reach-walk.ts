// The pieces every walk of the traffic analysis (src/core/reach.ts) is made of: where an instance
// sits in the network (its subnet, interface, groups, route table and ACL), the walk's record of
// hops and how it ends (the verdict, or the first block), the hops every walk passes (the public
// address, the route to a gateway, the interface) and the words for rules and addresses.
import type { Blueprint, Instance, NetworkAcl, RouteTable } from './schema';
import { parseCidr } from './cidr';
import { allPorts, describeAddresses, describePorts, largestBlockAt, mergeAddresses, minusAll, routeTo, protocolMatches, rulePorts, type AclRule, type AnyRuleProtocol, type Box, type SgRule } from './flows';
import * as say from './reach-messages';
import type { Hop, HopKind, ReachCode, ReachContext, ReachDirection, ReachFix, ReachVerdict, ResolvedQuery } from './reach';

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

/** The name the main route table goes by in hops when the blueprint does not declare it. */
export const mainRouteTableName = 'main route table';
/** The ports a client picks for its end of a connection (the widest range any OS uses). */
export const ephemeralPorts = { from: 1024, to: 65535 } as const;

export function formatRulePorts(protocol: AnyRuleProtocol, port: number | string | undefined): string {
  if (protocol === 'all') return say.allTraffic();
  if (protocol === 'icmp') return 'icmp';
  return `${protocol} ${port ?? '0-65535'}`;
}

// ---------------------------------------------------------------------------------------------
// The pieces of the network an instance sits in.

export interface Placement {
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

export function placementOf(bp: Blueprint, instance: Instance): Placement {
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

export interface GoverningTable {
  name: string;
  table: RouteTable | undefined;
  explicit: boolean;
}

export function routeTableOf(bp: Blueprint, subnet: string | undefined, ctx: ReachContext): GoverningTable {
  const explicit = subnet ? (bp.routeTables ?? []).find((rt) => (rt.subnets ?? []).includes(subnet)) : undefined;
  if (explicit) return { name: explicit.name, table: explicit, explicit: true };
  const main = ctx.mainRouteTable ? (bp.routeTables ?? []).find((rt) => rt.name === ctx.mainRouteTable) : undefined;
  return { name: main?.name ?? mainRouteTableName, table: main, explicit: false };
}

/** The subnet's ACL: undefined when the blueprint declares no ACL at all (no ACL hop is drawn);
 * `default` when ACLs exist but none governs this subnet (the VPC's default ACL allows all). */
export function aclOf(bp: Blueprint, subnet: string | undefined): NetworkAcl | 'default' | undefined {
  if (!bp.networkAcls || bp.networkAcls.length === 0) return undefined;
  return (subnet && bp.networkAcls.find((a) => (a.subnets ?? []).includes(subnet))) || 'default';
}

export interface Walk {
  bp: Blueprint;
  q: ResolvedQuery;
  ctx: ReachContext;
  place: Placement;
  /** The peer's addresses outside the VPC (inside it the local route wins; that is not the internet). */
  peer: Box[];
  hops: Hop[];
  returnHops: Hop[];
}

export function idOf(ctx: ReachContext, name: string): string | null {
  return ctx.ids?.[name] ?? ctx.state?.resources[name]?.id ?? null;
}

export function publicAddressOf(ctx: ReachContext, name: string): string | undefined {
  const known = ctx.publicAddresses?.[name];
  if (known) return known;
  const attrs = ctx.state?.resources[name]?.attributes ?? {};
  for (const key of ['publicIp', 'publicIpAddress', 'address']) if (typeof attrs[key] === 'string') return attrs[key] as string;
  return undefined;
}

export function hop(w: Walk, kind: HopKind, name: string, detail: string, id?: string | null): Hop {
  return { kind, name, id: id === undefined ? idOf(w.ctx, name) : id, detail };
}

export type Block = { code: ReachCode; reason: string; fix?: ReachFix };

export function finish(w: Walk, leg: 'forward' | 'return', blockedHop: Hop | undefined, block: Block | undefined): ReachVerdict {
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

export function startWalk(bp: Blueprint, q: ResolvedQuery, instance: Instance, ctx: ReachContext): Walk {
  const from = parseCidr(q.from)!;
  const vpc = parseCidr(bp.vpc.cidr);
  let peer: Box[] = [{ lo: from.first, hi: from.last, ...allPorts }];
  if (vpc) peer = minusAll(peer, { lo: vpc.first, hi: vpc.last, ...allPorts });
  return { bp, q, ctx, place: placementOf(bp, instance), peer, hops: [], returnHops: [] };
}

export function trafficOf(q: ResolvedQuery): say.Traffic {
  return { protocol: q.protocol, port: q.port };
}

/** The flows of the request: the peer's addresses × the service port. */
export function requestFlows(w: Walk): Box[] {
  const p = w.q.port ?? 0;
  return w.peer.map((b) => ({ lo: b.lo, hi: b.hi, pLo: p, pHi: p }));
}

/** The flows of the reply: the peer's addresses × the ephemeral ports (any for icmp). */
export function replyFlows(w: Walk): Box[] {
  return w.q.protocol === 'icmp' ? requestFlows(w) : w.peer.map((b) => ({ lo: b.lo, hi: b.hi, pLo: ephemeralPorts.from, pHi: ephemeralPorts.to }));
}

export function publicAddressHop(w: Walk, privateIp: string, direction: ReachDirection): ReachVerdict | undefined {
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

export function routeHop(w: Walk, list: Hop[], leg: 'forward' | 'return', governing: GoverningTable, gateway: string, subnet = w.place.subnet ?? '?'): ReachVerdict | undefined {
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

export function interfaceHop(w: Walk, privateIp: string): Hop {
  const { place } = w;
  return hop(w, 'networkInterface', place.interfaceName, say.interfaceDetail(privateIp, place.subnet ?? '?', place.networkInterface === undefined), place.networkInterface ? undefined : null);
}

export function instanceState(w: Walk): string | undefined {
  const state = w.ctx.instanceStates?.[w.place.instance.name];
  return state !== undefined && state !== 'running' ? state : undefined;
}

export function groupsOf(bp: Blueprint, place: Placement, direction: 'ingress' | 'egress'): { name: string; rules: SgRule[] }[] {
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
export function otherPeersFor(groups: { name: string; rules: SgRule[] }[], q: ResolvedQuery): string[] {
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

export function defaultGroupName(bp: Blueprint): string {
  return `default (${bp.vpc.name})`;
}

export function defaultAclName(bp: Blueprint): string {
  return `default ACL (${bp.vpc.name})`;
}

export function subnetCidr(bp: Blueprint, subnet: string | undefined): string {
  return (bp.subnets ?? []).find((s) => s.name === subnet)?.cidr ?? '?';
}

export function publicLabel(w: Walk): string | undefined {
  const { place } = w;
  if (place.elasticIp) return say.elasticIpLabel(place.elasticIp, publicAddressOf(w.ctx, place.elasticIp));
  if (place.autoPublicIp) return say.publicIpLabel(publicAddressOf(w.ctx, place.instance.name));
  return undefined;
}

/** "TCP 22 (SSH) from 0.0.0.0/0", or for a reply "tcp 1024-65535 to 0.0.0.0/0". */
export function describeLeft(w: Walk, left: Box[], traffic: say.Traffic, reply: boolean, direction: 'inbound' | 'outbound'): string {
  const where = addressesText(w, left);
  const what = reply && traffic.protocol !== 'icmp' ? `${traffic.protocol} ${describePorts(left[0]!)}` : say.describeTraffic(traffic);
  return say.flowText(what, direction === 'inbound' ? 'from' : 'to', where);
}

/** The peer as the user wrote it when none of it got through, else "part of it, e.g. …". */
export function addressesText(w: Walk, boxes: Box[]): string {
  const merged = mergeAddresses(boxes);
  const size = (list: { lo: bigint; hi: bigint }[]) => list.reduce((n, r) => n + r.hi - r.lo + 1n, 0n);
  if (merged.length === 0 || size(merged) === size(mergeAddresses(w.peer))) return w.q.from;
  const first = merged[0]!;
  if (merged.length === 1 && describeAddresses({ ...first, ...allPorts }).includes('/')) return describeAddresses({ ...first, ...allPorts });
  return say.partOf(w.q.from, largestBlockAt(first.lo, first.hi));
}

export function formatAclRule(rule: AclRule): string {
  const peer = 'source' in rule ? rule.source : rule.destination;
  return say.aclRuleText(rule.rule, rule.action, formatRulePorts(rule.protocol, rule.port), 'source' in rule ? 'from' : 'to', peer);
}

export function formatGroupRule(direction: 'inbound' | 'outbound', resolved: SgRule): string {
  const rule = asWritten.get(resolved) ?? resolved;
  const peer = 'source' in rule ? rule.source : rule.destination;
  return say.groupRuleText(direction, formatRulePorts(rule.protocol, rule.port), peer, rule.description);
}

export function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
/** The rule as the blueprint wrote it (a group's name, not the address it stood for here). */
export const asWritten = new WeakMap<SgRule, SgRule>();

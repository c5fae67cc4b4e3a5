// Sets of flows for traffic analysis: boxes of (address range × port range), and the three
// things that filter them: a route table (longest prefix wins), a network ACL (numbered rules, first
// match wins, implicit deny), security groups (only allow, the union counts). Pure, no wording: the
// walk along the hops (reach.ts) says what these results mean.
import type { NetworkAcl, RouteTable, SecurityGroup } from './schema';
import { ipv4ToString, parseCidr, type Cidr } from './cidr';
import { parsePortRange } from './ports';

export type FlowProtocol = 'tcp' | 'udp' | 'icmp';

/** Addresses lo…hi × ports pLo…pHi: a rule that covers only part of the source or of the ports
 * is seen as such. */
export interface Box {
  lo: bigint;
  hi: bigint;
  pLo: number;
  pHi: number;
}

export function overlapsBox(a: Box, b: Box): boolean {
  return a.lo <= b.hi && b.lo <= a.hi && a.pLo <= b.pHi && b.pLo <= a.pHi;
}

export function minus(a: Box, b: Box): Box[] {
  if (!overlapsBox(a, b)) return [a];
  const out: Box[] = [];
  if (a.lo < b.lo) out.push({ ...a, hi: b.lo - 1n });
  if (a.hi > b.hi) out.push({ ...a, lo: b.hi + 1n });
  const lo = a.lo > b.lo ? a.lo : b.lo;
  const hi = a.hi < b.hi ? a.hi : b.hi;
  if (a.pLo < b.pLo) out.push({ lo, hi, pLo: a.pLo, pHi: b.pLo - 1 });
  if (a.pHi > b.pHi) out.push({ lo, hi, pLo: b.pHi + 1, pHi: a.pHi });
  return out;
}

export function minusAll(set: Box[], cut: Box): Box[] {
  return set.flatMap((b) => minus(b, cut));
}

export const allPorts = { pLo: 0, pHi: 65535 };

/** The address range of a box as a CIDR when it is one, else "first–last". */
export function describeAddresses(box: Box): string {
  const size = box.hi - box.lo + 1n;
  if ((size & (size - 1n)) === 0n && box.lo % size === 0n) {
    let prefix = 32;
    for (let s = size; s > 1n; s >>= 1n) prefix--;
    return `${ipv4ToString(box.lo)}/${prefix}`;
  }
  return `${ipv4ToString(box.lo)}–${ipv4ToString(box.hi)}`;
}

export function intersect(a: Box, b: Box): Box {
  return { lo: a.lo > b.lo ? a.lo : b.lo, hi: a.hi < b.hi ? a.hi : b.hi, pLo: Math.max(a.pLo, b.pLo), pHi: Math.min(a.pHi, b.pHi) };
}

/** The address ranges of boxes, merged and sorted. */
export function mergeAddresses(boxes: Box[]): { lo: bigint; hi: bigint }[] {
  const sorted = boxes.map((b) => ({ lo: b.lo, hi: b.hi })).sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  const out: { lo: bigint; hi: bigint }[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.lo <= last.hi + 1n) last.hi = r.hi > last.hi ? r.hi : last.hi;
    else out.push({ ...r });
  }
  return out;
}

/** The largest CIDR block that starts at `lo` and ends by `hi`. */
export function largestBlockAt(lo: bigint, hi: bigint): string {
  let prefix = 32;
  while (prefix > 0) {
    const size = 1n << BigInt(33 - prefix);
    if (lo % size !== 0n || lo + size - 1n > hi) break;
    prefix--;
  }
  return `${ipv4ToString(lo)}/${prefix}`;
}

export function describePorts(box: Box): string {
  return box.pLo === box.pHi ? String(box.pLo) : `${box.pLo}-${box.pHi}`;
}

// ---------------------------------------------------------------------------------------------
// Rules as boxes.

export type AnyRuleProtocol = 'tcp' | 'udp' | 'icmp' | 'all';

export function protocolMatches(rule: AnyRuleProtocol, query: FlowProtocol): boolean {
  return rule === 'all' || rule === query;
}

/** The ports a rule covers: all for icmp and all-protocol rules (ICMP has no ports). */
export function rulePorts(protocol: AnyRuleProtocol, port: number | string | undefined): { pLo: number; pHi: number } | undefined {
  if (protocol === 'all' || protocol === 'icmp' || port === undefined) return allPorts;
  const range = parsePortRange(port);
  return range.ok ? { pLo: range.from, pHi: range.to } : undefined;
}

export function ruleBox(protocol: AnyRuleProtocol, port: number | string | undefined, cidrText: string): Box | undefined {
  const cidr = parseCidr(cidrText);
  const ports = rulePorts(protocol, port);
  if (!cidr || cidr.version !== 4 || !ports) return undefined;
  return { lo: cidr.first, hi: cidr.last, ...ports };
}

// ---------------------------------------------------------------------------------------------
// Evaluations.

export interface RouteResult {
  used: { destination: string; target: string }[];
  /** Addresses no route to the gateway covers (first piece), or the route that wins for them
   * but goes elsewhere. */
  missing?: Box[];
  elsewhere?: { destination: string; target: string };
}

/** Longest-prefix match of every address in `dest` over the table's routes plus the local one. */
export function routeTo(table: RouteTable | undefined, vpcCidr: string, gateway: string | undefined, dest: Box[]): RouteResult {
  const routes = [{ destination: vpcCidr, target: 'local' }, ...(table?.routes ?? [])]
    .map((r) => ({ route: r, cidr: parseCidr(r.destination) }))
    .filter((r): r is { route: { destination: string; target: string }; cidr: Cidr } => r.cidr !== undefined && r.cidr.version === 4)
    .sort((a, b) => b.cidr.prefix - a.cidr.prefix);
  let remaining: Box[] = dest.map((b) => ({ ...b, ...allPorts }));
  const used: RouteResult['used'] = [];
  for (const { route, cidr } of routes) {
    const cut: Box = { lo: cidr.first, hi: cidr.last, ...allPorts };
    if (!remaining.some((b) => overlapsBox(b, cut))) continue;
    if (gateway === undefined || route.target !== gateway) return { used, elsewhere: route };
    used.push(route);
    remaining = minusAll(remaining, cut);
  }
  return remaining.length > 0 ? { used, missing: remaining } : { used };
}

export interface AclResult {
  allowed: boolean;
  used: AclRule[];
  /** The rule that denies, or undefined for the implicit final deny. */
  deniedBy?: AclRule;
  /** Flows no rule allows, or that the deny rule hits. */
  left?: Box[];
}

export type AclRule = NonNullable<NetworkAcl['inbound']>[number] | NonNullable<NetworkAcl['outbound']>[number];

/** Rules by number ascending, first match wins, implicit deny last — over a set of flows. */
export function evaluateAcl(rules: AclRule[], protocol: FlowProtocol, flows: Box[]): AclResult {
  let remaining: Box[] = flows;
  const used: AclRule[] = [];
  for (const rule of [...rules].sort((a, b) => a.rule - b.rule)) {
    if (!protocolMatches(rule.protocol, protocol)) continue;
    const peer = 'source' in rule ? rule.source : rule.destination;
    const box = ruleBox(rule.protocol, rule.port, peer);
    if (!box || !remaining.some((b) => overlapsBox(b, box))) continue;
    if (rule.action === 'deny') return { allowed: false, used, deniedBy: rule, left: remaining.filter((b) => overlapsBox(b, box)).map((b) => intersect(b, box)) };
    used.push(rule);
    remaining = minusAll(remaining, box);
    if (remaining.length === 0) return { allowed: true, used };
  }
  return remaining.length === 0 ? { allowed: true, used } : { allowed: false, used, left: remaining };
}

export interface GroupResult {
  allowed: boolean;
  used: { group: string; rule: SgRule }[];
  left?: Box[];
}

export type SgRule = NonNullable<SecurityGroup['ingress']>[number] | NonNullable<SecurityGroup['egress']>[number];

/** Security group rules only allow; the union of every matching rule of every group counts. */
export function evaluateGroups(groups: { name: string; rules: SgRule[] }[], protocol: FlowProtocol, flows: Box[]): GroupResult {
  let remaining: Box[] = flows;
  const used: GroupResult['used'] = [];
  for (const group of groups)
    for (const rule of group.rules) {
      if (!protocolMatches(rule.protocol, protocol)) continue;
      const peer = 'source' in rule ? rule.source : rule.destination;
      const box = ruleBox(rule.protocol, rule.port, peer);
      if (!box || !remaining.some((b) => overlapsBox(b, box))) continue;
      used.push({ group: group.name, rule });
      remaining = minusAll(remaining, box);
    }
  return remaining.length === 0 ? { allowed: true, used } : { allowed: false, used, left: remaining };
}

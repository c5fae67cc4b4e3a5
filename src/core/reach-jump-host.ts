// SSH through a jump host: leg 1 is the usual way in to the jump host (the inbound walk of
// src/core/reach.ts), leg 2 goes from the jump host to the instance's private address inside the VPC.
import type { Blueprint, Instance, NetworkAcl } from './schema';
import { parseCidr } from './cidr';
import { allPorts, evaluateAcl, evaluateGroups, type Box, type SgRule } from './flows';
import * as say from './reach-messages';
import type { ReachContext, ReachVerdict, ResolvedQuery } from './reach';
import {
  aclOf, asWritten, defaultAclName, defaultGroupName, ephemeralPorts, finish, formatAclRule, formatGroupRule, groupsOf, hop, idOf, instanceState, interfaceHop, placementOf, routeTableOf,
  subnetCidr, trafficOf, unique, type Walk,
} from './reach-walk';

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

/** SSH to `instance` through `jump`, given leg 1 (the inbound walk to the jump host's SSH port):
 * leg 2 walked, and the two told as one verdict (which leg blocks, where in `hops`). */
export function throughJumpHost(bp: Blueprint, q: ResolvedQuery, legOne: ReachVerdict, instance: Instance, jump: Instance, automatic: boolean, ctx: ReachContext): ReachVerdict {
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

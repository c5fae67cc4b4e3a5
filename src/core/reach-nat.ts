// The way out of a private subnet: through a NAT gateway in a public subnet (part of the outbound
// walk of src/core/reach.ts).
import type { Blueprint, NatGateway, NetworkAcl, RouteTable } from './schema';
import { describePorts, evaluateAcl, routeTo, type Box } from './flows';
import * as say from './reach-messages';
import type { ReachVerdict } from './reach';
import {
  aclOf, addressesText, defaultAclName, describeLeft, finish, formatAclRule, hop, idOf, interfaceHop, publicAddressOf, replyFlows, requestFlows, routeHop, routeTableOf, trafficOf,
  type GoverningTable, type Walk,
} from './reach-walk';

/** The NAT gateway the most specific route for the peer's addresses goes to, if it is one. */
export function natGatewayFor(bp: Blueprint, table: RouteTable | undefined, peer: Box[]): NatGateway | undefined {
  const decisive = routeTo(table, bp.vpc.cidr, undefined, peer).elsewhere;
  return decisive ? (bp.natGateways ?? []).find((n) => n.name === decisive.target) : undefined;
}

/** instance → … → route to the NAT gateway → NAT (its address) → its subnet's route → internet
 * gateway → internet, and the answer back the same way. */
export function walkOutViaNat(w: Walk, governing: GoverningTable, nat: NatGateway, privateIp: string, acl: NetworkAcl | 'default' | undefined, group: string | undefined): ReachVerdict {
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

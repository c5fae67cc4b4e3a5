// The verdict of the traffic analysis (src/core/reach.ts) drawn on the diagram: arrows between the
// diagram's components (src/core/diagram-model.ts TrafficOverlay), the blocking component and the notes.
import { t } from '@vscode/l10n';
import type { Blueprint } from './schema';
import * as say from './reach-messages';
import { components } from './model';
import { INTERNET, YOUR_PC, type TrafficHop, type TrafficOverlay } from './diagram';
import { analyzeReach, type Hop, type ReachContext, type ReachVerdict } from './reach';
import { placementOf, routeTableOf } from './reach-walk';
import { jumpHostOf } from './reach-jump-host';
import { sshReachOf } from './reach-ssh';

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

/** The paths the diagram draws, always from the traffic analysis: with no instance to reach yet,
 * no arrow and the VPC saying so. */
export function trafficOverlay(bp: Blueprint, ctx: ReachContext = {}): TrafficOverlay {
  return diagramOverlay(bp, ctx) ?? { inbound: [], reply: [], blockedAt: { name: bp.vpc.name, reason: t('There is no instance to reach yet.') } };
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

// SSH from the internet: can it get in (trying the sources the security groups name before
// "anyone"), and in the editor a warning on an instance meant for SSH whose SSH path is blocked.
import type { Blueprint } from './schema';
import { parseCidr, type Cidr } from './cidr';
import { BlueprintError } from './errors';
import * as say from './reach-messages';
import { diagnostic, type Diagnostic, type SourceMap } from './diagnostics';
import { analyzeReach, type ReachContext, type ReachVerdict } from './reach';
import { groupsOf, otherPeersFor, placementOf, unique } from './reach-walk';
import { jumpHostOf } from './reach-jump-host';

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

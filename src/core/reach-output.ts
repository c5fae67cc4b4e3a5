// The verdict of the traffic analysis (src/core/reach.ts) as the CLI prints it: the `reach --json`
// document and the lines of text.
import * as say from './reach-messages';
import type { Hop, ReachVerdict } from './reach';

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

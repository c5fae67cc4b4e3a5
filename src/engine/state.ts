// What the engine records in the state file beyond each step's own save (run.ts): the kept
// components of a state rebuilt from the tags, what destroy found gone, what refresh found drifted.
import { unlinkSync } from 'node:fs';
import { t } from '@vscode/l10n';
import type { Plan } from '../core/plan';
import { driftOf } from '../core/planner';
import type { Facts } from '../core/provider-contract';
import { StateWriter } from '../core/state-file';
import { removeOrphanKeyFile } from './create-or-adopt';
import type { Session } from './session';

/** Records what AWS has for the components the plan keeps (a state rebuilt from the tags). */
export function adoptKept(session: Session, plan: Plan, facts: Facts): boolean {
  let changed = false;
  const stamp = new Date().toISOString();
  for (const a of plan.actions) {
    const o = facts.observed[a.name];
    if (a.action !== 'keep' || !o) continue;
    const previous = session.state.resources[a.name];
    if (previous && previous.id === o.id && JSON.stringify(previous.attributes) === JSON.stringify(o.attributes)) continue;
    session.state.resources[a.name] = { kind: o.kind, id: o.id, attributes: o.attributes, createdAt: previous?.createdAt ?? stamp, updatedAt: stamp, ...(previous?.drift ? {} : {}) };
    changed = true;
  }
  return changed;
}

/** After a destroy: forgets what AWS no longer has; when nothing is left the state file goes too.
 * A key file the engine wrote for a key pair that is gone (a destroy cut off between the two) goes
 * with it. */
export async function saveAfterDestroy(session: Session, facts: Facts, ok: boolean): Promise<void> {
  for (const [name, r] of Object.entries(session.state.resources)) {
    if (facts.observed[name] || facts.strays.some((s) => s.id === r.id)) continue;
    if (r.kind === 'keyPair') removeOrphanKeyFile(session, name, r.attributes.keyFile);
    delete session.state.resources[name];
  }
  if (ok && Object.keys(session.state.resources).length === 0) {
    try {
      unlinkSync(session.statePath);
    } catch {
      // There was no state file to delete.
    }
  } else {
    await new StateWriter(session.statePath, session.state).update(() => {});
  }
}

/** Refresh: records what changed outside the tool (drift) on each resource, and says it. A state
 * rebuilt from the tags starts from what AWS has. */
export async function saveDrift(session: Session, facts: Facts): Promise<void> {
  const writer = new StateWriter(session.statePath, session.state);
  const stamp = new Date().toISOString();
  for (const [name, o] of Object.entries(facts.observed))
    if (o && !session.state.resources[name]) session.state.resources[name] = { kind: o.kind, id: o.id, attributes: o.attributes, createdAt: stamp, updatedAt: stamp };
  const drift = driftOf(session.state, facts);
  await writer.update((s) => {
    for (const [name, r] of Object.entries(s.resources)) {
      if (drift[name]) r.drift = drift[name];
      else delete r.drift;
    }
  });
  for (const [name, lines] of Object.entries(drift)) session.emit({ type: 'note', message: t('{0} changed outside EC2 Blueprint: {1}', name, lines.join('; ')) });
}

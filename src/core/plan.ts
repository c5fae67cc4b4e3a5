// The plan is data: a list of actions, each with its reason. Computing it is pure (see planner.ts);
// the executor carries it out.
import type { CostReport } from './cost';
import type { Kind } from './model';

export type ActionKind = 'create' | 'update' | 'replace' | 'delete' | 'keep';

export interface PlannedAction {
  action: ActionKind;
  kind: Kind;
  name: string;
  /** Why, in a sentence a beginner understands. */
  reason: string;
  /** The AWS id when the resource exists. */
  id?: string;
  /** Human-readable changes for update/replace ("add ingress tcp 8080 from 0.0.0.0/0"). */
  changes?: string[];
  /** Names of the components this action waits for. */
  dependsOn: string[];
}

export interface PlanSummary {
  create: number;
  update: number;
  replace: number;
  delete: number;
  keep: number;
}

export interface Plan {
  actions: PlannedAction[];
  summary: PlanSummary;
  /** Remarks that are not actions: a newer image exists, dependencies pulled in by --only, … */
  notes: string[];
  /** What the blueprint costs once applied, from AWS's price list (absent when not asked for). */
  cost?: CostReport;
}

export function summarize(actions: readonly PlannedAction[]): PlanSummary {
  const summary: PlanSummary = { create: 0, update: 0, replace: 0, delete: 0, keep: 0 };
  for (const a of actions) summary[a.action]++;
  return summary;
}

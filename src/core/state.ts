// The state file: what the engine created, by name, with the AWS ids and the attributes needed
// to notice drift. It never holds a secret: no key material, no credentials.
import type { Kind } from './model';

export const stateVersion = 1;

export interface ResourceState {
  kind: Kind;
  /** The AWS id: vpc-…, subnet-…, igw-…, rtb-…, sg-…, acl-…, eni-…, eipalloc-…, key-…, i-…. */
  id: string;
  /** Attributes read back from AWS after the last action (CIDRs, addresses, association ids, the
   * resolved image, the key file this stack wrote, …), for drift checks and the diagram. */
  attributes: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  /** When AWS was first seen to show it (listed, read, or named by a call that succeeded): from
   * then on a NotFound for it is the truth, not AWS still settling after the create. */
  visibleAt?: string;
  /** Set by a refresh that found AWS differing from the last applied values. */
  drift?: string[];
}

/** An action that was started and has not finished (yet): a crash leaves it here. */
export interface OperationState {
  kind: Kind;
  action: 'create' | 'update' | 'replace' | 'delete';
  startedAt: string;
  pid: number;
}

export interface FailureState {
  kind: Kind;
  action: 'create' | 'update' | 'replace' | 'delete';
  message: string;
  /** The AWS error code or the engine's own code. */
  code?: string;
  at: string;
}

export interface StateFile {
  version: typeof stateVersion;
  stack: string;
  region: string;
  updatedAt: string;
  resources: Record<string, ResourceState>;
  operations?: Record<string, OperationState>;
  failures?: Record<string, FailureState>;
}

export function emptyState(stack: string, region: string, now: Date): StateFile {
  return { version: stateVersion, stack, region, updatedAt: now.toISOString(), resources: {} };
}

/** `tutorial.blueprint.yaml` → `tutorial.blueprint.state.json`. */
export function statePathFor(blueprintPath: string): string {
  return /\.ya?ml$/i.test(blueprintPath) ? blueprintPath.replace(/\.ya?ml$/i, '.state.json') : `${blueprintPath}.state.json`;
}

/** What the diagram, the CodeLens and the resource view show for a component. */
export type ComponentStatus = 'planned' | 'in-progress' | 'created' | 'failed' | 'drifted';

export function statusOf(state: StateFile | undefined, name: string): ComponentStatus {
  if (!state) return 'planned';
  if (state.operations?.[name]) return 'in-progress';
  if (state.failures?.[name]) return 'failed';
  const resource = state.resources[name];
  if (!resource) return 'planned';
  return resource.drift && resource.drift.length > 0 ? 'drifted' : 'created';
}

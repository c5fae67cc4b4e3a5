// The provider contract's data, beside `Provider` (src/aws/provider.ts, which holds the calls and
// so cannot live in src/core): what a provider reports of a resource, what differs from the
// blueprint, and the facts about AWS the planner is given. Pure types, no AWS SDK.
import type { Kind } from './model';

/** A resource as AWS has it now, normalized (see resource-model.ts). */
export interface ObservedResource {
  kind: Kind;
  name: string;
  id: string;
  attributes: Record<string, unknown>;
}

export interface Facts {
  /** What AWS has for each component of the blueprint (and of the state), absent when nothing. */
  observed: Record<string, ObservedResource | undefined>;
  /** Resources tagged with this stack that the blueprint does not declare (removed from the file,
   * or a duplicate left by a crash): they are deleted. */
  strays: ObservedResource[];
  /** Key pairs whose private key file is not in the key directory. */
  missingKeyFiles?: string[];
  /** Key pairs an existing instance was launched with. */
  keyPairsInUse?: string[];
  /** The newest image for each instance that uses an alias, for a plan note. */
  newestImages?: Record<string, { imageId: string; imageName?: string }>;
}

/** What differs between the desired and the observed attributes: what forces a replacement and
 * what changes in place, each as a readable line. */
export interface Change {
  replace: string[];
  update: string[];
}

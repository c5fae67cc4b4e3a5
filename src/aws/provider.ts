// One contract for every kind of resource: list (what the stack owns), read (one by id), diff,
// create, update, delete. A delete treats "not found" as done and waits until the thing is gone.
// The data it speaks (ObservedResource, Change, Facts) is in src/core/provider-contract.ts.
import { CreateTagsCommand, DeleteTagsCommand, type EC2Client, type Tag, type TagSpecification, type ResourceType, type Filter } from '@aws-sdk/client-ec2';
import { t } from '@vscode/l10n';
import type { Kind } from '../core/model';
import type { ObservedResource, Change } from '../core/provider-contract';
import { diffAttributes } from '../core/planner';
import { nameTag, stackTag, tagDifference, type Attributes, type Tags } from '../core/resource-model';
import { AwsLayerError } from './aws-error';

export interface ProviderContext {
  ec2: EC2Client;
  stack: string;
  region: string;
  /** Where private keys are written (`<keyDir>/<name>.pem`). */
  keyDir: string;
  /** Cancellation. It cuts waits short (waiters, pauses between attempts); a call already sent to
   * AWS is always let finish, so its outcome is known. */
  signal?: AbortSignal;
  /** A line of progress for the UI ("waiting for the status checks"). */
  progress(message: string): void;
  /** The exact user data to launch an instance with (the engine keeps the text out of the
   * attributes, which end in the state file). */
  userData?(instanceName: string): string | undefined;
  /** Milliseconds to wait between attempts of an eventually consistent call; tests shorten it. */
  consistencyDelayMs?: number;
}

/** The EC2 API actions (IAM permission `ec2:<name>`) a provider calls, by what it is doing. The
 * IAM policy of `ec2-blueprint policy` and the preflight's DryRun probes are derived from these
 * (src/aws/permissions.ts); test/unit/aws/permissions.test.ts checks them against the calls in the
 * provider's source, so a new call cannot be left out. */
export interface ProviderPermissions {
  read: readonly string[];
  create: readonly string[];
  update: readonly string[];
  delete: readonly string[];
}

export interface Provider<K extends Kind = Kind> {
  kind: K;
  permissions: ProviderPermissions;
  /** How many calls a create (or an update) and a delete usually make one after another: the
   * runner starts the longest chains first. */
  calls: { apply: number; delete: number };
  /** Everything of this kind tagged with the stack. */
  list(ctx: ProviderContext): Promise<ObservedResource[]>;
  /** One resource by its id; undefined when it does not exist. */
  read(ctx: ProviderContext, id: string): Promise<ObservedResource | undefined>;
  diff(desired: Attributes<K>, observed: ObservedResource): Change;
  create(ctx: ProviderContext, name: string, desired: Attributes<K>): Promise<ObservedResource>;
  update(ctx: ProviderContext, observed: ObservedResource, desired: Attributes<K>, previousTags: Tags): Promise<ObservedResource>;
  delete(ctx: ProviderContext, observed: ObservedResource): Promise<void>;
}

export function diffWith<K extends Kind>(kind: K) {
  return (desired: Attributes<K>, observed: ObservedResource): Change => diffAttributes(kind, desired, observed.attributes);
}

export function toAwsTags(tags: Tags): Tag[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

export function fromAwsTags(tags: readonly Tag[] | undefined): Tags {
  const out: Tags = {};
  for (const tag of tags ?? []) if (tag.Key !== undefined) out[tag.Key] = tag.Value ?? '';
  return out;
}

export function tagSpecifications(types: ResourceType[], tags: Tags): TagSpecification[] {
  return types.map((ResourceType) => ({ ResourceType, Tags: toAwsTags(tags) }));
}

export function stackFilters(stack: string): Filter[] {
  return [{ Name: `tag:${stackTag}`, Values: [stack] }];
}

/** The component name a resource carries in its tags. */
export function nameFromTags(tags: Tags): string {
  return tags[nameTag] ?? tags.Name ?? '';
}

export function errorCode(error: unknown): string | undefined {
  const e = error as { name?: string; Code?: string; code?: string } | undefined;
  return e?.Code ?? e?.code ?? (e?.name && e.name !== 'Error' ? e.name : undefined);
}

export function isNotFound(error: unknown): boolean {
  const code = errorCode(error) ?? '';
  return /NotFound$|\.NotFound|^InvalidAssociationID\.NotFound|^InvalidAllocationID\.NotFound/.test(code);
}

/** Runs `call`, treating "not found" as an absent result. */
export async function unlessNotFound<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Error codes AWS answers for a short while after a related change (a terminate, a detach), that
 * go away by themselves. A NotFound for a fresh id is the client's to wait out (settling.ts). */
export const transientConsistencyCodes = ['DependencyViolation', 'InvalidNetworkInterface.InUse', 'IncorrectState', 'InvalidGroup.InUse'];

/** AWS's eventual consistency, and only that: retry a call that fails with one of `codes` a bounded
 * number of times with growing pauses (0.5 s, 1 s, 2 s, … up to 10 s; about 1 min in all).
 * Throttling and server errors are the SDK's retry strategy's business, not this. */
export async function retryWhileSettling<T>(ctx: ProviderContext, what: string, call: () => Promise<T>, codes: readonly string[] = transientConsistencyCodes): Promise<T> {
  const attempts = 9;
  const base = ctx.consistencyDelayMs ?? 500;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const code = errorCode(error);
      if (attempt >= attempts || !code || !codes.includes(code) || ctx.signal?.aborted) throw error;
      const delay = Math.min(base * 2 ** (attempt - 1), 10_000);
      ctx.progress(t('{0}: AWS answered {1}, which usually clears within seconds; trying again in {2} s.', what, code, (delay / 1000).toFixed(1)));
      await sleep(delay, ctx.signal);
    }
  }
}

/** Reads until the resource is gone (bounded), after a delete that AWS finishes asynchronously. */
export async function waitUntilGone(ctx: ProviderContext, what: string, read: () => Promise<unknown>, isGone: (value: unknown) => boolean = (v) => v === undefined): Promise<void> {
  const base = ctx.consistencyDelayMs ?? 500;
  for (let attempt = 1; attempt <= 40; attempt++) {
    if (isGone(await read())) return;
    if (attempt === 1) ctx.progress(t('waiting until {0} is gone', what));
    await sleep(Math.min(base * attempt, 5_000), ctx.signal);
  }
  throw new AwsLayerError('DeleteTimeout', t('{0} is still there after waiting; AWS has not finished deleting it.', what));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Brings the tags of `resourceIds` to `desired` (only the difference is sent). */
export async function reconcileTags(ctx: ProviderContext, resourceIds: string[], desired: Tags, observed: Tags, previousTags: Tags): Promise<void> {
  const diff = tagDifference(desired, observed, previousTags);
  if (Object.keys(diff.set).length) await ctx.ec2.send(new CreateTagsCommand({ Resources: resourceIds, Tags: toAwsTags(diff.set) }));
  if (diff.remove.length) await ctx.ec2.send(new DeleteTagsCommand({ Resources: resourceIds, Tags: diff.remove.map((Key) => ({ Key })) }));
}

export function observed<K extends Kind>(kind: K, id: string, attributes: Attributes<K>): ObservedResource {
  return { kind, id, name: nameFromTags(attributes.tags), attributes: attributes as unknown as Record<string, unknown> };
}

/** The id a desired attribute must hold by now (its component was created earlier in the run). */
export function need(id: string | undefined, what: string): string {
  if (!id) throw new AwsLayerError('MissingDependency', t('{0} does not exist (yet), so this cannot be done.', what));
  return id;
}

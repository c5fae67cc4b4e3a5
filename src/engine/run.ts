// The runner: carries out a plan's steps concurrently (bounded, longest chains first), saving the
// state after each, and tells what failed in the blueprint's terms.
import { t } from '@vscode/l10n';
import type { EngineOptions, RunResult } from '../core/engine-api';
import type { Advice } from '../core/events';
import { rangeInText } from '../core/diagnostics';
import type { PlanResult, Step } from '../core/planner';
import { desiredOf, type Tags } from '../core/resource-model';
import type { StateFile } from '../core/state';
import { StateWriter } from '../core/state-file';
import { execute, defaultParallelism, remainingChain } from '../core/executor';
import { providerFor } from '../aws/providers';
import { errorCode, type ProviderContext } from '../aws/provider';
import { resolveImage } from '../aws/images';
import { decodeAuthorization, refusalFor, type RefusalFacts } from '../aws/refusals';
import { zonesOffering } from '../aws/offerings';
import { actionWord, kindWord } from '../core/vocabulary';
import { createOrAdopt } from './create-or-adopt';
import { markVisible } from './observe';
import { providerContext, type Session } from './session';

/** "Could not create security group "x": <what AWS said>" — the AWS code stays as the cause. */
function explain(action: Step, error: unknown): { message: string; code?: string } {
  const code = errorCode(error);
  const raw = error instanceof Error ? error.message : String(error);
  const message = t('Could not {0} {1} "{2}": {3}', actionWord(action.action), kindWord(action.kind), action.name, raw);
  return code && code !== 'Error' ? { message, code } : { message };
}

/** What to do about a refusal the engine knows (src/aws/refusals.ts), in the blueprint's terms:
 * the value to change (the instance's subnet's availabilityZone, its image) and the facts around
 * it, the zones offering the type and a decoded authorization message asked of AWS when needed. */
async function adviceFor(session: Session, ctx: ProviderContext, step: Step, error: unknown): Promise<Advice | undefined> {
  const code = errorCode(error);
  const entry = refusalFor(code);
  if (!entry) return undefined;
  const { bp } = session;
  const instanceIndex = step.kind === 'instance' ? (bp.instances ?? []).findIndex((i) => i.name === step.name) : -1;
  const instance = instanceIndex >= 0 ? bp.instances![instanceIndex] : undefined;
  const subnetName = instance ? (instance.subnet ?? bp.networkInterfaces?.find((n) => n.name === instance.networkInterface)?.subnet) : undefined;
  const subnetIndex = subnetName ? (bp.subnets ?? []).findIndex((s) => s.name === subnetName) : -1;
  const subnet = subnetIndex >= 0 ? bp.subnets![subnetIndex] : undefined;
  const raw = error instanceof Error ? error.message : String(error);
  const facts: RefusalFacts = {
    region: session.connection.region,
    ...(instance ? { instanceType: instance.instanceType, image: instance.image } : {}),
    ...(subnet ? { zone: subnet.availabilityZone, subnet: subnet.name } : {}),
    ...((error as { operation?: string }).operation ? { action: `ec2:${(error as { operation: string }).operation}` } : {}),
  };
  if (entry.needsZones && instance) facts.zonesOffering = await zonesOffering(ctx, instance.instanceType).catch(() => undefined);
  if (code === 'UnauthorizedOperation') {
    const decoded = await decodeAuthorization(session.connection, raw).catch(() => undefined);
    if (decoded) facts.decoded = decoded;
  }
  const path =
    entry.place === 'availabilityZone' && subnetIndex >= 0
      ? ['subnets', subnetIndex, 'availabilityZone']
      : entry.place === 'image' && instanceIndex >= 0
        ? ['instances', instanceIndex, 'image']
        : undefined;
  return { message: entry.advice(facts), ...(path ? { range: rangeInText(session.input.text, path) } : {}) };
}

export async function runSteps(session: Session, result: PlanResult, options: EngineOptions): Promise<RunResult> {
  const writer = new StateWriter(session.statePath, session.state);
  const { plan, steps } = result;
  const byName = new Map(session.list.map((c) => [c.name, c]));
  const failures: RunResult['failures'] = [];
  const now = () => new Date().toISOString();

  const tasks = steps.map((step) => ({
    id: step.id,
    dependsOn: step.dependsOn,
    run: async (signal: AbortSignal) => {
      const { first, last, action, target } = step;
      const ctx = { ...providerContext(session, (message) => session.emit({ type: 'progress', name: step.name, kind: step.kind, message })), signal };
      const provider = providerFor(step.kind);
      if (first) session.emit({ type: 'started', name: step.name, kind: step.kind, action: step.action });
      // Marked as running (written in order, not waited for: a crash is recovered from the tags).
      void writer.update((s) => {
        (s.operations ??= {})[step.name] = { kind: step.kind, action, startedAt: now(), pid: process.pid };
      });
      const finish = (s: StateFile) => {
        delete s.operations?.[step.name];
        if (s.operations && Object.keys(s.operations).length === 0) delete s.operations;
        if (s.failures && Object.keys(s.failures).length === 0) delete s.failures;
      };
      try {
        let id: string | undefined;
        if (step.phase === 'delete') {
          if (target) {
            if (step.action === 'replace') session.emit({ type: 'progress', name: step.name, kind: step.kind, message: t('deleting the old {0} ({1})', kindWord(step.kind), target.id) });
            await provider.delete(ctx, target);
          }
          await writer.update((s) => {
            if (target && s.resources[step.name]?.id === target.id) delete s.resources[step.name];
            if (last) delete s.failures?.[step.name];
            finish(s);
          });
          id = target?.id;
        } else {
          const component = byName.get(step.name)!;
          const desired = desiredOf(session.bp, component, (name) => session.state.resources[name]?.id);
          const previous = session.state.resources[step.name];
          const resource = target
            ? await provider.update(ctx, target, desired, (previous?.attributes.tags ?? {}) as Tags)
            : await createOrAdopt(session, ctx, step.name, desired);
          id = resource.id;
          await writer.update((s) => {
            s.resources[step.name] = {
              kind: step.kind,
              id: resource.id,
              attributes: resource.attributes,
              createdAt: previous && previous.id === resource.id ? previous.createdAt : now(),
              updatedAt: now(),
            };
            delete s.failures?.[step.name];
            finish(s);
          });
        }
        if (last) session.emit({ type: 'done', name: step.name, kind: step.kind, action: step.action, ...(id ? { id } : {}) });
      } catch (error) {
        const advice = await adviceFor(session, ctx, step, error).catch(() => undefined);
        const explained = { ...explain(step, error), ...(advice ? { advice } : {}) };
        failures.push({ name: step.name, ...explained });
        await writer.update((s) => {
          (s.failures ??= {})[step.name] = {
            kind: step.kind,
            action,
            message: advice ? `${explained.message} ${advice.message}` : explained.message,
            ...(explained.code ? { code: explained.code } : {}),
            at: now(),
          };
          finish(s);
        });
        session.emit({ type: 'failed', name: step.name, kind: step.kind, action: step.action, ...explained });
        throw error;
      }
    },
  }));

  // Images are looked up at once, beside the network: the launch then finds the answer waiting.
  for (const step of steps) {
    const spec = step.kind === 'instance' && step.phase === 'apply' ? session.bp.instances?.find((i) => i.name === step.name) : undefined;
    if (spec) void resolveImage(providerContext(session), spec.image, spec.instanceType);
  }
  // The longest chains of calls start first.
  const stepById = new Map(steps.map((s) => [s.id, s]));
  const chain = remainingChain(tasks, (id) => {
    const step = stepById.get(id)!;
    return providerFor(step.kind).calls[step.phase];
  });
  const outcome = await execute(tasks, {
    parallelism: options.parallelism ?? defaultParallelism,
    priority: (id) => chain.get(id) ?? 0,
    ...(session.signal ? { signal: session.signal } : {}),
  });
  if (Object.values(session.state.resources).some((r) => !r.visibleAt && session.connection.settling.seen(r.id)))
    await writer.update((s) => markVisible(s, (_, r) => session.connection.settling.seen(r.id)));
  await writer.flush();
  if (outcome.cancelled && !failures.length) failures.push({ name: '', message: t('Interrupted: nothing new was started, and the state file records what was done.') });
  const ok = outcome.failed.length === 0 && !outcome.cancelled;
  const calls = { ...session.connection.calls };
  session.emit({ type: 'finished', ok, calls });
  return { ok, plan, state: session.state, calls, failures };
}

/** After a failed apply: what stays in AWS and costs money by the hour until it is deleted (an
 * Elastic IP bills while allocated, used or not; an instance while it runs), and the two ways out. */
export function leftAfterFailure(state: StateFile): string {
  const billed: string[] = [];
  for (const [name, r] of Object.entries(state.resources)) {
    if (r.kind === 'elasticIp')
      billed.push(t('the Elastic IP "{0}" ({1}, {2}), about $0.005 an hour while it is allocated', name, String(r.attributes.publicIp ?? '?'), r.id));
    else if (r.kind === 'instance' && !['stopped', 'terminated'].includes(String(r.attributes.state)))
      billed.push(t('the instance "{0}" ({1}, {2}), by the hour while it runs', name, r.id, String(r.attributes.instanceType ?? '?')));
  }
  const ways = t('Two ways out: fix what is said above and apply again (what exists is kept and reused), or destroy to delete everything this blueprint made.');
  return billed.length ? `${t('Left in AWS and billed until released or deleted: {0}.', billed.join('; '))} ${ways}` : ways;
}

// The engine bundle (dist/engine.js): the AWS SDK and everything that talks to EC2. Front ends
// load it on first use through engine-loader.ts, so activation and `validate` stay light.
//
// plan    blueprint + state file + what AWS reports (every resource tagged with the stack) → Plan
// apply   re-plans, then runs the plan's steps concurrently (bounded), saving the state after each
// destroy deletes everything tagged with the stack, in reverse dependency order
// refresh records in the state file what changed outside the tool (drift)
//
// Each opens a session (session.ts), observes what AWS has (observe.ts), plans (core/planner.ts),
// runs the steps (run.ts, which creates through create-or-adopt.ts) and saves (state.ts).
import { existsSync } from 'node:fs';
import { t } from '@vscode/l10n';
import { preflightChecks } from '../aws/preflight';
import type { PreflightResult } from '../core/preflight';
import type { BlueprintInput, DestroyOptions, EngineApi, EngineOptions, RunResult } from '../core/engine-api';
import { BlueprintError } from '../core/errors';
import { costNotes, type CostReport } from '../core/cost';
import type { Plan } from '../core/plan';
import { planApply, planDestroy, type PlanResult } from '../core/planner';
import type { Facts } from '../core/provider-contract';
import type { StateFile } from '../core/state';
import { StateWriter } from '../core/state-file';
import { checkOnly, close, open, providerContext, type Session } from './session';
import { observe, observeOrExplain } from './observe';
import { priceSession } from './price';
import { leftAfterFailure, runSteps } from './run';
import { adoptKept, saveAfterDestroy, saveDrift } from './state';

export type { EngineApi, DestroyOptions } from '../core/engine-api';

export type ApplyOptions = EngineOptions & { only?: string; preflight?: boolean };

/** Runs `body` on an open session and always closes it (the lock, the client's sockets). */
async function inSession<T>(input: BlueprintInput, options: EngineOptions, command: string | undefined, body: (session: Session) => Promise<T>): Promise<T> {
  const session = open(input, options, command);
  try {
    return await body(session);
  } finally {
    close(session);
  }
}

/** Observes and plans, with the price asked beside the look at what exists (never after it, and
 * never waited for longer than the price list's bound); a price that cannot be had is "unknown". */
async function planned(session: Session, options: EngineOptions & { only?: string }): Promise<PlanResult & { facts: Facts; priced?: CostReport }> {
  checkOnly(session, options.only);
  const cost = options.prices === false ? undefined : priceSession(session, options).catch(() => undefined);
  const facts = await observeOrExplain(session);
  const result = planApply(session.bp, session.state, facts, { ...(options.only ? { only: options.only } : {}), keyDir: session.keyDir });
  const priced = await cost;
  if (priced) result.plan.cost = priced;
  session.emit({ type: 'plan', plan: result.plan });
  return { ...result, facts, ...(priced ? { priced } : {}) };
}

function plan(input: BlueprintInput, options: EngineOptions & { only?: string }): Promise<Plan> {
  return inSession(input, options, undefined, async (session) => (await planned(session, options)).plan);
}

function apply(input: BlueprintInput, options: ApplyOptions): Promise<RunResult> {
  return inSession(input, options, options.only ? `apply --only ${options.only}` : 'apply', async (session) => {
    const result = await planned(session, options);
    for (const note of result.plan.notes) session.emit({ type: 'note', message: note });
    if (result.priced) for (const note of costNotes(result.priced)) session.emit({ type: 'note', message: note });
    // Before the first change: would AWS allow it all? A refusal now leaves nothing half-built.
    if (options.preflight !== false && result.plan.actions.some((a) => a.action !== 'keep')) {
      const refused = await refusedByPreflight(session, result.plan);
      if (refused) return refused;
    }
    // This run holds the lock, so actions marked as running were left by a run that died.
    const stale = !!session.state.operations;
    if (adoptKept(session, result.plan, result.facts) || stale || !existsSync(session.statePath))
      await new StateWriter(session.statePath, session.state).update((s) => delete s.operations);
    const run = await runSteps(session, result, options);
    if (!run.ok) session.emit({ type: 'note', message: leftAfterFailure(session.state) });
    return run;
  });
}

/** The preflight of an apply: a failed run (nothing changed) when AWS would refuse something. */
async function refusedByPreflight(session: Session, plan: Plan): Promise<RunResult | undefined> {
  const checks = await preflightChecks(providerContext(session), session.bp, plan, false);
  const ok = checks.every((c) => c.ok);
  session.emit({ type: 'preflight', ok, checks });
  if (ok) return undefined;
  const calls = { ...session.connection.calls };
  session.emit({ type: 'finished', ok: false, calls });
  const failures = checks.filter((c) => !c.ok).map((c) => ({ name: c.name ?? '', message: c.message, code: 'PreflightFailed' }));
  return { ok: false, plan, state: session.state, calls, failures, preflight: { ok, checks } };
}

function preflight(input: BlueprintInput, options: EngineOptions): Promise<PreflightResult> {
  return inSession(input, options, undefined, async (session) => {
    const facts = await observeOrExplain(session);
    const result = planApply(session.bp, session.state, facts, { keyDir: session.keyDir });
    const checks = await preflightChecks(providerContext(session), session.bp, result.plan, true);
    return { ok: checks.every((c) => c.ok), checks, calls: { ...session.connection.calls } };
  });
}

function destroy(input: BlueprintInput, options: DestroyOptions): Promise<RunResult> {
  return inSession(input, options, 'destroy', async (session) => {
    const facts = await observeOrExplain(session);
    const result = planDestroy(session.bp, facts);
    session.emit({ type: 'plan', plan: result.plan });
    if (options.confirm && result.plan.actions.length && !(await options.confirm(result.plan))) throw new BlueprintError('usage', t('Nothing was deleted.'));
    const run = await runSteps(session, result, options);
    await saveAfterDestroy(session, facts, run.ok);
    return run;
  });
}

function refresh(input: BlueprintInput, options: EngineOptions): Promise<StateFile> {
  return inSession(input, options, 'refresh', async (session) => {
    await saveDrift(session, await observeOrExplain(session));
    session.emit({ type: 'finished', ok: true, calls: { ...session.connection.calls } });
    return session.state;
  });
}

function cost(input: BlueprintInput, options: EngineOptions): Promise<CostReport> {
  return inSession(input, options, undefined, (session) => {
    // With a state file, AWS says what runs now; without an answer the state file is taken as is.
    const facts = Object.keys(session.state.resources).length > 0 ? observe(session).catch(() => undefined) : undefined;
    return priceSession(session, options, facts);
  });
}

export const engine: EngineApi = { plan, apply, destroy, refresh, cost, preflight };

// `policy FILE`: the least-privilege IAM policy of a blueprint (src/aws/permissions.ts).
export { policyFor } from '../aws/permissions';

// This bundle has its own copy of @vscode/l10n: front ends hand it their language (engine-loader.ts).
export { config as configureL10n } from '@vscode/l10n';

// Stop/Start Instance in VS Code (the Elastic IP survives a stop/start).
export { stopInstance, startInstance } from '../aws/instance-power';

// `export`: the image each alias of the blueprint means now (read calls only).
export { resolveImagesFor } from '../aws/images';

// `reach --live`: the VPC as AWS has it, for the traffic path analysis.
export { reachSnapshot } from '../aws/reach-live';

// SSH: wait until the instance is running and passes 2/2 status checks (VS Code and `ssh`).
export { waitUntilSshReady } from '../aws/instance-wait';

// `import` and "Import Existing VPC…": read a VPC (Describe* only) as a blueprint, list VPCs.
export { snapshotVpcAt, listVpcsAt } from '../aws/snapshot';

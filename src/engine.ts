// The engine bundle (dist/engine.js): the AWS SDK and everything that talks to EC2. Front ends
// load it on first use through engine-loader.ts, so activation and `validate` stay light.
//
// plan    blueprint + state file + what AWS reports (every resource tagged with the stack) → Plan
// apply   re-plans, then runs the plan's steps concurrently (bounded), saving the state after each
// destroy deletes everything tagged with the stack, in reverse dependency order
// refresh records in the state file what changed outside the tool (drift)
import { existsSync, unlinkSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { t } from '@vscode/l10n';
import { preflightChecks } from './aws/preflight';
import type { PreflightResult } from './core/preflight';
import type { AwsTarget, BlueprintInput, DestroyOptions, EngineApi, EngineOptions, RunResult } from './core/engine-api';
import { BlueprintError } from './core/errors';
import type { Advice, EngineEvent, Logger } from './core/events';
import { rangeInText } from './core/diagnostics';
import { silentLogger } from './core/events';
import { components, type Component, type Kind } from './core/model';
import type { Plan, PlannedAction } from './core/plan';
import { driftOf, planApply, planDestroy, type Facts, type ObservedResource, type PlanResult, type Step } from './core/planner';
import { desiredOf, type Attributes, type Tags } from './core/resource-model';
import type { Blueprint } from './core/schema';
import { emptyState, statePathFor, type ResourceState, type StateFile } from './core/state';
import { acquireStateLock, readStateFile, StateWriter, type StateLock } from './core/state-file';
import { execute, defaultParallelism, remainingChain } from './core/executor';
import { validateBlueprint } from './core/validate';
import { userDataFileReader } from './core/user-data-file';
import { instanceUserData } from './core/user-data';
import { connectEc2, createOutcomeUnknownCode, taskClient, type Ec2Connection } from './aws/client';
import { providerFor, providers } from './aws/providers';
import { errorCode, sleep, type ProviderContext } from './aws/provider';
import { expandHome, keyFilePath } from './aws/key-pair';
import { createPriceReader } from './aws/pricing';
import { billedParts, costNotes, costReport, currentCost, instanceProductsQuery, natGatewayQuery, type BilledImage, type CostReport, type PriceAnswer } from './core/cost';
import { imageAliases, resolveImage, type ResolvedImage } from './aws/images';
import { decodeAuthorization, refusalFor, type RefusalFacts } from './aws/refusals';
import { zonesOffering } from './aws/offerings';
import { kindWord } from './core/vocabulary';

export type { EngineApi, DestroyOptions } from './core/engine-api';

export type ApplyOptions = EngineOptions & { only?: string; preflight?: boolean };

interface Session {
  input: BlueprintInput;
  bp: Blueprint;
  list: Component[];
  connection: Ec2Connection;
  statePath: string;
  state: StateFile;
  keyDir: string;
  emit(event: EngineEvent): void;
  log: Logger;
  signal?: AbortSignal;
  lock?: StateLock;
}

function blueprintOf(input: BlueprintInput): Blueprint {
  const result = validateBlueprint(input.text, { readUserDataFile: userDataFileReader(input.path) });
  if (!result.blueprint) {
    const first = result.diagnostics.find((d) => d.severity === 'error');
    throw new BlueprintError(
      'invalid-blueprint',
      first ? t('{0}:{1}:{2}: {3} Nothing was sent to AWS.', input.path, first.line, first.column, first.message) : t('{0} has errors; nothing was sent to AWS.', input.path),
    );
  }
  // A public key file is written relative to the blueprint, as a reader of the file expects,
  // whatever the working directory of the CLI or the editor is.
  const base = dirname(resolve(input.path));
  const keyPairs = result.blueprint.keyPairs?.map((k) =>
    k.publicKeyFile && !k.publicKeyFile.startsWith('~') && !isAbsolute(k.publicKeyFile) ? { ...k, publicKeyFile: resolve(base, k.publicKeyFile) } : k,
  );
  // A userDataFile is read once, here: from now on the instance carries the text it was checked
  // with (the file may change while the run goes on).
  const instances = result.blueprint.instances?.map((i) => {
    if (i.userDataFile === undefined) return i;
    const { userDataFile: _file, ...rest } = i;
    return { ...rest, userData: result.userData?.[i.name] };
  });
  return { ...result.blueprint, ...(keyPairs ? { keyPairs } : {}), ...(instances ? { instances } : {}) };
}

function open(input: BlueprintInput, options: EngineOptions, command: string | undefined): Session {
  const bp = blueprintOf(input);
  const log = options.log ?? silentLogger;
  const emit = (event: EngineEvent) => {
    try {
      options.onEvent?.(event);
    } catch (error) {
      log.debug(`event listener failed: ${String(error)}`);
    }
  };
  const statePath = options.statePath ?? statePathFor(input.path);
  const lock = command ? acquireStateLock(statePath, command) : undefined;
  try {
    if (lock?.tookOverFrom)
      emit({ type: 'note', message: t('Took over the lock left by process {0} on {1}, which is no longer running.', lock.tookOverFrom.pid, lock.tookOverFrom.host) });
    const read = readStateFile(statePath, { moveCorrupt: !!command });
    const region = options.region ?? bp.region;
    let state = emptyState(bp.stack, region, new Date());
    if (read.status === 'ok') {
      if (read.state.stack !== bp.stack)
        throw new BlueprintError('runtime', t('The state file {0} belongs to stack "{1}", but the blueprint says "{2}". Pass another --state, or move that file away.', statePath, read.state.stack, bp.stack));
      state = read.state;
    } else if (read.status === 'corrupt') {
      emit({
        type: 'note',
        message: command
          ? t('The state file was not usable ({0}); it was moved to {1} and is rebuilt from the resources tagged with stack "{2}".', read.why, read.movedTo, bp.stack)
          : t('The state file is not usable ({0}); this plan is based on the resources tagged with stack "{1}".', read.why, bp.stack),
      });
    }
    const connection = connectEc2({ region, ...(options.profile ? { profile: options.profile } : {}), ...(options.endpoint ? { endpoint: options.endpoint } : {}) });
    // What the state records as created a few minutes ago may not be visible everywhere in AWS yet.
    for (const r of Object.values(state.resources))
      connection.settling.remember([r.id, ...(r.kind === 'keyPair' && typeof r.attributes.keyName === 'string' ? [r.attributes.keyName] : [])], r);
    return {
      input,
      bp,
      list: components(bp),
      connection,
      statePath,
      state,
      // Absolute, so the key file recorded in the state works from any working directory.
      keyDir: options.keyDir ? resolve(expandHome(options.keyDir)) : join(homedir(), '.ssh'),
      emit,
      log,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(lock ? { lock } : {}),
    };
  } catch (error) {
    lock?.release();
    throw error;
  }
}

/** Releases the lock and the client's sockets (kept alive, they would hold the process open). */
function close(session: Session): void {
  session.lock?.release();
  session.connection.ec2.destroy();
}

function providerContext(session: Session, onProgress: (message: string) => void = () => {}): ProviderContext {
  return {
    ec2: taskClient(session.connection, { progress: onProgress, ...(session.signal ? { signal: session.signal } : {}) }),
    stack: session.bp.stack,
    region: session.connection.region,
    keyDir: session.keyDir,
    progress: onProgress,
    userData: (name) => {
      const instance = session.bp.instances?.find((i) => i.name === name);
      return instance ? instanceUserData(instance, instance.userData) : undefined;
    },
    ...(session.signal ? { signal: session.signal } : {}),
  };
}

/** Attributes AWS cannot report (the image alias, the SSH user, the key file the engine wrote)
 * come from the state, or from the blueprint when the state is gone. */
function withLocalAttributes(session: Session, resource: ObservedResource, component: Component | undefined): ObservedResource {
  const previous = session.state.resources[resource.name];
  const fromState = previous && previous.id === resource.id ? previous.attributes : {};
  if (resource.kind === 'instance') {
    const desired = component ? (desiredOf(session.bp, component, () => undefined) as Attributes<'instance'>) : undefined;
    const pick = (key: string) => fromState[key] ?? (desired as Record<string, unknown> | undefined)?.[key];
    resource.attributes = { ...resource.attributes, image: pick('image'), imageName: fromState.imageName, sshUser: pick('sshUser'), sshPort: pick('sshPort') };
  } else if (resource.kind === 'keyPair') {
    const desired = component ? (desiredOf(session.bp, component, () => undefined) as Attributes<'keyPair'>) : undefined;
    resource.attributes = {
      ...resource.attributes,
      ...(fromState.keyFile ? { keyFile: fromState.keyFile } : {}),
      publicKeyFile: previous ? fromState.publicKeyFile : desired?.publicKeyFile,
    };
  }
  return resource;
}

/** Stamps `visibleAt` on the state's resources AWS has been seen to show. */
function markVisible(state: StateFile, visible: (name: string, r: ResourceState) => boolean): void {
  const stamp = new Date().toISOString();
  for (const [name, r] of Object.entries(state.resources)) if (!r.visibleAt && visible(name, r)) r.visibleAt = stamp;
}

/** Everything tagged with the stack, matched to the blueprint's components by name; what the
 * state knows but the tags do not find is read by id. */
async function observe(session: Session): Promise<Facts> {
  const ctx = providerContext(session);
  const kinds = Object.keys(providers) as Kind[];
  const listed = (await Promise.all(kinds.map((k) => providerFor(k).list(ctx)))).flat();
  const byName = new Map(session.list.map((c) => [c.name, c]));
  const observed: Facts['observed'] = {};
  const strays: ObservedResource[] = [];
  const candidates = new Map<string, ObservedResource[]>();
  for (const r of listed) {
    const c = byName.get(r.name);
    if (!c || c.kind !== r.kind) {
      strays.push(withLocalAttributes(session, r, undefined));
      continue;
    }
    candidates.set(r.name, [...(candidates.get(r.name) ?? []), r]);
  }
  for (const [name, found] of candidates) {
    const known = session.state.resources[name]?.id;
    const chosen = found.find((r) => r.id === known) ?? found[0]!;
    observed[name] = withLocalAttributes(session, chosen, byName.get(name));
    for (const other of found) if (other !== chosen) strays.push(withLocalAttributes(session, other, undefined));
  }
  // Resources in the state that a list leaves out: their tags were removed outside the tool, or
  // they are so new that AWS does not list them yet (the read waits for those).
  await Promise.all(
    Object.entries(session.state.resources).map(async ([name, r]) => {
      if (observed[name] || listed.some((l) => l.id === r.id)) return;
      const found = await providerFor(r.kind).read(ctx, r.id);
      if (!found && session.connection.settling.isYoung(r))
        // Never taken for gone, which would create a second one.
        throw new BlueprintError(
          'aws',
          t('{0} ({1}) was created at {2}, but AWS still does not show it. It is not created again, so that there is no second one: wait a minute and run this again.', name, r.id, r.createdAt),
        );
      if (!found) return;
      found.name = name;
      const c = byName.get(name);
      if (c && c.kind === r.kind) observed[name] = withLocalAttributes(session, found, c);
      else strays.push(withLocalAttributes(session, found, undefined));
    }),
  );

  const missingKeyFiles: string[] = [];
  for (const k of session.bp.keyPairs ?? []) {
    const o = observed[k.name];
    if (!o || k.publicKeyFile) continue;
    const path = (o.attributes.keyFile as string | undefined) ?? keyFilePath(session.keyDir, k.name);
    if (!existsSync(path)) missingKeyFiles.push(k.name);
  }
  const keyPairsInUse = Object.values(observed)
    .filter((o): o is ObservedResource => o?.kind === 'instance')
    .map((o) => String(o.attributes.keyName ?? ''));
  const newestImages: NonNullable<Facts['newestImages']> = {};
  await Promise.all(
    (session.bp.instances ?? []).map(async (i) => {
      if (!observed[i.name] || !imageAliases[i.image]) return;
      const newest = await resolveImage(ctx, i.image, i.instanceType).catch(() => undefined);
      if (newest) newestImages[i.name] = { imageId: newest.imageId, ...(newest.imageName ? { imageName: newest.imageName } : {}) };
    }),
  );
  // What AWS showed has settled: a NotFound for it later means it is gone (ResourceState.visibleAt).
  markVisible(session.state, (name, r) => observed[name]?.id === r.id);
  return { observed, strays, missingKeyFiles, keyPairsInUse, newestImages };
}

/** Creates, unless AWS failed in a way that leaves open whether it was done: then the resource is
 * looked up by its tags first and adopted when it is there. Never a blind second create. */
/** Deletes a private key file this stack wrote (the state says so) whose key pair no longer exists:
 * without the key pair it opens nothing, and a new key pair of that name needs the file name. */
function removeOrphanKeyFile(session: Session, name: string, keyFile: unknown): void {
  if (typeof keyFile !== 'string' || !existsSync(keyFile)) return;
  unlinkSync(keyFile);
  session.emit({ type: 'note', message: t('Deleted {0}: the key pair "{1}" it belonged to no longer exists.', keyFile, name) });
}

async function createOrAdopt(session: Session, ctx: ProviderContext, name: string, desired: Attributes<Kind>): Promise<ObservedResource> {
  const component = session.list.find((c) => c.name === name)!;
  const provider = providerFor(component.kind);
  const previous = session.state.resources[name];
  if (component.kind === 'keyPair' && previous?.kind === 'keyPair' && previous.attributes.keyFile === keyFilePath(session.keyDir, name))
    removeOrphanKeyFile(session, name, previous.attributes.keyFile);
  for (let attempt = 1; ; attempt++) {
    try {
      return await provider.create(ctx, name, desired);
    } catch (error) {
      const code = errorCode(error);
      // A name AWS says is taken may be ours from a run that was cut off while AWS finished it.
      const duplicate = code === 'InvalidKeyPair.Duplicate' || code === 'InvalidGroup.Duplicate';
      if ((code !== createOutcomeUnknownCode && !duplicate) || attempt >= 3) throw error;
      ctx.progress(
        duplicate
          ? t('AWS says the name of {0} is taken; looking for it by its tags', name)
          : t('AWS did not answer whether {0} was created; looking for it by its tags before trying again', name),
      );
      const lookup = async () => (await provider.list(ctx)).find((r) => r.name === name);
      let found = await lookup();
      if (!found && duplicate) {
        await sleep(1000, ctx.signal);
        found = await lookup();
      }
      if (!found && duplicate) throw error;
      if (found && component.kind === 'keyPair' && !(desired as Attributes<'keyPair'>).publicKeyFile) {
        // Its private key was in the answer that never came: a key pair without it is useless.
        ctx.progress(t('found {0}, but its private key was lost with the answer; deleting it and creating it again', found.id));
        await provider.delete(ctx, found);
        continue;
      }
      if (found) {
        ctx.progress(t('found {0}: adopting it', found.id));
        return provider.update(ctx, withLocalAttributes(session, found, component), desired, {});
      }
    }
  }
}

/** observe(), with the first contact's usual failures (no credentials, no answer, no permission)
 * told in plain words; the SDK's error stays as the cause. */
async function observeOrExplain(session: Session): Promise<Facts> {
  try {
    return await observe(session);
  } catch (error) {
    if (error instanceof BlueprintError) throw error;
    const code = errorCode(error) ?? '';
    const raw = error instanceof Error ? error.message : String(error);
    const where = session.connection.region;
    const message =
      code === 'CredentialsProviderError' || /credentials/i.test(raw)
        ? t('No AWS credentials were found. Sign in (aws configure, or aws sso login --profile NAME) or choose a profile (--profile, AWS_PROFILE), then try again.')
        : /UnauthorizedOperation|AuthFailure|InvalidClientTokenId|SignatureDoesNotMatch|ExpiredToken/.test(code)
          ? t('AWS refused to show the EC2 resources in {0} ({1}): the credentials in use are not allowed, or have expired.', where, code)
          : /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|TimeoutError|EAI_AGAIN/.test(`${code} ${raw}`)
            ? t('EC2 in {0} did not answer ({1}). Check the network, or the --endpoint / AWS_ENDPOINT_URL_EC2 in use.', where, raw)
            : t('Could not read what AWS has in {0}: {1}', where, raw);
    throw new BlueprintError('aws', code ? `${message} (${t('AWS error code')}: ${code})` : message, { cause: error });
  }
}

function plainAction(a: { action: PlannedAction['action'] }): string {
  return { create: t('create'), update: t('update'), replace: t('replace'), delete: t('delete'), keep: t('keep') }[a.action];
}

/** "Could not create security group "x": <what AWS said>" — the AWS code stays as the cause. */
function explain(action: Step, error: unknown): { message: string; code?: string } {
  const code = errorCode(error);
  const raw = error instanceof Error ? error.message : String(error);
  const message = t('Could not {0} {1} "{2}": {3}', plainAction(action), kindWord(action.kind), action.name, raw);
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

async function runSteps(session: Session, result: PlanResult, options: EngineOptions): Promise<RunResult> {
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

/** Records what AWS has for the components the plan keeps (a state rebuilt from the tags). */
function adoptKept(session: Session, plan: Plan, facts: Facts): boolean {
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

/** What the blueprint's billed parts cost, from AWS's price list. Every question is asked at once,
 * beside the look at what exists: an instance's products for its type (all operating systems), one
 * of which is chosen once the image's billing code is known (DescribeImages, or the week-old answer
 * kept with the prices). So a cold cache costs one round of parallel calls, a warm one none. With
 * `facts`, the state is brought up to what AWS says runs now (a stopped instance, a gone one). */
async function priceSession(session: Session, options: EngineOptions, facts?: Promise<Facts | undefined>): Promise<CostReport> {
  const ctx = providerContext(session);
  const reader = createPriceReader({ ...(options.profile ? { profile: options.profile } : {}) });
  try {
    const ask = (parts: ReturnType<typeof billedParts>) => Promise.all(parts.map((p): Promise<PriceAnswer | undefined> => (p.query ? reader.price(p.query) : Promise.resolve(undefined))));
    void ask(billedParts(session.bp, {}, session.state));
    const images: Record<string, BilledImage> = {};
    await Promise.all(
      (session.bp.instances ?? []).map(async (i) => {
        const recorded = session.state.resources[i.name]?.attributes.imageId;
        const reference = typeof recorded === 'string' && recorded ? recorded : i.image;
        // An image's billing code does not change: kept a week with the prices, per EC2 endpoint.
        const factKey = `image|${options.endpoint ?? process.env.AWS_ENDPOINT_URL_EC2 ?? ''}|${session.connection.region}|${reference}|${i.instanceType}`;
        const known = reader.recall<BilledImage>(factKey);
        if (known?.usageOperation) {
          images[i.name] = known;
          return;
        }
        reader.prefetch(instanceProductsQuery(session.connection.region, i.instanceType));
        try {
          const image = await resolveImage(ctx, reference, i.instanceType);
          images[i.name] = { ...(image.platformDetails ? { platformDetails: image.platformDetails } : {}), ...(image.usageOperation ? { usageOperation: image.usageOperation } : {}) };
          if (image.usageOperation) reader.remember(factKey, images[i.name]);
        } catch (error) {
          images[i.name] = { unknownBecause: t('its image could not be looked up ({0})', errorCode(error) ?? String(error)) };
        }
      }),
    );
    const parts = billedParts(session.bp, images, session.state);
    const answers = await ask(parts);
    // Named, not estimated: what a NAT gateway charges per GB depends on the traffic.
    const perGb = await Promise.all(session.bp.natGateways?.length ? [reader.price(natGatewayQuery(session.connection.region, true))] : []);
    const notIncluded = perGb.map((a) => ('price' in a ? t('NAT gateway data processing, USD {0} per GB', a.price.usd) : t('NAT gateway data processing (per GB)')));
    const now = new Date();
    const report = costReport(parts, answers, now, notIncluded);
    const observed = await facts;
    if (Object.keys(session.state.resources).length > 0) {
      const live = structuredClone(session.state);
      if (observed) {
        for (const [name, r] of Object.entries(live.resources)) {
          const o = observed.observed[name];
          if (!o) delete live.resources[name];
          else if (r.kind === 'instance') r.attributes = { ...r.attributes, state: o.attributes.state };
        }
      }
      const current = currentCost(report, parts, live, now);
      if (current) report.current = current;
    }
    return report;
  } finally {
    reader.close();
  }
}

async function plan(input: BlueprintInput, options: EngineOptions & { only?: string }): Promise<Plan> {
  const session = open(input, options, undefined);
  try {
    checkOnly(session, options.only);
    // Beside the look at what exists, never after it; a price that cannot be had is "unknown".
    const cost = options.prices === false ? undefined : priceSession(session, options).catch(() => undefined);
    const facts = await observeOrExplain(session);
    const result = planApply(session.bp, session.state, facts, { ...(options.only ? { only: options.only } : {}), keyDir: session.keyDir });
    const priced = await cost;
    if (priced) result.plan.cost = priced;
    session.emit({ type: 'plan', plan: result.plan });
    return result.plan;
  } finally {
    close(session);
  }
}

function checkOnly(session: Session, only: string | undefined) {
  if (only && !session.list.some((c) => c.name === only))
    throw new BlueprintError('usage', t('There is no component named "{0}" in this blueprint. Components: {1}.', only, session.list.map((c) => c.name).join(', ')));
}

async function apply(input: BlueprintInput, options: ApplyOptions): Promise<RunResult> {
  const session = open(input, options, options.only ? `apply --only ${options.only}` : 'apply');
  try {
    checkOnly(session, options.only);
    // Beside the look at what exists, as in plan: what the stack will cost, said once, never waited
    // for longer than the price list's bound.
    const cost = options.prices === false ? undefined : priceSession(session, options).catch(() => undefined);
    const facts = await observeOrExplain(session);
    const result = planApply(session.bp, session.state, facts, { ...(options.only ? { only: options.only } : {}), keyDir: session.keyDir });
    const priced = await cost;
    if (priced) result.plan.cost = priced;
    session.emit({ type: 'plan', plan: result.plan });
    for (const note of result.plan.notes) session.emit({ type: 'note', message: note });
    if (priced) for (const note of costNotes(priced)) session.emit({ type: 'note', message: note });
    // Before the first change: would AWS allow it all? A refusal now leaves nothing half-built.
    if (options.preflight !== false && result.plan.actions.some((a) => a.action !== 'keep')) {
      const checks = await preflightChecks(providerContext(session), session.bp, result.plan, false);
      const ok = checks.every((c) => c.ok);
      session.emit({ type: 'preflight', ok, checks });
      if (!ok) {
        const calls = { ...session.connection.calls };
        session.emit({ type: 'finished', ok: false, calls });
        const failures = checks.filter((c) => !c.ok).map((c) => ({ name: c.name ?? '', message: c.message, code: 'PreflightFailed' }));
        return { ok: false, plan: result.plan, state: session.state, calls, failures, preflight: { ok, checks } };
      }
    }
    const writer = new StateWriter(session.statePath, session.state);
    // This run holds the lock, so actions marked as running were left by a run that died.
    const stale = !!session.state.operations;
    if (adoptKept(session, result.plan, facts) || stale || !existsSync(session.statePath)) await writer.update((s) => delete s.operations);
    const run = await runSteps(session, result, options);
    if (!run.ok) session.emit({ type: 'note', message: leftAfterFailure(session.state) });
    return run;
  } finally {
    close(session);
  }
}

/** After a failed apply: what stays in AWS and costs money by the hour until it is deleted (an
 * Elastic IP bills while allocated, used or not; an instance while it runs), and the two ways out. */
function leftAfterFailure(state: StateFile): string {
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

async function preflight(input: BlueprintInput, options: EngineOptions): Promise<PreflightResult> {
  const session = open(input, options, undefined);
  try {
    const facts = await observeOrExplain(session);
    const result = planApply(session.bp, session.state, facts, { keyDir: session.keyDir });
    const checks = await preflightChecks(providerContext(session), session.bp, result.plan, true);
    return { ok: checks.every((c) => c.ok), checks, calls: { ...session.connection.calls } };
  } finally {
    close(session);
  }
}

async function destroy(input: BlueprintInput, options: DestroyOptions): Promise<RunResult> {
  const session = open(input, options, 'destroy');
  try {
    const facts = await observeOrExplain(session);
    const result = planDestroy(session.bp, facts);
    session.emit({ type: 'plan', plan: result.plan });
    if (options.confirm && result.plan.actions.length && !(await options.confirm(result.plan)))
      throw new BlueprintError('usage', t('Nothing was deleted.'));
    const run = await runSteps(session, result, options);
    // Forget what AWS no longer has; when nothing is left the state file goes too. A key file the
    // engine wrote for a key pair that is gone (a destroy cut off between the two) goes with it.
    for (const [name, r] of Object.entries(session.state.resources)) {
      if (facts.observed[name] || facts.strays.some((s) => s.id === r.id)) continue;
      if (r.kind === 'keyPair') removeOrphanKeyFile(session, name, r.attributes.keyFile);
      delete session.state.resources[name];
    }
    if (run.ok && Object.keys(session.state.resources).length === 0) {
      try {
        unlinkSync(session.statePath);
      } catch {
        // It was never written.
      }
    } else {
      await new StateWriter(session.statePath, session.state).update(() => {});
    }
    return run;
  } finally {
    close(session);
  }
}

async function refresh(input: BlueprintInput, options: EngineOptions): Promise<StateFile> {
  const session = open(input, options, 'refresh');
  try {
    const facts = await observeOrExplain(session);
    const writer = new StateWriter(session.statePath, session.state);
    // A state rebuilt from the tags starts from what AWS has.
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
    session.emit({ type: 'finished', ok: true, calls: { ...session.connection.calls } });
    return session.state;
  } finally {
    close(session);
  }
}

async function cost(input: BlueprintInput, options: EngineOptions): Promise<CostReport> {
  const session = open(input, options, undefined);
  try {
    // With a state file, AWS says what runs now; without an answer the state file is taken as is.
    const facts = Object.keys(session.state.resources).length > 0 ? observe(session).catch(() => undefined) : undefined;
    return await priceSession(session, options, facts);
  } finally {
    close(session);
  }
}

export const engine: EngineApi = { plan, apply, destroy, refresh, cost, preflight };

// `policy FILE`: the least-privilege IAM policy of a blueprint (src/aws/permissions.ts).
export { policyFor } from './aws/permissions';

// This bundle has its own copy of @vscode/l10n: front ends hand it their language (engine-loader.ts).
export { config as configureL10n } from '@vscode/l10n';

// Stop/Start Instance in VS Code (the Elastic IP survives a stop/start).
export { stopInstance, startInstance } from './aws/instance-power';

/** `export`: the image each alias of the blueprint means now, asked with read calls only (the
 * same choice apply makes). Rejects when EC2 cannot be reached or refuses. */
export async function resolveImagesFor(
  instances: readonly { name: string; image: string; instanceType: string }[],
  target: AwsTarget & { region: string },
): Promise<Record<string, ResolvedImage>> {
  const connection = connectEc2(target, true);
  try {
    const ctx: ProviderContext = { ec2: connection.ec2, stack: '', region: target.region, keyDir: '', progress: () => {} };
    const out: Record<string, ResolvedImage> = {};
    await Promise.all(instances.map(async (i) => (out[i.name] = await resolveImage(ctx, i.image, i.instanceType))));
    return out;
  } finally {
    connection.ec2.destroy();
  }
}

// `reach --live`: the VPC as AWS has it, for the traffic path analysis.
export { reachSnapshot } from './aws/reach-live';

// SSH: wait until the instance is running and passes 2/2 status checks (VS Code and `ssh`).
export { waitUntilSshReady } from './aws/instance-wait';

// `import` and "Import Existing VPC…": read a VPC (Describe* only) as a blueprint, list VPCs.
export { snapshotVpcAt, listVpcsAt } from './aws/snapshot';

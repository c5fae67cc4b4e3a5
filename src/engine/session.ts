// A session: one run of the engine on one blueprint. Opening it checks the blueprint, takes the
// state file's lock (for the commands that write), reads the state and connects to EC2.
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { t } from '@vscode/l10n';
import type { BlueprintInput, EngineOptions } from '../core/engine-api';
import { BlueprintError } from '../core/errors';
import { silentLogger, type EngineEvent, type Logger } from '../core/events';
import { components, type Component } from '../core/model';
import type { Blueprint } from '../core/schema';
import { emptyState, statePathFor, type StateFile } from '../core/state';
import { acquireStateLock, readStateFile, setAsideStateFile, type StateLock } from '../core/state-file';
import { validateBlueprint } from '../core/validate';
import { userDataFileReader } from '../core/user-data-file';
import { instanceUserData } from '../core/user-data';
import { connectEc2, taskClient, type Ec2Connection } from '../aws/client';
import type { ProviderContext } from '../aws/provider';
import { expandHome } from '../aws/key-pair';

export interface Session {
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

export function open(input: BlueprintInput, options: EngineOptions, command: string | undefined): Session {
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
    const read = readStateFile(statePath);
    const region = options.region ?? bp.region;
    let state = emptyState(bp.stack, region, new Date());
    if (read.status === 'ok') {
      if (read.state.stack !== bp.stack)
        throw new BlueprintError('runtime', t('The state file {0} belongs to stack "{1}", but the blueprint says "{2}". Pass another --state, or move that file away.', statePath, read.state.stack, bp.stack));
      state = read.state;
    } else if (read.status === 'corrupt' && command) {
      // A command that writes the state first sets the corrupt file aside (its one write here).
      const movedTo = setAsideStateFile(statePath);
      emit({ type: 'note', message: t('The state file was not usable ({0}); it was moved to {1} and is rebuilt from the resources tagged with stack "{2}".', read.why, movedTo, bp.stack) });
    } else if (read.status === 'corrupt') {
      emit({ type: 'note', message: t('The state file is not usable ({0}); this plan is based on the resources tagged with stack "{1}".', read.why, bp.stack) });
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
export function close(session: Session): void {
  session.lock?.release();
  session.connection.ec2.destroy();
}

export function providerContext(session: Session, onProgress: (message: string) => void = () => {}): ProviderContext {
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

export function checkOnly(session: Session, only: string | undefined) {
  if (only && !session.list.some((c) => c.name === only))
    throw new BlueprintError('usage', t('There is no component named "{0}" in this blueprint. Components: {1}.', only, session.list.map((c) => c.name).join(', ')));
}

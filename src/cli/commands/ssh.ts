// `ssh FILE [INSTANCE] [--print] [--json]`: the same command line as VS Code's Copy SSH Command.
// --print (or --json) only prints it, from the blueprint and its state file: no AWS call. Without
// it the key is checked, the instance is waited for (running, 2/2 checks) and ssh runs here.
import { spawn, spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { t } from '@vscode/l10n';
import type { CliCommand, CliIo, Values } from '../command';
import { engineOptionsFrom } from '../command';
import { loadValidBlueprint } from '../blueprint-file';
import { BlueprintError } from '../../core/errors';
import { statePathFor, type StateFile } from '../../core/state';
import { stateOrUndefined } from '../../core/state-file';
import { sshTarget, type SshTarget } from '../../core/ssh-target';
import { findOnPath, keyFileProblem, noSshMessage, readKeyFileFacts, type FileProbe, type KeyFileFacts } from '../../core/ssh-local';
import { shellFor, sshArgs, sshArgv, sshCommandLine } from '../../core/ssh';
import { loadEngineExports } from '../../engine-loader';

export const ssh: CliCommand = {
  name: 'ssh',
  get summary() {
    return t('SSH to an instance (--print: only print the command line)');
  },
  usage: 'ssh FILE [INSTANCE] [--print] [--no-wait] [--json]',
  options: { print: { type: 'boolean' }, 'no-wait': { type: 'boolean' } },
  positionals: { min: 1, max: 2 },
  async run([file, instance], values, io) {
    const json = values.json === true;
    const { blueprint } = loadValidBlueprint(file!, io, { json });
    const bp = blueprint!;
    const statePath = typeof values.state === 'string' ? values.state : statePathFor(file!);
    const state = readState(statePath);
    const keyDir = keyDirOf(values, io);
    const resolved = sshTarget(bp, state, instance, { keyDir, homeDir: homedir() });
    if (!resolved.ok) {
      const usage = resolved.problem.code === 'choose-instance' || resolved.problem.code === 'unknown-instance';
      throw new BlueprintError(usage ? 'usage' : 'not-found', resolved.problem.message);
    }
    const target = resolved.target;
    if (target.via?.automatic) io.stderr(t('Through the jump host {0}: the one instance with a public address whose security groups let it reach "{1}" (name it with sshVia: to be explicit).', target.via.instance, target.instance));
    const command = sshCommandLine(target, shellFor(process.platform));
    if (json || values.print) {
      const problem = keyFileProblem(target.keyFile, target.keyPair, keyFacts(target.keyFile), process.platform);
      if (problem) io.stderr(t('Note: {0}', problem.message));
      if (json) io.stdout(JSON.stringify({ command, argv: sshArgv(target) }));
      else io.stdout(command);
      return 0;
    }
    return connect(target, bp.region, state, values, io);
  },
};

async function connect(target: SshTarget, region: string, state: StateFile | undefined, values: Values, io: CliIo): Promise<number> {
  const problem = keyFileProblem(target.keyFile, target.keyPair, keyFacts(target.keyFile), process.platform);
  if (problem) {
    const fix = 'fix' in problem ? `\n${t('Fix:')} ${problem.fix.map((f) => [f.program, ...f.args].join(' ')).join(' && ')}` : '';
    throw new BlueprintError('key-file', problem.message + fix);
  }
  const sshPath = findOnPath('ssh', io.env, process.platform, nodeProbe);
  if (!sshPath) throw new BlueprintError('runtime', noSshMessage(process.platform));
  if (values['no-wait'] !== true && target.instanceId) {
    const wait = loadEngineExports().waitUntilSshReady;
    if (wait) {
      const options = engineOptionsFrom(values, io);
      const abort = new AbortController();
      const onSigint = () => abort.abort();
      process.once('SIGINT', onSigint);
      try {
        await wait(
          { region: options.region ?? state?.region ?? region, ...(options.profile ? { profile: options.profile } : {}), ...(options.endpoint ? { endpoint: options.endpoint } : {}) },
          { instanceId: target.instanceId, instanceName: target.instance, signal: abort.signal, onProgress: (p) => io.stderr(p.message) },
        );
      } finally {
        process.off('SIGINT', onSigint);
      }
    }
  }
  io.stderr(t('Connecting to {0} ({1}@{2}, port {3})…', target.instance, target.user, target.host, target.port));
  return new Promise((resolvePromise) => {
    const child = spawn(sshPath, sshArgs(target), { stdio: 'inherit' });
    child.on('error', (error) => {
      io.stderr(error.message);
      resolvePromise(3);
    });
    child.on('exit', (code, signal) => resolvePromise(code ?? (signal === 'SIGINT' ? 130 : 3)));
  });
}

export function keyDirOf(values: Values, io: CliIo): string {
  const given = typeof values['key-dir'] === 'string' ? (values['key-dir'] as string) : undefined;
  if (!given) return join(homedir(), '.ssh');
  const expanded = given === '~' ? homedir() : /^~[/\\]/.test(given) ? join(homedir(), given.slice(2)) : given;
  // Absolute, so the printed command works from any folder.
  return resolve(io.cwd, expanded);
}

/** The state, or undefined without one; a corrupt one is an error (its ids cannot be trusted). */
function readState(path: string): StateFile | undefined {
  return stateOrUndefined(path, (bad) => {
    throw new BlueprintError('state-corrupt', bad.notJson !== undefined ? t('The state file {0} cannot be read as JSON ({1}).', path, bad.notJson) : t('The state file {0} cannot be read ({1}).', path, bad.why));
  });
}

/** Node's file system, as ssh-target's probe. */
export const nodeProbe: FileProbe = {
  stat(path) {
    try {
      const s = statSync(path);
      return { isFile: s.isFile(), mode: s.mode };
    } catch {
      return undefined;
    }
  },
  icacls(path) {
    const r = spawnSync('icacls', [path], { encoding: 'utf8', windowsHide: true });
    return r.status === 0 ? r.stdout : undefined;
  },
};

function keyFacts(keyFile: string): KeyFileFacts {
  return readKeyFileFacts(keyFile, process.platform, nodeProbe, process.env.USERNAME);
}

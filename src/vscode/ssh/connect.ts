// What every SSH command does before it connects: pick the instance, resolve where to go, check
// the key file and the ssh program, and wait (cancellable) until the instance takes logins.
import { chmodSync, statSync } from 'node:fs';
import { execFile, spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { BlueprintError } from '../../core/errors';
import { statusOf, type StateFile } from '../../core/state';
import { sshInstanceNames, sshTarget, type SshTarget } from '../../core/ssh-target';
import { findOnPath, keyFileProblem, noSshMessage, readKeyFileFacts, type FileProbe } from '../../core/ssh-local';
import { terminalName } from '../../core/ssh';
import { loadEngineExports } from '../../engine-loader';
import type { CommandContext, OpenBlueprint } from '../commands/command';

export interface ResolvedSsh {
  bp: OpenBlueprint;
  state: StateFile | undefined;
  target: SshTarget;
}

/** Node's file system, as ssh-target's probe. */
export const nodeProbe: FileProbe = {
  stat(p) {
    try {
      const s = statSync(p);
      return { isFile: s.isFile(), mode: s.mode };
    } catch {
      return undefined;
    }
  },
  icacls(p) {
    const r = spawnSync('icacls', [p], { encoding: 'utf8', windowsHide: true });
    return r.status === 0 ? r.stdout : undefined;
  },
};

/** The instance name an argument carries: a string, or a resource-view node / object with `name`. */
export function instanceNameOf(arg: unknown): string | undefined {
  if (typeof arg === 'string' && !arg.includes('/') && !arg.includes('\\')) return arg;
  if (arg && typeof arg === 'object' && !(arg instanceof vscode.Uri) && typeof (arg as { name?: unknown }).name === 'string') return (arg as { name: string }).name;
  return undefined;
}

/**
 * The blueprint, state and SSH target for a command invoked with (uri, name) from a CodeLens,
 * a resource-view node, the diagram, or nothing (palette: asks when there are several instances).
 * undefined when the user cancelled; throws a BlueprintError with the reason otherwise.
 */
export async function resolveSsh(ctx: CommandContext, arg: unknown, nameArg: unknown): Promise<ResolvedSsh | undefined> {
  const bp = await ctx.blueprint(arg);
  if (!bp) return undefined;
  const state = await ctx.readState(bp.path);
  let name = instanceNameOf(nameArg) ?? instanceNameOf(arg);
  const names = sshInstanceNames(bp.blueprint);
  if (name === undefined && names.length > 1) {
    name = await pickInstance(bp, state);
    if (name === undefined) return undefined;
  }
  const result = sshTarget(bp.blueprint, state, name, { keyDir: ctx.settings().keyDirectory, homeDir: os.homedir() });
  if (result.ok) return { bp, state, target: result.target };
  const { problem } = result;
  const instance = name ?? names[0];
  // Offer the next step where there is one; the command ends now, not when the toast is clicked.
  const offer = (button: string, command: string) => {
    ctx.log.warn(problem.message);
    void vscode.window.showErrorMessage(problem.message, button).then((choice) => (choice === button ? vscode.commands.executeCommand(command, bp.uri, instance) : undefined));
    return undefined;
  };
  if (instance && (problem.code === 'not-created' || problem.code === 'address-unknown' || problem.code === 'terminated')) return offer(vscode.l10n.t('Apply'), 'ec2Blueprint.applyComponent');
  if (instance && problem.code === 'stopped') return offer(vscode.l10n.t('Start Instance'), 'ec2Blueprint.startInstance');
  throw new BlueprintError(problem.code === 'unknown-instance' ? 'usage' : 'not-found', problem.message);
}

async function pickInstance(bp: OpenBlueprint, state: StateFile | undefined): Promise<string | undefined> {
  const items = (bp.blueprint.instances ?? []).map((inst) => {
    const resource = state?.resources[inst.name];
    const running = typeof resource?.attributes.state === 'string' ? resource.attributes.state : undefined;
    const address = typeof resource?.attributes.publicIp === 'string' ? resource.attributes.publicIp : undefined;
    return {
      label: inst.name,
      description: [resource?.id, running ?? (resource ? undefined : statusOf(state, inst.name)), address].filter(Boolean).join(' · '),
      name: inst.name,
    };
  });
  const picked = await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('SSH to which instance?'), matchOnDescription: true });
  return picked?.name;
}

/** Checks the private key; offers to make it private when others can read it. false: the user declined. */
export async function ensureKeyUsable(ctx: CommandContext, target: SshTarget): Promise<boolean> {
  const facts = () => readKeyFileFacts(target.keyFile, process.platform, nodeProbe, process.env.USERNAME);
  const problem = keyFileProblem(target.keyFile, target.keyPair, facts(), process.platform);
  if (!problem) return true;
  if (problem.code !== 'key-permissions') throw new BlueprintError('key-file', problem.message);
  const fix = process.platform === 'win32' ? vscode.l10n.t('Fix Permissions (icacls)') : vscode.l10n.t('Fix Permissions (chmod 600)');
  const choice = await vscode.window.showWarningMessage(problem.message, { modal: true }, fix);
  if (choice !== fix) return false;
  for (const step of problem.fix) {
    if (step.program === 'chmod') chmodSync(target.keyFile, 0o600);
    else await run(step.program, step.args);
  }
  ctx.log.info(vscode.l10n.t('Made the key {0} private: {1}', target.keyFile, problem.fix.map((f) => [f.program, ...f.args].join(' ')).join(' && ')));
  const again = keyFileProblem(target.keyFile, target.keyPair, facts(), process.platform);
  if (again) throw new BlueprintError('key-file', again.message);
  return true;
}

function run(program: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile(program, args, { windowsHide: true }, (error, _stdout, stderr) =>
      error ? reject(new BlueprintError('key-file', `${program} ${args.join(' ')}: ${String(stderr).trim() || error.message}`)) : resolve(),
    ),
  );
}

/** The full path of the system's ssh, or a clear error. */
export function sshProgram(): string {
  const found = findOnPath('ssh', process.env, process.platform, nodeProbe);
  if (!found) throw new BlueprintError('runtime', noSshMessage(process.platform));
  return found;
}

/** Waits, under a cancellable progress notification that says what it waits for, until the
 * instance is running and passes 2/2 status checks. false when the user cancelled. */
export async function waitUntilReady(ctx: CommandContext, resolved: ResolvedSsh): Promise<boolean> {
  const { target, state, bp } = resolved;
  const wait = loadEngineExports().waitUntilSshReady;
  if (!target.instanceId) return true;
  if (!wait) {
    ctx.log.warn('The engine bundle has no waitUntilSshReady; connecting without waiting for the status checks.');
    return true;
  }
  const options = ctx.engineOptions();
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('SSH to {0}', target.instance), cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const cancel = token.onCancellationRequested(() => abort.abort());
      progress.report({ message: vscode.l10n.t('Checking that "{0}" is running and its status checks pass…', target.instance) });
      try {
        await wait(
          {
            region: options.region ?? state?.region ?? bp.blueprint.region,
            ...(options.profile ? { profile: options.profile } : {}),
            ...(options.endpoint ? { endpoint: options.endpoint } : {}),
          },
          {
            instanceId: target.instanceId!,
            instanceName: target.instance,
            signal: abort.signal,
            onProgress: (p) => {
              progress.report({ message: p.message });
              ctx.log.info(p.message);
            },
          },
        );
        return true;
      } catch (error) {
        if (error instanceof BlueprintError && error.code === 'interrupted') return false;
        throw error;
      } finally {
        cancel.dispose();
      }
    },
  );
}

/** The terminal options: named after the instance, running ssh itself (no shell in between). */
export function sshTerminalOptions(target: SshTarget, sshPath: string, args: string[]): vscode.TerminalOptions {
  return {
    name: terminalName(target.instance),
    shellPath: sshPath,
    shellArgs: args,
    iconPath: new vscode.ThemeIcon('remote'),
  };
}

/** The ssh config file to write: ec2Blueprint.sshConfigFile, else the one Remote-SSH reads
 * (remote.SSH.configFile), else ~/.ssh/config. */
export function sshConfigFilePath(): string {
  const configured =
    vscode.workspace.getConfiguration('ec2Blueprint').get<string>('sshConfigFile')?.trim() ||
    vscode.workspace.getConfiguration('remote.SSH').get<string>('configFile')?.trim();
  if (configured) return configured === '~' || /^~[/\\]/.test(configured) ? path.join(os.homedir(), configured.slice(1)) : configured;
  return path.join(os.homedir(), '.ssh', 'config');
}

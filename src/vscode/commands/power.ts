// Stop Instance / Start Instance: the tutorial's reason for an Elastic IP is that the address
// survives a stop and start, and these commands show it.
import * as vscode from 'vscode';
import type { PowerResult } from '../../aws/instance-power';
import type { CommandContext, OpenBlueprint } from './command';
import { nameOfArgument } from './apply';
import { afterStopLine } from '../cost';

async function pickInstance(ctx: CommandContext, bp: OpenBlueprint, nameArg: unknown): Promise<{ name: string; id: string } | undefined> {
  const state = await ctx.readState(bp.path);
  const instances = bp.components.filter((c) => c.kind === 'instance' && state?.resources[c.name]);
  const wanted = nameOfArgument(nameArg);
  if (instances.length === 0) {
    void vscode.window.showWarningMessage(vscode.l10n.t('No instance of {0} has been launched yet. Run "Blueprint: Launch Instance" first.', bp.blueprint.stack));
    return undefined;
  }
  let name = wanted ?? (instances.length === 1 ? instances[0]!.name : undefined);
  if (!name) {
    const picked = await vscode.window.showQuickPick(
      instances.map((c) => ({ label: c.name, description: state!.resources[c.name]!.id })),
      { placeHolder: vscode.l10n.t('Which instance?') },
    );
    name = picked?.label;
  }
  if (!name) return undefined;
  const id = state?.resources[name]?.id;
  if (!id) throw new Error(vscode.l10n.t('Instance "{0}" has not been launched.', name));
  return { name, id };
}

async function power(ctx: CommandContext, action: 'stop' | 'start', arg: unknown, nameArg: unknown): Promise<PowerResult | undefined> {
  const bp = await ctx.blueprint(arg);
  if (!bp) return undefined;
  const target = await pickInstance(ctx, bp, nameArg ?? arg);
  if (!target) return undefined;
  const exports = ctx.loadEngineExports();
  const run = action === 'stop' ? exports.stopInstance : exports.startInstance;
  if (!run) throw new Error(vscode.l10n.t('This build of the engine cannot stop or start instances.'));
  const options = ctx.engineOptions();
  const title = action === 'stop' ? vscode.l10n.t('Stopping {0} ({1})', target.name, target.id) : vscode.l10n.t('Starting {0} ({1})', target.name, target.id);
  ctx.log.info(title);
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    return run(
      { region: options.region ?? bp.blueprint.region, ...(options.profile ? { profile: options.profile } : {}), ...(options.endpoint ? { endpoint: options.endpoint } : {}) },
      { instanceId: target.id, signal: abort.signal, onProgress: (state) => progress.report({ message: state }) },
    );
  });
  ctx.log.info(`${target.name} (${target.id}): ${result.state}${result.publicIp ? `, public address ${result.publicIp}` : ''}`);
  ctx.stateChanged(bp.path);
  if (action === 'stop') {
    // What still costs once stopped (bounded: a price that cannot be had is left out).
    const report = await ctx.loadEngine().cost({ path: bp.path, text: bp.text }, options).catch(() => undefined);
    if (report) ctx.costs.set(bp.path, report);
    const still = afterStopLine(report);
    void vscode.window.showInformationMessage(`${vscode.l10n.t('{0} is stopped. Its disk stays; compute charges stop.', target.name)}${still ? ` ${still}` : ''}`);
  } else if (result.publicIp && result.publicIpBefore && result.publicIp === result.publicIpBefore) {
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} is running again at the same public address {1}: that is what the Elastic IP is for.', target.name, result.publicIp));
  } else {
    void vscode.window.showInformationMessage(result.publicIp ? vscode.l10n.t('{0} is running at {1}.', target.name, result.publicIp) : vscode.l10n.t('{0} is running.', target.name));
  }
  return result;
}

export const stopInstance = (ctx: CommandContext, arg?: unknown, nameArg?: unknown) => power(ctx, 'stop', arg, nameArg);
export const startInstance = (ctx: CommandContext, arg?: unknown, nameArg?: unknown) => power(ctx, 'start', arg, nameArg);

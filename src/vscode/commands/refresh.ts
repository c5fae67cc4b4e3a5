// Refresh: reads what AWS really has, records drift in the state file, and says what differs.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { StateFile } from '../../core/state';
import type { CommandContext } from './command';

export async function refresh(ctx: CommandContext, arg?: unknown): Promise<StateFile | undefined> {
  const bp = await ctx.blueprint(arg);
  if (!bp) return undefined;
  const state = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Reading what AWS has for {0}…', path.basename(bp.path)) },
    () => ctx.loadEngine().refresh({ path: bp.path, text: bp.text }, ctx.engineOptions()),
  );
  ctx.stateChanged(bp.path);
  const drifted = Object.entries(state.resources).filter(([, r]) => r.drift && r.drift.length > 0);
  for (const [name, r] of drifted) ctx.log.warn(`${name} (${r.id}) drifted: ${r.drift!.join('; ')}`);
  const count = Object.keys(state.resources).length;
  if (drifted.length === 0) void vscode.window.showInformationMessage(vscode.l10n.t('{0} resource(s) checked: AWS matches the blueprint.', count));
  else {
    const showLog = vscode.l10n.t('Show Log');
    void vscode.window
      .showWarningMessage(vscode.l10n.t('{0} of {1} resource(s) changed outside the blueprint: {2}. "Apply" puts them back.', drifted.length, count, drifted.map(([n]) => n).join(', ')), showLog)
      .then((c) => (c === showLog ? ctx.log.show(true) : undefined));
  }
  return state;
}

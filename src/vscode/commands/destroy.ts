// Destroy: deletes everything the blueprint owns, in reverse dependency order, after a modal
// confirmation that names what goes. Tests pass { confirmed: true } to skip the dialog (and
// { cancellation: token } to cancel as the progress notification's button does).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunResult } from '../../core/engine-api';
import { cancellationOf, runWithProgress } from '../run-engine';
import { kindWord } from '../../core/vocabulary';
import { destroyEndsLine } from '../cost';
import type { CommandContext } from './command';

function confirmedByArgument(args: unknown[]): boolean {
  return args.some((a) => !!a && typeof a === 'object' && (a as { confirmed?: unknown }).confirmed === true);
}

export async function destroy(ctx: CommandContext, ...args: unknown[]): Promise<RunResult | undefined> {
  const bp = await ctx.blueprint(args.find((a) => !(a && typeof a === 'object' && ('confirmed' in a || 'cancellation' in a))));
  if (!bp) return undefined;
  const state = await ctx.readState(bp.path);
  const existing = [...bp.components].reverse().filter((c) => state?.resources[c.name]);
  // Without a state file the engine still finds what carries this stack's tags; name them all.
  const listed = existing.length > 0 ? existing : [...bp.components].reverse();
  if (!confirmedByArgument(args)) {
    const lines = listed.map((c) => `• ${kindWord(c.kind)} ${c.name}${state?.resources[c.name] ? ` (${state.resources[c.name]!.id})` : ''}`);
    const ends = destroyEndsLine(ctx.costs.get(bp.path), bp.path);
    if (ends) lines.push('', ends);
    const destroyButton = vscode.l10n.t('Destroy');
    const choice = await vscode.window.showWarningMessage(
      existing.length > 0
        ? vscode.l10n.t('Delete {0} resource(s) of stack "{1}" in {2}? This cannot be undone.', existing.length, bp.blueprint.stack, bp.blueprint.region)
        : vscode.l10n.t('No state file records anything for stack "{0}". Delete whatever of these AWS has with this stack\'s tags?', bp.blueprint.stack),
      { modal: true, detail: lines.join('\n') },
      destroyButton,
    );
    if (choice !== destroyButton) return undefined;
  }
  return runWithProgress(
    ctx,
    bp,
    vscode.l10n.t('Destroying {0}', path.basename(bp.path)),
    (options) => ctx.loadEngine().destroy({ path: bp.path, text: bp.text }, options),
    cancellationOf(args),
  );
}

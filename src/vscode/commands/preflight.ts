// "Check Before Apply (Preflight)" and "Copy IAM Policy": what AWS would say to the changes, asked
// without changing anything, and the policy to ask an administrator for.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { preflightLine, type PreflightResult } from '../../core/preflight';
import { showAwsFindings } from '../run-engine';
import type { CommandContext } from './command';

export async function preflight(ctx: CommandContext, arg?: unknown): Promise<PreflightResult | undefined> {
  const bp = await ctx.blueprint(arg);
  if (!bp) return undefined;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Asking AWS whether {0} would be allowed (nothing is changed)…', path.basename(bp.path)) },
    () => ctx.loadEngine().preflight({ path: bp.path, text: bp.text }, ctx.engineOptions()),
  );
  ctx.log.info(`preflight — ${bp.path}`);
  showAwsFindings(bp, [], result.checks);
  for (const check of result.checks) (check.ok ? ctx.log.info : ctx.log.error).call(ctx.log, preflightLine(check));
  const failed = result.checks.filter((c) => !c.ok);
  if (!failed.length) void vscode.window.showInformationMessage(vscode.l10n.t('All {0} checks passed: AWS would allow what this blueprint does.', result.checks.length));
  else {
    const showLog = vscode.l10n.t('Show Log');
    const more = failed.length > 1 ? vscode.l10n.t(' (and {0} more)', failed.length - 1) : '';
    void vscode.window.showErrorMessage(`${failed[0]!.message}${more}`, showLog).then((c) => (c === showLog ? ctx.log.show(true) : undefined));
  }
  return result;
}

export async function copyIamPolicy(ctx: CommandContext, arg?: unknown): Promise<string | undefined> {
  const bp = await ctx.blueprint(arg);
  if (!bp) return undefined;
  const text = JSON.stringify(ctx.loadEngineExports().policyFor!(bp.blueprint), null, 2);
  await vscode.env.clipboard.writeText(text);
  void vscode.window.showInformationMessage(vscode.l10n.t('The IAM policy that applying and destroying {0} needs is on the clipboard: give it to your AWS administrator.', path.basename(bp.path)));
  return text;
}

// Validate and Plan: read-only looks at a blueprint. Validate never calls AWS; Plan does (it
// compares with what exists), and its result feeds the CodeLens "Update".
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Plan, PlannedAction } from '../../core/plan';
import { usd, type CostReport } from '../../core/cost';
import { kindWord } from '../../core/vocabulary';
import { loadValidator } from '../blueprint-files';
import { textOf, uriOfArgument } from '../context';
import type { CommandContext, OpenBlueprint } from './command';

export async function validate(ctx: CommandContext, arg?: unknown): Promise<{ errors: number; warnings: number } | undefined> {
  const uri = uriOfArgument(arg) ?? vscode.window.activeTextEditor?.document.uri;
  // Without a blueprint at hand, blueprint() finds or asks for one (and says why it fails).
  const target = uri && /\.ya?ml$/i.test(uri.path) ? uri : (await ctx.blueprint(arg))?.uri;
  if (!target) return undefined;
  const { text } = await textOf(target);
  const { validateBlueprint } = await loadValidator();
  const { diagnostics } = validateBlueprint(text);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const name = path.basename(target.fsPath);
  ctx.log.info(`validate ${target.fsPath}: ${errors} error(s), ${warnings} warning(s)`);
  if (errors === 0 && warnings === 0) void vscode.window.showInformationMessage(vscode.l10n.t('{0} is valid.', name));
  else if (errors === 0) void vscode.window.showInformationMessage(vscode.l10n.t('{0} is valid, with {1} note(s) worth reading in the Problems panel.', name, warnings));
  else {
    void vscode.window.showErrorMessage(vscode.l10n.t('{0} has {1} error(s) and {2} warning(s); see the Problems panel.', name, errors, warnings));
    void vscode.commands.executeCommand('workbench.actions.view.problems');
  }
  return { errors, warnings };
}

export async function plan(ctx: CommandContext, arg?: unknown): Promise<Plan | undefined> {
  const bp = await ctx.blueprint(arg);
  if (!bp) return undefined;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Comparing {0} with AWS…', path.basename(bp.path)) },
    () => ctx.loadEngine().plan({ path: bp.path, text: bp.text }, ctx.engineOptions()),
  );
  ctx.plans.set(bp.path, result);
  ctx.events.fire({ type: 'plan', plan: result });
  ctx.stateChanged(bp.path);
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: planMarkdown(bp, result) });
  await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  return result;
}

const actionLabels: Record<PlannedAction['action'], () => string> = {
  create: () => vscode.l10n.t('create'),
  update: () => vscode.l10n.t('update in place'),
  replace: () => vscode.l10n.t('replace (delete, then create)'),
  delete: () => vscode.l10n.t('delete'),
  keep: () => vscode.l10n.t('no change'),
};

export function planMarkdown(bp: OpenBlueprint, result: Plan): string {
  const s = result.summary;
  const lines = [
    `# ${vscode.l10n.t('Plan for {0}', path.basename(bp.path))}`,
    '',
    vscode.l10n.t('Stack **{0}** in **{1}**: {2} to create, {3} to update, {4} to replace, {5} to delete, {6} unchanged.', bp.blueprint.stack, bp.blueprint.region, s.create, s.update, s.replace, s.delete, s.keep),
    '',
    `| ${vscode.l10n.t('Component')} | ${vscode.l10n.t('Kind')} | ${vscode.l10n.t('Action')} | ${vscode.l10n.t('AWS id')} | ${vscode.l10n.t('Why')} |`,
    '| --- | --- | --- | --- | --- |',
  ];
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  for (const a of result.actions) {
    lines.push(`| ${cell(a.name)} | ${kindWord(a.kind)} | ${actionLabels[a.action]()} | ${a.id ?? ''} | ${cell(a.reason)} |`);
  }
  const changed = result.actions.filter((a) => a.changes && a.changes.length > 0);
  if (changed.length > 0) {
    lines.push('', `## ${vscode.l10n.t('Changes')}`);
    for (const a of changed) {
      lines.push('', `**${a.name}**`, '');
      for (const c of a.changes!) lines.push(`- ${c}`);
    }
  }
  if (result.cost) lines.push(...costMarkdown(result.cost));
  if (result.notes.length > 0) {
    lines.push('', `## ${vscode.l10n.t('Notes')}`, '');
    for (const n of result.notes) lines.push(`- ${n}`);
  }
  lines.push('', vscode.l10n.t('Run "Blueprint: Apply All" to carry this out, or "Blueprint: Apply Component…" for one piece at a time.'), '');
  return lines.join('\n');
}

/** The plan view's cost section: each billed component with its hourly price and source, the total. */
function costMarkdown(cost: CostReport): string[] {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const lines = [
    '',
    `## ${vscode.l10n.t('Cost')}`,
    '',
    `| ${vscode.l10n.t('Component')} | ${vscode.l10n.t('What')} | ${vscode.l10n.t('Per hour')} | ${vscode.l10n.t('Source')} |`,
    '| --- | --- | --- | --- |',
    ...cost.items.map((i) => `| ${cell(i.name)} | ${cell(i.what)} | ${usd(i.hourly)} | ${cell(i.source)} |`),
    ...cost.unknown.map((u) => `| ${cell(u.name)} | ${cell(u.what)} | ? | ${cell(u.reason)} |`),
    '',
    vscode.l10n.t('**Total: {0} per hour, {1} per 30 days** (USD, on demand, AWS price list as of {2}). Not included: {3}.', usd(cost.hourly), usd(cost.monthly), cost.asOf ?? '—', cost.notIncluded.join('; ')),
  ];
  return lines;
}

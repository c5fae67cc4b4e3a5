import { t } from '@vscode/l10n';
import { preflightLine } from '../../core/preflight';
import type { CliCommand, CliIo } from '../command';
import { engineOptionsFrom } from '../command';
import { loadValidBlueprint } from '../blueprint-file';
import { loadEngine } from '../../engine-loader';
import type { Advice, EngineEvent } from '../../core/events';
import type { Plan, PlannedAction } from '../../core/plan';
import { costNotes } from '../../core/cost';
import { actionWord, kindWord } from '../../core/vocabulary';

const symbol: Record<PlannedAction['action'], string> = { create: '+', update: '~', replace: '±', delete: '-', keep: '=' };

export function planLine(a: PlannedAction): string {
  return `${symbol[a.action]} ${actionWord(a.action).padEnd(7)} ${kindWord(a.kind).padEnd(18)} ${a.name}${a.id ? ` (${a.id})` : ''}: ${a.reason}`;
}

export function planSummaryLine(plan: Plan): string {
  const s = plan.summary;
  return t('{0} to create, {1} to update, {2} to replace, {3} to delete, {4} unchanged.', s.create, s.update, s.replace, s.delete, s.keep);
}

/** The --json shape of a plan (DESIGN.md section 4). */
export function planJson(plan: Plan) {
  return { actions: plan.actions.map((a) => ({ action: a.action, kind: a.kind, name: a.name, reason: a.reason })), summary: plan.summary };
}

/** `FILE:LINE:COL: advice` when the advice is about a line of the blueprint. */
export function adviceLine(file: string | undefined, advice: Advice): string {
  return advice.range && file ? `${file}:${advice.range.line}:${advice.range.column}: ${advice.message}` : advice.message;
}

/** Human progress lines on stderr, one per engine event; `file` is the blueprint, for advice that
 * names one of its lines. */
export function progressPrinter(io: CliIo, file?: string): (event: EngineEvent) => void {
  return (event) => {
    switch (event.type) {
      case 'note':
        io.stderr(`${t('note')}: ${event.message}`);
        break;
      case 'started':
        io.stderr(`… ${actionWord(event.action)} ${kindWord(event.kind)} ${event.name}`);
        break;
      case 'progress':
        io.stderr(`  ${event.name}: ${event.message}`);
        break;
      case 'done':
        io.stderr(`✓ ${actionWord(event.action)} ${kindWord(event.kind)} ${event.name}${event.id ? ` (${event.id})` : ''}`);
        break;
      case 'failed':
        io.stderr(`✗ ${event.message}${event.code ? ` [${event.code}]` : ''}`);
        if (event.advice) io.stderr(`  ${adviceLine(file, event.advice)}`);
        break;
      case 'preflight':
        // Everything when something failed; only the failures' absence otherwise (one line).
        if (event.ok) io.stderr(t('Preflight: {0} checks passed.', event.checks.length));
        else for (const check of event.checks) io.stderr(preflightLine(check));
        break;
      default:
        break;
    }
  };
}

export const plan: CliCommand = {
  name: 'plan',
  get summary() {
    return t('show what apply would create, change or delete');
  },
  usage: 'plan FILE [--only NAME] [--json]',
  options: { only: { type: 'string' } },
  positionals: { min: 1, max: 1 },
  async run([file], values, io) {
    const json = !!values.json;
    const { text } = loadValidBlueprint(file!, io, { json });
    const options = engineOptionsFrom(values, io);
    const only = typeof values.only === 'string' ? values.only : undefined;
    const result = await loadEngine().plan({ path: file!, text }, { ...options, ...(only ? { only } : {}), onEvent: progressPrinter(io) });
    if (json) {
      io.stdout(JSON.stringify(planJson(result)));
    } else {
      for (const a of result.actions) io.stdout(planLine(a));
      for (const note of result.notes) io.stderr(`${t('note')}: ${note}`);
      io.stderr(planSummaryLine(result));
      if (result.cost) for (const line of costNotes(result.cost)) io.stderr(line);
    }
    return 0;
  },
};

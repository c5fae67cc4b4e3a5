import { t } from '@vscode/l10n';
import type { CliCommand } from '../command';
import { engineOptionsFrom } from '../command';
import { loadValidBlueprint } from '../blueprint-file';
import { loadEngine } from '../../engine-loader';
import type { RunResult } from '../../core/engine-api';
import { BlueprintError } from '../../core/errors';
import { planJson, planLine, planSummaryLine, progressPrinter } from './plan';

/** The one JSON document apply and destroy print under --json. */
export function runJson(result: RunResult) {
  return { ok: result.ok, ...planJson(result.plan), failures: result.failures, calls: result.calls };
}

export function parallelismOf(value: unknown): void {
  if (value === undefined) return;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new BlueprintError('usage', t('--parallelism takes a whole number of 1 or more, not "{0}".', String(value)));
}

export const apply: CliCommand = {
  name: 'apply',
  get summary() {
    return t('create or update what the blueprint declares (--only NAME: one component and what it needs)');
  },
  usage: 'apply FILE [--only NAME] [--parallelism N] [--json]',
  options: { only: { type: 'string' } },
  positionals: { min: 1, max: 1 },
  async run([file], values, io) {
    const json = !!values.json;
    parallelismOf(values.parallelism);
    const { text } = loadValidBlueprint(file!, io, { json });
    const only = typeof values.only === 'string' ? values.only : undefined;
    const printer = progressPrinter(io);
    const result = await loadEngine().apply({ path: file!, text }, {
      ...engineOptionsFrom(values, io),
      ...(only ? { only } : {}),
      onEvent: (event) => {
        if (event.type === 'plan' && !json) for (const a of event.plan.actions) if (a.action !== 'keep') io.stderr(planLine(a));
        printer(event);
      },
    });
    if (json) io.stdout(JSON.stringify(runJson(result)));
    else {
      io.stderr(planSummaryLine(result.plan));
      io.stderr(
        result.ok
          ? t('Done. AWS calls: {0} changing, {1} reading.', result.calls.mutating, result.calls.read)
          : t('Apply stopped: {0}', result.failures.map((f) => f.message + (f.code ? ` (${t('AWS error code')}: ${f.code})` : '')).join('; ')),
      );
    }
    return result.ok ? 0 : 3;
  },
};

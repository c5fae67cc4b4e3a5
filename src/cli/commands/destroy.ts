import { t } from '@vscode/l10n';
import type { CliCommand } from '../command';
import { engineOptionsFrom } from '../command';
import { loadValidBlueprint } from '../blueprint-file';
import { loadEngine } from '../../engine-loader';
import { BlueprintError } from '../../core/errors';
import type { Plan } from '../../core/plan';
import type { DestroyOptions } from '../../core/engine-api';
import { planLine, progressPrinter } from './plan';
import { parallelismOf, runJson } from './apply';

export const destroy: CliCommand = {
  name: 'destroy',
  get summary() {
    return t('delete everything the blueprint created (asks first; --yes to skip)');
  },
  usage: 'destroy FILE [--yes] [--json]',
  options: { yes: { type: 'boolean', short: 'y' } },
  positionals: { min: 1, max: 1 },
  async run([file], values, io) {
    const json = !!values.json;
    parallelismOf(values.parallelism);
    if (!values.yes && !io.interactive) {
      io.stderr(t('destroy deletes every resource of the stack. Without a terminal to ask on, pass --yes to confirm.'));
      return 2;
    }
    const { text, blueprint } = loadValidBlueprint(file!, io, { json });
    const confirm = async (plan: Plan) => {
      if (values.yes) return true;
      for (const a of plan.actions) io.stderr(planLine(a));
      return io.confirm(t('Delete these {0} resources of stack "{1}"? This cannot be undone.', plan.actions.length, blueprint!.stack));
    };
    const options: DestroyOptions = { ...engineOptionsFrom(values, io), confirm, onEvent: progressPrinter(io, file) };
    let result;
    try {
      result = await loadEngine().destroy({ path: file!, text }, options);
    } catch (error) {
      if (error instanceof BlueprintError && error.code === 'usage') io.stderr(error.message);
      if (error instanceof BlueprintError && error.code === 'usage') return 2;
      throw error;
    }
    if (json) io.stdout(JSON.stringify(runJson(result)));
    else
      io.stderr(
        result.ok
          ? result.plan.actions.length
            ? t('Destroyed {0} resources. AWS calls: {1} changing, {2} reading.', result.plan.actions.length, result.calls.mutating, result.calls.read)
            : t('Nothing to destroy: no resource is tagged with stack "{0}".', blueprint!.stack)
          : t('Destroy stopped: {0}', result.failures.map((f) => f.message + (f.code ? ` (${t('AWS error code')}: ${f.code})` : '')).join('; ')),
      );
    return result.ok ? 0 : 3;
  },
};

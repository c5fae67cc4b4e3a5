// `preflight FILE`: asks AWS, changing nothing, whether everything the blueprint's apply and
// destroy would do is allowed and would succeed. One line per check; exit 0 all pass, 5 one fails.
import { t } from '@vscode/l10n';
import type { CliCommand } from '../command';
import { engineOptionsFrom } from '../command';
import { loadValidBlueprint } from '../blueprint-file';
import { loadEngine } from '../../engine-loader';
import { preflightJson, preflightLine } from '../../core/preflight';

export const preflight: CliCommand = {
  name: 'preflight',
  get summary() {
    return t('ask AWS, changing nothing, whether every planned action would be allowed and succeed');
  },
  usage: 'preflight FILE [--json]',
  positionals: { min: 1, max: 1 },
  async run([file], values, io) {
    const json = !!values.json;
    const { text } = loadValidBlueprint(file!, io, { json });
    const result = await loadEngine().preflight({ path: file!, text }, engineOptionsFrom(values, io));
    if (json) io.stdout(JSON.stringify(preflightJson(result)));
    else {
      for (const check of result.checks) io.stderr(preflightLine(check));
      const failed = result.checks.filter((c) => !c.ok).length;
      io.stderr(failed ? t('{0} of {1} checks failed: apply would stop there. Nothing was changed.', failed, result.checks.length) : t('All {0} checks passed. Nothing was changed.', result.checks.length));
    }
    return result.ok ? 0 : 5;
  },
};

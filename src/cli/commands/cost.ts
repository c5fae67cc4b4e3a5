import { t } from '@vscode/l10n';
import type { CliCommand } from '../command';
import { engineOptionsFrom } from '../command';
import { loadValidBlueprint } from '../blueprint-file';
import { loadEngine } from '../../engine-loader';
import { costJson, costLines } from '../../core/cost';
import { progressPrinter } from './plan';

export const cost: CliCommand = {
  name: 'cost',
  get summary() {
    return t('what the blueprint costs per hour and per 30 days, from AWS\'s price list');
  },
  usage: 'cost FILE [--json]',
  positionals: { min: 1, max: 1 },
  async run([file], values, io) {
    const json = !!values.json;
    const { text } = loadValidBlueprint(file!, io, { json });
    const report = await loadEngine().cost({ path: file!, text }, { ...engineOptionsFrom(values, io), onEvent: progressPrinter(io) });
    if (json) io.stdout(JSON.stringify(costJson(report)));
    else for (const line of costLines(report)) io.stdout(line);
    return 0;
  },
};

// `policy FILE`: the least-privilege IAM policy document that apply, destroy, refresh,
// reach --live and ssh of this blueprint need (src/aws/permissions.ts says where it comes from).
import { t } from '@vscode/l10n';
import type { CliCommand } from '../command';
import { loadValidBlueprint } from '../blueprint-file';
import { loadEngineExports } from '../../engine-loader';

export const policy: CliCommand = {
  name: 'policy',
  get summary() {
    return t('print the least-privilege IAM policy that apply, destroy, refresh, reach --live and ssh of the blueprint need');
  },
  usage: 'policy FILE',
  positionals: { min: 1, max: 1 },
  async run([file], values, io) {
    const blueprint = loadValidBlueprint(file!, io, { json: !!values.json }).blueprint!;
    io.stdout(JSON.stringify(loadEngineExports().policyFor!(blueprint), null, 2));
    io.stderr(t('The statement OptionalPricesForCost (pricing:GetProducts) is optional: without it the cost figures say "price unknown" and everything else works.'));
    return 0;
  },
};

import { t } from '@vscode/l10n';
import type { CliCommand } from '../command';
import { diagnosticJson, formatDiagnostic } from '../command';
import { readBlueprintText } from '../blueprint-file';
import { validateBlueprint } from '../../core/validate';
import { hasErrors } from '../../core/diagnostics';
import { userDataFileReader } from '../../core/user-data-file';

export const validate: CliCommand = {
  name: 'validate',
  get summary() {
    return t('check a blueprint without calling AWS');
  },
  usage: 'validate FILE [--json]',
  positionals: { min: 1, max: 1 },
  async run([file], values, io) {
    const result = validateBlueprint(readBlueprintText(file!), { readUserDataFile: userDataFileReader(file!) });
    if (values.json) {
      io.stdout(JSON.stringify(result.diagnostics.map(diagnosticJson)));
    } else {
      for (const d of result.diagnostics) io.stdout(formatDiagnostic(file!, d));
      const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
      const warnings = result.diagnostics.length - errors;
      io.stderr(errors > 0 ? t('{0}: {1} error(s), {2} warning(s).', file!, errors, warnings) : t('{0} is valid ({1} warning(s)).', file!, warnings));
    }
    return hasErrors(result.diagnostics) ? 1 : 0;
  },
};

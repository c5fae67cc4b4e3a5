import { readFileSync } from 'node:fs';
import { t } from '@vscode/l10n';
import { BlueprintError } from '../core/errors';
import { hasErrors } from '../core/diagnostics';
import { validateBlueprint, maxBlueprintBytes, type ValidationResult } from '../core/validate';
import { userDataFileReader } from '../core/user-data-file';
import type { CliIo } from './command';
import { diagnosticJson, formatDiagnostic } from './command';

/** Reads a blueprint file, refusing what is not a readable text file with a clear message. */
export function readBlueprintText(file: string): string {
  let buffer: Buffer;
  try {
    buffer = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BlueprintError('usage', code === 'ENOENT' ? t('{0}: no such file.', file) : code === 'EISDIR' ? t('{0} is a folder, not a blueprint file.', file) : t('{0} cannot be read ({1}).', file, String(code)));
  }
  // Cheap guard before decoding: the validator refuses such files anyway.
  if (buffer.length > maxBlueprintBytes * 4) return 'x'.repeat(maxBlueprintBytes + 1);
  return buffer.toString('utf8').replace(/^\uFEFF/, '');
}

/** Validates and prints the findings (to stderr, or nowhere under --json when `quietJson`).
 * Throws invalid-blueprint when there are errors. */
export function loadValidBlueprint(file: string, io: CliIo, options: { json: boolean }): ValidationResult & { text: string } {
  const text = readBlueprintText(file);
  const result = validateBlueprint(text, { readUserDataFile: userDataFileReader(file) });
  if (!options.json) for (const d of result.diagnostics) io.stderr(formatDiagnostic(file, d));
  if (hasErrors(result.diagnostics)) {
    if (options.json) io.stdout(JSON.stringify({ diagnostics: result.diagnostics.map(diagnosticJson) }));
    throw new BlueprintError('invalid-blueprint', t('{0} has errors; nothing was sent to AWS.', file));
  }
  return { ...result, text };
}

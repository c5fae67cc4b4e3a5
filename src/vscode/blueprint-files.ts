// Which files are blueprints, and validation of their text. The validator (zod + yaml) is loaded
// on first use, not at activation.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ValidationResult } from '../core/validate';
import { loadValidatorBundle } from '../validator-loader';

export const blueprintGlob = '**/{*.blueprint.yaml,*.blueprint.yml,blueprint.yaml}';

export function isBlueprintPath(filePath: string): boolean {
  const base = path.basename(filePath).toLowerCase();
  return base.endsWith('.blueprint.yaml') || base.endsWith('.blueprint.yml') || base === 'blueprint.yaml';
}

/** The validator (zod + yaml, a bundle of its own) on first use. */
export async function loadValidator(): Promise<Pick<typeof import('../validator'), 'validateBlueprint' | 'userDataFileReader'>> {
  const validator = loadValidatorBundle();
  // The bundle's messages speak the display language once translations ship (l10n/bundle.l10n.*.json).
  if (!l10nConfigured && vscode.l10n.bundle) validator.configureL10n({ contents: vscode.l10n.bundle });
  l10nConfigured = true;
  return validator;
}

let l10nConfigured = false;

/** Validates text; results are cached per key (uri + version) so diagnostics, CodeLens and
 * commands share one parse. */
export class ValidationCache {
  private readonly entries = new Map<string, { version: number | string; result: ValidationResult }>();

  async validate(key: string, version: number | string, text: string): Promise<ValidationResult> {
    const hit = this.entries.get(key);
    if (hit && hit.version === version) return hit.result;
    const validator = await loadValidator();
    // A saved file's userDataFile is read beside it; an untitled buffer has no folder.
    const uri = vscode.Uri.parse(key);
    const result = validator.validateBlueprint(text, uri.scheme === 'file' ? { readUserDataFile: validator.userDataFileReader(uri.fsPath) } : {});
    this.entries.set(key, { version, result });
    return result;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}

// Which files are blueprints, and validation of their text. The validator (zod + yaml) is loaded
// on first use, not at activation.
import * as path from 'node:path';
import type { ValidationResult } from '../core/validate';

export const blueprintGlob = '**/{*.blueprint.yaml,*.blueprint.yml,blueprint.yaml}';

export function isBlueprintPath(filePath: string): boolean {
  const base = path.basename(filePath).toLowerCase();
  return base.endsWith('.blueprint.yaml') || base.endsWith('.blueprint.yml') || base === 'blueprint.yaml';
}

let validator: typeof import('../core/validate') | undefined;

export async function loadValidator(): Promise<typeof import('../core/validate')> {
  validator ??= await import('../core/validate');
  return validator;
}

/** Validates text; results are cached per key (uri + version) so diagnostics, CodeLens and
 * commands share one parse. */
export class ValidationCache {
  private readonly entries = new Map<string, { version: number | string; result: ValidationResult }>();

  async validate(key: string, version: number | string, text: string): Promise<ValidationResult> {
    const hit = this.entries.get(key);
    if (hit && hit.version === version) return hit.result;
    const result = (await loadValidator()).validateBlueprint(text);
    this.entries.set(key, { version, result });
    return result;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}

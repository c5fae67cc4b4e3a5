// Parse and check a blueprint. Pure: no file system, no AWS. Every finding carries a stable code,
// a message a beginner understands, and the range of the offending node. The stages, each its own
// module: the YAML with its ranges (validate-yaml.ts), the schema (validate-schema.ts), the meaning
// (validate-semantics.ts); then the user data, and whether SSH gets in.
import { blueprintSchema, type Blueprint } from './schema';
import { byPosition, capped, dedupe, diagnostic, type Diagnostic, type SourceMap } from './diagnostics';
import { reachDiagnostics } from './reach-ssh';
import { sshPortDiagnostics } from './ssh-target';
import { checkUserData } from './user-data-check';
import type { UserDataFileReader } from './user-data-file';
import { readBlueprintYaml } from './validate-yaml';
import { schemaFindings } from './validate-schema';
import { checkSemantics, type Add } from './validate-semantics';

export { maxBlueprintBytes, flowNestingBeyond } from './validate-yaml';
export { generatedDescription } from './validate-semantics';
export { kindWord } from './vocabulary';

export interface ValidationResult {
  /** The blueprint, when it has no errors. */
  blueprint?: Blueprint;
  diagnostics: Diagnostic[];
  source: SourceMap;
  /** Per instance name: its own user data (inline, or read from its userDataFile). */
  userData?: Record<string, string>;
}

export interface ValidateOptions {
  /** Reads userDataFile paths relative to the blueprint (userDataFileReader). Without it (an
   * unsaved buffer), only the path itself is checked. */
  readUserDataFile?: UserDataFileReader;
}

export function validateBlueprint(text: string, options: ValidateOptions = {}): ValidationResult {
  const read = readBlueprintYaml(text);
  if (!read.ok) return { diagnostics: read.diagnostics, source: read.source };
  const { raw, source } = read;
  const parsed = blueprintSchema.safeParse(raw);
  if (!parsed.success) return { diagnostics: schemaFindings(parsed.error.issues, raw, source), source };
  const out: Diagnostic[] = [];
  const add: Add = (severity, code, message, path, part = 'value', suggestion) => out.push(diagnostic(severity, code, message, source.range(path, part), suggestion));
  const blueprint = parsed.data;
  checkSemantics(blueprint, add);
  const userData = checkUserData(blueprint, source, text, options.readUserDataFile);
  out.push(...userData.diagnostics);
  if (!out.some((d) => d.severity === 'error')) {
    // Whether SSH can reach each instance is part of checking the file: a blocked path is a
    // warning on the instance, unless another finding already stands on that very spot.
    const taken = new Set(out.map((d) => `${d.line}:${d.column}`));
    for (const d of [...sshPortDiagnostics(blueprint, source), ...reachDiagnostics(blueprint, source)]) {
      if (!taken.has(`${d.line}:${d.column}`)) out.push(d);
      taken.add(`${d.line}:${d.column}`);
    }
  }
  const diagnostics = capped(dedupe(out)).sort(byPosition);
  return { ...(diagnostics.some((d) => d.severity === 'error') ? {} : { blueprint, userData: userData.texts }), diagnostics, source };
}

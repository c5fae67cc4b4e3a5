// The schema's verdict as findings: each of zod's issues in words a beginner understands, at the
// line and column of the offending key or value (with the near key for a typo).
import { closest, distance } from 'fastest-levenshtein';
import { t } from '@vscode/l10n';
import type { z } from 'zod';
import { knownKeysAt } from './schema';
import { byPosition, capped, dedupe, diagnostic, maxFindings, type Diagnostic, type Path, type SourceMap } from './diagnostics';
import { parsePortRange } from './ports';

/** The findings for the schema's issues with `raw` (the YAML as data), sorted, at most maxFindings. */
export function schemaFindings(issues: readonly z.core.$ZodIssue[], raw: unknown, source: SourceMap): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const issue of issues) {
    if (out.length >= maxFindings) break;
    structuralDiagnostic(issue, raw, source, out);
  }
  return capped(dedupe(out)).sort(byPosition);
}

const typeWords: Record<string, () => string> = {
  string: () => t('text'),
  number: () => t('a number'),
  boolean: () => t('true or false'),
  object: () => t('a mapping (key: value lines)'),
  array: () => t('a list (lines starting with "-")'),
  null: () => t('nothing'),
  undefined: () => t('nothing'),
};

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return typeWords.null!();
  if (Array.isArray(value)) return typeWords.array!();
  return (typeWords[typeof value] ?? (() => typeof value))();
}

function valueAt(root: unknown, path: Path): unknown {
  let v = root;
  for (const step of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[step];
  }
  return v;
}

function structuralDiagnostic(issue: z.core.$ZodIssue, raw: unknown, source: SourceMap, out: Diagnostic[]): void {
  const path = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
  const last = path[path.length - 1];
  const push = (code: string, message: string, at: Path, part: 'value' | 'key' = 'value', suggestion?: string) =>
    out.push(diagnostic('error', code, message, source.range(at, part), suggestion));
  // Ports are checked by checkPorts with better words; the union's own error would only confuse.
  if (last === 'port') {
    const value = valueAt(raw, path);
    const range = parsePortRange(value);
    push(range.ok ? 'wrong-type' : range.code, range.ok ? t('A port is a number such as 22 or a range such as "8000-8080".') : range.message, path);
    return;
  }
  switch (issue.code) {
    case 'unrecognized_keys':
      for (const key of issue.keys.slice(0, maxFindings + 1)) {
        const known = knownKeysAt(path);
        const near = known.length > 0 ? closest(key, known) : undefined;
        const good = near !== undefined && distance(key, near) <= Math.max(2, Math.floor(near.length / 3));
        push(
          'unknown-key',
          good
            ? t('Unknown key "{0}". Did you mean "{1}"?', key, near)
            : t('Unknown key "{0}". Allowed here: {1}.', key, known.join(', ')),
          [...path, key],
          'key',
          good ? near : undefined,
        );
      }
      return;
    case 'invalid_type': {
      const value = valueAt(raw, path);
      if (value === undefined && !source.has(path)) {
        out.push(
          diagnostic('error', 'missing-key', t('"{0}" is required here.', String(last)), source.rangeForMissing(path.slice(0, -1))),
        );
        return;
      }
      push('wrong-type', t('"{0}" should be {1}, but it is {2}.', String(last ?? 'blueprint'), typeWords[issue.expected]?.() ?? issue.expected, describeValue(value)), path);
      return;
    }
    case 'invalid_value':
      if (last === 'version') push('unsupported-version', t('This tool reads blueprint format version 1; write "version: 1".'), path);
      else push('invalid-value', t('"{0}" must be one of: {1}.', String(last), issue.values.map(String).join(', ')), path);
      return;
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const value = valueAt(raw, path);
      if (typeof value === 'string')
        push('value-out-of-range', issue.code === 'too_small' ? t('"{0}" must not be empty.', String(last)) : t('"{0}" is too long (at most {1} characters).', String(last), String(bound)), path);
      else push('value-out-of-range', issue.code === 'too_small' ? t('"{0}" must be at least {1}.', String(last), String(bound)) : t('"{0}" must be at most {1}.', String(last), String(bound)), path);
      return;
    }
    case 'invalid_format':
      if (last === 'stack') push('invalid-format', t('A stack name uses letters, digits, "-" and "_", and starts with a letter or digit.'), path);
      else if (last === 'sshUser') push('invalid-format', t('An SSH user name uses letters, digits, ".", "-" and "_" (at most 32), and starts with a letter or "_".'), path);
      else push('invalid-format', t('"{0}" is not in the expected format.', String(last)), path);
      return;
    default:
      if (last === 'sizeGiB' || last === 'sshPort' || last === 'rule') push('wrong-type', t('"{0}" must be a whole number.', String(last)), path);
      else push('invalid-value', t('"{0}": {1}', String(last ?? 'blueprint'), issue.message), path);
  }
}

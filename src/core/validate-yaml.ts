// Reading a blueprint's YAML, with the range of every node: the guards that keep a hostile file from
// costing minutes or the stack (size, nesting, aliases, repeated keys) and the YAML's own errors,
// each a finding at its line and column. What comes out is plain data for the schema.
import { LineCounter, parseDocument, isMap, isScalar, isSeq, type Document, type Node } from 'yaml';
import { t } from '@vscode/l10n';
import { byPosition, capped, diagnostic, maxFindings, SourceMap, type Diagnostic, type Path } from './diagnostics';

/** Larger files are refused before parsing: no blueprint comes near this. */
export const maxBlueprintBytes = 2 * 1024 * 1024;
const maxAliasCount = 100;
const maxDepth = 64;

/** The YAML as plain data with its source map, or the findings that stop the reading. */
export type YamlRead = { ok: true; raw: unknown; source: SourceMap } | { ok: false; diagnostics: Diagnostic[]; source: SourceMap };

export function readBlueprintYaml(text: string): YamlRead {
  const lines = new LineCounter();
  if (text.length > maxBlueprintBytes) {
    const source = new SourceMap(undefined, lines, 0);
    return {
      ok: false,
      diagnostics: [
        diagnostic('error', 'file-too-large', t('This file is {0} MB; a blueprint is a few kilobytes. Is it the right file?', (text.length / 1048576).toFixed(1)), {
          line: 1,
          column: 1,
          endLine: 1,
          endColumn: 1,
        }),
      ],
      source,
    };
  }
  const deepAt = flowNestingBeyond(text, maxDepth);
  if (deepAt !== undefined) {
    // The YAML parser recurses once per level; thousands of levels overflow the stack, and an
    // overflow inside V8's RegExp compiler aborts the whole process instead of throwing.
    const source = new SourceMap(undefined, lines, text.length);
    lines.addNewLine(0);
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
    return { ok: false, diagnostics: [diagnostic('error', 'too-deep', t('This value is nested more than {0} levels deep; no blueprint needs that.', maxDepth), source.rangeOfOffsets(deepAt, deepAt + 1))], source };
  }
  let doc: Document.Parsed;
  try {
    // uniqueKeys is checked by structureProblems in one linear pass; the parser's own check is
    // quadratic in the number of keys of a mapping.
    doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false, strict: true });
  } catch (error) {
    // The parser recurses on nesting; a pathological file must still get a finding, not a crash.
    const source = new SourceMap(undefined, lines, text.length);
    const finding = error instanceof RangeError
      ? diagnostic('error', 'too-deep', t('This value is nested more than {0} levels deep; no blueprint needs that.', maxDepth), source.rangeOfOffsets(0, 1))
      : diagnostic('error', 'yaml-syntax', t('This file could not be read as YAML ({0}).', String((error as Error).message)), source.rangeOfOffsets(0, 1));
    return { ok: false, diagnostics: [finding], source };
  }
  const source = new SourceMap(doc, lines, text.length);
  const out: Diagnostic[] = [];
  const add = (code: string, message: string, path: Path) => out.push(diagnostic('error', code, message, source.range(path)));

  for (const error of doc.errors) {
    const overflow = /call stack/i.test(error.message);
    const code = overflow ? 'too-deep' : error.code === 'DUPLICATE_KEY' ? 'duplicate-key' : 'yaml-syntax';
    const message =
      code === 'too-deep'
        ? t('This value is nested more than {0} levels deep; no blueprint needs that.', maxDepth)
        : code === 'duplicate-key'
          ? t('This key appears twice in the same mapping; YAML keeps only one of them.')
          : t('YAML syntax: {0}', firstLine(error.message));
    out.push(diagnostic('error', code, message, source.rangeOfOffsets(error.pos[0], Math.max(error.pos[1], error.pos[0] + 1))));
  }
  if (out.length > 0) return { ok: false, diagnostics: out.sort(byPosition), source };

  if (doc.contents === null || (isScalar(doc.contents) && (doc.contents.value === null || doc.contents.value === ''))) {
    add('empty-file', t('The blueprint is empty. Start with "version: 1", a stack name, a region and a vpc.'), []);
    return { ok: false, diagnostics: out, source };
  }
  if (!isMap(doc.contents)) {
    add('not-a-mapping', t('A blueprint is a YAML mapping (keys like version:, stack:, vpc:), not {0}.', isSeq(doc.contents) ? t('a list') : t('a single value')), []);
    return { ok: false, diagnostics: out, source };
  }
  const structure = structureProblems(doc.contents, maxDepth);
  if (structure.tooDeep) {
    add('too-deep', t('This value is nested more than {0} levels deep; no blueprint needs that.', maxDepth), structure.tooDeep);
    return { ok: false, diagnostics: out, source };
  }
  for (const key of structure.duplicateKeys.slice(0, maxFindings)) {
    out.push(diagnostic('error', 'duplicate-key', t('This key appears twice in the same mapping; YAML keeps only one of them.'), source.rangeOfOffsets(key.range![0], key.range![1])));
  }
  if (out.length > 0) return { ok: false, diagnostics: capped(out).sort(byPosition), source };

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount });
  } catch (error) {
    add('yaml-alias-limit', t('Too many aliases (*name) are expanded here: {0}', firstLine(String((error as Error).message))), []);
    return { ok: false, diagnostics: out, source };
  }
  return { ok: true, raw, source };
}

/** The first line of a parser's message, without its own position (the finding carries it). */
export function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/** The offset where flow collections ([ ], { }) nest deeper than `limit`, found in one linear
 * pass before the parser runs. A bracket counts only where YAML lets a collection start (after
 * a key's ": ", a "- ", "[", "{" or ","), and quoted text is skipped, so a "[" inside a
 * description is not mistaken for nesting. */
export function flowNestingBeyond(text: string, limit: number): number | undefined {
  let depth = 0;
  let expectNode = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') {
      expectNode = true;
      continue;
    }
    if (c === ' ' || c === '\t') continue;
    if (c === '#' && (i === 0 || text[i - 1] === ' ' || text[i - 1] === '\t' || text[i - 1] === '\n')) {
      const end = text.indexOf('\n', i);
      if (end < 0) break;
      i = end - 1;
      continue;
    }
    if (expectNode && (c === '"' || c === "'")) {
      for (i++; i < text.length; i++) {
        if (text[i] === '\\' && c === '"') i++;
        else if (text[i] === c) {
          if (c === "'" && text[i + 1] === "'") i++;
          else break;
        }
      }
      expectNode = false;
      continue;
    }
    if (expectNode && (c === '[' || c === '{')) {
      if (++depth > limit) return i;
      continue;
    }
    if (depth > 0 && (c === ']' || c === '}')) {
      depth--;
      expectNode = false;
      continue;
    }
    if (c === ',' && depth > 0) {
      expectNode = true;
      continue;
    }
    if ((c === ':' || c === '-' || c === '?') && (text[i + 1] === ' ' || text[i + 1] === '\n' || text[i + 1] === undefined || (depth > 0 && c === ':'))) {
      expectNode = true;
      continue;
    }
    expectNode = false;
  }
  return undefined;
}

/** One linear walk over the document: the first path deeper than `limit`, and every key that
 * repeats one before it in the same mapping (the later one). Iterative, so depth cannot overflow
 * the stack; each entry links to its parent, so memory stays linear in the size of the file. */
function structureProblems(node: unknown, limit: number): { tooDeep?: Path; duplicateKeys: Node[] } {
  type Entry = { node: unknown; depth: number; key: string | number; parent?: Entry };
  const duplicateKeys: Node[] = [];
  const stack: Entry[] = [{ node, depth: 0, key: '' }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    if (entry.depth > limit) {
      const path: (string | number)[] = [];
      for (let e: Entry | undefined = entry; e?.parent; e = e.parent) path.unshift(e.key);
      return { tooDeep: path.slice(0, limit), duplicateKeys };
    }
    const n = entry.node;
    if (isMap(n)) {
      const seen = new Set<string>();
      for (const pair of n.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '?';
        if (isScalar(pair.key) && seen.has(key) && pair.key.range) duplicateKeys.push(pair.key);
        seen.add(key);
        stack.push({ node: pair.value, depth: entry.depth + 1, key, parent: entry });
      }
    } else if (isSeq(n)) n.items.forEach((item, i) => stack.push({ node: item, depth: entry.depth + 1, key: i, parent: entry }));
  }
  return { duplicateKeys };
}

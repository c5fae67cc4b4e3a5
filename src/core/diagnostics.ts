import { t } from '@vscode/l10n';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';

export type Severity = 'error' | 'warning';

/** A finding about a blueprint, anchored at the node it is about. Lines and columns are 1-based,
 * columns in UTF-16 code units (as VS Code counts them), end exclusive. */
export interface Diagnostic {
  severity: Severity;
  code: string;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** A replacement for the flagged text that would fix it (nearest key or name). */
  suggestion?: string;
  /** Set when the finding is in another file than the blueprint (an instance's userDataFile):
   * that path as the blueprint writes it, relative to the blueprint's folder. */
  file?: string;
}

export interface Range {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export type Path = readonly (string | number)[];

/** Maps paths in the parsed document to source ranges. */
export class SourceMap {
  constructor(
    readonly doc: Document.Parsed | undefined,
    readonly lines: LineCounter,
    readonly textLength: number,
  ) {}

  rangeOfOffsets(start: number, end: number): Range {
    const a = this.lines.linePos(Math.max(0, Math.min(start, this.textLength)));
    const b = this.lines.linePos(Math.max(0, Math.min(Math.max(end, start), this.textLength)));
    return { line: a.line, column: a.col, endLine: b.line, endColumn: b.col };
  }

  /** The value at path, or (with `key`) the key of the pair at path. Falls back to the nearest
   * ancestor that exists, so every finding has a place. */
  range(path: Path, part: 'value' | 'key' = 'value'): Range {
    const found = this.find(path);
    if (found.rest === 0) {
      const node = part === 'key' && found.keyNode ? found.keyNode : found.node;
      if (node?.range) return this.rangeOfOffsets(node.range[0], node.range[1]);
    }
    return this.anchorOfMissing(path.slice(0, path.length - found.rest), found);
  }

  /** Where a key that should exist under `mapPath` is missing: the key that opens that map, or
   * for a list item its first key. */
  rangeForMissing(mapPath: Path): Range {
    const found = this.find(mapPath);
    return this.anchorOfMissing(mapPath.slice(0, mapPath.length - found.rest), found);
  }

  has(path: Path): boolean {
    return this.find(path).rest === 0;
  }

  private anchorOfMissing(_existing: Path, found: Found): Range {
    if (found.keyNode?.range) return this.rangeOfOffsets(found.keyNode.range[0], found.keyNode.range[1]);
    const node = found.node;
    if (isMap(node) && node.items.length > 0) {
      const first = node.items[0];
      const key = first && isPair(first) ? (first.key as Node | null) : null;
      if (key?.range) return this.rangeOfOffsets(key.range[0], key.range[1]);
    }
    if (node?.range) {
      // Just the first line of the node, not the whole block.
      const start = node.range[0];
      return this.rangeOfOffsets(start, start + 1);
    }
    return { line: 1, column: 1, endLine: 1, endColumn: 1 };
  }

  private find(path: Path): Found {
    let node: Node | null | undefined = this.doc?.contents ?? null;
    let keyNode: Node | null = null;
    for (let i = 0; i < path.length; i++) {
      const step = path[i];
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(step));
        if (!pair) return { node, keyNode, rest: path.length - i };
        keyNode = pair.key as Node;
        node = pair.value as Node | null;
        if (!node) return { node: keyNode, keyNode, rest: path.length - i - 1 };
      } else if (isSeq(node) && typeof step === 'number' && step < node.items.length) {
        keyNode = null;
        node = node.items[step] as Node;
      } else {
        return { node, keyNode, rest: path.length - i };
      }
    }
    return { node, keyNode, rest: 0 };
  }
}

/** The range of the value at `path` in a blueprint's text (or of its nearest existing ancestor). */
export function rangeInText(text: string, path: Path): Range {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  return new SourceMap(doc, lines, text.length).range(path);
}

interface Found {
  node: Node | null | undefined;
  keyNode: Node | null;
  rest: number;
}

export function diagnostic(severity: Severity, code: string, message: string, range: Range, suggestion?: string): Diagnostic {
  return { severity, code, message: clipQuoted(message), ...range, ...(suggestion === undefined ? {} : { suggestion }) };
}

/** Messages quote the user's values; a pathological value (a 20 000-character name) must not
 * turn a finding into a wall of text, so long unbroken runs are shortened in the middle. */
export function clipQuoted(message: string): string {
  const clipped = message.replace(/\S{121,}/g, (run) => `${run.slice(0, 80)}…${run.slice(-20)}`);
  return clipped.length > 1000 ? `${clipped.slice(0, 999)}…` : clipped;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

export function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.line - b.line || a.column - b.column || a.code.localeCompare(b.code);
}

/** Past this many findings the rest is summarized: nobody reads the 201st, and a file of
 * 100 000 unknown keys must not take minutes. */
export const maxFindings = 200;

export function capped(list: Diagnostic[]): Diagnostic[] {
  if (list.length <= maxFindings) return list;
  const kept = list.slice(0, maxFindings);
  const last = kept[kept.length - 1]!;
  kept.push(diagnostic('error', 'too-many-findings', t('More than {0} problems; fix these first, the rest is not shown.', maxFindings), { line: last.line, column: last.column, endLine: last.endLine, endColumn: last.endColumn }));
  return kept;
}

export function dedupe(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const key = `${d.code}|${d.line}|${d.column}|${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

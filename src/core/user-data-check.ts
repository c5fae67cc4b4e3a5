// Checks of instances' user data (inline userData or userDataFile): the form cloud-init expects,
// AWS's 16 KB limit, a #cloud-config that is valid YAML, and secrets that should not be there.
// Findings inside a userDataFile carry that file and its own lines; findings inside an inline
// block scalar point at the blueprint's own line and column of the offending character.
import { isAbsolute, normalize } from 'node:path';
import { isMap, isScalar, parseDocument, Scalar, type Node } from 'yaml';
import { t } from '@vscode/l10n';
import type { Blueprint } from './schema';
import { diagnostic, type Diagnostic, type Path, type Range, type SourceMap } from './diagnostics';
import { instanceUserData, maxUserDataBytes, secretsIn, userDataBytes, userDataKind } from './user-data';
import type { UserDataFileReader } from './user-data-file';

export interface UserDataCheck {
  diagnostics: Diagnostic[];
  /** Per instance name: the user's own user data (inline, or the file's contents). */
  texts: Record<string, string>;
}

/** Maps an offset in the user's user data text to a place the user can go to. */
type Locate = (start: number, end: number) => Range & { file?: string };

export function checkUserData(bp: Blueprint, source: SourceMap, blueprintText: string, reader: UserDataFileReader | undefined): UserDataCheck {
  const diagnostics: Diagnostic[] = [];
  const texts: Record<string, string> = {};
  const at = (path: Path, part: 'value' | 'key' = 'value') => source.range(path, part);
  const push = (severity: 'error' | 'warning', code: string, message: string, where: Range & { file?: string }) => {
    const d = diagnostic(severity, code, message, { line: where.line, column: where.column, endLine: where.endLine, endColumn: where.endColumn });
    diagnostics.push(where.file ? { ...d, file: where.file } : d);
  };

  bp.instances?.forEach((inst, i) => {
    const path: Path = ['instances', i];
    if (inst.userData !== undefined && inst.userDataFile !== undefined) {
      push('error', 'user-data-twice', t('Use either userData (the text here) or userDataFile (a file beside the blueprint), not both.'), at([...path, 'userDataFile'], 'key'));
      return;
    }
    let text: string;
    let locate: Locate;
    let whole: Range;
    if (inst.userDataFile !== undefined) {
      const filePath: Path = [...path, 'userDataFile'];
      whole = at(filePath);
      const file = inst.userDataFile;
      if (isAbsolute(file) || normalize(file).split(/[\\/]/)[0] === '..') {
        push('error', 'user-data-file-outside', outsideMessage(file), whole);
        return;
      }
      if (!reader) return;
      const read = reader(file);
      if (!read.ok) {
        const message = {
          outside: () => outsideMessage(file),
          missing: () => t('The user data file "{0}" does not exist (it is looked for relative to this blueprint\'s folder).', file),
          'not-a-file': () => t('"{0}" is not a regular file.', file),
          'too-large': () => tooLargeMessage(read.bytes ?? 0, undefined),
          unreadable: () => t('"{0}" cannot be read ({1}).', file, read.detail ?? '?'),
        }[read.problem]();
        push('error', read.problem === 'too-large' ? 'user-data-too-large' : `user-data-file-${read.problem}`, message, whole);
        return;
      }
      text = read.text;
      const starts = lineStarts(text);
      locate = (start, end) => ({ ...positionIn(starts, start, end), file });
    } else if (inst.userData !== undefined) {
      const valuePath: Path = [...path, 'userData'];
      whole = at(valuePath);
      text = inst.userData;
      const node = source.doc?.getIn(valuePath as (string | number)[], true) as Node | undefined;
      locate = inlineLocator(node, blueprintText, source, whole);
    } else return;

    const kind = userDataKind(text);
    if (!kind) {
      push('error', 'user-data-format', t('User data must start with "#!" (a script, for example #!/bin/bash) or "#cloud-config" (a cloud-config document) on its first line.'), inst.userDataFile !== undefined ? whole : locate(0, Math.max(1, text.indexOf('\n'))));
      return;
    }
    const combined = instanceUserData(inst, text) ?? '';
    const bytes = userDataBytes(combined);
    if (bytes > maxUserDataBytes) push('error', 'user-data-too-large', tooLargeMessage(bytes, combined !== text ? inst.sshPort : undefined), whole);
    if (kind === 'cloud-config') {
      const doc = parseDocument(text, { version: '1.1', prettyErrors: false, uniqueKeys: false });
      const first = doc.errors[0];
      if (first) {
        push('error', 'cloud-config-yaml', t('This cloud-config is not valid YAML ({0}); cloud-init would skip all of it.', first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')), locate(first.pos[0], Math.max(first.pos[1], first.pos[0] + 1)));
      } else if (doc.contents !== null && !isMap(doc.contents)) {
        const start = doc.contents.range?.[0] ?? 0;
        push('error', 'cloud-config-not-mapping', t('After its #cloud-config line, a cloud-config document is a YAML mapping (keys such as packages:, runcmd:, write_files:).'), locate(start, start + 1));
      }
    }
    for (const secret of secretsIn(text))
      push(
        'warning',
        'user-data-secret',
        t(
          'This looks like {0}. User data is not secret: anyone allowed to describe the instance can read it (DescribeInstanceAttribute), and it stays on the box. Generate secrets on the box at first boot, or keep them in AWS Secrets Manager or SSM Parameter Store (SecureString) and fetch them there with the instance\'s role.',
          secret.what === 'access-key' ? t('an AWS access key') : t('a password'),
        ),
        locate(secret.start, secret.end),
      );
    texts[inst.name] = text;
  });
  return { diagnostics, texts };
}

function outsideMessage(file: string): string {
  return t('"{0}" is outside this blueprint\'s folder. A user data file must be inside it: a blueprint may come from someone else\'s repository, and a path out of it could send any file of yours to AWS.', file);
}

function tooLargeMessage(bytes: number, sshPort: number | undefined): string {
  const size = t('The user data is {0} bytes ({1} KB); AWS accepts at most 16 KB ({2} bytes, counted before base64 encoding).', bytes, (bytes / 1024).toFixed(1), maxUserDataBytes);
  return sshPort === undefined ? size : `${size} ${t('That includes the script that moves sshd to port {0}, sent with yours as one multi-part document.', sshPort)}`;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** 1-based line and column (UTF-16 units) of offsets in a text with these line starts. */
function positionIn(starts: number[], start: number, end: number): Range {
  const pos = (offset: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1 };
  };
  const a = pos(start);
  const b = pos(Math.max(start, end));
  return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
}

/** For a literal block scalar (`userData: |`), each line of the value is one line of the
 * blueprint with the block's indentation removed, so an offset maps to its exact place. Other
 * forms (quoted, folded) point at the value as a whole. */
function inlineLocator(node: Node | undefined, text: string, source: SourceMap, whole: Range): Locate {
  if (!node || !isScalar(node) || node.type !== Scalar.BLOCK_LITERAL || !node.range) return () => whole;
  const headerEnd = text.indexOf('\n', node.range[0]);
  if (headerEnd < 0) return () => whole;
  const body = text.slice(headerEnd + 1, node.range[1]);
  const lines = body.split('\n');
  const firstContent = lines.find((l) => l.trim() !== '');
  const indent = firstContent ? firstContent.length - firstContent.trimStart().length : 0;
  const starts: number[] = [];
  let offset = headerEnd + 1;
  for (const l of lines) {
    starts.push(offset);
    offset += l.length + 1;
  }
  const value = String(node.value);
  const valueStarts = lineStarts(value);
  const toBlueprint = (o: number) => {
    const p = positionIn(valueStarts, Math.min(o, value.length), Math.min(o, value.length));
    const lineStart = starts[Math.min(p.line - 1, starts.length - 1)] ?? node.range![0];
    const lineText = lines[Math.min(p.line - 1, lines.length - 1)] ?? '';
    const lead = Math.min(indent, lineText.length - lineText.trimStart().length);
    return lineStart + lead + p.column - 1;
  };
  return (start, end) => source.rangeOfOffsets(toBlueprint(start), Math.max(toBlueprint(end), toBlueprint(start) + 1));
}

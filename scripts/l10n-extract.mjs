// Extracts every runtime string of the product (the first argument of @vscode/l10n's `t(...)`,
// `l10n.t(...)` and `vscode.l10n.t(...)`) from src/ into l10n/bundle.l10n.json, the English
// bundle the Japanese one is checked against.
//
// `npx @vscode/l10n-dev export` only finds the `l10n.t(...)` member-call form, while most of the
// code calls a bare `t(...)` imported from '@vscode/l10n'; so the TypeScript parser finds the
// bare calls, and l10n-dev's own extraction is merged in for the forms it knows.
//
//   node scripts/l10n-extract.mjs          write l10n/bundle.l10n.json
//   node scripts/l10n-extract.mjs --check  exit 1 when the committed file is not up to date
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { getL10nJson } from '@vscode/l10n-dev';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) yield path;
  }
}

/** The key a call's first argument gives (l10n's own rule: `message/comment` when commented). */
function keyOf(arg, problems, where) {
  if (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg)) return arg.text;
  if (ts.isObjectLiteralExpression(arg)) {
    let message;
    let comment = '';
    for (const p of arg.properties) {
      if (!ts.isPropertyAssignment(p) || !ts.isIdentifier(p.name)) continue;
      if (p.name.text === 'message' && (ts.isStringLiteral(p.initializer) || ts.isNoSubstitutionTemplateLiteral(p.initializer))) message = p.initializer.text;
      if (p.name.text === 'comment') {
        const parts = ts.isArrayLiteralExpression(p.initializer) ? p.initializer.elements : [p.initializer];
        comment = parts.filter((e) => ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)).map((e) => e.text).join('');
      }
    }
    if (message !== undefined) return comment ? `${message}/${comment}` : message;
  }
  problems.push(`${where}: the first argument of t() must be a string literal, so that it can be translated`);
  return undefined;
}

/** Keys of one file's t() calls, by the TypeScript parser. */
export function extractFromSource(text, fileName = 'file.ts', problems = []) {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const bareNames = new Set(); // t, or its alias, imported from '@vscode/l10n'
  const namespaces = new Set(); // import * as l10n from '@vscode/l10n'
  const vscodeNames = new Set(); // import * as vscode from 'vscode'
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) || !st.importClause || !ts.isStringLiteral(st.moduleSpecifier)) continue;
    const from = st.moduleSpecifier.text;
    const bindings = st.importClause.namedBindings;
    if (!bindings) continue;
    if (ts.isNamespaceImport(bindings)) {
      if (from === '@vscode/l10n') namespaces.add(bindings.name.text);
      if (from === 'vscode') vscodeNames.add(bindings.name.text);
    } else {
      for (const el of bindings.elements) {
        const imported = (el.propertyName ?? el.name).text;
        if (from === '@vscode/l10n' && imported === 't') bareNames.add(el.name.text);
        if (from === 'vscode' && imported === 'l10n') namespaces.add(el.name.text);
      }
    }
  }
  const keys = [];
  const visit = (node) => {
    if (ts.isCallExpression(node) && node.arguments.length > 0) {
      const callee = node.expression;
      const isT =
        (ts.isIdentifier(callee) && bareNames.has(callee.text)) ||
        (ts.isPropertyAccessExpression(callee) && callee.name.text === 't' &&
          ((ts.isIdentifier(callee.expression) && namespaces.has(callee.expression.text)) ||
            (ts.isPropertyAccessExpression(callee.expression) && callee.expression.name.text === 'l10n' && ts.isIdentifier(callee.expression.expression) && vscodeNames.has(callee.expression.expression.text))));
      if (isT) {
        const { line } = sf.getLineAndCharacterOfPosition(node.getStart());
        const key = keyOf(node.arguments[0], problems, `${fileName}:${line + 1}`);
        if (key !== undefined) keys.push(key);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return keys;
}

/** Every runtime string under src/, sorted: { key: English }. Throws on a t() that cannot be extracted. */
export async function extractRuntimeStrings(dir = join(root, 'src')) {
  const problems = [];
  const out = {};
  const files = [...sourceFiles(dir)].sort();
  for (const file of files) {
    for (const key of extractFromSource(readFileSync(file, 'utf8'), relative(root, file), problems)) out[key] = key;
  }
  if (problems.length) throw new Error(problems.join('\n'));
  const official = await getL10nJson(files.map((file) => ({ contents: readFileSync(file, 'utf8'), extension: extname(file) })));
  for (const [key, value] of Object.entries(official)) out[key] ??= typeof value === 'string' ? value : value.message;
  return Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]]));
}

export const englishBundlePath = join(root, 'l10n', 'bundle.l10n.json');

// No top-level await: the tests (CommonJS under tsx) import this module.
async function cli() {
  const text = JSON.stringify(await extractRuntimeStrings(), null, 2) + '\n';
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(englishBundlePath, 'utf8');
    } catch {}
    if (current !== text) {
      console.error('l10n/bundle.l10n.json is out of date: run node scripts/l10n-extract.mjs');
      process.exit(1);
    }
  } else {
    writeFileSync(englishBundlePath, text);
    console.error(`${Object.keys(JSON.parse(text)).length} strings → ${relative(root, englishBundlePath)}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) void cli();

// Every string exists in English and Japanese: the runtime strings (a fresh extraction of every
// t() under src/ against l10n/bundle.l10n.ja.json) and the manifest's (package.nls.json against
// package.nls.ja.json), with the same {0} placeholders on both sides. A new t('…') without a
// translation fails here, naming the string.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { englishBundlePath, extractFromSource, extractRuntimeStrings } from '../../../scripts/l10n-extract.mjs';

const root = join(__dirname, '..', '..', '..');
const json = (path: string) => JSON.parse(readFileSync(join(root, path), 'utf8')) as Record<string, string>;
const placeholders = (text: string) => [...new Set(text.match(/\{\d+\}/g) ?? [])].sort().join(' ');
const fresh = extractRuntimeStrings();
const missingHint = 'translate them in l10n/bundle.l10n.ja.json (node scripts/l10n-extract.mjs refreshes l10n/bundle.l10n.json)';

test('the extractor finds bare t(), l10n.t() and vscode.l10n.t(), and refuses a key it cannot read', () => {
  const source = [
    "import { t } from '@vscode/l10n';",
    "import * as l10n from '@vscode/l10n';",
    "import * as vscode from 'vscode';",
    "t('bare {0}', x); l10n.t('namespace'); vscode.l10n.t(`template`); other.t('not ours');",
  ].join('\n');
  assert.deepEqual(extractFromSource(source), ['bare {0}', 'namespace', 'template']);
  const problems: string[] = [];
  extractFromSource("import { t } from '@vscode/l10n';\nt(message);", 'x.ts', problems);
  assert.deepEqual(problems, ['x.ts:2: the first argument of t() must be a string literal, so that it can be translated']);
});

test('every runtime string under src/ has a Japanese translation, and the Japanese bundle has no leftovers', async () => {
  const english = await fresh;
  const japanese = json('l10n/bundle.l10n.ja.json');
  assert.ok(Object.keys(english).length > 500, `only ${Object.keys(english).length} strings were extracted`);
  const missing = Object.keys(english).filter((k) => !(k in japanese));
  assert.deepEqual(missing, [], `${missing.length} string(s) have no Japanese translation; ${missingHint}`);
  const leftover = Object.keys(japanese).filter((k) => !(k in english));
  assert.deepEqual(leftover, [], 'these Japanese entries translate strings the code no longer has: remove or update them');
  const empty = Object.entries(japanese).filter(([, v]) => !v.trim()).map(([k]) => k);
  assert.deepEqual(empty, [], 'empty translations');
});

test('the committed English bundle l10n/bundle.l10n.json is the fresh extraction', async () => {
  assert.deepEqual(JSON.parse(readFileSync(englishBundlePath, 'utf8')), await fresh, 'run node scripts/l10n-extract.mjs');
});

test('runtime translations keep exactly the placeholders of their English string', () => {
  const japanese = json('l10n/bundle.l10n.ja.json');
  const differ = Object.entries(japanese).filter(([k, v]) => placeholders(k) !== placeholders(v)).map(([k, v]) => `${k}  →  ${v}`);
  assert.deepEqual(differ, []);
});

test('package.nls.json and package.nls.ja.json have the same keys and placeholders, and the manifest uses only those keys', () => {
  const english = json('package.nls.json');
  const japanese = json('package.nls.ja.json');
  assert.deepEqual(Object.keys(japanese).sort(), Object.keys(english).sort());
  for (const [key, value] of Object.entries(english)) {
    assert.equal(placeholders(japanese[key]!), placeholders(value), key);
    assert.ok(japanese[key]!.trim(), `${key} is empty in Japanese`);
  }
  const manifest = readFileSync(join(root, 'package.json'), 'utf8');
  const used = [...manifest.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]!);
  assert.ok(used.length > 30);
  assert.deepEqual(used.filter((k) => !(k in english)), [], 'keys used in package.json but missing from package.nls.json');
  assert.equal((JSON.parse(manifest) as { l10n?: string }).l10n, './l10n', 'VS Code reads the runtime bundles only with "l10n": "./l10n"');
});

test('no t() runs when a module loads: the language is chosen after the imports, so such a string would stay English', () => {
  const late: string[] = [];
  const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : /\.ts$/.test(e.name) ? [join(dir, e.name)] : []));
  for (const file of walk(join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    if (!text.includes('l10n')) continue;
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node, insideFunction: boolean): void => {
      const inside = insideFunction || ts.isFunctionLike(node) || ts.isClassStaticBlockDeclaration(node);
      if (!inside && ts.isCallExpression(node) && /^(t|l10n\.t|vscode\.l10n\.t)$/.test(node.expression.getText(sf))) {
        late.push(`${file.slice(root.length + 1)}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`);
      }
      ts.forEachChild(node, (child) => visit(child, inside));
    };
    visit(sf, false);
  }
  assert.deepEqual(late, [], 'move these t() calls into a function or getter');
});

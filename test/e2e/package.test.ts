// `npm run package` builds a lean .vsix: the bundles, the manifest, the docs and media, and
// nothing of the sources, tests, source maps or node_modules; and it stays under its size budget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageVsix, repoRoot, zipEntries, zipRead } from '../harness/vsix';

/**
 * Measured 2026-11-28, compressed: the bundles (dist/) 1.91 MB (engine 2.2 MB, CLI 0.7 MB, validator
 * 0.6 MB, extension 0.3 MB and the webview with mermaid's lazily loaded chunks 3.4 MB, unpacked);
 * media (README screenshots, walkthrough pictures in English and Japanese) 2.7 MB; the whole file
 * 4.6 MB. Shipping source maps (~12 MB) or node_modules breaks the first budget; more pictures the second.
 * Measured 2026-12-06: the bundles 3.21 MB, of which the ELK layout (@mermaid-js/layout-elk and elkjs,
 * in the webview's lazily loaded chunks) is about 1.4 MB: the price of subnets drawn inside their
 * zone; the whole file 5.5 MB.
 * Measured 2026-12-06 again: the bundles 0.91 MB, the webview 0.15 MB unpacked: the diagram is laid
 * out and drawn by the project's own code, mermaid and ELK left the package (README, "Why the diagram
 * is laid out by its own code"); the whole file 3.65 MB.
 */
const BUNDLES_BUDGET_MB = 1.25;
const SIZE_BUDGET_MB = 5;

test('npm run package builds a .vsix with the four bundles and no sources, tests, maps or node_modules', async () => {
  const { file, seconds } = await packageVsix();
  const bytes = fs.statSync(file).size;
  const entries = zipEntries(file);
  const names = entries.map((e) => e.name);
  const bundlesBytes = entries.filter((e) => e.name.startsWith('extension/dist/')).reduce((sum, e) => sum + e.compressedSize, 0);
  const files = names.filter((n) => n.startsWith('extension/')).map((n) => n.slice('extension/'.length));
  const mb = (n: number) => (n / 1024 / 1024).toFixed(2);
  process.stderr.write(`[package] ${file}: ${mb(bytes)} MB (bundles ${mb(bundlesBytes)} MB), ${files.length} files, built in ${seconds.toFixed(1)} s\n`);

  for (const bundle of ['package.json', 'dist/extension.js', 'dist/engine.js', 'dist/cli.js', 'dist/webview/main.js', 'dist/blueprint.schema.json']) {
    assert.ok(files.includes(bundle), `${bundle} is missing from the .vsix`);
  }
  const forbidden = files.filter(
    (f) =>
      /^(src|test|webview|scripts|out|node_modules|\.ci|\.vscode|\.test-artifacts|\.cache)\//.test(f) ||
      /\/node_modules\//.test(f) ||
      /\.(map|ts|tsbuildinfo|pem|vsix)$/.test(f) ||
      /(^|\/)\.(git|env)/.test(f) ||
      /\.state\.json$/.test(f) ||
      /^(tsconfig|eslint\.config|package-lock)/.test(f),
  );
  assert.deepEqual(forbidden, [], 'files that must not ship');

  // The manifest users install points at a bundle that is really there.
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  assert.ok(files.includes(manifest.main.replace(/^\.\//, '')), `package.json "main" (${manifest.main}) is not in the .vsix`);

  // A bundle that loads a sibling (engine.js, validator.js, …) finds it installed: the .vsix holds
  // every relative require of every shipped bundle.
  const missing: string[] = [];
  for (const bundle of files.filter((f) => /^dist\/[^/]+\.js$/.test(f))) {
    const code = zipRead(file, `extension/${bundle}`).toString('utf8');
    for (const [, target] of code.matchAll(/require\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g)) {
      const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(bundle), target!));
      if (!files.includes(resolved) && !files.includes(`${resolved}.js`)) missing.push(`${bundle} requires ${target}`);
    }
  }
  assert.deepEqual([...new Set(missing)], [], 'bundles that would fail to load in the installed extension');

  assert.ok(bundlesBytes <= BUNDLES_BUDGET_MB * 1024 * 1024, `the bundles take ${mb(bundlesBytes)} MB of the .vsix, over their ${BUNDLES_BUDGET_MB} MB budget`);
  assert.ok(bytes <= SIZE_BUDGET_MB * 1024 * 1024, `the .vsix is ${mb(bytes)} MB, over its ${SIZE_BUDGET_MB} MB budget`);
});

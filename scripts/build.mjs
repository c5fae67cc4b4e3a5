// One esbuild script, several entry points: the extension host (cjs, `vscode` external), the
// lazily loaded engine bundle (AWS SDK inside, loaded on first use), the CLI, and the webview.
import * as esbuild from 'esbuild';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  sourcemap: !production,
  minify: production,
  legalComments: 'linked',
  logLevel: 'warning',
  absWorkingDir: root,
};

// In the extension host the validator (zod, yaml) is dist/validator.js, loaded with the first
// blueprint document: imports of these core modules become require('./validator.js').
const validatorModules = new Set(['validate', 'schema', 'diagnostics'].map((m) => join(root, 'src/core', m)));
const validatorExternal = {
  name: 'validator-external',
  setup(b) {
    b.onResolve({ filter: /^\.{1,2}\/.*(validate|schema|diagnostics)$/ }, (args) =>
      validatorModules.has(join(args.resolveDir, args.path)) ? { path: './validator.js', external: true } : undefined,
    );
  },
};

/** @type {esbuild.BuildOptions[]} */
const builds = [
  // The extension host entry must stay small: everything heavy is in engine.js or validator.js.
  { ...node, entryPoints: ['src/vscode/extension.ts'], outfile: 'dist/extension.js', external: ['vscode', './engine.js', './validator.js'], plugins: [validatorExternal] },
  { ...node, entryPoints: ['src/validator.ts'], outfile: 'dist/validator.js', external: ['vscode'] },
  // The SDK's ES module builds tree-shake: a third smaller, and quicker to load on first use.
  { ...node, entryPoints: ['src/engine.ts'], outfile: 'dist/engine.js', external: ['vscode'], mainFields: ['module', 'main'] },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', external: ['./engine.js', 'playwright-core'], banner: { js: '#!/usr/bin/env node' } },
];
if (existsSync(join(root, 'webview/main.ts'))) {
  builds.push({
    bundle: true, platform: 'browser', format: 'esm', target: 'es2022', splitting: true,
    entryPoints: ['webview/main.ts'], outdir: 'dist/webview', sourcemap: !production, minify: production,
    legalComments: 'linked', logLevel: 'warning', absWorkingDir: root, chunkNames: 'chunks/[name]-[hash]',
  });
}

mkdirSync(join(root, 'dist'), { recursive: true });
// The JSON Schema for the YAML language server is generated from the same zod schema.
await esbuild.build({ ...node, entryPoints: ['src/core/schema.ts'], outfile: 'out/schema.cjs', sourcemap: false, minify: false, legalComments: 'none' });
const { blueprintJsonSchema } = createRequire(import.meta.url)(join(root, 'out/schema.cjs'));
writeFileSync(join(root, 'dist/blueprint.schema.json'), JSON.stringify(blueprintJsonSchema(), null, 2) + '\n');

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  console.error('watching for changes…');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}

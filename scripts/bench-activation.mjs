// Activation time of the extension inside a real extension host (the code-server workbench the
// in-host tests use), against a tiny built-in extension activated in the same host as the baseline, and
// the sizes of the bundles. Goal: activation under 50 ms.
//   node scripts/bench-activation.mjs [--runs N]     (needs `npm run build` first)
// Each run opens an empty folder, so nothing activates the extension before the measurement does.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { summary, row } from './bench-lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
const goalMs = 50;

if (!existsSync(join(root, 'dist/extension.js'))) {
  console.error('dist/extension.js is missing: run `npm run build` first.');
  process.exit(1);
}

function kb(bytes) {
  return `${(bytes / 1024).toFixed(1).padStart(8)} KiB`;
}

// Bundle sizes first: they need no workbench.
console.log('bundle sizes (as built; gzip for scale)');
const bundles = ['dist/extension.js', 'dist/validator.js', 'dist/engine.js', 'dist/cli.js', 'dist/blueprint.schema.json'];
for (const file of bundles) {
  const path = join(root, file);
  if (!existsSync(path)) continue;
  const bytes = statSync(path).size;
  console.log(`${file.padEnd(48)} ${kb(bytes)}  (gzip ${kb(gzipSync(readFileSync(path)).length).trim()})`);
}

if (existsSync(join(root, 'dist/webview/main.js'))) {
  const chunks = readdirSync(join(root, 'dist/webview'), { recursive: true, encoding: 'utf8' }).filter((f) => /\.js$/.test(f));
  const sizes = chunks.map((f) => readFileSync(join(root, 'dist/webview', f)));
  const total = sizes.reduce((n, b) => n + b.length, 0);
  console.log(`${'dist/webview/*.js (' + chunks.length + ' files)'.padEnd(48)} ${kb(total)}  (gzip ${kb(sizes.reduce((n, b) => n + gzipSync(b).length, 0)).trim()}; main.js ${kb(statSync(join(root, 'dist/webview/main.js')).size).trim()})`);
}

// The in-host measuring module, in a scratch folder. The baseline is a tiny extension built into the
// workbench (the JS profile table viewer): the workbench takes one extension under development only.
const scratch = mkdtempSync(join(tmpdir(), 'ec2bp-bench-activation-'));
const folder = join(scratch, 'empty-folder');
mkdirSync(folder);
const measure = join(scratch, 'measure.js');
writeFileSync(
  measure,
  `// Runs inside the extension host. ext.activate() wall time includes the host's own scheduling
// (measured for a tiny built-in extension too); the extension's cost is its bundle's load
// (compile + top-level code, a fresh copy required here) plus the activate() body it reports.
const vscode = require('vscode');
const fs = require('fs');
const path = require('path');
exports.run = async () => {
  const time = async (id) => {
    const ext = vscode.extensions.getExtension(id);
    if (!ext) throw new Error(id + ' is not installed');
    if (ext.isActive) throw new Error(id + ' was already active: the measurement would be meaningless');
    const t0 = performance.now();
    const api = await ext.activate();
    return { total: performance.now() - t0, inside: api && typeof api.activationMs === 'number' ? api.activationMs : undefined };
  };
  const baseline = await time('ms-vscode.vscode-js-profile-table');
  const extension = await time('ec2-blueprint.ec2-blueprint');
  const loaded = Object.keys(require.cache).filter((f) => /[\\\\/]dist[\\\\/](engine|validator)\\.js$|@aws-sdk|mermaid/.test(f));
  const bundle = path.join(vscode.extensions.getExtension('ec2-blueprint.ec2-blueprint').extensionPath, 'dist', 'extension.js');
  const loads = [];
  // Let the workbench settle first: right after start-up the host shares two cores with it.
  await new Promise((r) => setTimeout(r, 3000));
  for (let i = 0; i < 9; i++) {
    const copy = path.join(path.dirname(process.env.EC2BP_BENCH_RESULT), 'extension-copy-' + i + '.js');
    fs.copyFileSync(bundle, copy);
    const t0 = performance.now();
    require(copy);
    loads.push(performance.now() - t0);
  }
  fs.writeFileSync(process.env.EC2BP_BENCH_RESULT, JSON.stringify({ baseline, extension, loads, heavyModulesLoaded: loaded }));
};
`,
);

const { runTests } = await import('@vscode/test-electron');
const totals = [];
const insides = [];
const baselines = [];
const loads = [];
let heavy = [];
for (let i = 0; i < runs; i++) {
  const resultFile = join(scratch, `result-${i}.json`);
  try {
    await runTests({
      vscodeExecutablePath: join(root, 'test/vscode/launcher.mjs'),
      extensionDevelopmentPath: root,
      extensionTestsPath: measure,
      launchArgs: [folder, `--user-data-dir=${join(scratch, `user-data-${i}`)}`, `--extensions-dir=${join(scratch, `extensions-${i}`)}`],
      extensionTestsEnv: { EC2BP_BENCH_RESULT: resultFile },
    });
  } catch (error) {
    console.error(`run ${i + 1}: the workbench failed: ${error.message}`);
    process.exitCode = 1;
    break;
  }
  const r = JSON.parse(readFileSync(resultFile, 'utf8'));
  totals.push(r.extension.total);
  if (r.extension.inside !== undefined) insides.push(r.extension.inside);
  baselines.push(r.baseline.total);
  loads.push(...r.loads);
  heavy = r.heavyModulesLoaded;
}
rmSync(scratch, { recursive: true, force: true });

if (totals.length > 0) {
  console.log(`\nactivation in the extension host (code-server workbench through ${relative(root, join(root, 'test/vscode/launcher.mjs'))}, ${totals.length} run(s))`);
  const base = summary(baselines);
  console.log(row('tiny built-in extension: ext.activate() wall', base));
  console.log(row('EC2 Blueprint: ext.activate() wall', summary(totals), base));
  const load = summary(loads);
  console.log(row('EC2 Blueprint: load dist/extension.js (fresh copy)', load));
  const inside = summary(insides);
  console.log(row('EC2 Blueprint: inside activate()', inside));
  console.log(`heavy modules loaded at activation: ${heavy.length === 0 ? 'none (engine and AWS SDK on first AWS command, validator with the first blueprint; the diagram is drawn in the webview)' : heavy.join(', ')}`);
  const cost = load.median + inside.median;
  console.log(`goal: the extension's activation cost (load + activate()) under ${goalMs} ms — ${cost < goalMs ? 'met' : 'NOT met'} (${cost.toFixed(1)} ms); the host adds its own scheduling to every extension's wall time, as the baseline shows`);
}

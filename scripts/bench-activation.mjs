// Activation time of the extension inside a real extension host (the code-server workbench the
// in-host tests use), against an empty extension activated in the same host as the baseline, and
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
const bundles = ['dist/extension.js', 'dist/engine.js', 'dist/cli.js', 'dist/blueprint.schema.json'];
if (existsSync(join(root, 'dist/webview'))) {
  for (const f of readdirSync(join(root, 'dist/webview'), { recursive: true, encoding: 'utf8' })) {
    if (/\.(js|css)$/.test(f)) bundles.push(join('dist/webview', f));
  }
}
for (const file of bundles) {
  const path = join(root, file);
  if (!existsSync(path)) continue;
  const bytes = statSync(path).size;
  console.log(`${file.padEnd(48)} ${kb(bytes)}  (gzip ${kb(gzipSync(readFileSync(path)).length).trim()})`);
}

// An empty extension (the baseline) and the in-host measuring module, in a scratch folder.
const scratch = mkdtempSync(join(tmpdir(), 'ec2bp-bench-activation-'));
const empty = join(scratch, 'empty-extension');
mkdirSync(empty);
writeFileSync(join(empty, 'package.json'), JSON.stringify({ name: 'empty', publisher: 'bench', version: '0.0.0', engines: { vscode: '*' }, main: './extension.js', activationEvents: [] }));
writeFileSync(join(empty, 'extension.js'), 'exports.activate = () => {};\n');
const folder = join(scratch, 'empty-folder');
mkdirSync(folder);
const measure = join(scratch, 'measure.js');
writeFileSync(
  measure,
  `// Runs inside the extension host: time ext.activate() (module load + activate()) of each extension.
const vscode = require('vscode');
const fs = require('fs');
exports.run = async () => {
  const time = async (id) => {
    const ext = vscode.extensions.getExtension(id);
    if (!ext) throw new Error(id + ' is not installed');
    if (ext.isActive) throw new Error(id + ' was already active: the measurement would be meaningless');
    const t0 = performance.now();
    const api = await ext.activate();
    return { total: performance.now() - t0, inside: api && typeof api.activationMs === 'number' ? api.activationMs : undefined };
  };
  const baseline = await time('bench.empty');
  const extension = await time('ec2-blueprint.ec2-blueprint');
  const loaded = Object.keys(require.cache).filter((f) => /[\\\\/]dist[\\\\/]engine\\.js$|@aws-sdk|mermaid/.test(f));
  fs.writeFileSync(process.env.EC2BP_BENCH_RESULT, JSON.stringify({ baseline, extension, heavyModulesLoaded: loaded }));
};
`,
);

const { runTests } = await import('@vscode/test-electron');
const totals = [];
const insides = [];
const baselines = [];
let heavy = [];
for (let i = 0; i < runs; i++) {
  const resultFile = join(scratch, `result-${i}.json`);
  try {
    await runTests({
      vscodeExecutablePath: join(root, 'test/vscode/launcher.mjs'),
      extensionDevelopmentPath: [root, empty],
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
  heavy = r.heavyModulesLoaded;
}
rmSync(scratch, { recursive: true, force: true });

if (totals.length > 0) {
  console.log(`\nactivation in the extension host (code-server workbench, ${relative(root, join(root, 'test/vscode/launcher.mjs'))})`);
  const base = summary(baselines);
  const total = summary(totals);
  console.log(row('empty extension: ext.activate() (baseline)', base));
  console.log(row('EC2 Blueprint: ext.activate()', total, base));
  if (insides.length > 0) console.log(row('EC2 Blueprint: inside activate()', summary(insides)));
  console.log(`heavy modules loaded at activation: ${heavy.length === 0 ? 'none (engine, AWS SDK and mermaid load on first use)' : heavy.join(', ')}`);
  console.log(`goal: activation under ${goalMs} ms — ${total.median < goalMs ? 'met' : 'NOT met'} (median ${total.median.toFixed(1)} ms)`);
}

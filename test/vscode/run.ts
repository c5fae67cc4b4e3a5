// Runs the in-host test suite (test/vscode/suite) inside a real VS Code workbench:
// @vscode/test-electron's runTests() with our launcher as the "VS Code executable", which serves
// the fixture workspace with code-server and drives it with Chromium (no VS Code download).
//   node --import tsx test/vscode/run.ts
// Environment: EC2BP_TEST_GREP (only tests whose title matches), EC2BP_TEST_ENDPOINT and any
// other variable reach the tests unchanged; EC2BP_TOOLS_DIR moves the tools cache;
// EC2BP_TEST_SUMMARY_FILE receives {"passed","failed","skipped"} for scripts/test.mjs;
// EC2BP_LAUNCHER_TIMEOUT_MS (default 5 min) and EC2BP_LAUNCHER_VERBOSE go to the launcher.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { runTests } from '@vscode/test-electron';
import { ensureWorkbenchTools } from '../harness/workbench';

const repoRoot = path.resolve(__dirname, '..', '..');
const suiteSource = path.join(repoRoot, 'test', 'vscode', 'suite');
const suiteOut = path.join(repoRoot, 'out', 'test', 'vscode', 'suite');
const launcher = path.join(repoRoot, 'test', 'vscode', 'launcher.mjs');
const fixtureWorkspace = path.join(repoRoot, 'test', 'vscode', 'fixtures', 'workspace');

interface Results {
  passed: number;
  failed: number;
  pending: number;
  failures: { title: string; error: string }[];
}

/** The extension host runs plain CommonJS: bundle the runner and each test file (vscode and mocha stay external). */
async function bundleSuite(): Promise<string> {
  const tests = fs
    .readdirSync(suiteSource, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.test\.ts$/.test(f))
    .map((f) => path.join(suiteSource, f));
  fs.rmSync(suiteOut, { recursive: true, force: true });
  await build({
    entryPoints: [path.join(suiteSource, 'index.ts'), ...tests],
    outbase: suiteSource,
    outdir: suiteOut,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return path.join(suiteOut, 'index.js');
}

async function main(): Promise<number> {
  const t0 = Date.now();
  await ensureWorkbenchTools();
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'extension.js'))) {
    console.error('dist/extension.js is missing: run `npm run build` first.');
    return 1;
  }
  const extensionTestsPath = await bundleSuite();

  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ec2bp-vscode-test-'));
  const resultsFile = path.join(scratch, 'results.json');
  let exitCode = 0;
  try {
    await runTests({
      vscodeExecutablePath: launcher,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath,
      // Fresh profile folders every run (runTests would otherwise reuse ./.vscode-test).
      launchArgs: [fixtureWorkspace, `--user-data-dir=${path.join(scratch, 'user-data')}`, `--extensions-dir=${path.join(scratch, 'extensions')}`],
      extensionTestsEnv: { EC2BP_TEST_RESULTS: resultsFile },
    });
  } catch (e) {
    console.error(`runTests failed: ${(e as Error).message}`);
    exitCode = 1;
  }

  let results: Results | undefined;
  try {
    results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  } catch {
    /* the suite never finished */
  }
  if (results) {
    for (const f of results.failures) console.log(`FAILED: ${f.title}\n${f.error}\n`);
    console.log(`${results.passed} passed, ${results.failed} failed${results.pending ? `, ${results.pending} pending` : ''} (in-host, ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    if (results.failed > 0) exitCode = 1;
    // scripts/test.mjs reads the counts from here.
    const summaryFile = process.env.EC2BP_TEST_SUMMARY_FILE;
    if (summaryFile) fs.writeFileSync(summaryFile, JSON.stringify({ passed: results.passed, failed: results.failed, skipped: results.pending }));
  } else {
    console.log('0 passed, 0 failed: the in-host suite wrote no results (see the output above)');
    exitCode = 1;
  }
  fs.rmSync(scratch, { recursive: true, force: true });
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e?.stack ?? e);
    process.exit(1);
  },
);

// The in-host test runner: VS Code's extension host loads this file (bundled to
// out/test/vscode/suite/index.js) and calls run(). It runs every *.test.js bundled beside it.
// To add a test: write test/vscode/suite/<name>.test.ts with mocha's tdd interface (`suite`,
// `test`, `suiteSetup`…); it may import `vscode` and anything under src/ (bundled by run.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

interface Failure {
  title: string;
  error: string;
}

function findTests(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.js'))
    .sort()
    .map((f) => path.join(dir, f));
}

export async function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'tdd',
    color: false,
    timeout: Number(process.env.EC2BP_TEST_TIMEOUT_MS) || 30_000,
    // A grep from the runner narrows the run to matching tests (EC2BP_TEST_GREP="activation").
    ...(process.env.EC2BP_TEST_GREP ? { grep: process.env.EC2BP_TEST_GREP } : {}),
  });
  // Loaded with require() by run(): the extension host's `vscode` module is only there for require.
  for (const file of findTests(__dirname)) mocha.addFile(file);

  const results = { passed: 0, failed: 0, pending: 0, failures: [] as Failure[] };
  const failures = await new Promise<number>((resolve, reject) => {
    try {
      const runner = mocha.run((n) => resolve(n));
      runner.on('pass', () => results.passed++);
      runner.on('pending', () => results.pending++);
      runner.on('fail', (test, err) => {
        results.failed++;
        results.failures.push({ title: test.fullTitle(), error: String(err?.stack ?? err) });
      });
    } catch (e) {
      reject(e);
    }
  });

  // The runner outside reads the counts from here (the host's console output is only a log).
  const resultsFile = process.env.EC2BP_TEST_RESULTS;
  if (resultsFile) fs.writeFileSync(resultsFile, JSON.stringify(results, null, 2));
  if (failures > 0) throw new Error(`${failures} in-host test(s) failed`);
}

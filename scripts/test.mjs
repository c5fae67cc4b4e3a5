// The test runner: node scripts/test.mjs <unit|emulator|faults|vscode|e2e|all> [FILE.test.ts ...] [--node-test-flag ...]
//
//   unit      node:test over test/unit/**/*.test.ts; no emulator, no network.
//   emulator  node:test over test/emulator/**/*.test.ts, one file at a time, against ONE moto server
//             that this runner installs (scripts/tools.mjs), starts (test/harness/moto.ts), hands to the
//             files as EC2BP_TEST_ENDPOINT, and always stops.
//   faults    the same over test/faults/**/*.test.ts.
//   vscode    node --import tsx test/vscode/run.ts     (also gets EC2BP_TEST_ENDPOINT)
//   Every suite that needs the emulator also gets a local stand-in of AWS's Price List API
//   (test/harness/price-list.ts) as AWS_ENDPOINT_URL_PRICING, and EC2BP_CACHE_DIR in a temp folder:
//   no test asks the real price list or writes to the user's cache.
//   e2e       node:test over test/e2e/**/*.test.ts, one file at a time, with the emulator (browser tests:
//             the diagram in Chromium, the tutorial played in a real VS Code workbench).
//   all       unit and emulator, plus each of faults, vscode, e2e whose folder test/<suite> exists.
//
// A suite fails, and counts as one failed test in the summary, when its entry is missing
// ("suite not written yet"), when it runs zero tests (all skipped counts as zero), or when it exits
// non-zero without reporting a failed test. The last line printed is `N passed, N failed[, N skipped]`; the exit code is 0 only
// when every suite that ran passed.
//
// run.ts counts: a run.ts may write {"passed":N,"failed":N,"skipped":N} to the file named by
// EC2BP_TEST_SUMMARY_FILE; otherwise the runner reads node:test's summary (`ℹ pass N`, `# pass N`)
// or mocha's (`N passing`, `N failing`, `N pending`) from its output.
//
// Extra arguments: paths ending in .ts replace the suite's discovered files; anything else is passed
// to node (e.g. --test-name-pattern=VPC).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SUITES = ['unit', 'emulator', 'faults', 'vscode', 'e2e'];
const NEEDS_EMULATOR = new Set(['emulator', 'faults', 'vscode', 'e2e']);
const SERIAL_SUITES = new Set(['emulator', 'faults', 'e2e']);

function say(line) {
  process.stderr.write(`[test] ${line}\n`);
}

function usage() {
  console.error('usage: node scripts/test.mjs <unit|emulator|faults|vscode|e2e|all> [FILE.test.ts ...] [--node-flag ...]');
  process.exit(2);
}

/** Every *.test.ts below `dir`, sorted, skipping fixtures and node_modules. */
function findTests(dir) {
  const found = [];
  const walk = (folder) => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'fixtures' || entry.name.startsWith('.')) continue;
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.test\.m?ts$/.test(entry.name)) found.push(path.relative(root, full));
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return found.sort();
}

function lastNumber(text, pattern) {
  let value;
  for (const match of text.matchAll(pattern)) value = Number(match[1]);
  return value;
}

/** Counts from node:test's TAP output (the last summary block). */
function countsFromTap(tap) {
  const n = (name) => lastNumber(tap, new RegExp(`^# ${name} (\\d+)$`, 'gm')) ?? 0;
  return { passed: n('pass'), failed: n('fail') + n('cancelled'), skipped: n('skipped') + n('todo') };
}

/** Counts from free-form output: every node:test spec/TAP summary and mocha summary in it, added up. */
function countsFromOutput(output) {
  const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
  const sum = (pattern) => [...plain.matchAll(pattern)].reduce((total, match) => total + Number(match[1]), 0);
  const counts = {
    passed: sum(/^[ℹ#] pass (\d+)$/gm) + sum(/^\s*(\d+) passing\b/gm),
    failed: sum(/^[ℹ#] fail (\d+)$/gm) + sum(/^[ℹ#] cancelled (\d+)$/gm) + sum(/^\s*(\d+) failing\b/gm),
    skipped: sum(/^[ℹ#] skipped (\d+)$/gm) + sum(/^[ℹ#] todo (\d+)$/gm) + sum(/^\s*(\d+) pending\b/gm),
  };
  return counts;
}

let currentChild = null;
let interrupted = false;

function runProcess(args, { env, tee }) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: root,
      env,
      stdio: tee ? ['inherit', 'pipe', 'pipe'] : 'inherit',
    });
    currentChild = child;
    let output = '';
    if (tee) {
      child.stdout.on('data', (chunk) => {
        process.stdout.write(chunk);
        output += chunk;
      });
      child.stderr.on('data', (chunk) => {
        process.stderr.write(chunk);
        output += chunk;
      });
    }
    child.on('error', (error) => {
      output += String(error);
      resolve({ code: -1, output });
    });
    child.on('close', (code, signal) => {
      currentChild = null;
      resolve({ code: code ?? (signal ? 128 : 1), output });
    });
  });
}

/** The shared emulator, started the first time a suite needs it. */
let moto = null;
async function emulator() {
  if (moto) {
    await moto.reset();
    return moto;
  }
  const { ensureMoto } = await import(pathToFileURL(path.join(root, 'scripts/tools.mjs')).href);
  const started = Date.now();
  const python = await ensureMoto();
  const { tsImport } = await import('tsx/esm/api');
  const harness = await tsImport(pathToFileURL(path.join(root, 'test/harness/moto.ts')).href, import.meta.url);
  const server = await harness.startMoto({ python, log: say });
  // In front of moto, a proxy that answers as AWS does where moto differs (a DryRun call changes
  // nothing, IAM refusals are UnauthorizedOperation, deprecated images): see fault-proxy.ts.
  const { startFaultProxy } = await tsImport(pathToFileURL(path.join(root, 'test/harness/fault-proxy.ts')).href, import.meta.url);
  const front = await startFaultProxy(server.endpoint, { clientTokens: false });
  moto = {
    endpoint: front.endpoint,
    reset: () => server.reset(),
    async stop() {
      await front.stop();
      await server.stop();
    },
  };
  say(`emulator ready in ${((Date.now() - started) / 1000).toFixed(1)} s (install check + start)`);
  return moto;
}

/** The Price List stand-in, started with the emulator. */
let priceList = null;
async function priceListStandIn() {
  if (priceList) return priceList;
  const { tsImport } = await import('tsx/esm/api');
  const harness = await tsImport(pathToFileURL(path.join(root, 'test/harness/price-list.ts')).href, import.meta.url);
  priceList = await harness.startPriceList();
  return priceList;
}

const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ec2bp-test-cache-'));

async function stopEmulator() {
  const running = moto;
  moto = null;
  const prices = priceList;
  priceList = null;
  await prices?.stop();
  if (running) await running.stop();
  fs.rmSync(cacheDir, { recursive: true, force: true });
}

function baseEnv() {
  // Dummy credentials and no profile: a test can never reach real AWS with someone's keys.
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'AKIDTEST',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_REGION: 'ap-northeast-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    // The SDK's notice that Node 20 support ends in 2027 would repeat in every test file's output.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    EC2BP_CACHE_DIR: cacheDir,
  };
  for (const name of ['AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_EC2', 'AWS_ENDPOINT_URL_PRICING']) {
    delete env[name];
  }
  return env;
}

async function runSuite(suite, { files: chosenFiles, nodeArgs }) {
  const dir = path.join(root, 'test', suite);
  const env = baseEnv();
  const fail = (why) => {
    say(`${suite}: FAILED: ${why}`);
    return { passed: 0, failed: 1, skipped: 0, ok: false };
  };

  let args;
  let tapFile = null;
  let summaryFile = null;
  if (suite === 'vscode') {
    const entry = `test/${suite}/run.ts`;
    if (!fs.existsSync(path.join(root, entry))) return fail(`suite not written yet: ${entry}`);
    summaryFile = path.join(os.tmpdir(), `ec2bp-${suite}-${process.pid}.json`);
    fs.rmSync(summaryFile, { force: true });
    env.EC2BP_TEST_SUMMARY_FILE = summaryFile;
    args = ['--import', 'tsx', ...nodeArgs, entry];
  } else {
    const files = chosenFiles.length > 0 ? chosenFiles : findTests(dir);
    if (files.length === 0) return fail(`no test files (*.test.ts) under test/${suite}`);
    tapFile = path.join(os.tmpdir(), `ec2bp-${suite}-${process.pid}.tap`);
    fs.rmSync(tapFile, { force: true });
    args = [
      '--import', 'tsx', '--test',
      ...(SERIAL_SUITES.has(suite) ? ['--test-concurrency=1'] : []),
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
      ...nodeArgs, ...files,
    ];
  }

  if (NEEDS_EMULATOR.has(suite)) {
    try {
      const server = await emulator();
      env.EC2BP_TEST_ENDPOINT = server.endpoint;
      env.AWS_ENDPOINT_URL_EC2 = server.endpoint;
      env.AWS_ENDPOINT_URL_PRICING = (await priceListStandIn()).endpoint;
    } catch (error) {
      return fail(`the EC2 emulator (moto) could not start:\n${error.message}`);
    }
  }

  say(`${suite}: node ${args.join(' ')}`);
  const started = Date.now();
  const { code, output } = await runProcess(args, { env, tee: tapFile === null });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);

  let counts;
  if (tapFile) {
    counts = countsFromTap(fs.existsSync(tapFile) ? fs.readFileSync(tapFile, 'utf8') : '');
    fs.rmSync(tapFile, { force: true });
  } else if (summaryFile && fs.existsSync(summaryFile)) {
    const written = JSON.parse(fs.readFileSync(summaryFile, 'utf8'));
    counts = { passed: Number(written.passed) || 0, failed: Number(written.failed) || 0, skipped: Number(written.skipped) || 0 };
    fs.rmSync(summaryFile, { force: true });
  } else {
    counts = countsFromOutput(output);
  }

  const line = `${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`;
  if (interrupted) return { ...counts, ok: false };
  if (code !== 0 && counts.failed === 0) {
    say(`${suite}: ${line} (${seconds} s) but it exited with code ${code}`);
    return { ...counts, failed: 1, ok: false };
  }
  if (counts.passed + counts.failed === 0) {
    return { ...fail(`it ran zero tests${counts.skipped ? ` (${counts.skipped} skipped)` : ''} (${seconds} s)`), skipped: counts.skipped };
  }
  say(`${suite}: ${line} (${seconds} s)`);
  return { ...counts, ok: code === 0 && counts.failed === 0 };
}

async function onSignal(signal) {
  if (interrupted) return;
  interrupted = true;
  say(`${signal}: stopping`);
  currentChild?.kill(signal);
  await stopEmulator().catch(() => {});
  process.exit(signal === 'SIGINT' ? 130 : 143);
}

async function main() {
  const [suiteName, ...rest] = process.argv.slice(2);
  if (!suiteName || (suiteName !== 'all' && !SUITES.includes(suiteName))) usage();
  const files = rest.filter((arg) => !arg.startsWith('-') && /\.m?ts$/.test(arg));
  const nodeArgs = rest.filter((arg) => !files.includes(arg));
  const suites =
    suiteName === 'all'
      ? SUITES.filter((suite) => suite === 'unit' || suite === 'emulator' || fs.existsSync(path.join(root, 'test', suite)))
      : [suiteName];
  if (suiteName === 'all' && files.length > 0) {
    console.error('test files can be named only with a single suite');
    process.exit(2);
  }

  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const total = { passed: 0, failed: 0, skipped: 0 };
  const failedSuites = [];
  try {
    for (const suite of suites) {
      if (interrupted) break;
      const result = await runSuite(suite, { files, nodeArgs });
      total.passed += result.passed;
      total.failed += result.failed;
      total.skipped += result.skipped;
      if (!result.ok) failedSuites.push(suite);
    }
  } finally {
    await stopEmulator();
  }
  if (interrupted) return; // onSignal exits once the emulator is down

  if (suites.length > 1) say(`suites run: ${suites.join(', ')}${failedSuites.length ? `; failed: ${failedSuites.join(', ')}` : ''}`);
  console.log(`${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
  process.exitCode = failedSuites.length > 0 ? 1 : 0;
}

main().catch(async (error) => {
  console.error(error?.stack ?? String(error));
  await stopEmulator().catch(() => {});
  process.exitCode = 1;
});

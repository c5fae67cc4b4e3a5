#!/usr/bin/env node
// Stands in for the VS Code executable that @vscode/test-electron's runTests() (or
// @vscode/test-cli with `useInstallation.fromPath`) launches: it serves the folder with
// code-server, opens the workbench in headless Chromium with the extension under development and
// its in-host test suite, prints the extension host's output and exits with the suite's exit code.
//
// Arguments as runTests passes them: <folder> --extensionDevelopmentPath=… --extensionTestsPath=…
// --user-data-dir=… --extensions-dir=… plus desktop-only flags (ignored).
// Environment: passed on to code-server and so to the extension host (VSCODE_TEST_OPTIONS,
// EC2BP_TEST_*). EC2BP_LAUNCHER_TIMEOUT_MS (default 300000) bounds the whole run.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';

// tsx's loader (the one `node --import tsx` uses) lets this plain script share the TypeScript harness.
await import('tsx');
const here = path.dirname(fileURLToPath(import.meta.url));
const imported = await import(path.join(here, '..', 'harness', 'workbench.ts'));
// The repo is CommonJS, so tsx may hand the TypeScript module over as `default`.
const workbench = imported.ensureWorkbenchTools ? imported : imported.default;

const timeoutMs = Number(process.env.EC2BP_LAUNCHER_TIMEOUT_MS) || 5 * 60_000;
const say = (line) => process.stdout.write(`[launcher] ${line}\n`);
// The workbench's own chatter that reaches the same log; EC2BP_LAUNCHER_VERBOSE=1 shows it too.
const noise = /^(Ignoring fetching additional builtin extensions|Updating additional builtin extensions cache|Resolving connection token|Resolved connection token|Creating a socket|\[reconnection-grace-time\]|\[Service Worker\]|\[AgentHost:remote\]|\[AccountPolicyGate\])/;
const verbose = Boolean(process.env.EC2BP_LAUNCHER_VERBOSE);

function parseArgs(argv) {
  const options = { folders: [], extensionDevelopmentPaths: [], extensionTestsPath: undefined, userDataDir: undefined, extensionsDir: undefined, ignored: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--extensionDevelopmentPath': options.extensionDevelopmentPaths.push(path.resolve(value())); break;
      case '--extensionTestsPath': options.extensionTestsPath = path.resolve(value()); break;
      case '--user-data-dir': options.userDataDir = path.resolve(value()); break;
      case '--extensions-dir': options.extensionsDir = path.resolve(value()); break;
      default:
        if (arg.startsWith('-')) options.ignored.push(arg);
        else options.folders.push(path.resolve(arg));
    }
  }
  return options;
}

const options = parseArgs(process.argv.slice(2));
if (options.folders.length === 0) options.folders.push(process.cwd());
if (!options.extensionTestsPath) {
  say('missing --extensionTestsPath: nothing to run');
  process.exit(2);
}

let server;
let browser;
let finished = false;
async function finish(code, message) {
  if (finished) return;
  finished = true;
  if (message) say(message);
  clearTimeout(timer);
  await browser?.close().catch(() => {});
  await server?.stop().catch(() => {});
  process.exit(code);
}

const timer = setTimeout(() => {
  void finish(1, `timed out after ${timeoutMs / 1000} s: the in-host tests never reported an exit code (server log: ${server?.logFile ?? 'not started'})`);
}, timeoutMs);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void finish(130, `stopped by ${signal}`));

try {
  const tools = await workbench.ensureWorkbenchTools((line) => say(line));
  const started = Date.now();
  server = await workbench.startWorkbench({
    tools,
    folder: options.folders[0],
    userDataDir: options.userDataDir,
    extensionsDir: options.extensionsDir,
    // Without the smoke-test driver the workbench ignores extensionTestsPath: the tests would silently never run.
    smokeTestDriver: true,
  });
  say(`code-server ${workbench.CODE_SERVER_VERSION} on port ${server.port} (log ${server.logFile}), ${Date.now() - started} ms`);

  const payload = [
    ...options.extensionDevelopmentPaths.map((p) => ['extensionDevelopmentPath', server.remoteAuthority + p]),
    ['extensionTestsPath', server.remoteAuthority + options.extensionTestsPath],
  ];
  const url = workbench.workbenchUrl(server.port, options.folders[0], payload);
  const opened = await workbench.openWorkbenchPage(url, {
    waitForWorkbench: false,
    exposeFunctions: {
      codeAutomationLog: (type, args) => {
        const line = format(...(Array.isArray(args) ? args : [args]));
        if (!verbose && noise.test(line)) return;
        process.stdout.write(line.endsWith('\n') ? line : `${line}\n`);
      },
      codeAutomationExit: (code) => {
        // Let the last log lines arrive before leaving.
        setTimeout(() => void finish(Number(code) || 0, `in-host tests exited with code ${code} after ${((Date.now() - started) / 1000).toFixed(1)} s`), 200);
      },
    },
  });
  browser = opened.browser;
  opened.page.on('pageerror', (e) => say(`page error: ${e.message}`));
  opened.page.on('crash', () => void finish(1, 'the workbench page crashed'));
} catch (e) {
  await finish(1, `could not start the workbench: ${e?.stack ?? e}`);
}

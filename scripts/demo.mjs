// The one-command demo: `npm run demo` (README "Two commands"). No AWS account needed.
//
//   1. builds the extension (scripts/build.mjs → dist/)
//   2. installs once (into ~/.cache/ec2-blueprint, or EC2BP_TOOLS_DIR) and starts the local EC2
//      emulator (moto) with a RHEL 8 image list, on a free 127.0.0.1 port
//   3. writes a fresh workspace holding the tutorial blueprint, with workspace settings pointing the
//      extension at the emulator and at a demo key folder (never ~/.ssh)
//   4. starts a real VS Code workbench (code-server, installed once into the same cache) with the
//      extension loaded from this folder, and prints the URL to open
//   5. stops everything on Ctrl-C (SIGINT) or SIGTERM
//
//   npm run demo -- --desktop   opens desktop VS Code (`code` on PATH) instead of the browser workbench
//   npm run demo -- --no-build  skips step 1 (dist/ already built)
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const desktop = args.includes('--desktop');
const skipBuild = args.includes('--no-build');
const unknown = args.filter((a) => !['--desktop', '--no-build', '--help', '-h'].includes(a));
if (args.includes('--help') || args.includes('-h') || unknown.length > 0) {
  if (unknown.length > 0) console.error(`unknown argument: ${unknown.join(' ')}`);
  console.error('usage: npm run demo [-- --desktop] [-- --no-build]');
  process.exit(unknown.length > 0 ? 2 : 0);
}

const started = Date.now();
const say = (line) => process.stderr.write(`[demo] ${line}\n`);
const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

// Everything the demo starts, stopped in reverse order on the way out.
const cleanups = [];
let stopping = false;
async function shutdown(code, why) {
  if (stopping) return;
  stopping = true;
  if (why) say(why);
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (error) {
      say(`while stopping: ${error?.message ?? error}`);
    }
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(130, 'Ctrl-C: stopping the workbench and the emulator…'));
process.on('SIGTERM', () => void shutdown(143, 'SIGTERM: stopping the workbench and the emulator…'));
process.on('SIGHUP', () => void shutdown(129, 'SIGHUP: stopping the workbench and the emulator…'));

/** `code` on PATH, or null. */
function findCode() {
  const r = spawnSync('code', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return r.status === 0 ? 'code' : null;
}

/**
 * The environment of everything the demo starts: dummy credentials and the emulator as the EC2
 * endpoint, so nothing can reach a real AWS account with the user's keys, and the integrated
 * terminal's `npx ec2-blueprint …` talks to the same emulator.
 */
function demoEnv(endpoint) {
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'AKIDDEMO',
    AWS_SECRET_ACCESS_KEY: 'demo-secret',
    AWS_REGION: 'ap-northeast-1',
    AWS_ENDPOINT_URL_EC2: endpoint,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  for (const name of ['AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_ENDPOINT_URL']) {
    delete env[name];
  }
  return env;
}

/**
 * A fresh workspace each run: the emulator starts empty, so a state file or key left from an
 * earlier run would describe resources that no longer exist.
 */
function writeWorkspace(demoDir, endpoint) {
  const workspace = path.join(demoDir, 'workspace');
  const keyDirectory = path.join(demoDir, 'keys');
  fs.rmSync(workspace, { recursive: true, force: true });
  fs.rmSync(keyDirectory, { recursive: true, force: true });
  fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
  fs.mkdirSync(keyDirectory, { recursive: true, mode: 0o700 });
  fs.copyFileSync(path.join(root, 'examples', 'tutorial.blueprint.yaml'), path.join(workspace, 'tutorial.blueprint.yaml'));
  // Workspace settings, so desktop VS Code gets them too without touching the user's own settings.
  const settings = {
    'ec2Blueprint.endpoint': endpoint,
    'ec2Blueprint.keyDirectory': keyDirectory,
  };
  fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2) + '\n');
  return { workspace, keyDirectory, settings };
}

async function build() {
  say('building the extension (scripts/build.mjs)…');
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
    child.on('error', () => resolve(1));
    child.on('close', (c) => resolve(c ?? 1));
  });
  if (code !== 0) throw new Error('the build failed (see above); `npm run build` shows the same errors.');
}

async function main() {
  const codeCommand = desktop ? findCode() : null;
  if (desktop && !codeCommand) {
    say('Desktop VS Code is not installed here (no `code` command on PATH).');
    say('Run `npm run demo` without --desktop for VS Code in the browser, or install VS Code and');
    say('its `code` command (VS Code: "Shell Command: Install \'code\' command in PATH").');
    process.exit(1);
  }

  if (!skipBuild) await build();
  if (!fs.existsSync(path.join(root, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run `npm run build`.');

  const tools = await import(pathToFileURL(path.join(root, 'scripts', 'tools.mjs')).href);
  const { tsImport } = await import('tsx/esm/api');
  const moto = await tsImport(pathToFileURL(path.join(root, 'test', 'harness', 'moto.ts')).href, import.meta.url);

  say('starting the local EC2 emulator (moto; installed once into ' + tools.toolsDir() + ')…');
  // Debian's python3 makes no virtual environment without python3-venv; as root, install it.
  if (process.getuid?.() === 0 && fs.existsSync('/usr/bin/dpkg-query') && !fs.existsSync(tools.motoPython())) await tools.ensureAptPackages(['python3-venv']);
  const python = await tools.ensureMoto();
  const emulator = await moto.startMoto({ python, log: (line) => say(`emulator: ${line}`) });
  cleanups.push(() => emulator.stop());

  // EC2BP_DEMO_DIR: where the workspace, keys and log go (the demo's own test uses a temporary one).
  const demoDir = process.env.EC2BP_DEMO_DIR || path.join(tools.toolsDir(), 'demo');
  const { workspace, keyDirectory, settings } = writeWorkspace(demoDir, emulator.endpoint);
  const env = demoEnv(emulator.endpoint);

  if (desktop) {
    say(`opening desktop VS Code on ${workspace}…`);
    // --wait: `code` returns when the window closes, and then the emulator stops too.
    const child = spawn(codeCommand, ['--new-window', '--wait', `--extensionDevelopmentPath=${root}`, workspace], { env, stdio: 'inherit' });
    child.on('error', (error) => void shutdown(1, `could not start \`code\`: ${error.message}`));
    child.on('close', () => void shutdown(0, 'the VS Code window was closed: stopping the emulator…'));
    printReady({ where: 'a desktop VS Code window (Extension Development Host)', workspace, keyDirectory, endpoint: emulator.endpoint, stopHint: 'Close the window or press Ctrl-C here to stop the emulator.' });
    return;
  }

  const workbench = await tsImport(pathToFileURL(path.join(root, 'test', 'harness', 'workbench.ts')).href, import.meta.url);
  say('preparing VS Code for the browser (code-server; installed once, about 2 minutes the first time)…');
  const workbenchTools = await workbench.ensureWorkbenchTools((line) => say(line));
  const server = await workbench.startWorkbench({
    folder: workspace,
    extensionDevelopmentPath: root,
    userSettings: settings,
    env,
    tools: workbenchTools,
    logFile: path.join(demoDir, 'code-server.log'),
  });
  cleanups.push(() => server.stop());

  // The workbench's process ends only when we stop it; if it dies on its own, so does the demo.
  const watchdog = setInterval(() => {
    try {
      process.kill(server.pid, 0);
    } catch {
      clearInterval(watchdog);
      void shutdown(1, `the workbench stopped unexpectedly; its log: ${path.join(demoDir, 'code-server.log')}`);
    }
  }, 1000);
  cleanups.push(() => clearInterval(watchdog));

  printReady({ where: 'VS Code in your browser', url: server.url, workspace, keyDirectory, endpoint: emulator.endpoint, stopHint: 'Press Ctrl-C to stop everything.' });
}

function printReady({ where, url, workspace, keyDirectory, endpoint, stopHint }) {
  const lines = [
    '',
    `EC2 Blueprint demo is ready (${seconds()}): ${where}.`,
    ...(url ? ['', `  Open ${url}`, '', `  (It listens on 127.0.0.1 only. From another machine: ssh -L ${new URL(url).port}:127.0.0.1:${new URL(url).port} THIS-HOST, then open the URL there.)`] : []),
    '',
    `  workspace      ${workspace}  (the tutorial blueprint, recreated each run)`,
    `  EC2 emulator   ${endpoint}  (moto; dummy credentials; no AWS account is touched)`,
    `  private keys   ${keyDirectory}`,
    '',
    '  Try: F1 → "Blueprint: Show Diagram", then "Blueprint: Create VPC", … "Blueprint: Launch Instance"',
    '       (or "Blueprint: Apply All"), "Blueprint: Show Traffic Path", "Blueprint: Destroy…".',
    '',
    `  ${stopHint}`,
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((error) => void shutdown(1, `failed: ${error?.message ?? error}`));

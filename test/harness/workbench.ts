// A real VS Code workbench for tests and the demo, without downloading VS Code:
// code-server from npm (VS Code server + web workbench) run by Node 24 from npm,
// driven by playwright-core in Debian's Chromium. See docs in /work/shared/TEST-PARTS.md.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';

/** As scripts/tools.mjs NODE_VERSION, which installs it. */
export const NODE_VERSION = '24.22.3';
const TOOLS_URL = new URL('../../scripts/tools.mjs', import.meta.url).href;
export const CODE_SERVER_VERSION = '4.139.1';
export const CHROMIUM_PATH = '/usr/bin/chromium';
/**
 * Debian packages the workbench needs: the browser, colour emoji and Japanese glyphs for labels and
 * screenshots (without a CJK font Japanese renders as empty boxes), Kerberos headers for a native
 * module of code-server.
 */
export const DEBIAN_PACKAGES = ['chromium', 'fonts-noto-color-emoji', 'fonts-ipafont-gothic', 'libkrb5-dev'] as const;

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface WorkbenchTools {
  toolsDir: string;
  /** Node 24, the only version code-server 4.139 runs on. */
  nodePath: string;
  /** code-server's entry script, run as `<nodePath> <codeServerEntry> …`. */
  codeServerEntry: string;
  chromiumPath: string;
}

type Log = (line: string) => void;
const defaultLog: Log = (line) => process.stderr.write(`[workbench] ${line}\n`);

export function toolsDir(): string {
  return process.env.EC2BP_TOOLS_DIR || path.join(os.homedir(), '.cache', 'ec2-blueprint');
}

function toolPaths(dir: string) {
  const nodeDir = path.join(dir, `node-v${NODE_VERSION}`);
  const codeServerDir = path.join(dir, `code-server-${CODE_SERVER_VERSION}`);
  return {
    nodeDir,
    nodePath: path.join(nodeDir, 'bin', 'node'),
    codeServerDir,
    codeServerEntry: path.join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    marker: path.join(dir, 'workbench-tools.json'),
    lock: path.join(dir, 'workbench-tools.lock'),
    installLog: path.join(dir, 'workbench-install.log'),
  };
}

export class WorkbenchToolsError extends Error {
  constructor(message: string, readonly howToInstall: string) {
    super(`${message}\n\nInstall it by hand:\n${howToInstall}`);
    this.name = 'WorkbenchToolsError';
  }
}

function debianPackageInstalled(name: string): boolean {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

/** Runs a command, appending its output to the install log; resolves with the exit code and the output's tail. */
function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; logFile: string }): Promise<{ code: number; tail: string }> {
  return new Promise((resolve) => {
    fs.appendFileSync(opts.logFile, `\n$ ${cmd} ${args.join(' ')}\n`);
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const onData = (d: Buffer) => {
      fs.appendFileSync(opts.logFile, d);
      tail = (tail + d.toString()).slice(-4000);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (e) => resolve({ code: 127, tail: tail + String(e) }));
    child.on('close', (code) => resolve({ code: code ?? 1, tail }));
  });
}

async function withLock<T>(lockDir: string, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // A lock older than 20 minutes belongs to an install that died.
      const age = Date.now() - fs.statSync(lockDir, { throwIfNoEntry: false })!.mtimeMs;
      if (age > 20 * 60_000) fs.rmSync(lockDir, { recursive: true, force: true });
      else if (Date.now() - started > 20 * 60_000) throw new Error(`Timed out waiting for another install of the workbench tools (lock ${lockDir})`);
      else await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

function readMarker(marker: string): { node?: string; codeServer?: string } {
  try {
    return JSON.parse(fs.readFileSync(marker, 'utf8'));
  } catch {
    return {};
  }
}

function toolsReady(p: ReturnType<typeof toolPaths>): boolean {
  const m = readMarker(p.marker);
  return m.node === NODE_VERSION && m.codeServer === CODE_SERVER_VERSION && fs.existsSync(p.nodePath) && fs.existsSync(p.codeServerEntry);
}

/**
 * Installs, once, what the workbench needs: the Debian packages in DEBIAN_PACKAGES (apt-get, only
 * those `dpkg` lacks; needs root), then Node 24 and code-server into the tools folder outside the
 * clone (`EC2BP_TOOLS_DIR` or `~/.cache/ec2-blueprint`). Reuses them when the marker file
 * `workbench-tools.json` names these versions (a warm check takes ~40 ms). Concurrent callers wait
 * on a lock. Throws a WorkbenchToolsError saying what to install by hand when a step fails.
 */
export async function ensureWorkbenchTools(log: Log = defaultLog): Promise<WorkbenchTools> {
  const dir = toolsDir();
  const p = toolPaths(dir);
  const tools: WorkbenchTools = { toolsDir: dir, nodePath: p.nodePath, codeServerEntry: p.codeServerEntry, chromiumPath: CHROMIUM_PATH };
  const missingDebs = () => DEBIAN_PACKAGES.filter((name) => !debianPackageInstalled(name));
  if (toolsReady(p) && missingDebs().length === 0 && fs.existsSync(CHROMIUM_PATH)) return tools;

  fs.mkdirSync(dir, { recursive: true });
  return withLock(p.lock, async () => {
    const started = Date.now();
    const logFile = p.installLog;
    fs.writeFileSync(logFile, `workbench tools install, ${new Date().toISOString()}\n`);

    const debs = missingDebs();
    if (debs.length > 0) {
      const howTo = `  apt-get update && apt-get install -y --no-install-recommends ${debs.join(' ')}`;
      if (process.getuid?.() !== 0) throw new WorkbenchToolsError(`Debian packages missing: ${debs.join(', ')} (and this process is not root, so it cannot install them).`, howTo);
      log(`installing Debian packages ${debs.join(' ')} (apt-get)…`);
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      const update = await run('apt-get', ['update'], { env, logFile });
      const install = update.code === 0 ? await run('apt-get', ['install', '-y', '--no-install-recommends', ...debs], { env, logFile }) : update;
      if (install.code !== 0 || missingDebs().length > 0) {
        throw new WorkbenchToolsError(`apt-get could not install ${debs.join(', ')} (log: ${logFile}):\n${install.tail}`, howTo);
      }
    }
    if (!fs.existsSync(CHROMIUM_PATH)) throw new WorkbenchToolsError(`${CHROMIUM_PATH} is missing although the chromium package is installed.`, '  apt-get install --reinstall chromium');

    if (toolsReady(p)) return tools;
    fs.rmSync(p.marker, { force: true });

    // Node 24 is the one CI runs the suites with: one installer for both (scripts/tools.mjs).
    const { ensureNode } = (await import(TOOLS_URL)) as { ensureNode(): Promise<string> };
    try {
      await ensureNode();
    } catch (error) {
      throw new WorkbenchToolsError((error as Error).message, `  node scripts/tools.mjs node`);
    }

    if (!fs.existsSync(p.codeServerEntry)) {
      log(`installing code-server ${CODE_SERVER_VERSION} from npm into ${p.codeServerDir} (about 2 minutes, ~620 MB)…`);
      const partial = `${p.codeServerDir}.partial`;
      fs.rmSync(partial, { recursive: true, force: true });
      fs.rmSync(p.codeServerDir, { recursive: true, force: true });
      fs.mkdirSync(partial, { recursive: true });
      fs.writeFileSync(path.join(partial, 'package.json'), JSON.stringify({ name: 'ec2-blueprint-workbench-tools', private: true }, null, 2));
      // code-server's postinstall reads the Node version from npm's user agent, so npm must run on Node 24;
      // it runs nested `npm install`s with native modules: allow their scripts, build against Node 24's own headers.
      // Under `npm run …` (npm test, npm run demo) the outer npm's npm_* variables are inherited: its
      // npm_config_user_agent says node/v20 and the postinstall refuses; npm_node_execpath is Node 20.
      const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
      const env = {
        ...inherited,
        PATH: `${path.dirname(p.nodePath)}${path.delimiter}${process.env.PATH ?? ''}`,
        npm_config_nodedir: p.nodeDir,
        npm_config_dangerously_allow_all_scripts: 'true',
        npm_config_audit: 'false',
        npm_config_fund: 'false',
        npm_config_update_notifier: 'false',
      };
      const howTo = [
        '  apt-get install -y libkrb5-dev build-essential python3',
        `  mkdir -p ${p.codeServerDir} && cd ${p.codeServerDir} && echo '{"private":true}' > package.json`,
        `  PATH=${path.dirname(p.nodePath)}:$PATH npm_config_nodedir=${p.nodeDir} npm install --dangerously-allow-all-scripts code-server@${CODE_SERVER_VERSION}`,
      ].join('\n');
      const install = await run('npm', ['install', '--dangerously-allow-all-scripts', `code-server@${CODE_SERVER_VERSION}`], { cwd: partial, env, logFile });
      const entry = path.join(partial, path.relative(p.codeServerDir, p.codeServerEntry));
      const vscodeModules = path.join(partial, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules');
      if (install.code !== 0 || !fs.existsSync(entry) || !fs.existsSync(vscodeModules)) {
        throw new WorkbenchToolsError(`npm could not install code-server ${CODE_SERVER_VERSION} (log: ${logFile}):\n${install.tail}`, howTo);
      }
      fs.renameSync(partial, p.codeServerDir);
    }

    fs.writeFileSync(p.marker, JSON.stringify({ node: NODE_VERSION, codeServer: CODE_SERVER_VERSION, installedAt: new Date().toISOString() }, null, 2) + '\n');
    log(`workbench tools ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return tools;
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface WorkbenchOptions {
  /** The folder the workbench opens. */
  folder: string;
  /** An extension to load from source (the repo root), passed through the URL's `payload` (turns on `smokeTestDriver`). */
  extensionDevelopmentPath?: string;
  /** An in-host test suite (a CommonJS file exporting `run()`), passed through the URL's `payload` (turns on `smokeTestDriver`). */
  extensionTestsPath?: string;
  /** Merged over the quiet defaults in `<userDataDir>/User/settings.json`. */
  userSettings?: Record<string, unknown>;
  /** Extra environment for the server and its extension host (the rest of process.env is passed on). */
  env?: NodeJS.ProcessEnv;
  /** Display language, e.g. `ja`. A language other than `en` gets a minimal local language pack registered (see `registerLanguagePack`). */
  locale?: string;
  /** More code-server arguments. */
  extraArgs?: string[];
  /** Use these folders instead of fresh temporary ones (kept on stop). */
  userDataDir?: string;
  extensionsDir?: string;
  /** Start with `--vscode-option enable-smoke-test-driver`: without it the workbench ignores the URL's payload (no extension under development, no tests). Default: on when either path is given. */
  smokeTestDriver?: boolean;
  /** Where the server's output goes; default `<userDataDir>/code-server.log`. */
  logFile?: string;
  tools?: WorkbenchTools;
}

export interface Workbench {
  /** The page to open: `http://127.0.0.1:PORT/?folder=…[&payload=…]`. */
  url: string;
  port: number;
  /** `vscode-remote://127.0.0.1:PORT`, the authority paths on the server are addressed with. */
  remoteAuthority: string;
  userDataDir: string;
  extensionsDir: string;
  logFile: string;
  pid: number;
  /** Kills the server's whole process group (the extension host with it) and removes temporary folders. */
  stop(): Promise<void>;
}

export const QUIET_USER_SETTINGS: Record<string, unknown> = {
  'telemetry.telemetryLevel': 'off',
  'chat.disableAIFeatures': true,
  'workbench.startupEditor': 'none',
  // The empty secondary side bar (chat) would take a third of every screenshot.
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
};

/** The payload the web workbench reads from the URL (what desktop VS Code takes as command-line flags). */
export function workbenchUrl(port: number, folder: string, payload: [string, string][] = []): string {
  const url = new URL(`http://127.0.0.1:${port}/`);
  url.searchParams.set('folder', path.resolve(folder));
  if (payload.length > 0) url.searchParams.set('payload', JSON.stringify(payload));
  return url.toString();
}

/**
 * Makes a display language available offline: a minimal language-pack extension in `extensionsDir`
 * and its entry in `<userDataDir>/languagepacks.json` (what the workbench writes when a pack is
 * installed from the Marketplace). Strings it lacks fall back to English; the extension's own
 * `package.nls.<locale>.json` and `l10n/bundle.l10n.<locale>.json` are what tests look at.
 */
export function registerLanguagePack(userDataDir: string, extensionsDir: string, locale: string): void {
  const packFile = path.join(userDataDir, 'languagepacks.json');
  const packs = fs.existsSync(packFile) ? JSON.parse(fs.readFileSync(packFile, 'utf8')) : {};
  if (packs[locale]) return;
  const id = `ec2-blueprint-test.language-pack-${locale}`;
  const version = '1.0.0';
  const extDir = path.join(extensionsDir, `${id}-${version}`);
  const translations = path.join(extDir, 'translations', 'main.i18n.json');
  fs.mkdirSync(path.dirname(translations), { recursive: true });
  fs.writeFileSync(
    path.join(extDir, 'package.json'),
    JSON.stringify(
      {
        name: `language-pack-${locale}`,
        publisher: 'ec2-blueprint-test',
        version,
        engines: { vscode: '*' },
        categories: ['Language Packs'],
        contributes: { localizations: [{ languageId: locale, languageName: locale, localizedLanguageName: locale, translations: [{ id: 'vscode', path: './translations/main.i18n.json' }] }] },
      },
      null,
      2,
    ),
  );
  // At least one key: an empty pack is rejected silently.
  fs.writeFileSync(translations, JSON.stringify({ version: '1.0.0', contents: { 'vs/workbench/browser/parts/editor/editor.contribution': {} } }, null, 2));
  const labels: Record<string, string> = { ja: '日本語' };
  packs[locale] = {
    hash: createHash('md5').update(id + version).digest('hex'),
    extensions: [{ extensionIdentifier: { id }, version }],
    translations: { vscode: translations },
    label: labels[locale] ?? locale,
  };
  fs.mkdirSync(userDataDir, { recursive: true });
  fs.writeFileSync(packFile, JSON.stringify(packs, null, 2));
}

/**
 * Installs a packaged extension (`.vsix`) into an extensions folder, as a user would, for a
 * workbench started later with that `extensionsDir` (the demo shows the installed extension, not a
 * development host).
 */
export async function installExtension(vsixPath: string, extensionsDir: string, tools?: WorkbenchTools): Promise<void> {
  const t = tools ?? (await ensureWorkbenchTools());
  fs.mkdirSync(extensionsDir, { recursive: true });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ec2bp-install-'));
  const logFile = path.join(scratch, 'install.log');
  fs.writeFileSync(logFile, '');
  try {
    const r = await run(
      t.nodePath,
      [t.codeServerEntry, '--config', '/dev/null', '--user-data-dir', path.join(scratch, 'user-data'), '--extensions-dir', path.resolve(extensionsDir), '--install-extension', path.resolve(vsixPath)],
      { env: { ...process.env, EXTENSIONS_GALLERY: '{}' }, logFile },
    );
    if (r.code !== 0) throw new Error(`code-server could not install ${vsixPath}:\n${r.tail}`);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

// Last resort when the caller forgot stop(), crashed or was interrupted: the servers run in their
// own process groups, so nothing else would stop them or their extension hosts.
const running = new Map<ChildProcess, string[]>();
function removeTemporary(folders: string[]): void {
  if (!process.env.EC2BP_KEEP_WORKBENCH) for (const d of folders) fs.rmSync(d, { recursive: true, force: true, maxRetries: 3 });
}
function killRunning(): void {
  for (const [child, temporary] of running) {
    if (child.pid) try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    removeTemporary(temporary);
  }
}
const EXIT_SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
function onExitSignal(signal: keyof typeof EXIT_SIGNALS): void {
  killRunning();
  // Exit as the signal would have, unless the program handles it itself.
  if (process.listenerCount(signal) <= 1) process.exit(EXIT_SIGNALS[signal]);
}
function track(child: ChildProcess, temporary: string[]): void {
  if (running.size === 0) for (const signal of Object.keys(EXIT_SIGNALS)) process.on(signal, onExitSignal);
  running.set(child, temporary);
}
function untrack(child: ChildProcess): void {
  if (running.delete(child) && running.size === 0) for (const signal of Object.keys(EXIT_SIGNALS)) process.off(signal, onExitSignal);
}
process.on('exit', killRunning);

async function waitForHealthz(port: number, child: ChildProcess, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited (${child.exitCode ?? child.signalCode}) before answering; its log ${logFile}:\n${tail(logFile)}`);
    }
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`code-server did not answer /healthz on port ${port} within ${timeoutMs / 1000} s; its log ${logFile}:\n${tail(logFile)}`);
}

function tail(file: string, chars = 3000): string {
  try {
    return fs.readFileSync(file, 'utf8').slice(-chars);
  } catch {
    return '(no log)';
  }
}

/** Starts code-server on a free 127.0.0.1 port in its own process group and waits until it answers. */
export async function startWorkbench(options: WorkbenchOptions): Promise<Workbench> {
  const tools = options.tools ?? (await ensureWorkbenchTools());
  const temporary: string[] = [];
  const tempDir = (name: string) => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), `ec2bp-${name}-`));
    temporary.push(d);
    return d;
  };
  const userDataDir = path.resolve(options.userDataDir ?? tempDir('user-data'));
  const extensionsDir = path.resolve(options.extensionsDir ?? tempDir('extensions'));
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });

  const settingsFile = path.join(userDataDir, 'User', 'settings.json');
  let existing: Record<string, unknown> = {};
  try {
    existing = JSON.parse(fs.readFileSync(settingsFile, 'utf8'));
  } catch {
    /* fresh */
  }
  fs.writeFileSync(settingsFile, JSON.stringify({ ...QUIET_USER_SETTINGS, ...existing, ...options.userSettings }, null, 2));
  if (options.locale && options.locale !== 'en') registerLanguagePack(userDataDir, extensionsDir, options.locale);

  const port = await freePort();
  const logFile = options.logFile ?? path.join(userDataDir, 'code-server.log');
  const out = fs.openSync(logFile, 'a');
  const smoke = options.smokeTestDriver ?? Boolean(options.extensionTestsPath || options.extensionDevelopmentPath);
  const args = [
    tools.codeServerEntry,
    '--config', '/dev/null',
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    ...(options.locale ? ['--locale', options.locale] : []),
    ...(smoke ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    ...(options.extraArgs ?? []),
    path.resolve(options.folder),
  ];
  const child = spawn(tools.nodePath, args, {
    // Own process group: stop() kills the server and the extension host it forks in one go.
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...process.env, ...options.env, EXTENSIONS_GALLERY: '{}', VSCODE_CLI: undefined, ELECTRON_RUN_AS_NODE: undefined } as NodeJS.ProcessEnv,
  });
  fs.closeSync(out);
  track(child, temporary);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
      const timedOut = await Promise.race([exited.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 5000))]);
      if (timedOut) try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    }
    // The extension host may outlive the server for a moment: clear the rest of the group.
    if (child.pid) try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    untrack(child);
    removeTemporary(temporary);
  };

  try {
    await waitForHealthz(port, child, logFile, 60_000);
  } catch (e) {
    await stop();
    throw e;
  }

  const remoteAuthority = `vscode-remote://127.0.0.1:${port}`;
  const payload: [string, string][] = [];
  if (options.extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remoteAuthority + path.resolve(options.extensionDevelopmentPath)]);
  if (options.extensionTestsPath) payload.push(['extensionTestsPath', remoteAuthority + path.resolve(options.extensionTestsPath)]);
  return {
    url: workbenchUrl(port, options.folder, payload),
    port,
    remoteAuthority,
    userDataDir,
    extensionsDir,
    logFile,
    pid: child.pid!,
    stop,
  };
}

export interface OpenPageOptions {
  headless?: boolean;
  viewport?: { width: number; height: number };
  /** Functions to expose on `window` before the workbench loads (e.g. codeAutomationExit). */
  exposeFunctions?: Record<string, (...args: never[]) => unknown>;
  /** Wait until the workbench is drawn (default true). */
  waitForWorkbench?: boolean;
  timeoutMs?: number;
  chromiumPath?: string;
}

/** Opens the workbench in headless Chromium (Debian's, via playwright-core). Close `browser` when done. */
export async function openWorkbenchPage(url: string, options: OpenPageOptions = {}): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({
    executablePath: options.chromiumPath ?? CHROMIUM_PATH,
    headless: options.headless ?? true,
    args: CHROMIUM_ARGS,
  });
  try {
    const context = await browser.newContext({ viewport: options.viewport ?? { width: 1400, height: 900 } });
    const page = await context.newPage();
    for (const [name, fn] of Object.entries(options.exposeFunctions ?? {})) await page.exposeFunction(name, fn);
    await page.goto(url, { timeout: options.timeoutMs ?? 60_000 });
    if (options.waitForWorkbench ?? true) await waitForWorkbench(page, options.timeoutMs);
    return { browser, page };
  } catch (e) {
    await browser.close().catch(() => {});
    throw e;
  }
}

/** Waits until the workbench has drawn its parts (~4 s after page load). */
export async function waitForWorkbench(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
}

/**
 * Runs a command by its title from the command palette (F1, type, Enter). Retries until the
 * command is listed: an extension's commands appear seconds after the workbench is drawn.
 */
export async function runCommand(page: Page, title: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const input = page.locator('.quick-input-widget .quick-input-box input');
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  for (;;) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`>${title}`);
    const match = rows.filter({ hasText: title }).first();
    try {
      await match.waitFor({ state: 'visible', timeout: 2_000 });
      // Enter runs the focused (first) row; make sure the one we want is first.
      const first = (await rows.first().getAttribute('aria-label')) ?? '';
      if (first.includes(title)) {
        await page.keyboard.press('Enter');
      } else {
        await match.click();
      }
      return;
    } catch (e) {
      await page.keyboard.press('Escape');
      if (Date.now() > deadline) throw new Error(`Command "${title}" did not appear in the command palette within ${timeoutMs / 1000} s`, { cause: e });
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** The document inside the visible webview: `iframe.webview` then `#active-frame`. */
export async function webviewFrame(page: Page, timeoutMs = 30_000): Promise<Frame> {
  const outer = page.locator('iframe.webview').locator('visible=true').first();
  await outer.waitFor({ state: 'attached', timeout: timeoutMs });
  const outerFrame = await (await outer.elementHandle({ timeout: timeoutMs }))!.contentFrame();
  if (!outerFrame) throw new Error('webview iframe has no frame');
  const inner = await outerFrame.waitForSelector('#active-frame', { state: 'attached', timeout: timeoutMs });
  const innerFrame = await inner.contentFrame();
  if (!innerFrame) throw new Error('webview #active-frame has no frame');
  await innerFrame.waitForLoadState('domcontentloaded', { timeout: timeoutMs });
  return innerFrame;
}

// `node --import tsx test/harness/workbench.ts install` installs the tools and prints their paths.
if (/workbench\.ts$/.test(process.argv[1] ?? '') && process.argv[2] === 'install') {
  const t0 = Date.now();
  ensureWorkbenchTools()
    .then((t) => console.log(JSON.stringify({ ...t, seconds: (Date.now() - t0) / 1000 }, null, 2)))
    .catch((e) => {
      console.error(String(e?.message ?? e));
      process.exit(1);
    });
}

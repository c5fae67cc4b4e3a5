// `diagram --svg/--png`: the panel's own webview (dist/webview/, the same layout, drawing and
// icons) in headless Chromium, light theme, fed the very `diagram` message the panel gets; the
// file is what the webview's own SVG/PNG export writes. Chromium is the user's (found below or
// named by EC2BP_CHROMIUM); playwright-core drives it and is loaded only here.
import http from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { t } from '@vscode/l10n';
import { BlueprintError } from '../core/errors';
import { diagramHtml } from '../vscode/diagram/html';
import type { HostToWebview, WebviewToHost } from '../shared/protocol';

type DiagramMessage = Extract<HostToWebview, { type: 'diagram' }>;

/** The light theme's colours, as VS Code's default light theme sets them on the webview. */
export const lightThemeVars: Record<string, string> = {
  '--vscode-editor-background': '#ffffff',
  '--vscode-editor-foreground': '#1f1f1f',
  '--vscode-foreground': '#1f1f1f',
  '--vscode-panel-border': '#c8c8c8',
  '--vscode-font-family': 'DejaVu Sans, sans-serif',
};

/** Chromium's flags for a quiet, offline headless run. */
export const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The page-side stand-in for VS Code's webview API: records what the webview posts. A string,
 * not a function (bundlers' helpers do not exist in the page). */
export function webviewShim(vars: Record<string, string>): string {
  return `
    (() => {
      const posted = [];
      const violations = [];
      let state;
      window.__posted = posted;
      window.__violations = violations;
      window.acquireVsCodeApi = () => ({
        postMessage: (m) => { posted.push(JSON.parse(JSON.stringify(m))); },
        getState: () => state,
        setState: (s) => { state = s; },
      });
      document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective + ' ' + e.blockedURI));
      const vars = ${JSON.stringify(vars)};
      document.addEventListener('DOMContentLoaded', () => {
        for (const k of Object.keys(vars)) document.documentElement.style.setProperty(k, vars[k]);
      });
    })();
  `;
}

const candidates: Record<string, string[]> = {
  linux: ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium', '/usr/bin/microsoft-edge'],
  darwin: ['/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', '/Applications/Chromium.app/Contents/MacOS/Chromium', '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge'],
  win32: [
    join(process.env.PROGRAMFILES ?? 'C:\\Program Files', 'Google\\Chrome\\Application\\chrome.exe'),
    join(process.env['PROGRAMFILES(X86)'] ?? 'C:\\Program Files (x86)', 'Google\\Chrome\\Application\\chrome.exe'),
    join(process.env['PROGRAMFILES(X86)'] ?? 'C:\\Program Files (x86)', 'Microsoft\\Edge\\Application\\msedge.exe'),
  ],
};

/** The user's Chromium (or Chrome, or Edge): EC2BP_CHROMIUM, else the usual places. */
export function findChromium(env: NodeJS.ProcessEnv = process.env, platform: string = process.platform): string | undefined {
  if (env.EC2BP_CHROMIUM) return existsSync(env.EC2BP_CHROMIUM) ? env.EC2BP_CHROMIUM : undefined;
  return (candidates[platform] ?? candidates.linux!).find((p) => existsSync(p));
}

/** dist/webview/ beside the CLI bundle (or, run from the sources, the built one in the clone). */
function webviewFolder(): string {
  for (const dir of [join(__dirname, 'webview'), resolve(__dirname, '..', '..', 'dist', 'webview')]) if (existsSync(join(dir, 'main.js'))) return dir;
  throw new BlueprintError('runtime', t('The diagram webview bundle (dist/webview/main.js) is missing: run `npm run build`.'));
}

const types: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html' };

/** Draws the picture in headless Chromium and returns the webview's export: SVG text or PNG bytes. */
export async function drawPicture(message: DiagramMessage, format: 'svg' | 'png'): Promise<string | Buffer> {
  const executablePath = findChromium();
  if (!executablePath)
    throw new BlueprintError(
      'runtime',
      process.env.EC2BP_CHROMIUM
        ? t('EC2BP_CHROMIUM names {0}, which does not exist.', process.env.EC2BP_CHROMIUM)
        : t('--svg and --png draw with Chromium, Chrome or Edge, and none was found. Install one (Debian/Ubuntu: `sudo apt-get install chromium`; macOS: Google Chrome) or set EC2BP_CHROMIUM to its path.'),
    );
  const folder = webviewFolder();
  let page = '';
  const { origin, close } = await serveWebview(folder, (path) => (path === '/' ? page : undefined));
  page = diagramHtml({ cspSource: origin, scriptUri: `${origin}/dist/webview/main.js`, bodyClass: 'vscode-light' });
  // Loaded here only: the rest of the CLI never needs a browser.
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, args: chromiumArgs, headless: true }).catch((error: unknown) => {
    throw new BlueprintError('runtime', t('Could not start {0}: {1}', executablePath, error instanceof Error ? error.message.split('\n')[0]! : String(error)));
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const tab = await context.newPage();
    await tab.addInitScript(webviewShim(lightThemeVars));
    await tab.goto(`${origin}/`);
    const posted = () => tab.evaluate<WebviewToHost[]>('window.__posted');
    const until = async <T>(find: (messages: WebviewToHost[]) => T | undefined, what: string, timeoutMs = 120_000): Promise<T> => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = find(await posted());
        if (found !== undefined) return found;
        if (Date.now() > deadline) throw new BlueprintError('runtime', t('The diagram webview did not answer ({0}).', what));
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    await until((m) => (m.some((x) => x.type === 'ready') ? true : undefined), 'ready');
    const send = (m: HostToWebview) => tab.evaluate(`window.postMessage(${JSON.stringify(m)}, '*')`);
    await send(message);
    const done = await until((m) => m.find((x) => x.type === 'rendered' || x.type === 'renderError'), 'rendered');
    if (done.type === 'renderError') throw new BlueprintError('runtime', t('The diagram could not be drawn:\n{0}', done.message));
    await send({ type: 'export', format });
    const exported = await until((m) => m.find((x) => x.type === 'exported' || x.type === 'renderError'), 'export');
    if (exported.type === 'renderError') throw new BlueprintError('runtime', t('The diagram could not be drawn:\n{0}', exported.message));
    if (exported.type !== 'exported') throw new BlueprintError('runtime', 'unexpected message');
    return format === 'svg' ? exported.data : Buffer.from(exported.data.replace(/^data:image\/png;base64,/, ''), 'base64');
  } finally {
    await browser.close();
    await close();
  }
}

/** Serves the webview bundle from `folder` (as /dist/webview/…) and the pages `pageAt` names, on a
 * free local port. */
export async function serveWebview(folder: string, pageAt: (path: string) => string | undefined): Promise<{ origin: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const page = pageAt(path);
    if (page !== undefined) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
      return;
    }
    const file = normalize(join(folder, path.replace(/^\/dist\/webview\//, '')));
    if (!file.startsWith(folder + sep) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  return { origin: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

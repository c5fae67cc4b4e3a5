// The diagram webview in headless Chromium (Debian's /usr/bin/chromium through playwright-core):
// the built bundle (dist/webview/) served over local HTTP, in the panel's own HTML and CSP, with
// VS Code's acquireVsCodeApi replaced by a recorder. Used by the rendering test and the benchmark.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { diagramHtml } from '../../src/vscode/diagram/html';
import type { HostToWebview, WebviewToHost } from '../../src/shared/protocol';
import { chromiumArgs, lightThemeVars, serveWebview, webviewShim } from '../../src/cli/diagram-picture';

/** The clone's root: the nearest folder above this file (or the working folder) with our package.json. */
export const repoRoot = findRoot();

function findRoot(): string {
  for (const start of [typeof __dirname === 'string' ? __dirname : '', process.cwd()]) {
    let dir = resolve(start || '.');
    for (;;) {
      const manifest = join(dir, 'package.json');
      if (existsSync(manifest) && /"name":\s*"ec2-blueprint"/.test(readFileSync(manifest, 'utf8'))) return dir;
      const up = resolve(dir, '..');
      if (up === dir) break;
      dir = up;
    }
  }
  throw new Error('cannot find the ec2-blueprint clone');
}
export const chromiumPath = process.env.EC2BP_CHROMIUM ?? '/usr/bin/chromium';
const launchArgs = chromiumArgs;


export interface DiagramPage {
  page: Page;
  origin: string;
  /** Messages the webview posted to the "host", in order. */
  posted(): Promise<WebviewToHost[]>;
  /** CSP violations seen by the page. */
  violations(): Promise<string[]>;
  /** Page errors and console errors. */
  errors: string[];
  send(message: HostToWebview): Promise<void>;
  /** Sends a picture and waits until it is painted; returns the webview's own render time. */
  render(message: Extract<HostToWebview, { type: 'diagram' }>, timeoutMs?: number): Promise<{ ms: number }>;
  close(): Promise<void>;
}

export interface DiagramHarness {
  browser: Browser;
  origin: string;
  open(options?: { theme?: 'light' | 'dark' | 'high-contrast'; width?: number; height?: number }): Promise<DiagramPage>;
  close(): Promise<void>;
}

/** Fails with how to install what is missing: the bundle or Chromium. */
export function requireParts(): void {
  if (!existsSync(join(repoRoot, 'dist/webview/main.js'))) throw new Error('dist/webview/main.js is missing: run `npm run build` first.');
  if (!existsSync(chromiumPath))
    throw new Error(`Chromium is not at ${chromiumPath}. Install it with \`node scripts/tools.mjs apt chromium fonts-noto-color-emoji\` (or apt-get install chromium fonts-noto-color-emoji), or set EC2BP_CHROMIUM.`);
}

const themes = {
  light: { class: 'vscode-light', vars: lightThemeVars },
  dark: { class: 'vscode-dark', vars: { '--vscode-editor-background': '#1e1e1e', '--vscode-editor-foreground': '#cccccc', '--vscode-foreground': '#cccccc', '--vscode-panel-border': '#454545', '--vscode-font-family': 'DejaVu Sans, sans-serif' } },
  'high-contrast': { class: 'vscode-high-contrast', vars: { '--vscode-editor-background': '#000000', '--vscode-editor-foreground': '#ffffff', '--vscode-foreground': '#ffffff', '--vscode-contrastBorder': '#6fc3df', '--vscode-font-family': 'DejaVu Sans, sans-serif' } },
};

/** Polls an expression in the page until it is truthy. (Playwright's waitForFunction evaluates
 * strings with eval, which the panel's CSP rightly forbids; page.evaluate goes through DevTools.) */
export async function waitFor<T>(page: Page, expression: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await page.evaluate<T | null>(expression);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${expression.slice(0, 120)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A private copy of dist/webview/ with every chunk its files import: another suite may rebuild
 * (and first delete) dist/webview/ while this one runs. */
async function snapshotBundle(timeoutMs = 180_000): Promise<string> {
  const source = join(repoRoot, 'dist', 'webview');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const copy = mkdtempSync(join(tmpdir(), 'ec2bp-webview-'));
    try {
      cpSync(source, copy, { recursive: true });
      if (bundleComplete(copy)) return copy;
    } catch {
      // Mid-rebuild: try again.
    }
    rmSync(copy, { recursive: true, force: true });
    if (Date.now() > deadline) throw new Error('dist/webview/ stayed incomplete: run `npm run build`.');
    await new Promise((r) => setTimeout(r, 500));
  }
}

function bundleComplete(dir: string): boolean {
  if (!existsSync(join(dir, 'main.js'))) return false;
  const files = (readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[]).filter((f) => f.endsWith('.js'));
  for (const f of files) {
    const text = readFileSync(join(dir, f), 'utf8');
    for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.{1,2}\/[^"']+\.js)["']/g)) if (!existsSync(join(dir, dirname(f), m[1]!))) return false;
  }
  return true;
}

/** A blank page with mermaid (a devDependency) loaded: proves the text `diagram FILE` prints renders,
 * and gives the benchmark mermaid's own time on the same picture. */
export async function openMermaidPage(browser: Browser): Promise<{ render(text: string): Promise<{ svg: string; ms: number }>; close(): Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await page.addScriptTag({ path: join(repoRoot, 'node_modules/mermaid/dist/mermaid.min.js') });
  await page.evaluate(`mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', maxEdges: 5000, maxTextSize: 2000000 })`);
  let count = 0;
  return {
    async render(text) {
      return page.evaluate<{ svg: string; ms: number }>(
        `(async () => { const t = performance.now(); const { svg } = await mermaid.render('m${++count}', ${JSON.stringify(text)}); return { svg, ms: performance.now() - t }; })()`,
      );
    },
    close: () => context.close(),
  };
}

export async function startDiagramHarness(): Promise<DiagramHarness> {
  requireParts();
  const bundle = await snapshotBundle();
  const pages = new Map<string, string>();
  const { origin, close: closeServer } = await serveWebview(bundle, (path) => pages.get(path));
  const browser = await chromium.launch({ executablePath: chromiumPath, args: launchArgs, headless: true });
  let count = 0;

  return {
    browser,
    origin,
    async open(options = {}) {
      const theme = themes[options.theme ?? 'light'];
      const path = `/page-${++count}.html`;
      pages.set(path, diagramHtml({ cspSource: origin, scriptUri: `${origin}/dist/webview/main.js`, bodyClass: theme.class }));
      const context = await browser.newContext({ viewport: { width: options.width ?? 1400, height: options.height ?? 1000 } });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console: ${m.text()}`);
      });
      await page.addInitScript(webviewShim(theme.vars));
      await page.goto(origin + path);
      // Page-side code as strings: this file is type-checked without the DOM library.
      const posted = () => page.evaluate<WebviewToHost[]>('window.__posted');
      const deadline = Date.now() + 15_000;
      while (!(await posted()).some((m) => m.type === 'ready')) {
        if (Date.now() > deadline) throw new Error(`the webview never said ready (errors: ${errors.join('; ')})`);
        await page.waitForTimeout(20);
      }
      const send = async (message: HostToWebview) => {
        await page.evaluate(`window.postMessage(${JSON.stringify(message)}, '*')`);
      };
      return {
        page,
        origin,
        errors,
        posted,
        violations: () => page.evaluate<string[]>('window.__violations'),
        send,
        async render(message, timeoutMs = 30_000) {
          const before = (await posted()).filter((m) => m.type === 'rendered' || m.type === 'renderError').length;
          await send(message);
          const last = await waitFor<WebviewToHost>(
            page,
            `(() => { const done = window.__posted.filter((m) => m.type === 'rendered' || m.type === 'renderError'); return done.length > ${before} ? done[done.length - 1] : null; })()`,
            timeoutMs,
          );
          if (last.type === 'renderError') throw new Error(`render error: ${last.message}`);
          return { ms: last.type === 'rendered' ? last.ms : NaN };
        },
        close: () => context.close(),
      };
    },
    async close() {
      await browser.close();
      await closeServer();
      rmSync(bundle, { recursive: true, force: true });
    },
  };
}

// The README's "run it" command: `npm run demo` starts the emulator and a workbench with the
// extension loaded from this folder, prints a URL where the tutorial works against the sandbox,
// and Ctrl-C stops everything it started.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { openWorkbenchPage, runCommand, webviewFrame } from '../harness/workbench';
import { repoRoot } from '../harness/vsix';

let demo: ChildProcess | undefined;
let browser: Browser | undefined;
const demoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ec2bp-demo-test-'));

after(async () => {
  await browser?.close().catch(() => {});
  if (demo && demo.exitCode === null) demo.kill('SIGKILL');
  fs.rmSync(demoDir, { recursive: true, force: true });
});

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

test('npm run demo prints a URL where the tutorial runs against the sandbox, and Ctrl-C stops it all', { timeout: 4 * 60_000 }, async () => {
  // --no-build: the runner's `npm run test:e2e` has just built dist/ (the demo's build step is the same script).
  demo = spawn(process.execPath, [path.join(repoRoot, 'scripts', 'demo.mjs'), '--no-build'], {
    cwd: repoRoot,
    env: { ...process.env, EC2BP_DEMO_DIR: demoDir, AWS_ENDPOINT_URL_EC2: undefined },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  demo.stdout!.on('data', (d) => (stdout += d));
  demo.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => demo!.once('exit', (code) => resolve(code)));

  const deadline = Date.now() + 120_000;
  let url: string | undefined;
  while (!url) {
    url = /Open (http:\/\/127\.0\.0\.1:\d+\/\S+)/.exec(stdout)?.[1];
    if (demo.exitCode !== null) assert.fail(`the demo exited (${demo.exitCode}) before printing a URL:\n${stderr}`);
    if (Date.now() > deadline) assert.fail(`no URL within 120 s:\n${stdout}\n${stderr}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const endpoint = /EC2 emulator\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
  assert.ok(endpoint, `the demo does not print its emulator:\n${stdout}`);
  const workbenchPort = Number(new URL(url).port);

  ({ browser } = await openWorkbenchPage(url));
  const page = (await browser.contexts()[0]!.pages())[0]!;
  await runCommand(page, 'Blueprint: Create VPC', 60_000);
  await runCommand(page, 'Blueprint: Show Diagram', 60_000);
  const frame = await webviewFrame(page, 60_000);
  await frame.waitForSelector('#diagram [data-component="vpc-Atsushi"][data-status="created"]', { timeout: 60_000 });
  const state = JSON.parse(fs.readFileSync(path.join(demoDir, 'workspace', 'tutorial.blueprint.state.json'), 'utf8'));
  assert.match(state.resources['vpc-Atsushi']?.id ?? '', /^vpc-/, 'the state file records the VPC');
  await browser.close();
  browser = undefined;

  demo.kill('SIGINT');
  const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000))]);
  assert.equal(code, 130, `the demo did not stop on Ctrl-C (SIGINT) within 20 s:\n${stderr}`);
  assert.equal(await portOpen(workbenchPort), false, 'the workbench still answers after Ctrl-C');
  assert.equal(await portOpen(Number(new URL(endpoint).port)), false, 'the emulator still answers after Ctrl-C');
});

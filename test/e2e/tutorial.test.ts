// The whole tutorial, played as a beginner would, in a real VS Code workbench (code-server) driven
// in Chromium, through the command palette only, with the packaged .vsix installed as a user
// installs it. After every step the diagram's DOM must show the new component "created"; a
// screenshot of each step goes to .test-artifacts/e2e/NN-<step>.png (and FAILED-<step>.png when a
// step fails). Then the traffic paths, SSH into a real sshd on the Elastic IP the emulator handed
// out, and Destroy, after which the emulator must hold nothing of the stack.
//
// Run: node scripts/test.mjs e2e test/e2e/tutorial.test.ts   (needs root for sshd on port 22)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeInternetGatewaysCommand,
  DescribeKeyPairsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
  type Filter,
} from '@aws-sdk/client-ec2';
import type { Browser, Frame, Page } from 'playwright-core';
import { ensureWorkbenchTools, installExtension, openWorkbenchPage, startWorkbench, webviewFrame, type Workbench } from '../harness/workbench';
import { resetEmulator, testClientConfig, testEndpoint, TEST_CREDENTIALS, TEST_REGION } from '../harness/moto';
import { startSshd, type Sshd } from '../harness/sshd';
import { ensureVsix, repoRoot } from '../harness/vsix';
import { validateBlueprint } from '../../src/core/validate';
import type { Blueprint } from '../../src/core/schema';

const artifacts = path.join(repoRoot, '.test-artifacts', 'e2e');
const tutorialText = fs.readFileSync(path.join(repoRoot, 'examples', 'tutorial.blueprint.yaml'), 'utf8');
const tutorial: Blueprint = validateBlueprint(tutorialText).blueprint!;
const STEP_TIMEOUT_MS = 90_000;

// The stroke colours of the diagram's inbound (blue) and reply (orange) path edges.
const INBOUND_BLUE = 'rgb(31, 111, 235)';
const REPLY_ORANGE = 'rgb(232, 113, 10)';

/** The tutorial's order, one palette command per component. */
const createSteps = [
  { slug: 'vpc', command: 'Blueprint: Create VPC', name: tutorial.vpc.name },
  { slug: 'subnet', command: 'Blueprint: Create Subnet', name: tutorial.subnets![0]!.name },
  { slug: 'internet-gateway', command: 'Blueprint: Create Internet Gateway', name: tutorial.internetGateway!.name },
  { slug: 'route-table', command: 'Blueprint: Create Route Table', name: tutorial.routeTables![0]!.name },
  { slug: 'security-group', command: 'Blueprint: Create Security Group', name: tutorial.securityGroups![0]!.name },
  { slug: 'network-interface', command: 'Blueprint: Create Network Interface', name: tutorial.networkInterfaces![0]!.name },
  { slug: 'elastic-ip', command: 'Blueprint: Allocate and Associate Elastic IP', name: tutorial.elasticIps![0]!.name },
  { slug: 'key-pair', command: 'Blueprint: Create Key Pair', name: tutorial.keyPairs![0]!.name },
  { slug: 'instance', command: 'Blueprint: Launch Instance', name: tutorial.instances![0]!.name },
];

let scratch: string;
let workspace: string;
let keyDirectory: string;
let workbench: Workbench | undefined;
let browser: Browser | undefined;
let page: Page;
let sshd: Sshd | undefined;
let ec2: EC2Client;
let shot = 0;
const timings: string[] = [];

before(async () => {
  const endpoint = testEndpoint();
  await resetEmulator(endpoint);
  ec2 = new EC2Client(testClientConfig(endpoint));
  fs.rmSync(artifacts, { recursive: true, force: true });
  fs.mkdirSync(artifacts, { recursive: true });
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ec2bp-e2e-tutorial-'));
  workspace = path.join(scratch, 'workspace');
  keyDirectory = path.join(scratch, 'keys');
  fs.mkdirSync(workspace, { recursive: true });
  fs.mkdirSync(keyDirectory, { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(workspace, 'tutorial.blueprint.yaml'), tutorialText);
  // Workspace settings: the endpoint and key folder are machine-scoped, which a remote window such
  // as code-server's does not take from the (browser-side) user settings.
  fs.mkdirSync(path.join(workspace, '.vscode'));
  fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'ec2Blueprint.endpoint': testEndpoint(), 'ec2Blueprint.keyDirectory': keyDirectory }, null, 2));
});

after(async () => {
  await browser?.close().catch(() => {});
  await workbench?.stop().catch(() => {});
  await sshd?.stop().catch(() => {});
  ec2?.destroy();
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  if (timings.length) process.stderr.write(`[tutorial] ${timings.join(', ')}\n`);
});

/** Runs one step; a failure names the step, keeps a screenshot and says where the logs are. */
async function step<T>(name: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    const result = await work();
    timings.push(`${name} ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return result;
  } catch (error) {
    const file = path.join(artifacts, `FAILED-${name.replace(/[^a-z0-9]+/gi, '-')}.png`);
    if (page) await page.screenshot({ path: file }).catch(() => {});
    const logs = [workbench ? `workbench log ${workbench.logFile}` : '', sshd ? `sshd log:\n${sshd.log().slice(-2000)}` : ''].filter(Boolean).join('\n');
    throw new Error(`step "${name}" failed after ${((Date.now() - started) / 1000).toFixed(1)} s: ${(error as Error).message}\nscreenshot ${file}\n${logs}`, { cause: error });
  }
}

async function screenshot(slug: string): Promise<void> {
  shot++;
  // Fit the picture to the panel so the whole diagram is in the screenshot.
  await (await diagram()).click('#fit', { timeout: 5_000 }).catch(() => {});
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(artifacts, `${String(shot).padStart(2, '0')}-${slug}.png`) });
}

/** The diagram alone (the picture and the list of its numbered hops), its editor group maximized, beside the last screenshot: NN-<slug>-diagram.png. */
async function diagramScreenshot(slug: string): Promise<void> {
  await palette('View: Toggle Maximize Editor Group');
  try {
    await page.waitForTimeout(500);
    const frame = await diagram();
    await frame.click('#fit', { timeout: 5_000 });
    // Fit fills the panel with the picture; two steps smaller leave room for the list of hops under it.
    await frame.click('#zoom-out', { timeout: 5_000 });
    await frame.click('#zoom-out', { timeout: 5_000 });
    await page.waitForTimeout(300);
    await frame.locator('#diagram').screenshot({ path: path.join(artifacts, `${String(shot).padStart(2, '0')}-${slug}-diagram.png`) });
  } finally {
    await palette('View: Toggle Maximize Editor Group');
  }
}

/** What a beginner would see go wrong: a modal dialog or an error notification. */
async function visibleProblem(): Promise<string | undefined> {
  const dialog = page.locator('.monaco-dialog-box');
  if (await dialog.isVisible().catch(() => false)) return `a dialog is open: ${(await dialog.innerText()).replace(/\s+/g, ' ')}`;
  const errors = page.locator('.notifications-toasts .notification-toast:has(.codicon-error)');
  if ((await errors.count()) > 0) return `an error notification: ${(await errors.first().innerText()).replace(/\s+/g, ' ')}`;
  return undefined;
}

/** Polls `check` until it returns a value; fails early when an error shows in the workbench. */
async function waitFor<T>(what: string | (() => string), check: () => Promise<T | undefined>, timeoutMs = STEP_TIMEOUT_MS, allowProblems = false): Promise<T> {
  const describe = () => (typeof what === 'string' ? what : what());
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (!allowProblems) {
      const problem = await visibleProblem();
      if (problem) throw new Error(`while waiting for ${describe()}, ${problem}`);
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${describe()}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await page.waitForTimeout(250);
  }
}

const paletteInput = () => page.locator('.quick-input-widget .quick-input-box input');
const quickPickRows = () => page.locator('.quick-input-widget .quick-input-list .monaco-list-row');

/** Types into the quick input (F1) and picks the row whose label is exactly `label`. */
async function quickOpen(text: string, label: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.keyboard.press('F1');
    await paletteInput().waitFor({ state: 'visible', timeout: 10_000 });
    await paletteInput().fill(text);
    try {
      await quickPickRows().filter({ hasText: label }).first().waitFor({ state: 'visible', timeout: 3_000 });
      const labels = (await quickPickRows().allInnerTexts()).map((t) => t.split('\n')[0]!.trim());
      const index = labels.findIndex((l) => l === label);
      if (index < 0) throw new Error(`no row is exactly "${label}" among ${JSON.stringify(labels)}`);
      await quickPickRows().nth(index).click();
      await paletteInput().waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => {});
      return;
    } catch (error) {
      await page.keyboard.press('Escape');
      if (Date.now() > deadline) throw new Error(`"${label}" did not appear in the command palette within ${timeoutMs / 1000} s: ${(error as Error).message}`);
      await page.waitForTimeout(1_000);
    }
  }
}

/** Runs a command from the palette by its title ("Blueprint: Create VPC"). */
function palette(title: string): Promise<void> {
  return quickOpen(`>${title}`, title);
}

/** If the command asks with a quick pick, picks the row naming `name` (or the first one). */
async function answerQuickPick(name: string): Promise<void> {
  const shown = await paletteInput().waitFor({ state: 'visible', timeout: 1_500 }).then(() => true, () => false);
  if (!shown) return;
  const rows = quickPickRows();
  if ((await rows.count()) === 0) {
    await page.keyboard.press('Enter');
    return;
  }
  const labels = await rows.allInnerTexts();
  const index = labels.findIndex((l) => l.includes(name));
  await rows.nth(Math.max(0, index)).click();
}

async function diagram(): Promise<Frame> {
  return webviewFrame(page, 30_000);
}

async function statuses(): Promise<Record<string, string>> {
  const frame = await diagram();
  const pairs = await frame.$$eval('#diagram [data-component]', (els) => els.map((e) => [e.getAttribute('data-component') ?? '', e.getAttribute('data-status') ?? '']));
  return Object.fromEntries(pairs);
}

async function waitForStatus(name: string, status: string, timeoutMs = STEP_TIMEOUT_MS): Promise<void> {
  let seen = '';
  await waitFor(() => `"${name}" to be ${status} in the diagram (last seen: ${seen || 'not drawn'})`, async () => {
    seen = (await statuses())[name] ?? '';
    return seen === status ? true : undefined;
  }, timeoutMs);
}

async function edgeColours(): Promise<string[]> {
  const frame = await diagram();
  return frame.$$eval('#diagram path.flowchart-link, #diagram .edgePaths path', (els) => els.map((e) => e.ownerDocument.defaultView!.getComputedStyle(e).stroke));
}

async function setPaths(inbound: boolean, reply: boolean): Promise<void> {
  const frame = await diagram();
  for (const [id, want] of [['#path-inbound', inbound], ['#path-reply', reply]] as const) {
    const checked = await frame.$eval(id, (e) => (e as unknown as { checked: boolean }).checked);
    if (checked !== want) await frame.click(id);
  }
}

/** The terminal's visible text, row by row (DOM renderer: terminal.integrated.gpuAcceleration off). */
async function terminalRows(): Promise<string[]> {
  return page.locator('.terminal-wrapper.active .xterm-rows > div, .xterm .xterm-rows > div').allInnerTexts();
}

const byStack: Filter[] = [{ Name: 'tag:blueprint:stack', Values: [tutorial.stack] }];

/** Everything of the stack the emulator still holds (terminated instances do not count). */
async function leftInEmulator(): Promise<string[]> {
  const left: string[] = [];
  const add = (kind: string, ids: (string | undefined)[]) => ids.forEach((id) => left.push(`${kind} ${id}`));
  add('vpc', ((await ec2.send(new DescribeVpcsCommand({ Filters: byStack }))).Vpcs ?? []).map((v) => v.VpcId));
  add('subnet', ((await ec2.send(new DescribeSubnetsCommand({ Filters: byStack }))).Subnets ?? []).map((s) => s.SubnetId));
  add('internet gateway', ((await ec2.send(new DescribeInternetGatewaysCommand({ Filters: byStack }))).InternetGateways ?? []).map((g) => g.InternetGatewayId));
  add('route table', ((await ec2.send(new DescribeRouteTablesCommand({ Filters: byStack }))).RouteTables ?? []).map((r) => r.RouteTableId));
  add('security group', ((await ec2.send(new DescribeSecurityGroupsCommand({ Filters: byStack }))).SecurityGroups ?? []).map((g) => g.GroupId));
  add('network interface', ((await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: byStack }))).NetworkInterfaces ?? []).map((n) => n.NetworkInterfaceId));
  add('elastic ip', ((await ec2.send(new DescribeAddressesCommand({ Filters: byStack }))).Addresses ?? []).map((a) => a.AllocationId));
  add('key pair', ((await ec2.send(new DescribeKeyPairsCommand({ Filters: byStack }))).KeyPairs ?? []).map((k) => k.KeyName));
  const reservations = (await ec2.send(new DescribeInstancesCommand({ Filters: byStack }))).Reservations ?? [];
  add('instance', reservations.flatMap((r) => r.Instances ?? []).filter((i) => i.State?.Name !== 'terminated').map((i) => i.InstanceId));
  return left;
}

test('the tutorial, played from the command palette in a real VS Code with the packaged extension', { timeout: 6 * 60_000 }, async () => {
  await step('start the workbench with the packaged extension', async () => {
    const tools = await ensureWorkbenchTools();
    const vsix = await ensureVsix();
    const extensionsDir = path.join(scratch, 'extensions');
    await installExtension(vsix, extensionsDir, tools);
    const installed = fs.readdirSync(extensionsDir).filter((d) => d.startsWith('ec2-blueprint.ec2-blueprint-'));
    assert.equal(installed.length, 1, `the .vsix did not install into ${extensionsDir}: ${fs.readdirSync(extensionsDir).join(', ')}`);
    workbench = await startWorkbench({
      folder: workspace,
      extensionsDir,
      tools,
      userSettings: {
        // The DOM renderer, so the terminal's text can be read from the page.
        'terminal.integrated.gpuAcceleration': 'off',
        'workbench.colorTheme': 'Default Light Modern',
      },
      // Dummy credentials; the endpoint comes from the setting only, as a user would configure it.
      env: { AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey, AWS_REGION: TEST_REGION, AWS_ENDPOINT_URL_EC2: undefined, AWS_ENDPOINT_URL: undefined },
    });
    ({ browser, page } = await openWorkbenchPage(workbench.url, { viewport: { width: 1920, height: 1080 } }));
  });

  await step('open the blueprint', async () => {
    // Notifications stay in the bell (errors still show), so they do not cover the screenshots.
    await palette('Notifications: Toggle Do Not Disturb Mode');
    await quickOpen('tutorial.blueprint.yaml', 'tutorial.blueprint.yaml');
    await page.locator('.tabs-container .tab', { hasText: 'tutorial.blueprint.yaml' }).waitFor({ state: 'visible', timeout: 30_000 });
    await palette('View: Close Primary Side Bar');
  });

  await step('show the diagram', async () => {
    await palette('Blueprint: Show Diagram');
    await waitFor('every component drawn as planned', async () => {
      const s = await statuses();
      return createSteps.every((c) => s[c.name] === 'planned') ? true : undefined;
    });
    await screenshot('diagram-planned');
  });

  for (const [index, create] of createSteps.entries()) {
    await step(create.command, async () => {
      await palette(create.command);
      await answerQuickPick(create.name);
      await waitForStatus(create.name, 'created');
      // One component at a time: what came before stays created, nothing later is created early.
      const now = await statuses();
      const expected = Object.fromEntries(createSteps.map((c, i) => [c.name, i <= index ? 'created' : 'planned']));
      assert.deepEqual(Object.fromEntries(createSteps.map((c) => [c.name, now[c.name]])), expected, `the diagram's statuses after ${create.command}`);
      await screenshot(create.slug);
    });
  }

  const keyFile = path.join(keyDirectory, `${tutorial.keyPairs![0]!.name}.pem`);
  await step('the key pair was downloaded once, private', async () => {
    const st = fs.statSync(keyFile, { throwIfNoEntry: false });
    assert.ok(st, `no private key at ${keyFile} after Create Key Pair (ec2Blueprint.keyDirectory is ${keyDirectory})`);
    assert.equal(st.mode & 0o777, 0o600, `the private key's mode is ${(st.mode & 0o777).toString(8)}, not 600`);
  });

  await step('Show Traffic Path', async () => {
    await palette('Blueprint: Show Traffic Path');
    await waitFor('the inbound and reply paths drawn', async () => {
      const colours = await edgeColours();
      return colours.includes(INBOUND_BLUE) && colours.includes(REPLY_ORANGE) ? true : undefined;
    });
    await setPaths(true, false);
    await waitFor('the inbound path alone', async () => {
      const colours = await edgeColours();
      return colours.includes(INBOUND_BLUE) && !colours.includes(REPLY_ORANGE) ? true : undefined;
    });
    await screenshot('inbound-path');
    await diagramScreenshot('inbound-path');
    await setPaths(false, true);
    await waitFor('the reply path alone', async () => {
      const colours = await edgeColours();
      return colours.includes(REPLY_ORANGE) && !colours.includes(INBOUND_BLUE) ? true : undefined;
    });
    await screenshot('reply-path');
    await diagramScreenshot('reply-path');
  });

  await step('SSH to Instance', async () => {
    const addresses = (await ec2.send(new DescribeAddressesCommand({ Filters: [{ Name: 'tag:Name', Values: [tutorial.elasticIps![0]!.name] }] }))).Addresses ?? [];
    const elasticIp = addresses[0]?.PublicIp;
    assert.ok(elasticIp, `the emulator has no Elastic IP named ${tutorial.elasticIps![0]!.name}`);
    sshd = await startSshd({ address: elasticIp, port: 22, user: 'ec2-user', privateKeyFile: keyFile });
    await palette('Blueprint: SSH to Instance');
    await answerQuickPick(tutorial.instances![0]!.name);
    await waitFor('the ssh terminal to show a shell prompt', async () => ((await terminalRows()).some((r) => /\$\s*$/.test(r.trimEnd() + ' ') && r.includes('$')) ? true : undefined));
    await page.locator('.terminal-wrapper.active .xterm, .xterm').first().click();
    await page.keyboard.type('echo connected\n', { delay: 20 });
    await waitFor('"connected" from the remote shell', async () => ((await terminalRows()).some((r) => r.trim() === 'connected') ? true : undefined), 30_000).catch(async (error) => {
      throw new Error(`${(error as Error).message}\nterminal:\n${(await terminalRows()).join('\n')}`);
    });
    await screenshot('ssh');
    await page.keyboard.type('exit\n');
  });

  await step('Destroy', async () => {
    await palette('Blueprint: Destroy…');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    const text = await dialog.innerText();
    assert.match(text, new RegExp(tutorial.stack), `the confirmation does not name the stack: ${text}`);
    await dialog.locator('.monaco-button', { hasText: /^Destroy$/ }).click();
    let left: string[] = [];
    await waitFor('the emulator to hold nothing of the stack', async () => {
      left = await leftInEmulator();
      return left.length === 0 ? true : undefined;
    }).catch((error) => {
      throw new Error(`${(error as Error).message}; still there: ${left.join(', ')}`);
    });
    await waitFor('every component planned again in the diagram', async () => {
      const s = await statuses();
      return createSteps.every((c) => s[c.name] === 'planned') ? true : undefined;
    });
    await screenshot('destroyed');
    assert.equal(fs.existsSync(keyFile), false, `Destroy left the private key ${keyFile} behind`);
  });
});

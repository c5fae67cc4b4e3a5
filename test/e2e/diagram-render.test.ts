// The diagram webview in headless Chromium: the built bundle, the panel's own HTML and CSP, the
// tutorial's pictures fed through the real message protocol. PNGs go to .test-artifacts/diagram/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openMermaidPage, repoRoot, startDiagramHarness, waitFor, type DiagramHarness, type DiagramPage } from '../harness/diagram-page';
import { validateBlueprint } from '../../src/core/validate';
import { components } from '../../src/core/model';
import { tutorialSteps } from '../../src/core/diagram-steps';
import { diagramMessage } from '../../src/vscode/diagram/message';
import { diagramText } from '../../src/core/diagram';
import { largeBlueprint, tutorialText } from '../unit/builders';
import type { Blueprint } from '../../src/core/schema';
import type { StateFile } from '../../src/core/state';

const artifacts = join(repoRoot, '.test-artifacts', 'diagram');
const tutorial = validateBlueprint(tutorialText).blueprint!;
const noPaths = { inbound: false, reply: false };
let harness: DiagramHarness;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  harness = await startDiagramHarness();
});
after(async () => harness?.close());

function message(bp: Blueprint, extra: Partial<Parameters<typeof diagramMessage>[0]> = {}) {
  return diagramMessage({ blueprint: bp, uri: 'file:///work/tutorial.blueprint.yaml', title: 'tutorial.blueprint.yaml', step: null, paths: noPaths, ...extra });
}

/** Text of the drawn SVG (labels, and the hover text of each box). */
// Page-side code is passed as strings: this file is type-checked without the DOM library.
const svgText = (p: DiagramPage) => p.page.evaluate<string>(`document.querySelector('#diagram svg')?.textContent ?? ''`);
const geometry = (p: DiagramPage) =>
  p.page.evaluate<{ w: number; x: number }>(`({ w: document.querySelector('#diagram svg').getBoundingClientRect().width, x: document.getElementById('canvas').scrollLeft })`);

async function assertClean(p: DiagramPage, what: string): Promise<void> {
  assert.deepEqual(await p.violations(), [], `${what}: CSP violations`);
  assert.deepEqual(p.errors, [], `${what}: page errors`);
  assert.equal((await p.posted()).filter((m) => m.type === 'renderError').length, 0, `${what}: mermaid errors`);
}

async function savePng(p: DiagramPage, name: string): Promise<void> {
  await p.page.click('#fit');
  await p.page.screenshot({ path: join(artifacts, `${name}.png`) });
}

test('the tutorial renders with every component named, statuses on the nodes, and no CSP violation', async () => {
  const p = await harness.open();
  try {
    await p.render(message(tutorial));
    const text = await svgText(p);
    for (const c of components(tutorial)) assert.ok(text.includes(c.name), `${c.name} is not in the SVG`);
    assert.ok(text.includes('Internet') && text.includes('Your PC'));
    const statuses = await p.page.$$eval('#diagram [data-component]', (els) => els.map((e) => [e.getAttribute('data-component'), e.getAttribute('data-status')]));
    assert.equal(statuses.length, components(tutorial).length);
    assert.ok(statuses.every(([, s]) => s === 'planned'));
    // AWS architecture icons (inline data: images; the CSP allows nothing else) on every component.
    const icons = await p.page.$$eval('#diagram [data-component] image.aws-icon', (els) => els.map((e) => e.getAttribute('href') ?? ''));
    assert.ok(icons.length >= components(tutorial).length - 2, `${icons.length} icons`);
    assert.ok(icons.every((h) => h.startsWith('data:image/svg+xml;base64,')));
    await savePng(p, 'live-planned');
    await assertClean(p, 'tutorial');
  } finally {
    await p.close();
  }
});

test('each tutorial step renders and is saved as a PNG', async () => {
  const p = await harness.open();
  try {
    for (const step of tutorialSteps(tutorial)) {
      await p.render(message(tutorial, { step: step.index }));
      const text = await svgText(p);
      for (const name of step.names) assert.ok(text.includes(name), `step ${step.index}: ${name} missing`);
      const drawn = await p.page.$$eval('#diagram [data-component]', (els) => els.map((e) => e.getAttribute('data-component')));
      assert.deepEqual(drawn.sort(), [...step.names].sort(), `step ${step.index} draws exactly its components`);
      await savePng(p, `step-${step.index}`);
    }
    await assertClean(p, 'steps');
  } finally {
    await p.close();
  }
});

test('the traffic paths draw numbered blue and orange edges, and list each step and the two key points', async () => {
  const p = await harness.open();
  try {
    await p.render(message(tutorial, { paths: { inbound: true, reply: true } }));
    const markers = await p.page.$$eval('#diagram .hop text', (els) => els.map((e) => e.textContent ?? ''));
    for (const mark of ['1', '6', '7', '11']) assert.ok(markers.includes(mark), `marker ${mark} missing from ${markers.join(' ')}`);
    const steps = await p.page.$$eval('#path-steps li', (els) => els.map((e) => e.textContent ?? ''));
    assert.ok(steps.some((s) => /^1TCP 22 \(SSH\)/.test(s)), `the list explains hop 1: ${steps[0]}`);
    assert.ok(steps.some((s) => /Key point 1/.test(s)));
    assert.ok(steps.some((s) => /Key point 2/.test(s)));
    const colours = await p.page.$$eval('#diagram path.flowchart-link, #diagram .edgePaths path', (els) => els.map((e) => e.ownerDocument.defaultView!.getComputedStyle(e).stroke));
    assert.ok(colours.includes('rgb(31, 111, 235)'), `no blue edge among ${[...new Set(colours)].join(', ')}`);
    assert.ok(colours.includes('rgb(232, 113, 10)'), 'no orange edge');
    await savePng(p, 'paths');
    await assertClean(p, 'paths');
  } finally {
    await p.close();
  }
});

test('a status update repaints the node at once, then the full picture keeps zoom and scroll', async () => {
  const p = await harness.open({ width: 900, height: 600 });
  try {
    await p.render(message(tutorial));
    await p.page.click('#zoom-in');
    await p.page.click('#zoom-in');
    await p.page.evaluate(`(() => { const c = document.getElementById('canvas'); c.scrollLeft = 120; c.scrollTop = 80; })()`);
    const sg = tutorial.securityGroups![0]!.name;
    const id = (await p.page.getAttribute(`[data-component="${sg}"]`, 'data-node-id'))!;
    await p.send({ type: 'status', changes: [{ id, name: sg, status: 'created', awsId: 'sg-0abc' }] });
    await p.page.waitForSelector(`[data-component="${sg}"][data-status="created"]`, { timeout: 2000 });
    assert.ok(await p.page.$eval(`[data-component="${sg}"]`, (e) => e.classList.contains('created')));
    const before = await geometry(p);
    const now = '2026-01-01T00:00:00.000Z';
    const state: StateFile = { version: 1, stack: tutorial.stack, region: tutorial.region, updatedAt: now, resources: { [sg]: { kind: 'securityGroup', id: 'sg-0abc', attributes: {}, createdAt: now, updatedAt: now } } };
    await p.render(message(tutorial, { state }));
    assert.match(await svgText(p), /created · sg-0abc/);
    const afterUpdate = await geometry(p);
    assert.ok(Math.abs(afterUpdate.w - before.w) / before.w < 0.1, `zoom kept (${before.w} → ${afterUpdate.w})`);
    assert.equal(afterUpdate.x, before.x, 'scroll kept');
    await assertClean(p, 'status');
  } finally {
    await p.close();
  }
});

test('a burst of pictures paints only the newest one', async () => {
  const p = await harness.open();
  try {
    await p.render(message(tutorial));
    const before = (await p.posted()).filter((m) => m.type === 'rendered').length;
    for (let i = 1; i <= 5; i++) await p.send(message(tutorial, { step: i }));
    await p.render(message(tutorial, { step: 2 }));
    const rendered = (await p.posted()).filter((m) => m.type === 'rendered').length - before;
    assert.ok(rendered < 6, `${rendered} renders for 6 pictures`);
    const drawn = await p.page.$$eval('#diagram [data-component]', (els) => els.length);
    assert.equal(drawn, tutorialSteps(tutorial)[2]!.names.length);
  } finally {
    await p.close();
  }
});

test('clicking a component asks the host to reveal it and shows its details', async () => {
  const p = await harness.open();
  try {
    await p.render(message(tutorial));
    await p.page.click('[data-component="eni-wp-Atsushi"]');
    const posted = await p.posted();
    assert.ok(posted.some((m) => m.type === 'reveal' && m.name === 'eni-wp-Atsushi'));
    const details = await p.page.textContent('#details');
    assert.match(details ?? '', /eni-wp-Atsushi/);
    assert.match(details ?? '', /network interface/);
  } finally {
    await p.close();
  }
});

test('the toolbar posts typed messages: commands, path toggles, steps, exports', async () => {
  const p = await harness.open();
  try {
    await p.render(message(tutorial));
    await p.page.click('#apply');
    await p.page.click('#plan');
    await p.page.click('#path-inbound');
    await p.page.evaluate(`(() => { const s = document.getElementById('step'); s.value = '3'; s.dispatchEvent(new Event('change')); })()`);
    await p.page.focus('[data-component="ec2-wp-RHEL8"]');
    await p.page.keyboard.press('Enter');
    await p.page.click('#export-svg');
    await p.page.click('#export-png');
    await waitFor(p.page, `window.__posted.filter((m) => m.type === 'exported').length >= 2`, 10_000);
    const posted = await p.posted();
    assert.ok(posted.some((m) => m.type === 'command' && m.command === 'apply'));
    assert.ok(posted.some((m) => m.type === 'command' && m.command === 'plan'));
    assert.ok(posted.some((m) => m.type === 'paths' && m.paths.inbound && !m.paths.reply));
    assert.ok(posted.some((m) => m.type === 'step' && m.step === 3), 'the step control posts the step');
    assert.ok(posted.some((m) => m.type === 'reveal' && m.name === 'ec2-wp-RHEL8'), 'Enter on a focused component reveals it');
    const svg = posted.find((m) => m.type === 'exported' && m.format === 'svg');
    const png = posted.find((m) => m.type === 'exported' && m.format === 'png');
    assert.ok(svg && svg.type === 'exported' && svg.data.startsWith('<svg') && svg.data.includes('ec2-wp-RHEL8'));
    assert.ok(png && png.type === 'exported' && png.data.startsWith('data:image/png;base64,'));
    const bytes = Buffer.from(png.data.split(',')[1]!, 'base64');
    assert.ok(bytes.length > 10_000, `the PNG has ${bytes.length} bytes`);
    writeFileSync(join(artifacts, 'export.png'), bytes);
    writeFileSync(join(artifacts, 'export.svg'), svg.data);
    await assertClean(p, 'toolbar');
  } finally {
    await p.close();
  }
});

test('dark and high-contrast themes render without errors', async () => {
  for (const theme of ['dark', 'high-contrast'] as const) {
    const p = await harness.open({ theme });
    try {
      await p.render(message(tutorial, { paths: { inbound: true, reply: true } }));
      await savePng(p, `theme-${theme}`);
      await assertClean(p, theme);
    } finally {
      await p.close();
    }
  }
});

test('a 500-resource blueprint renders (collapsed per subnet), and a subnet can be drawn in full', async () => {
  const big = validateBlueprint(largeBlueprint(500)).blueprint!;
  assert.ok(components(big).length >= 490);
  const p = await harness.open();
  try {
    const started = Date.now();
    await p.render(message(big, { title: 'big' }), 60_000);
    const elapsed = Date.now() - started;
    const text = await svgText(p);
    for (const s of big.subnets!) assert.ok(text.includes(s.name), `${s.name} missing`);
    assert.ok(elapsed < 30_000, `took ${elapsed} ms`);
    await savePng(p, 'large-500');
    await p.render(message(big, { title: 'big', expand: ['subnet-7'] }), 60_000);
    assert.ok((await svgText(p)).includes('instance-7'));
    await assertClean(p, '500');
  } finally {
    await p.close();
  }
});

test('the mermaid text `diagram FILE` prints renders in mermaid, with every component', async () => {
  const page = await openMermaidPage(harness.browser);
  try {
    for (const [what, text] of [
      ['tutorial', diagramText(tutorial)],
      ['tutorial with both paths', message(tutorial, { paths: { inbound: true, reply: true } }).mermaid],
    ] as const) {
      const { svg } = await page.render(text);
      for (const c of components(tutorial)) assert.ok(svg.includes(c.name), `${what}: ${c.name} is not in mermaid's SVG`);
    }
  } finally {
    await page.close();
  }
});

test('a blueprint with errors: the notice over an empty picture, without a page error', async () => {
  const p = await harness.open();
  try {
    await p.render({ ...message(tutorial), picture: { boxes: [], edges: [] }, nodes: [], edges: [], steps: [], notice: 'The file has errors.' });
    assert.equal(await p.page.textContent('#notice'), 'The file has errors.');
    assert.equal(await p.page.$$eval('#diagram [data-name]', (els) => els.length), 0);
    await assertClean(p, 'empty');
  } finally {
    await p.close();
  }
});

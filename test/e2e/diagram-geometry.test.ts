// The picture never lies about where things are: drawn by the product's webview in Chromium, every
// box sits inside its container (subnet inside its zone inside the VPC inside the region), no two
// siblings overlap, no component box lies on another, and every label stays inside its box. For
// the tutorial at every step, with both traffic paths, with live state after an apply, for two
// subnets in one zone, for two zones, and for generated 50- and 200-resource stacks.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, startDiagramHarness, type DiagramHarness } from '../harness/diagram-page';
import { drawnTextSizes, edgeQuality, geometryProblems, markProblems, panelBesideEditor, readablePx, readMarks, readPicture, type Rect } from '../harness/diagram-geometry';
import { diagramOverlay } from '../../src/core/reach-overlay';
import * as l10n from '@vscode/l10n';
import { webviewStrings } from '../../src/vscode/diagram/webview-strings';
import { validateBlueprint } from '../../src/core/validate';
import { components } from '../../src/core/model';
import { tutorialSteps } from '../../src/core/diagram-steps';
import { diagramMessage, type DiagramViewInput } from '../../src/vscode/diagram/message';
import { largeBlueprint, tutorialText, tutorialWithPrivateSubnet } from '../unit/builders';
import type { Blueprint } from '../../src/core/schema';
import type { StateFile } from '../../src/core/state';

const artifacts = join(repoRoot, '.test-artifacts', 'diagram-geometry');
let harness: DiagramHarness;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  harness = await startDiagramHarness();
});
after(async () => harness?.close());

const blueprintOf = (text: string): Blueprint => {
  const result = validateBlueprint(text);
  assert.ok(result.blueprint, JSON.stringify(result.diagnostics.filter((d) => d.severity === 'error')));
  return result.blueprint;
};
const tutorial = blueprintOf(tutorialText);

/** A private subnet beside the public one (same zone, or another zone), with its own instance; the
 * tutorial's security group protects both, so it is drawn as a badge on each. */
const withPrivateSubnet = (zone: string): Blueprint => blueprintOf(tutorialWithPrivateSubnet(zone));

/** Every component created, with the ids and addresses an apply writes. */
function appliedState(bp: Blueprint): StateFile {
  const now = '2026-01-01T00:00:00.000Z';
  const resources: StateFile['resources'] = {};
  components(bp).forEach((c, i) => {
    const attributes: Record<string, unknown> = c.kind === 'elasticIp' ? { publicIp: '203.0.113.10' } : c.kind === 'instance' ? { imageId: 'ami-0123456789abcdef0', publicIp: '203.0.113.10', privateIp: '10.0.1.11' } : {};
    resources[c.name] = { kind: c.kind, id: `${c.kind.slice(0, 3)}-0${i}a1b2c3d4e5f6a7b8`, attributes, createdAt: now, updatedAt: now };
  });
  return { version: 1, stack: bp.stack, region: bp.region, updatedAt: now, resources };
}

async function check(what: string, input: Omit<DiagramViewInput, 'uri' | 'title' | 'step' | 'paths'> & Partial<DiagramViewInput>): Promise<void> {
  const message = diagramMessage({ uri: 'file:///work/x.blueprint.yaml', title: 'x.blueprint.yaml', step: null, paths: { inbound: false, reply: false }, ...input });
  const page = await harness.open({ width: 1400, height: 1000 });
  try {
    await page.render(message, 120_000);
    const picture = await readPicture(page.page);
    const problems = geometryProblems(picture, message.nodes);
    if (message.paths.inbound || message.paths.reply) {
      // A traffic picture: its numbers and lines keep clear of every text, and no line crosses a card.
      problems.push(...markProblems(await readMarks(page.page)));
      const { throughBoxes } = edgeQuality(picture);
      if (throughBoxes) problems.push(`${throughBoxes} lines cross a card that is not one of their ends`);
      // One note per text, its letter at its box (no dotted line across the picture to a margin).
      const notes = await page.page.$$eval('.node.k-note > title', (ts) => ts.map((t) => t.textContent ?? ''));
      for (const [i, n] of notes.entries()) if (notes.indexOf(n) !== i) problems.push(`the note "${n.slice(0, 40)}…" is drawn twice`);
      if (await page.page.$('.flowchart-link.role-note')) problems.push('a note is linked to its box by a line across the picture');
    }
    await page.page.click('#fit');
    await page.page.screenshot({ path: join(artifacts, `${what.replace(/[^a-z0-9]+/gi, '-')}.png`) });
    assert.deepEqual(problems, [], `${what}: ${problems.length} problems (picture in ${artifacts})`);
    assert.deepEqual(page.errors, [], `${what}: page errors`);
  } finally {
    await page.close();
  }
}

test('the tutorial at every step keeps every box inside its container, apart from its siblings', async () => {
  for (const step of tutorialSteps(tutorial)) await check(`tutorial step ${step.index}`, { blueprint: tutorial, step: step.index });
});

test('the tutorial with both traffic paths, and with live state after an apply', async () => {
  await check('tutorial with paths', { blueprint: tutorial, paths: { inbound: true, reply: true } });
  await check('tutorial applied', { blueprint: tutorial, state: appliedState(tutorial), paths: { inbound: true, reply: true } });
});

test('the private-subnet example with its paths (in, back and the way out): numbers clear of every text, lines clear of titles and cards', async () => {
  const blueprint = blueprintOf(readFileSync(join(repoRoot, 'examples', 'private-subnet.blueprint.yaml'), 'utf8'));
  const overlay = diagramOverlay(blueprint, {});
  assert.ok(overlay?.outbound?.length, 'the example has a way out through its NAT gateway');
  await check('private subnet with paths', { blueprint, overlay, paths: { inbound: true, reply: true } });
});

test('two subnets in one availability zone both sit inside it, side by side', async () => {
  await check('two subnets in one zone', { blueprint: withPrivateSubnet('ap-northeast-1a') });
});

test('two availability zones sit apart inside the VPC', async () => {
  await check('two zones', { blueprint: withPrivateSubnet('ap-northeast-1c') });
});

test('generated 50- and 200-resource stacks keep the same rules', async () => {
  await check('50 resources', { blueprint: blueprintOf(largeBlueprint(50)), collapse: 'never' });
  await check('200 resources', { blueprint: blueprintOf(largeBlueprint(200)), collapse: 'never' });
});

test('at the panel\'s default size beside the editor, Fit draws every text of the tutorial at 11 px or more, at every step and with the paths', async () => {
  const page = await harness.open(panelBesideEditor);
  try {
    const pictures: [string, Partial<DiagramViewInput>][] = [
      ...tutorialSteps(tutorial).map((s): [string, Partial<DiagramViewInput>] => [`step ${s.index}`, { step: s.index }]),
      ['live', {}],
      ['paths', { paths: { inbound: true, reply: true } }],
    ];
    for (const [what, input] of pictures) {
      await page.render(diagramMessage({ uri: 'file:///work/x.blueprint.yaml', title: 'x.blueprint.yaml', step: null, paths: { inbound: false, reply: false }, blueprint: tutorial, ...input }));
      await page.page.click('#fit');
      await page.page.screenshot({ path: join(artifacts, `panel-size-${what.replace(/\W+/g, '-')}.png`) });
      const texts = await drawnTextSizes(page.page);
      assert.ok(texts.length > 10, `${what}: ${texts.length} texts`);
      const small = texts.filter((t) => t.px < readablePx - 0.01).map((t) => `${t.text} (${t.px.toFixed(1)} px)`);
      assert.deepEqual(small, [], `${what}: text drawn under ${readablePx} px after Fit`);
    }
  } finally {
    await page.close();
  }
});

test('in Japanese too, at the panel\'s default size, Fit draws every text of the tutorial at 11 px or more, at every step and with the paths', async () => {
  l10n.config({ contents: JSON.parse(readFileSync(join(repoRoot, 'l10n', 'bundle.l10n.ja.json'), 'utf8')) as Record<string, string> });
  const page = await harness.open(panelBesideEditor);
  try {
    const pictures: [string, Partial<DiagramViewInput>][] = [
      ...tutorialSteps(tutorial).map((s): [string, Partial<DiagramViewInput>] => [`step ${s.index}`, { step: s.index }]),
      ['paths', { paths: { inbound: true, reply: true } }],
    ];
    for (const [what, input] of pictures) {
      const message = { ...diagramMessage({ uri: 'file:///work/x.blueprint.yaml', title: 'x.blueprint.yaml', step: null, paths: { inbound: false, reply: false }, blueprint: tutorial, ...input }), strings: webviewStrings() };
      await page.render(message);
      await page.page.click('#fit');
      await page.page.screenshot({ path: join(artifacts, `panel-size-ja-${what.replace(/\W+/g, '-')}.png`) });
      const texts = await drawnTextSizes(page.page);
      assert.ok(texts.some((t) => /[\u3040-\u30ff]/.test(t.text)), `${what}: the picture is in Japanese`);
      const small = texts.filter((t) => t.px < readablePx - 0.01).map((t) => `${t.text} (${t.px.toFixed(1)} px)`);
      assert.deepEqual(small, [], `${what}: text drawn under ${readablePx} px after Fit`);
    }
  } finally {
    l10n.config({ contents: {} });
    await page.close();
  }
});

test('the legend names the way out (teal) while a picture draws it, in English and Japanese', async () => {
  const blueprint = blueprintOf(readFileSync(join(repoRoot, 'examples', 'private-subnet.blueprint.yaml'), 'utf8'));
  const page = await harness.open();
  try {
    const legend = () => page.page.evaluate<{ text: string; shown: boolean; colour: string } | null>(`(() => { const s = document.querySelector('#legend .outbound'); return s && { text: s.textContent, shown: !s.hidden && s.getBoundingClientRect().width > 0, colour: getComputedStyle(s, '::before').backgroundColor }; })()`);
    const input = { uri: 'file:///work/x.blueprint.yaml', title: 'x', step: null, paths: { inbound: true, reply: true } };
    await page.render(diagramMessage({ ...input, blueprint, overlay: diagramOverlay(blueprint, {})! }));
    assert.deepEqual(await legend(), { text: 'way out (outbound)', shown: true, colour: 'rgb(11, 122, 117)' });
    await page.render(diagramMessage({ ...input, blueprint: tutorial }));
    assert.equal((await legend())?.shown, false, 'no way out drawn: not in the legend');
    l10n.config({ contents: JSON.parse(readFileSync(join(repoRoot, 'l10n', 'bundle.l10n.ja.json'), 'utf8')) as Record<string, string> });
    try {
      await page.render({ ...diagramMessage({ ...input, blueprint, overlay: diagramOverlay(blueprint, {})! }), strings: webviewStrings() });
    } finally {
      l10n.config({ contents: {} });
    }
    assert.deepEqual(await legend(), { text: '外へ出る経路 (アウトバウンド)', shown: true, colour: 'rgb(11, 122, 117)' });
  } finally {
    await page.close();
  }
});

test('what exists at a tutorial step is drawn exactly where the final picture has it', async () => {
  const page = await harness.open();
  try {
    const frames = async (step: number) => {
      await page.render(diagramMessage({ uri: 'file:///work/x.blueprint.yaml', title: 'x', step, paths: { inbound: false, reply: false }, blueprint: tutorial }));
      return new Map((await readPicture(page.page)).boxes.map((b) => [b.name, b.frame]));
    };
    const final = await frames(0);
    const round = (r: Rect) => [r.x, r.y, r.w, r.h].map((v) => Math.round(v * 10) / 10);
    for (const step of tutorialSteps(tutorial)) {
      const drawn = await frames(step.index);
      for (const [name, frame] of drawn) assert.deepEqual(round(frame), round(final.get(name)!), `step ${step.index}: ${name} is not where the final picture has it`);
    }
  } finally {
    await page.close();
  }
});

test('a security group over two subnets is a badge on each box it protects', async () => {
  const page = await harness.open();
  try {
    await page.render(diagramMessage({ uri: 'file:///work/x.blueprint.yaml', title: 'x', step: null, paths: { inbound: false, reply: false }, blueprint: withPrivateSubnet('ap-northeast-1a') }));
    for (const name of ['eni-wp-Atsushi', 'eni-db-Atsushi']) assert.equal(await page.page.textContent(`[data-name="${name}"] .badge`), 'seg-g_wp_Atsushi', `${name} carries the group's badge`);
    assert.ok(await page.page.$('[data-name="seg-g_wp_Atsushi"].node'), 'the group itself is a card in the VPC');
  } finally {
    await page.close();
  }
});

// The diagram's own layout, without a browser: every box inside its container, no two siblings or
// components on each other, the gateway on the VPC's edge, the security group around what it
// protects (or a badge on each box where it spans subnets), the Elastic IP on its interface, the
// key pair beside its instance, and every box at the same place at every tutorial step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateBlueprint } from '../../../src/core/validate';
import { tutorialSteps } from '../../../src/core/diagram-steps';
import { diagramMessage, type DiagramViewInput } from '../../../src/vscode/diagram/message';
import { fontSize, layoutPicture, type PictureLayout } from '../../../src/shared/diagram-layout';
import { geometryProblems, type DrawnPicture } from '../../harness/diagram-geometry';
import { largeBlueprint, tutorialText, tutorialWithPrivateSubnet } from '../builders';
import type { Blueprint } from '../../../src/core/schema';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diagramOverlay } from '../../../src/core/reach-overlay';

const blueprintOf = (text: string): Blueprint => {
  const result = validateBlueprint(text);
  assert.ok(result.blueprint, JSON.stringify(result.diagnostics.filter((d) => d.severity === 'error')));
  return result.blueprint;
};
const tutorial = blueprintOf(tutorialText);

function laidOut(input: Partial<DiagramViewInput> & { blueprint: Blueprint }) {
  const message = diagramMessage({ uri: 'file:///x.blueprint.yaml', title: 'x', step: null, paths: { inbound: false, reply: false }, ...input });
  assert.ok(message.picture, 'the message carries the picture');
  const layout = layoutPicture(message.picture, { shown: new Set(message.nodes.map((n) => n.key)) });
  return { message, layout };
}

const asDrawn = (layout: PictureLayout): DrawnPicture => ({
  boxes: layout.boxes.map((b) => ({ name: b.key, kind: b.kind, container: b.container, frame: { x: b.x, y: b.y, w: b.w, h: b.h }, labels: [], fontPx: fontSize })),
  edges: [],
});

/** Lines of the picture (not the traffic paths, which go through the boxes they are about) drawn across a card they do not join. */
function edgesThroughCards(layout: PictureLayout): string[] {
  const cards = layout.boxes.filter((b) => !b.container);
  const out: string[] = [];
  for (const e of layout.edges.filter((x) => x.role === 'structure'))
    for (const c of cards) {
      if (c.id === e.from || c.id === e.to) continue;
      const cut = e.points.slice(1).some((q, i) => {
        const p = e.points[i]!;
        return Math.max(p[0], q[0]) > c.x + 1 && Math.min(p[0], q[0]) < c.x + c.w - 1 && Math.max(p[1], q[1]) > c.y + 1 && Math.min(p[1], q[1]) < c.y + c.h - 1;
      });
      if (cut) out.push(`${e.from} → ${e.to} crosses ${c.key}`);
    }
  return out;
}

function assertGeometry(what: string, input: Partial<DiagramViewInput> & { blueprint: Blueprint }): PictureLayout {
  const { message, layout } = laidOut(input);
  assert.deepEqual(geometryProblems(asDrawn(layout), message.nodes), [], what);
  assert.deepEqual(edgesThroughCards(layout), [], `${what}: lines across cards`);
  for (const e of layout.edges)
    for (let i = 0; i + 1 < e.points.length; i++) {
      const [p, q] = [e.points[i]!, e.points[i + 1]!];
      assert.ok(p[0] === q[0] || p[1] === q[1], `${what}: the edge ${e.from} → ${e.to} has a slanted segment`);
    }
  return layout;
}

const box = (layout: PictureLayout, key: string) => {
  const b = layout.boxes.find((x) => x.key === key);
  assert.ok(b, `${key} is drawn`);
  return b;
};

test('the tutorial at every step, and with both paths, keeps every box inside its container and apart from its siblings', () => {
  for (const step of tutorialSteps(tutorial)) assertGeometry(`step ${step.index}`, { blueprint: tutorial, step: step.index });
  const paths = assertGeometry('paths', { blueprint: tutorial, paths: { inbound: true, reply: true } });
  const numbered = paths.edges.filter((e) => e.marker);
  assert.ok(numbered.length >= 10, `${numbered.length} numbered hops`);
  assert.deepEqual(
    paths.explanations.filter((x) => x.role !== 'note').map((x) => x.mark),
    numbered.map((e) => e.marker!.text),
    'the list beside the picture numbers the hops as the markers do',
  );
  assert.ok(paths.explanations.some((x) => x.role === 'note' && /Key point 1/.test(x.text)));
});

test('a box that exists at a step is exactly where the final picture has it', () => {
  const final = laidOut({ blueprint: tutorial, step: 0 }).layout;
  for (const step of tutorialSteps(tutorial)) {
    const { layout, message } = laidOut({ blueprint: tutorial, step: step.index });
    assert.deepEqual(layout.boxes.map((b) => b.key).sort(), message.nodes.map((n) => n.key).sort(), `step ${step.index} draws exactly its boxes`);
    for (const b of layout.boxes) {
      const f = box(final, b.key);
      assert.deepEqual([b.x, b.y, b.w, b.h], [f.x, f.y, f.w, f.h], `step ${step.index}: ${b.key} moved`);
    }
  }
});

test('the tutorial is drawn the AWS way: gateway on the VPC edge, the group around what it protects, the Elastic IP on its interface, the key beside its instance', () => {
  const layout = assertGeometry('tutorial', { blueprint: tutorial });
  const vpc = box(layout, 'vpc-Atsushi');
  const igw = box(layout, 'igw-Atsushi');
  assert.ok(igw.onEdge && igw.y < vpc.y && igw.y + igw.h > vpc.y, 'the gateway straddles the VPC top edge');
  const internet = box(layout, 'internet');
  assert.ok(internet.y + internet.h < igw.y, 'the internet is above the gateway');
  const group = box(layout, 'seg-g_wp_Atsushi');
  assert.ok(group.container, 'the security group is a boundary');
  for (const name of ['eni-wp-Atsushi', 'ec2-wp-RHEL8', 'eip-Atsushi']) assert.equal(box(layout, name).parent, 'seg-g_wp_Atsushi', `${name} is inside the group`);
  const eni = box(layout, 'eni-wp-Atsushi');
  const eip = box(layout, 'eip-Atsushi');
  assert.equal(eip.y, eni.y + eni.h, 'the Elastic IP hangs from its interface');
  assert.equal(eip.x, eni.x);
  const key = box(layout, 'key-wp-RHEL');
  const instance = box(layout, 'ec2-wp-RHEL8');
  assert.equal(key.parent, 'region:ap-northeast-1');
  assert.ok(key.x >= vpc.x + vpc.w, 'the key pair is outside the VPC, beside it');
  assert.equal(key.y, instance.y, 'the key pair is level with its instance');
  assert.equal(box(layout, 'public-subnet-1a-Atsushi').icon, 'subnet');
  assert.ok(box(layout, 'public-subnet-1a-Atsushi').classes.includes('public'));
  for (const b of layout.boxes) if (!b.container && b.kind !== 'note') assert.ok(!b.secondary || !b.secondary.includes('\n'), 'one short secondary line');
});

test('two subnets in one zone, and in two zones: side by side, and a group spanning both is a badge on each box', () => {
  for (const zone of ['ap-northeast-1a', 'ap-northeast-1c']) {
    const layout = assertGeometry(zone, { blueprint: blueprintOf(tutorialWithPrivateSubnet(zone)) });
    const group = box(layout, 'seg-g_wp_Atsushi');
    assert.ok(!group.container && group.parent === 'vpc-Atsushi', 'a group over two subnets is a card in the VPC');
    for (const name of ['eni-wp-Atsushi', 'eni-db-Atsushi']) assert.deepEqual(box(layout, name).badges.map((b) => b.text), ['seg-g_wp_Atsushi'], `${name} carries the group's badge`);
    assert.ok(box(layout, 'private-subnet-Atsushi').classes.includes('private'));
    assert.equal(box(layout, 'private-subnet-Atsushi').icon, 'privateSubnet');
  }
});

test('generated 50-, 200- and 500-resource stacks keep the same rules', () => {
  for (const n of [50, 200, 500]) assertGeometry(`${n} resources`, { blueprint: blueprintOf(largeBlueprint(n)), collapse: 'never' });
  assertGeometry('500 resources, collapsed', { blueprint: blueprintOf(largeBlueprint(500)) });
});

test('an empty picture (a blueprint with errors shows its notice over it) lays out to a small empty page', () => {
  const layout = layoutPicture({ boxes: [], edges: [] });
  assert.deepEqual(layout.boxes, []);
  assert.ok(Number.isFinite(layout.width) && Number.isFinite(layout.height) && layout.width > 0);
});

test('the private example with its paths: every hop number and note letter is clear of cards, titles, edge labels and each other', () => {
  const bp = blueprintOf(readFileSync(join(__dirname, '..', '..', '..', 'examples', 'private-subnet.blueprint.yaml'), 'utf8'));
  const layout = assertGeometry('private paths', { blueprint: bp, overlay: diagramOverlay(bp, {})!, paths: { inbound: true, reply: true } });
  type R = { x: number; y: number; w: number; h: number; what: string };
  const hit = (a: R, b: R) => Math.min(a.x + a.w, b.x + b.w) > Math.max(a.x, b.x) && Math.min(a.y + a.h, b.y + b.h) > Math.max(a.y, b.y);
  const marks: R[] = [
    ...layout.edges.flatMap((e) => (e.marker ? [{ x: e.marker.x - 10, y: e.marker.y - 10, w: 20, h: 20, what: `marker ${e.marker.text}` }] : [])),
    ...layout.boxes.filter((b) => b.kind === 'note').map((b) => ({ x: b.x, y: b.y, w: b.w, h: b.h, what: `note ${b.title}` })),
  ];
  assert.equal(marks.filter((m) => m.what.startsWith('marker')).length, 23);
  assert.equal(marks.filter((m) => m.what.startsWith('note')).length, 3, 'one note per text');
  const texts: R[] = [
    ...layout.boxes.filter((b) => !b.container && b.kind !== 'note').map((b) => ({ ...b, what: b.key })),
    ...layout.boxes.filter((b) => b.container).map((b) => ({ x: b.x, y: b.y, w: Math.min(b.w, 60 + b.title.length * 8), h: 30, what: `title of ${b.key}` })),
    ...layout.edges.flatMap((e) => (e.labelBox ? [{ ...e.labelBox, what: `label ${e.labelBox.text}` }] : [])),
  ];
  const problems: string[] = [];
  marks.forEach((m, i) => {
    for (const t of texts) if (hit(m, t)) problems.push(`${m.what} on ${t.what}`);
    for (const o of marks.slice(i + 1)) if (hit(m, o)) problems.push(`${m.what} on ${o.what}`);
    if (m.x < 0 || m.y < 0 || m.x + m.w > layout.width || m.y + m.h > layout.height) problems.push(`${m.what} outside the picture`);
  });
  assert.deepEqual(problems, []);
});

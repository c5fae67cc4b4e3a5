// `ec2-blueprint diagram FILE --svg OUT` / `--png OUT`: the built CLI draws the panel's picture in
// headless Chromium. The SVG names every box by the picture model (`data-name`: blueprint names,
// `az:<zone>`, `region:<region>`), for the tutorial, a step, the paths, live state, two zones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtCli } from '../harness/cli';
import { chromiumPath } from '../harness/diagram-page';
import { validateBlueprint } from '../../src/core/validate';
import { components } from '../../src/core/model';
import { tutorialSteps } from '../../src/core/diagram-steps';
import { tutorialText, tutorialWith } from '../unit/builders';
import { chromium } from 'playwright-core';
import { chromiumArgs } from '../../src/cli/diagram-picture';
import { readablePx } from '../harness/diagram-geometry';
import { repoRoot } from '../harness/diagram-page';

const dir = mkdtempSync(join(tmpdir(), 'ec2bp-picture-'));

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  assert.ok(existsSync(builtCli), `${builtCli} is missing: run \`npm run build\` first.`);
  const r = spawnSync(process.execPath, [builtCli, ...args], { encoding: 'utf8', timeout: 180_000, env: { PATH: process.env.PATH, HOME: process.env.HOME, EC2BP_CHROMIUM: chromiumPath, ...env } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const names = (svg: string) => new Set([...svg.matchAll(/data-name="([^"]*)"/g)].map((m) => m[1]!));

function blueprintFile(name: string, text: string): string {
  const file = join(dir, `${name}.blueprint.yaml`);
  writeFileSync(file, text);
  return file;
}

test('--svg writes the tutorial with data-name on every component, its zone and its region', () => {
  const file = blueprintFile('tutorial', tutorialText);
  const out = join(dir, 'tutorial.svg');
  const r = run(['diagram', file, '--svg', out, '--paths']);
  assert.equal(r.status, 0, r.stderr);
  const svg = readFileSync(out, 'utf8');
  assert.match(svg, /^<svg/);
  const drawn = names(svg);
  for (const c of components(validateBlueprint(tutorialText).blueprint!)) assert.ok(drawn.has(c.name), `${c.name} has no data-name`);
  assert.ok(drawn.has('az:ap-northeast-1a') && drawn.has('region:ap-northeast-1'), [...drawn].join(', '));
  assert.match(svg, /Key point 1/, '--paths draws the reply path and its notes');
});

test('--step N draws that step only; live state shows the ids; two zones are both named', () => {
  const file = blueprintFile('steps', tutorialText);
  const step = tutorialSteps(validateBlueprint(tutorialText).blueprint!)[2]!;
  const out = join(dir, 'step.svg');
  assert.equal(run(['diagram', file, '--step', '2', '--svg', out]).status, 0);
  const drawn = [...names(readFileSync(out, 'utf8'))].filter((n) => !n.includes(':') && n !== 'internet' && n !== 'pc');
  assert.deepEqual(drawn.sort(), [...step.names].sort());

  const now = '2026-01-01T00:00:00.000Z';
  writeFileSync(join(dir, 'steps.blueprint.state.json'), JSON.stringify({ version: 1, stack: 'wp-atsushi', region: 'ap-northeast-1', updatedAt: now, resources: { 'vpc-Atsushi': { kind: 'vpc', id: 'vpc-0123abcd', attributes: {}, createdAt: now, updatedAt: now } } }));
  assert.equal(run(['diagram', file, '--svg', out]).status, 0);
  assert.match(readFileSync(out, 'utf8'), /vpc-0123abcd/);

  const twoZones = blueprintFile(
    'zones',
    tutorialWith(['    availabilityZone: ap-northeast-1a\n', '    availabilityZone: ap-northeast-1a\n  - name: private-subnet-Atsushi\n    cidr: 10.0.2.0/24\n    availabilityZone: ap-northeast-1c\n']),
  );
  assert.equal(run(['diagram', twoZones, '--svg', out]).status, 0);
  const zones = names(readFileSync(out, 'utf8'));
  assert.ok(zones.has('az:ap-northeast-1a') && zones.has('az:ap-northeast-1c') && zones.has('private-subnet-Atsushi'));
});

test('--png writes a PNG; without a browser the CLI says how to get one', () => {
  const file = blueprintFile('png', tutorialText);
  const out = join(dir, 'tutorial.png');
  assert.equal(run(['diagram', file, '--png', out]).status, 0);
  const bytes = readFileSync(out);
  assert.equal(bytes.subarray(1, 4).toString('latin1'), 'PNG');
  assert.ok(bytes.length > 20_000, `${bytes.length} bytes`);

  const missing = run(['diagram', file, '--png', join(dir, 'never.png')], { EC2BP_CHROMIUM: join(dir, 'no-such-chromium') });
  assert.equal(missing.status, 3);
  assert.match(missing.stderr, /EC2BP_CHROMIUM/);
  assert.ok(!existsSync(join(dir, 'never.png')));
  assert.equal(run(['diagram', file, '--png', out, '--svg', join(dir, 'x.svg')]).status, 2, '--svg and --png together is a usage error');
});

test('--paths --svg/--png write the numbered list of what each hop means under the picture: every line there, readable, inside the image', async () => {
  const example = join(repoRoot, 'examples', 'private-subnet.blueprint.yaml');
  const svgFile = join(dir, 'private.svg');
  const r = run(['diagram', example, '--paths', '--svg', svgFile]);
  assert.equal(r.status, 0, r.stderr);
  const svg = readFileSync(svgFile, 'utf8');
  assert.ok(names(svg).has('nat-1a-Atsushi'), 'the boxes keep their data-name');
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: 2400, height: 2400 } });
    await page.setContent(`<body style="margin:0">${svg}</body>`);
    const drawn = await page.evaluate<{ width: number; height: number; marks: string[]; lines: { text: string; px: number; x: number; y: number; w: number; h: number }[] }>(`(() => {
      const svg = document.querySelector('svg');
      const box = svg.getBoundingClientRect();
      const marks = [...svg.querySelectorAll('.path-steps .step')].map((g) => g.querySelector('text').textContent);
      const lines = [...svg.querySelectorAll('.path-steps .step-text')].map((t) => {
        const r = t.getBoundingClientRect();
        return { text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize), x: r.left - box.left, y: r.top - box.top, w: r.width, h: r.height };
      });
      return { width: box.width, height: box.height, marks, lines };
    })()`);
    const hops = 23;
    assert.deepEqual(drawn.marks, [...Array.from({ length: hops }, (_, i) => String(i + 1)), 'A', 'B', 'C'], 'one line per hop, then the notes, each said once');
    const all = drawn.lines.map((l) => l.text).join(' ');
    for (const words of ['TCP 22 (SSH)', 'route 0.0.0.0/0 → nat-1a-Atsushi', 'Key point 1']) assert.ok(all.includes(words), `the list says "${words}"`);
    for (const l of drawn.lines) {
      assert.ok(l.px >= readablePx, `"${l.text}" at ${l.px} px`);
      assert.ok(l.x >= 0 && l.y >= 0 && l.x + l.w <= drawn.width + 0.5 && l.y + l.h <= drawn.height + 0.5, `"${l.text}" (${l.x},${l.y} ${l.w}×${l.h}) is outside the ${drawn.width}×${drawn.height} image`);
    }
    for (let i = 1; i < drawn.lines.length; i++) assert.ok(drawn.lines[i]!.y >= drawn.lines[i - 1]!.y + drawn.lines[i - 1]!.h - 2, `"${drawn.lines[i]!.text}" overlaps the line above`);
  } finally {
    await browser.close();
  }
  // The PNG is the same picture, list included: twice the SVG's size.
  const pngFile = join(dir, 'private.png');
  assert.equal(run(['diagram', example, '--paths', '--png', pngFile]).status, 0);
  const png = readFileSync(pngFile);
  const [w, h] = [png.readUInt32BE(16), png.readUInt32BE(20)];
  const size = /<svg[^>]* width="(\d+)" height="(\d+)"/.exec(svg)!;
  assert.deepEqual([w, h], [Number(size[1]) * 2, Number(size[2]) * 2]);
});

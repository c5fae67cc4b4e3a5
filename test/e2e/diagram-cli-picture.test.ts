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

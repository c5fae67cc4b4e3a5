import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeId } from '../../../../src/core/diagram';
import { tutorialText } from '../../builders';
import { runCli } from '../../run-cli';

const run = (args: string[]) => runCli(args);

const dir = mkdtempSync(join(tmpdir(), 'ec2bp-diagram-'));
const blueprint = join(dir, 'tutorial.blueprint.yaml');
writeFileSync(blueprint, tutorialText);

test('diagram prints the mermaid source, every component planned before anything exists', async () => {
  const r = await run(['diagram', blueprint]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^%% EC2 Blueprint/);
  assert.match(r.stdout, /^flowchart TB$/m);
  assert.match(r.stdout, new RegExp(`class [^\\n]*${nodeId('ec2-wp-RHEL8')}[^\\n]* planned`));
});

test('diagram shows live status and AWS ids from the state file beside the blueprint', async () => {
  const now = '2026-01-01T00:00:00.000Z';
  const state = {
    version: 1,
    stack: 'wp-atsushi',
    region: 'ap-northeast-1',
    updatedAt: now,
    resources: { 'vpc-Atsushi': { kind: 'vpc', id: 'vpc-0123abcd', attributes: {}, createdAt: now, updatedAt: now } },
  };
  const withState = join(dir, 'live.blueprint.yaml');
  writeFileSync(withState, tutorialText);
  writeFileSync(join(dir, 'live.blueprint.state.json'), JSON.stringify(state));
  const r = await run(['diagram', withState]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /created · vpc-0123abcd/);
  assert.match(r.stdout, new RegExp(`class [^\\n]*${nodeId('vpc-Atsushi')}[^\\n]* created`));
});

test('diagram --json prints exactly one document {"mermaid": ...}', async () => {
  const r = await run(['diagram', blueprint, '--json']);
  assert.equal(r.code, 0);
  const doc = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.deepEqual(Object.keys(doc), ['mermaid']);
  assert.match(String(doc.mermaid), /flowchart TB/);
});

test('diagram --paths draws the traffic path; --step draws a tutorial step; a bad step is a usage error', async () => {
  const paths = await run(['diagram', blueprint, '--paths']);
  assert.equal(paths.code, 0);
  assert.match(paths.stdout, /linkStyle [\d,]+ stroke:#1f6feb/);
  assert.match(paths.stdout, /linkStyle [\d,]+ stroke:#e8710a/);
  const step = await run(['diagram', blueprint, '--step', '1']);
  assert.equal(step.code, 0);
  assert.ok(!step.stdout.includes(nodeId('seg-g_wp_Atsushi')));
  assert.equal((await run(['diagram', blueprint, '--step', '9'])).code, 2);
});

test('diagram --paths of the private subnet draws both SSH legs and the way out through the NAT gateway, in English and Japanese', async () => {
  const file = join(__dirname, '..', '..', '..', '..', 'examples', 'private-subnet.blueprint.yaml');
  const edge = (from: string, to: string, words: string) => new RegExp(`${nodeId(from)} -->\\|"[^"]*${words}[^"]*"\\| ${nodeId(to)}`);
  const en = await run(['diagram', file, '--paths']);
  assert.equal(en.code, 0, en.stderr);
  // Leg 2 leaves the jump host toward the instance's private address; the way out passes the NAT gateway.
  assert.match(en.stdout, edge('ec2-bastion-Atsushi', 'seg-bastion-Atsushi', 'opens TCP 22 \\(SSH\\) to'));
  assert.match(en.stdout, edge('rtb-private-Atsushi', 'nat-1a-Atsushi', 'route 0.0.0.0/0 → nat-1a-Atsushi'));
  assert.match(en.stdout, /linkStyle [\d,]+ stroke:#0b7a75/);
  const ja = await run(['diagram', file, '--paths', '--lang', 'ja']);
  assert.equal(ja.code, 0, ja.stderr);
  assert.match(ja.stdout, edge('rtb-private-Atsushi', 'nat-1a-Atsushi', 'ルート 0.0.0.0/0 → nat-1a-Atsushi'));
  // A shortened label keeps whom the rule lets in (only the rule's own description is left out).
  assert.match(ja.stdout, edge('seg-app-Atsushi', 'ec2-app-Atsushi', 'インバウンドルール tcp 22(<br/>| )\\(seg-bastion-Atsushi から\\)'));
  assert.match(ja.stdout, /ポイント: NAT(<br\/>| )ゲートウェイは外へ出るための出口です/);
});

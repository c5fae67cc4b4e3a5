import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tutorialText, tutorialWith } from '../../builders';
import { runCli } from '../../run-cli';

const run = (args: string[]) => runCli(args);

function fixture(text: string, state?: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'reach-cli-'));
  const file = join(dir, 'tutorial.blueprint.yaml');
  writeFileSync(file, text);
  if (state) writeFileSync(join(dir, 'tutorial.blueprint.state.json'), JSON.stringify(state));
  return file;
}

describe('reach on the command line', () => {
  test('--json prints exactly the contract keys and exits 0 when SSH gets in', async () => {
    const r = await run(['reach', fixture(tutorialText), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(doc), ['reachable', 'code', 'awsCode', 'reason', 'hops', 'returnHops']);
    assert.equal(doc.reachable, true);
    assert.equal(doc.code, null);
    assert.equal(doc.awsCode, null);
    assert.equal(doc.reason, null);
    for (const hop of [...doc.hops, ...doc.returnHops]) assert.deepEqual(Object.keys(hop), ['kind', 'name', 'id', 'detail']);
    assert.ok(doc.hops.some((h: { detail: string }) => h.detail === 'inbound rule tcp 22 from 0.0.0.0/0 (SSH)'));
    assert.ok(doc.returnHops.some((h: { detail: string }) => h.detail.startsWith('route 0.0.0.0/0 → igw-Atsushi')));
  });

  test('a blocked path exits 4 with the code, the AWS code and the reason', async () => {
    const r = await run(['reach', fixture(tutorialText), '--port', '3389', '--json']);
    assert.equal(r.code, 4);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.reachable, false);
    assert.equal(doc.code, 'SECURITY_GROUP_RULE_MISSING');
    assert.equal(doc.awsCode, 'ENI_SG_RULES_MISMATCH');
    assert.match(doc.reason, /seg-g_wp_Atsushi/);
    assert.equal(doc.hops.at(-1).name, 'seg-g_wp_Atsushi');
  });

  test('the text form numbers the hops of both legs and explains a block', async () => {
    const ok = await run(['reach', fixture(tutorialText)]);
    assert.equal(ok.code, 0);
    assert.match(ok.stdout, /reachable/);
    assert.match(ok.stdout, /The way in:/);
    assert.match(ok.stdout, /The way back \(the reply\):/);
    assert.match(ok.stdout, /security group seg-g_wp_Atsushi +inbound rule tcp 22 from 0\.0\.0\.0\/0 \(SSH\)/);
    const text = tutorialWith(['    routes:\n      - { destination: 0.0.0.0/0, target: igw-Atsushi }\n', '']);
    const blocked = await run(['reach', fixture(text)]);
    assert.equal(blocked.code, 4);
    assert.match(blocked.stdout, /✖ route table rtb-public-Atsushi/);
    assert.match(blocked.stdout, /Code: NO_ROUTE_TO_INTERNET_GATEWAY \(AWS Reachability Analyzer: NO_ROUTE_TO_DESTINATION\)/);
  });

  test('--from, --direction and --to reach the analysis', async () => {
    const office = fixture(tutorialWith(['port: 22,  source: 0.0.0.0/0', 'port: 22,  source: 203.0.113.0/24']));
    assert.equal((await run(['reach', office, '--json'])).code, 4);
    assert.equal((await run(['reach', office, '--from', '203.0.113.7', '--json'])).code, 0);
    const out = await run(['reach', fixture(tutorialText), '--direction', 'outbound', '--to', 'ec2-wp-RHEL8', '--json']);
    assert.equal(out.code, 0);
    assert.equal(JSON.parse(out.stdout).hops[0].kind, 'instance');
  });

  test('hop ids come from the state file beside the blueprint', async () => {
    const at = '2026-01-01T00:00:00.000Z';
    const state = {
      version: 1,
      stack: 'wp-atsushi',
      region: 'ap-northeast-1',
      updatedAt: at,
      resources: { 'seg-g_wp_Atsushi': { kind: 'securityGroup', id: 'sg-0123456789', attributes: {}, createdAt: at, updatedAt: at } },
    };
    const r = await run(['reach', fixture(tutorialText, state), '--json']);
    const sg = JSON.parse(r.stdout).hops.find((h: { kind: string }) => h.kind === 'securityGroup');
    assert.equal(sg.id, 'sg-0123456789');
  });

  test('usage mistakes exit 2 and say what is allowed', async () => {
    const file = fixture(tutorialText);
    const bad = [
      ['--protocol', 'sctp'],
      ['--direction', 'sideways'],
      ['--port', 'ssh'],
      ['--to', 'nope'],
      ['--from', '10.0.1.5'],
    ];
    for (const args of bad) {
      const r = await run(['reach', file, ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.ok(r.stderr.length > 0);
    }
  });

  test('--live without a state file says to apply first', async () => {
    const r = await run(['reach', fixture(tutorialText), '--live']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Apply the blueprint first/);
  });
});

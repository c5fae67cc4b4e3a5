// AWS's two long waits of the private-subnet example, played by the fault proxy: the NAT gateway
// stays `pending` for a while before `available` (AWS: a few minutes), and each instance's status
// checks stay `initializing` before `ok` (AWS: a few minutes too). Scaled down here to 6 s each.
// Apply must wait them out side by side, so it takes about one wait plus the calls, not two waits:
// the instances in the private subnet need no route to boot, only the private route table waits for
// the NAT gateway. What is asserted is the order of the engine's events (both waits in progress at
// once), never a duration; `npm run bench:apply` measures the time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { engine } from '../../src/engine';
import type { EngineEvent } from '../../src/core/events';
import { resetEmulator } from '../harness/moto';
import { cliEnv, describeRun, faultProxyForFile, root, runCli, workspace } from './support';

const waitMs = 6000;
const example = readFileSync(join(root, 'examples', 'private-subnet.blueprint.yaml'), 'utf8');
const { row, proxy } = faultProxyForFile(`long waits (NAT pending and status checks ${waitMs / 1000} s each)`);

const nat = 'nat-1a-Atsushi';
const instances = ['ec2-bastion-Atsushi', 'ec2-app-Atsushi'];

test('apply of the private stack waits for the NAT gateway and the status checks at the same time; the NAT route waits for available', { timeout: 300_000 }, async (t) => {
  await resetEmulator();
  proxy.reset({ natPendingMs: waitMs, statusChecksMs: waitMs });
  const ws = workspace('ec2bp-long-waits-', example);
  t.after(() => ws.remove());
  const events: EngineEvent[] = [];
  const result = await engine.apply({ path: ws.blueprint, text: example }, { endpoint: proxy.endpoint, keyDir: ws.keyDir, onEvent: (e) => events.push(e) });
  row.runs++;
  assert.equal(result.ok, true, JSON.stringify(result.failures));
  assert.ok(proxy.stats.stillWaiting > 0, 'the proxy never answered pending or initializing');

  const at = (type: EngineEvent['type'], name: string, message?: RegExp) =>
    events.findIndex((e) => e.type === type && 'name' in e && e.name === name && (!message || (e.type === 'progress' && message.test(e.message))));
  const natWaits = at('progress', nat, /available \(pending/);
  const natDone = at('done', nat);
  assert.ok(natWaits >= 0, `no progress said that the NAT gateway was pending:\n${progressLines(events)}`);
  assert.ok(natWaits < natDone);
  for (const name of instances) {
    const checks = at('progress', name, /status checks/);
    const done = at('done', name);
    assert.ok(checks >= 0 && checks < done, `${name}: its status checks were waited for`);
    // The two waits overlap: each began before the other ended.
    assert.ok(checks < natDone, `${name}'s status checks were waited for only after the NAT gateway was available:\n${progressLines(events)}`);
    assert.ok(natWaits < done, `the NAT gateway was waited for only after ${name} had passed its checks:\n${progressLines(events)}`);
  }
  // The way out is written only once the NAT gateway can carry traffic.
  assert.ok(at('started', 'rtb-private-Atsushi') > natDone, 'the route to the NAT gateway was written before it was available');
  const describes = proxy.calls.filter((c) => c.action === 'DescribeNatGateways' || c.action === 'DescribeInstanceStatus');
  assert.ok(describes.length >= 3, 'both waits polled');
});

test('the CLI shows the NAT gateway wait like the status checks, in Japanese too', { timeout: 300_000 }, async (t) => {
  await resetEmulator();
  proxy.reset({ natPendingMs: waitMs, statusChecksMs: waitMs });
  const ws = workspace('ec2bp-long-waits-ja-', example);
  t.after(() => ws.remove());
  const run = await runCli(['apply', ws.blueprint, '--lang', 'ja', '--endpoint', proxy.endpoint, '--key-dir', ws.keyDir], cliEnv(proxy.endpoint), 240_000);
  row.runs++;
  assert.equal(run.code, 0, describeRun(run));
  const lines = run.stderr.split('\n');
  const natLine = lines.findIndex((l) => l.includes(`${nat}: NAT ゲートウェイ ${nat} が available になるのを待っています（pending`));
  const checksLine = lines.findIndex((l) => /ec2-app-Atsushi: i-\w+ のステータスチェック \(2\/2\) を待っています/.test(l));
  const natDone = lines.findIndex((l) => l.startsWith('✓') && l.includes(`NAT ゲートウェイ ${nat}`));
  assert.ok(natLine >= 0, `no Japanese line for the NAT gateway's wait:\n${run.stderr}`);
  assert.ok(checksLine >= 0, `no Japanese line for the status checks:\n${run.stderr}`);
  assert.ok(checksLine < natDone, `the status checks were shown only after the NAT gateway was available:\n${run.stderr}`);
});

function progressLines(events: EngineEvent[]): string {
  return events
    .filter((e) => e.type === 'started' || e.type === 'progress' || e.type === 'done')
    .map((e) => `${e.type} ${'name' in e ? e.name : ''}${e.type === 'progress' ? `: ${e.message}` : ''}`)
    .join('\n');
}

// AWS's eventual consistency in full ("Eventual consistency in the Amazon EC2 API"): for a few
// seconds after a create, every call naming the new id — reads, writes, deletes — answers its
// NotFound code, and lists by tag or filter leave the new resource out. The fault proxy plays a 3 s
// window on every id; the engine must wait such answers out, never take a fresh resource for gone
// (no duplicate), and never report a deletion that did not happen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resetEmulator, testEndpoint } from '../harness/moto';
import { assertAppliedOnce, cliEnv, describeRun, emulatorClient, inventory, judgeDestroyed, faultProxyForFile, runCli, workspace, type CliRun } from './support';

const settleMs = 3000;
const { row, proxy } = faultProxyForFile('settling (3 s window on every id)');

async function cli(ws: ReturnType<typeof workspace>, ...args: string[]): Promise<CliRun> {
  const run = await runCli([...args, '--endpoint', proxy.endpoint, '--key-dir', ws.keyDir], cliEnv(proxy.endpoint), 240_000);
  row.runs++;
  return run;
}

/** Destroys at once through the proxy: exit 0 and nothing left, so every deletion it printed happened. */
async function destroyAtOnce(ws: ReturnType<typeof workspace>): Promise<CliRun> {
  const bye = await cli(ws, 'destroy', ws.blueprint, '--yes');
  assert.equal(bye.code, 0, describeRun(bye));
  const ec2 = emulatorClient(testEndpoint());
  const left = judgeDestroyed(await inventory(ec2));
  ec2.destroy();
  row.orphans += left.orphans.length;
  assert.deepEqual(left.orphans, [], `destroy printed deletions of resources that are still there:\n${bye.stderr}`);
  return bye;
}

test('the first apply completes, saying that it waits for fresh resources; an apply at once writes nothing; a destroy at once leaves nothing', { timeout: 600_000 }, async () => {
  await resetEmulator();
  proxy.reset({ settleMs });
  const ws = workspace('ec2bp-settle-');
  try {
    const first = await cli(ws, 'apply', ws.blueprint);
    assert.equal(first.code, 0, describeRun(first));
    assert.ok(proxy.stats.notVisible > 0, 'the proxy never played a settling id');
    assert.match(first.stderr, /not visible in AWS yet/, 'nothing told the user that the NotFound was temporary');
    await assertAppliedOnce(ws.state, row, first);

    proxy.reset({ settleMs });
    const again = await cli(ws, 'apply', ws.blueprint, '--json');
    assert.equal(again.code, 0, describeRun(again));
    const writes = proxy.calls.filter((c) => c.mutating).map((c) => c.action);
    assert.deepEqual(writes, [], `a second apply at once changed something:\n${again.stderr}`);
    assert.deepEqual((again.json as { summary?: Record<string, number> }).summary, { create: 0, update: 0, replace: 0, delete: 0, keep: 9 });
    await assertAppliedOnce(ws.state, row, again);

    // The apply's last resources are still settling.
    await destroyAtOnce(ws);
  } finally {
    ws.remove();
  }
});

test('apply --only a security group, then apply at once: the fresh VPC and group are waited for, never created twice', { timeout: 600_000 }, async () => {
  await resetEmulator();
  proxy.reset({ settleMs });
  const ws = workspace('ec2bp-settle-only-');
  try {
    const only = await cli(ws, 'apply', ws.blueprint, '--only', 'seg-g_wp_Atsushi');
    assert.equal(only.code, 0, describeRun(only));
    const all = await cli(ws, 'apply', ws.blueprint);
    assert.equal(all.code, 0, describeRun(all));
    // Carried out once each (the calls answered NotFound while the VPC settled did nothing).
    for (const action of ['CreateVpc', 'CreateSecurityGroup']) {
      const done = proxy.calls.filter((c) => c.action === action && c.createdId).length;
      assert.equal(done, 1, `${action} was carried out ${done} times:\n${all.stderr}`);
    }
    await assertAppliedOnce(ws.state, row, all);
    await destroyAtOnce(ws);
  } finally {
    ws.remove();
  }
});

test('destroy straight after a failed apply deletes everything the apply made and prints no deletion that did not happen', { timeout: 600_000 }, async () => {
  await resetEmulator();
  proxy.reset({
    settleMs,
    refuse: { RunInstances: { code: 'Unsupported', message: 'Your requested instance type (t2.large) is not supported in your requested Availability Zone (ap-northeast-1a). Please retry your request by not specifying an Availability Zone or choosing ap-northeast-1c, ap-northeast-1d.' } },
  });
  const ws = workspace('ec2bp-settle-failed-');
  try {
    const failed = await cli(ws, 'apply', ws.blueprint);
    assert.equal(failed.code, 3, describeRun(failed));
    proxy.configure({ refuse: {} });
    await destroyAtOnce(ws);
  } finally {
    ws.remove();
  }
});

// AWS's refusals in the middle of an apply, played by the fault proxy as AWS answers them (moto
// never does): the apply stops with exit 3 and advice in the blueprint's terms — the line to change
// and the zones that offer the type for `Unsupported`, the Service Quotas quota for
// `AddressLimitExceeded` — says what is left in AWS and billed, and a capacity refusal that the SDK
// retries by itself is told attempt by attempt.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DescribeInstanceTypeOfferingsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { resetEmulator, TEST_CREDENTIALS, testEndpoint } from '../harness/moto';
import type { FaultProxy } from '../harness/fault-proxy';
import { cliEnv, describeRun, emulatorClient, inventory, judgeDestroyed, faultProxyForFile, runCli, workspace } from './support';

const { row, proxy } = faultProxyForFile('refusals (Unsupported, capacity, quota)');

async function applyRefused(refuse: Parameters<FaultProxy['reset']>[0], env: NodeJS.ProcessEnv = {}) {
  await resetEmulator();
  proxy.reset(refuse);
  const ws = workspace('ec2bp-refusal-');
  const run = await runCli(['apply', ws.blueprint, '--endpoint', proxy.endpoint, '--key-dir', ws.keyDir], cliEnv(proxy.endpoint, env), 180_000);
  row.runs++;
  return { ws, run };
}

async function destroyAll(ws: ReturnType<typeof workspace>): Promise<void> {
  const bye = await runCli(['destroy', ws.blueprint, '--yes', '--endpoint', testEndpoint(), '--key-dir', ws.keyDir], cliEnv(testEndpoint()));
  row.runs++;
  assert.equal(bye.code, 0, describeRun(bye));
  const ec2 = emulatorClient(testEndpoint());
  const left = judgeDestroyed(await inventory(ec2));
  ec2.destroy();
  row.orphans += left.orphans.length;
  assert.deepEqual(left.orphans, []);
  ws.remove();
}

test('Unsupported for the instance: exit 3, the subnet\'s availabilityZone line and the zones that offer the type, and the Elastic IP left billed', { timeout: 240_000 }, async () => {
  const { ws, run } = await applyRefused({
    refuse: {
      RunInstances: {
        code: 'Unsupported',
        message: 'Your requested instance type (t2.large) is not supported in your requested Availability Zone (ap-northeast-1a). Please retry your request by not specifying an Availability Zone or choosing ap-northeast-1c, ap-northeast-1d.',
      },
    },
  });
  try {
    assert.equal(run.code, 3, describeRun(run));
    const lines = readFileSync(ws.blueprint, 'utf8').split('\n');
    const line = lines.findIndex((l) => /availabilityZone:/.test(l)) + 1;
    const column = lines[line - 1]!.indexOf('ap-northeast-1a') + 1;
    assert.ok(run.stderr.includes(`${ws.blueprint}:${line}:${column}: t2.large is not offered in ap-northeast-1a`), run.stderr);
    const offered = new EC2Client({ endpoint: testEndpoint(), region: 'ap-northeast-1', credentials: { ...TEST_CREDENTIALS } });
    const zones = ((await offered.send(new DescribeInstanceTypeOfferingsCommand({ LocationType: 'availability-zone', Filters: [{ Name: 'instance-type', Values: ['t2.large'] }] }))).InstanceTypeOfferings ?? [])
      .map((o) => o.Location!)
      .sort();
    offered.destroy();
    assert.ok(zones.length > 0);
    assert.ok(run.stderr.includes(`offer t2.large: ${zones.join(', ')}`), run.stderr);
    assert.match(run.stderr, /Left in AWS and billed until released or deleted: the Elastic IP "eip-Atsushi" \(\d+\.\d+\.\d+\.\d+, eipalloc-[0-9a-f]+\)/);
    assert.match(run.stderr, /Two ways out: fix .* and apply again .* or destroy/);
  } finally {
    await destroyAll(ws);
  }
});

test('InsufficientInstanceCapacity (HTTP 500) three times, then capacity: the apply completes and says it is asking again', { timeout: 240_000 }, async () => {
  const { ws, run } = await applyRefused({
    refuse: { RunInstances: { code: 'InsufficientInstanceCapacity', status: 500, times: 3, message: 'We currently do not have sufficient t2.large capacity in the Availability Zone you requested (ap-northeast-1a).' } },
  });
  try {
    assert.equal(run.code, 0, describeRun(run));
    assert.equal(proxy.stats.refused, 3);
    assert.match(run.stderr, /no spare capacity for this right now \(InsufficientInstanceCapacity\); the SDK asks again \(attempt 2 of 10\)/);
    assert.match(run.stderr, /attempt 4 of 10/);
  } finally {
    await destroyAll(ws);
  }
});

test('AddressLimitExceeded, in Japanese: the Service Quotas quota is named, and the two ways out', { timeout: 240_000 }, async () => {
  const { ws, run } = await applyRefused(
    { refuse: { AllocateAddress: { code: 'AddressLimitExceeded', message: 'The maximum number of addresses has been reached.' } } },
    { LANG: 'ja_JP.UTF-8' },
  );
  try {
    assert.equal(run.code, 3, describeRun(run));
    assert.match(run.stderr, /L-0263D0A3/);
    assert.match(run.stderr, /Elastic IP.*クォータ/);
    assert.match(run.stderr, /抜け出す方法は 2 つ/);
  } finally {
    await destroyAll(ws);
  }
});

test('under the Node the suites run on (24 in CI; the floor is 22), no CLI run prints a process warning (deprecation, the SDK\'s Node notice)', { timeout: 240_000 }, async (t) => {
  if (Number(process.versions.node.split('.')[0]) < 22) return t.skip(`Node ${process.version} is below the floor of 22 (CI runs Node 24)`);
  await resetEmulator();
  proxy.reset({ refuse: { RunInstances: { code: 'Unsupported', message: 'Your requested instance type (t2.large) is not supported in your requested Availability Zone (ap-northeast-1a).' } } });
  const ws = workspace('ec2bp-warnings-');
  const env = cliEnv(proxy.endpoint);
  delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
  delete env.NODE_OPTIONS;
  try {
    for (const args of [['validate', ws.blueprint], ['plan', ws.blueprint], ['apply', ws.blueprint], ['diagram', ws.blueprint]]) {
      const run = await runCli([...args, '--endpoint', proxy.endpoint, '--key-dir', ws.keyDir], env);
      row.runs++;
      assert.doesNotMatch(run.stderr, /\(node:\d+\) |DeprecationWarning|NodeVersionSupportWarning|ExperimentalWarning/, `${args[0]} under Node ${process.version}:\n${run.stderr}`);
    }
  } finally {
    await destroyAll(ws);
  }
});

// The preflight asks AWS, changing nothing, whether the changes would be allowed and succeed; apply
// runs it before its first change and stops there (exit 5) when something would fail.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AllocateAddressCommand, DescribeInstanceTypeOfferingsCommand, DescribeVpcsCommand, ReleaseAddressCommand } from '@aws-sdk/client-ec2';
import { resetEmulator, testEndpoint } from '../harness/moto';
import { startFaultProxy, type FaultProxy } from '../harness/fault-proxy';
import { byStack, describeClient, workspace, type Workspace } from './engine-workspace';

const ec2 = describeClient();
let proxy: FaultProxy;
const spaces: Workspace[] = [];
const space = (name: string) => {
  const ws = workspace(name);
  spaces.push(ws);
  return ws;
};

before(async () => {
  await resetEmulator();
  proxy = await startFaultProxy(testEndpoint());
});
after(async () => {
  for (const ws of spaces) ws.dispose();
  await proxy.stop();
  ec2.destroy();
});

/** Calls that changed something: mutating Actions that were not a DryRun. */
const changes = () => proxy.calls.filter((c) => c.mutating && c.params.DryRun !== 'true').map((c) => c.action);

test('preflight of the tutorial passes every check, changes nothing, and prints the JSON shape', async () => {
  const ws = space('preflight-ok');
  proxy.reset();
  const run = await ws.cli(['preflight', '--json'], { endpoint: proxy.endpoint });
  assert.equal(run.code, 0, run.stderr + run.stdout);
  const result = JSON.parse(run.stdout) as { ok: boolean; checks: { check: string; ok: boolean; message: string; permission?: string }[] };
  assert.equal(result.ok, true);
  for (const c of result.checks) assert.deepEqual(Object.keys(c).sort(), ['check', 'message', 'ok', ...(c.permission ? ['permission'] : [])].sort());
  const permissions = result.checks.filter((c) => c.check === 'permission').map((c) => c.permission);
  for (const p of ['ec2:CreateVpc', 'ec2:RunInstances', 'ec2:AllocateAddress', 'ec2:CreateKeyPair', 'ec2:TerminateInstances', 'ec2:DeleteVpc']) assert.ok(permissions.includes(p), p);
  for (const check of ['elastic-ip-quota', 'instance-type-offering', 'image', 'image-architecture', 'root-volume-size']) assert.ok(result.checks.some((c) => c.check === check && c.ok), check);
  assert.deepEqual(changes(), [], 'no call changed anything');
  assert.equal((await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'cidr', Values: ['10.255.0.0/16'] }] }))).Vpcs?.length ?? 0, 0, 'the DryRun of CreateVpc left no VPC');
});

test('an instance type the subnet\'s zone does not offer: preflight names the zones that do, apply exits 5 having changed nothing', async () => {
  const offered = async (zone: string) =>
    new Set(((await ec2.send(new DescribeInstanceTypeOfferingsCommand({ LocationType: 'availability-zone', Filters: [{ Name: 'location', Values: [zone] }] }))).InstanceTypeOfferings ?? []).map((o) => o.InstanceType!));
  const [inA, inC] = await Promise.all([offered('ap-northeast-1a'), offered('ap-northeast-1c')]);
  const type = [...inC].find((t) => !inA.has(t) && /^[tmc]\d/.test(t)) ?? [...inC].find((t) => !inA.has(t));
  assert.ok(type, 'the emulator offers some type in 1c and not in 1a');
  const ws = space('preflight-zone');
  ws.edit(['instanceType: t2.large', `instanceType: ${type}`]);
  proxy.reset();
  const run = await ws.cli(['apply'], { endpoint: proxy.endpoint });
  assert.equal(run.code, 5, run.stderr);
  assert.match(run.stderr, new RegExp(`${type!.replace('.', '\\.')} is not offered in ap-northeast-1a\\. Pick [^.]*ap-northeast-1c`));
  assert.deepEqual(changes(), [], 'apply stopped before its first change');
  assert.equal((await ec2.send(new DescribeVpcsCommand({ Filters: byStack(ws.stack) }))).Vpcs?.length ?? 0, 0);
});

test('an explicit image of the wrong architecture and a root volume smaller than its snapshot fail the preflight, naming both', async () => {
  const ws = space('preflight-arch');
  ws.edit(['image: rhel-8', 'image: ami-0e3c7f1b9a5d2e805'], ['sizeGiB: 30', 'sizeGiB: 10']);
  const run = await ws.cli(['preflight']);
  assert.equal(run.code, 5, run.stderr);
  assert.match(run.stderr, /✗ ec2-wp-RHEL8: the image ami-0e3c7f1b9a5d2e805 \(RHEL-8\.10\.0_HVM-20240805-arm64-0-Hourly2-GP3\) is arm64, but t2\.large runs x86_64/);
  assert.match(run.stderr, /✗ ec2-wp-RHEL8: the root volume is 10 GiB, smaller than the 15 GiB snapshot/);
});

test('Elastic IP quota used up: apply exits 5, says to release one or ask for more, and creates nothing', async () => {
  const allocated: string[] = [];
  try {
    for (let i = 0; i < 5; i++) allocated.push((await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId!);
    const ws = space('preflight-eip');
    proxy.reset();
    const run = await ws.cli(['apply', '--json'], { endpoint: proxy.endpoint });
    assert.equal(run.code, 5, run.stderr);
    const out = JSON.parse(run.stdout) as { ok: boolean; preflight: { ok: boolean; checks: { check: string; ok: boolean; message: string }[] } };
    assert.equal(out.ok, false);
    const quota = out.preflight.checks.find((c) => c.check === 'elastic-ip-quota');
    assert.equal(quota?.ok, false);
    assert.match(quota!.message, /Release an Elastic IP .* or ask for a higher quota/);
    assert.deepEqual(changes(), []);
  } finally {
    for (const id of allocated) await ec2.send(new ReleaseAddressCommand({ AllocationId: id }));
  }
});

test('--no-preflight skips the checks: the first call after the reads is a change', async () => {
  const ws = space('preflight-skip');
  ws.edit(['instanceType: t2.large', 'instanceType: t2.micro']);
  proxy.reset();
  const run = await ws.cli(['apply', '--only', 'vpc-Atsushi', '--no-preflight'], { endpoint: proxy.endpoint });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(proxy.calls.filter((c) => c.params.DryRun === 'true').length, 0);
  assert.deepEqual(changes(), ['CreateVpc']);
  const destroyed = await ws.cli(['destroy', '--yes']);
  assert.equal(destroyed.code, 0, destroyed.stderr);
});

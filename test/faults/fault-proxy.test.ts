// The fault proxy itself: each fault does what the other fault tests rely on, seen by a bare SDK
// client (no retries, so every injected fault is visible) against the real emulator.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  AllocateAddressCommand,
  CreateNatGatewayCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DescribeInstanceStatusCommand,
  DescribeNatGatewaysCommand,
  DescribeVpcsCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { resetEmulator, testClientConfig, testEndpoint } from '../harness/moto';
import { decide, startFaultProxy, type FaultProxy } from '../harness/fault-proxy';

let proxy: FaultProxy;
let direct: EC2Client;
let viaProxy: EC2Client;

before(async () => {
  await resetEmulator();
  proxy = await startFaultProxy(testEndpoint());
  direct = new EC2Client(testClientConfig());
  viaProxy = new EC2Client({ ...testClientConfig(proxy.endpoint), maxAttempts: 1 });
});
after(async () => {
  viaProxy.destroy();
  direct.destroy();
  await proxy.stop();
});

async function vpcCount(): Promise<number> {
  return (await direct.send(new DescribeVpcsCommand({ Filters: [{ Name: 'tag:fault-proxy', Values: ['yes'] }] }))).Vpcs?.length ?? 0;
}
const taggedVpc = (cidr = '10.9.0.0/16') =>
  new CreateVpcCommand({ CidrBlock: cidr, TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'fault-proxy', Value: 'yes' }] }] });

test('throttles and fails the chosen fractions of calls with the AWS error codes, without reaching moto', async () => {
  proxy.reset({ seed: 42, throttleRate: 0.3, serverErrorRate: 0.1 });
  const outcomes: string[] = [];
  for (let i = 0; i < 200; i++) {
    try {
      await viaProxy.send(new DescribeVpcsCommand({}));
      outcomes.push('ok');
    } catch (error) {
      outcomes.push(`${(error as Error).name}/${(error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode}`);
    }
  }
  const throttled = outcomes.filter((o) => o === 'RequestLimitExceeded/503').length;
  const failed = outcomes.filter((o) => o === 'InternalError/500').length;
  assert.equal(throttled + failed + outcomes.filter((o) => o === 'ok').length, 200, outcomes.join(' '));
  assert.ok(throttled > 40 && throttled < 80, `throttled ${throttled} of 200`);
  assert.ok(failed > 8 && failed < 35, `500 ${failed} of 200`);
  assert.equal(proxy.stats.throttled, throttled);
  assert.equal(proxy.stats.serverErrors, failed);
  assert.equal(proxy.stats.forwarded, 200 - throttled - failed);
  assert.equal(proxy.countOf('DescribeVpcs'), 200);
});

test('the same seed gives the same decisions, another seed others', () => {
  const run = (seed: number) => Array.from({ length: 50 }, (_, i) => decide(seed, 'fault', 'CreateVpc', i + 1) < 0.2);
  assert.deepEqual(run(7), run(7));
  assert.notDeepEqual(run(7), run(8));
});

test('a lost response: moto carried the create out, the client saw the connection drop', async () => {
  proxy.reset({ loseResponseOf: { CreateVpc: 1 } });
  const before = await vpcCount();
  await assert.rejects(viaProxy.send(taggedVpc()), (error: Error & { code?: string }) => {
    assert.match(`${error.name} ${error.code} ${error.message}`, /ECONNRESET|socket hang up/i);
    return true;
  });
  assert.equal(await vpcCount(), before + 1, 'the VPC exists although its response never arrived');
  assert.equal(proxy.stats.lost, 1);
  // Only the first one is lost.
  const second = await viaProxy.send(taggedVpc('10.10.0.0/16'));
  assert.match(second.Vpc?.VpcId ?? '', /^vpc-/);
});

test('stall after the Nth mutating call: the Nth is carried out, its response and later calls are held', async () => {
  proxy.reset({ stallAfterMutating: 2 });
  const before = await vpcCount();
  const first = await viaProxy.send(taggedVpc('10.11.0.0/16'));
  assert.ok(first.Vpc?.VpcId);
  const second = viaProxy.send(taggedVpc('10.12.0.0/16'));
  const stalledOn = await proxy.stalled(10_000);
  assert.equal(stalledOn.action, 'CreateVpc');
  assert.equal(stalledOn.mutatingIndex, 2);
  assert.equal(await vpcCount(), before + 2, 'the second VPC exists while its response is held');
  const third = viaProxy.send(new DescribeVpcsCommand({}));
  let settled = false;
  void Promise.allSettled([second, third]).then(() => (settled = true));
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(settled, false, 'nothing answered during the stall');
  assert.equal(proxy.stats.held, 1);
  proxy.release();
  assert.ok((await second).Vpc?.VpcId);
  assert.ok((await third).Vpcs);
});

test('stall after an Action, answer delivered: the client gets that answer, the next call is held', async () => {
  proxy.reset({ stallAfterAction: 'CreateVpc', stallDeliversResponse: true });
  const created = await viaProxy.send(taggedVpc('10.13.0.0/16'));
  assert.match(created.Vpc?.VpcId ?? '', /^vpc-/);
  const stalledOn = await proxy.stalled(1000);
  assert.equal(stalledOn.createdId, created.Vpc!.VpcId);
  const next = viaProxy.send(new DescribeVpcsCommand({}));
  let settled = false;
  void next.finally(() => (settled = true)).catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(settled, false);
  proxy.release();
  assert.ok((await next).Vpcs);
});

test('a repeated ClientToken gets the first response back instead of a second resource', async () => {
  proxy.reset({});
  const vpc = await direct.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }));
  const subnet = await direct.send(new CreateSubnetCommand({ VpcId: vpc.Vpc!.VpcId!, CidrBlock: '10.20.1.0/24' }));
  const run = () =>
    viaProxy.send(new RunInstancesCommand({ ImageId: 'ami-0a7e1c5f2b9d3e801', InstanceType: 't2.micro', MinCount: 1, MaxCount: 1, SubnetId: subnet.Subnet!.SubnetId!, ClientToken: 'token-1' }));
  let a: Awaited<ReturnType<typeof run>> | undefined;
  try {
    a = await run();
  } catch (error) {
    assert.fail(`RunInstances failed: ${(error as Error).message} (check the image id against test/harness/amis.json)`);
  }
  const b = await run();
  assert.equal(a!.Instances![0]!.InstanceId, b.Instances![0]!.InstanceId);
  assert.equal(proxy.stats.tokenReplays, 1);
});

test('eventual consistency: NotFound on the first describe of a new resource, DependencyViolation on the first delete after a dependant went', async () => {
  proxy.reset({ eventualConsistency: true });
  const vpc = await viaProxy.send(taggedVpc('10.30.0.0/16'));
  const vpcId = vpc.Vpc!.VpcId!;
  await assert.rejects(viaProxy.send(new DescribeVpcsCommand({ VpcIds: [vpcId] })), { name: 'InvalidVpcID.NotFound' });
  assert.equal((await viaProxy.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs?.length, 1);

  const subnet = await viaProxy.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.30.1.0/24' }));
  // Before any dependant went away, deletes go through.
  await viaProxy.send(new DeleteSubnetCommand({ SubnetId: subnet.Subnet!.SubnetId! }));
  await assert.rejects(viaProxy.send(new DeleteVpcCommand({ VpcId: vpcId })), { name: 'DependencyViolation' });
  await viaProxy.send(new DeleteVpcCommand({ VpcId: vpcId }));
  assert.equal(proxy.stats.notFound, 1);
  assert.equal(proxy.stats.dependencyViolations, 1);
});

test('a black hole: moto carries the call out, the connection stays open and silent', { timeout: 15_000 }, async () => {
  proxy.reset({ hangResponseOf: { CreateVpc: 1 } });
  const before = await vpcCount();
  const client = new EC2Client({ ...testClientConfig(proxy.endpoint), maxAttempts: 1, requestHandler: new NodeHttpHandler({ requestTimeout: 500, throwOnRequestTimeout: true }) });
  const started = Date.now();
  await assert.rejects(client.send(taggedVpc('10.14.0.0/16')), (error: Error) => /timeout|timed out/i.test(`${error.name} ${error.message}`));
  assert.ok(Date.now() - started >= 450);
  client.destroy();
  assert.equal(await vpcCount(), before + 1);
  assert.equal(proxy.stats.hung, 1);
});

test('delay holds each call back', async () => {
  proxy.reset({ delayMs: 150 });
  const started = Date.now();
  await viaProxy.send(new DescribeVpcsCommand({}));
  assert.ok(Date.now() - started >= 140);
});

test('settling: every call naming a fresh id answers its NotFound code until the window ends, and lists leave it out', { timeout: 20_000 }, async () => {
  proxy.reset({ settleMs: 800 });
  const vpc = await viaProxy.send(taggedVpc('10.40.0.0/16'));
  const vpcId = vpc.Vpc!.VpcId!;
  // A read by id, a write naming it, and a list by tag.
  await assert.rejects(viaProxy.send(new DescribeVpcsCommand({ VpcIds: [vpcId] })), { name: 'InvalidVpcID.NotFound' });
  await assert.rejects(viaProxy.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.40.1.0/24' })), (error: Error) => {
    assert.equal(error.name, 'InvalidVpcID.NotFound');
    assert.match(error.message, new RegExp(`The vpc ID '${vpcId}' does not exist`));
    return true;
  });
  const listed = await viaProxy.send(new DescribeVpcsCommand({ Filters: [{ Name: 'tag:fault-proxy', Values: ['yes'] }] }));
  assert.ok(!(listed.Vpcs ?? []).some((v) => v.VpcId === vpcId), 'a list by tag showed the settling VPC');
  assert.ok((listed.Vpcs ?? []).length >= 1, 'a list by tag left out VPCs that had settled');
  assert.equal(await vpcCount(), (listed.Vpcs ?? []).length + 1, 'moto has it all along');
  await new Promise((resolve) => setTimeout(resolve, 900));
  const subnet = await viaProxy.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.40.1.0/24' }));
  const subnetId = subnet.Subnet!.SubnetId!;
  await assert.rejects(viaProxy.send(new DeleteSubnetCommand({ SubnetId: subnetId })), { name: 'InvalidSubnetID.NotFound' });
  await new Promise((resolve) => setTimeout(resolve, 900));
  await viaProxy.send(new DeleteSubnetCommand({ SubnetId: subnetId }));
  assert.ok((await viaProxy.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs?.length === 1);
  assert.equal(proxy.stats.notVisible, 3);
});

test('long waits: a new NAT gateway is pending and a new instance\'s checks initializing until their windows end, then available and ok', { timeout: 20_000 }, async () => {
  proxy.reset({ natPendingMs: 1000, statusChecksMs: 1000 });
  const vpc = await direct.send(taggedVpc('10.41.0.0/16'));
  const subnet = await direct.send(new CreateSubnetCommand({ VpcId: vpc.Vpc!.VpcId!, CidrBlock: '10.41.1.0/24' }));
  const subnetId = subnet.Subnet!.SubnetId!;
  const address = await direct.send(new AllocateAddressCommand({ Domain: 'vpc' }));
  const natId = (await viaProxy.send(new CreateNatGatewayCommand({ SubnetId: subnetId, AllocationId: address.AllocationId! }))).NatGateway!.NatGatewayId!;
  const instanceId = (await viaProxy.send(new RunInstancesCommand({ ImageId: 'ami-0a7e1c5f2b9d3e801', InstanceType: 't2.micro', MinCount: 1, MaxCount: 1, SubnetId: subnetId }))).Instances![0]!.InstanceId!;
  const natState = async () => (await viaProxy.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [natId] }))).NatGateways?.[0]?.State;
  const checks = async () => {
    const s = (await viaProxy.send(new DescribeInstanceStatusCommand({ InstanceIds: [instanceId] }))).InstanceStatuses?.[0];
    return [s?.InstanceStatus?.Status, s?.SystemStatus?.Status, s?.InstanceStatus?.Details?.[0]?.Status];
  };
  assert.equal(await natState(), 'pending');
  assert.deepEqual(await checks(), ['initializing', 'initializing', 'initializing']);
  assert.equal((await direct.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [natId] }))).NatGateways?.[0]?.State, 'available', 'moto has it available at once');
  await new Promise((resolve) => setTimeout(resolve, 1100));
  assert.equal(await natState(), 'available');
  assert.deepEqual(await checks(), ['ok', 'ok', 'passed']);
  assert.equal(proxy.stats.stillWaiting, 2);
});

test('refusals: an Action answers the AWS error it is given, as many times as asked, without reaching moto', async () => {
  proxy.reset({ refuse: { CreateVpc: { code: 'VpcLimitExceeded', message: 'The maximum number of VPCs has been reached.', times: 1 } } });
  const before = await vpcCount();
  await assert.rejects(viaProxy.send(taggedVpc('10.41.0.0/16')), { name: 'VpcLimitExceeded', message: 'The maximum number of VPCs has been reached.' });
  assert.equal(await vpcCount(), before);
  await viaProxy.send(taggedVpc('10.41.0.0/16'));
  assert.equal(proxy.stats.refused, 1);
});

// The private-subnet example against the EC2 emulator: apply makes a NAT gateway (available, on an
// address of its own tagged with the stack) and the private default route to it; a second apply
// changes nothing; destroy leaves no NAT gateway and no address behind.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeAddressesCommand, DescribeNatGatewaysCommand, DescribeRouteTablesCommand, DescribeSubnetsCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { resetEmulator, testEndpoint } from '../harness/moto';
import { validateBlueprint } from '../../src/core/validate';
import type { StateFile } from '../../src/core/state';
import { runCli } from '../unit/run-cli';
import { byName, byStack, describeClient, workspace } from './engine-workspace';

const ec2 = describeClient();
const ws = workspace('private-subnet');
const example = readFileSync(join(__dirname, '..', '..', 'examples', 'private-subnet.blueprint.yaml'), 'utf8');

before(async () => {
  await resetEmulator();
  ws.edit([readFileSync(ws.blueprint, 'utf8'), example.replace('stack: private-atsushi', `stack: ${ws.stack}`).replaceAll('key-private-RHEL', ws.keyName)]);
});
after(() => ws.dispose());

/** NAT gateways of the stack that exist (AWS and the emulator keep listing deleted ones). */
async function liveNatGateways() {
  const all = (await ec2.send(new DescribeNatGatewaysCommand({}))).NatGateways ?? [];
  return all.filter((n) => n.Tags?.some((t) => t.Key === 'blueprint:stack' && t.Value === ws.stack) && n.State !== 'deleted');
}

test('apply creates the NAT gateway in the public subnet, on its own address, and the private default route to it', async () => {
  const run = await ws.cli(['apply', '--json']);
  assert.equal(run.code, 0, run.stderr);
  const summary = run.json();
  assert.deepEqual(summary.failures, []);
  assert.ok(summary.actions.some((a) => a.kind === 'natGateway' && a.action === 'create'));
  assert.match(run.stderr, /NAT gateway "nat-1a-Atsushi" is billed by the hour even when idle/, 'the plan says what an idle NAT gateway costs');

  const nats = await liveNatGateways();
  assert.equal(nats.length, 1);
  const nat = nats[0]!;
  assert.equal(nat.State, 'available');
  const publicSubnet = (await ec2.send(new DescribeSubnetsCommand({ Filters: byName('public-subnet-1a-Atsushi') }))).Subnets![0]!;
  assert.equal(nat.SubnetId, publicSubnet.SubnetId);
  const allocationId = nat.NatGatewayAddresses?.[0]?.AllocationId;
  const addresses = (await ec2.send(new DescribeAddressesCommand({ Filters: byStack(ws.stack) }))).Addresses ?? [];
  assert.deepEqual(addresses.map((a) => a.AllocationId), [allocationId], 'one address, the NAT gateway\'s, tagged with the stack');
  assert.ok(addresses[0]!.Tags?.some((t) => t.Key === 'blueprint:natGateway' && t.Value === 'nat-1a-Atsushi'));

  const privateTable = (await ec2.send(new DescribeRouteTablesCommand({ Filters: byName('rtb-private-Atsushi') }))).RouteTables![0]!;
  assert.equal(privateTable.Routes?.find((r) => r.DestinationCidrBlock === '0.0.0.0/0')?.NatGatewayId, nat.NatGatewayId);
});

test('a second apply changes nothing: 0 mutating calls', async () => {
  const run = await ws.cli(['apply', '--json']);
  assert.equal(run.code, 0, run.stderr);
  const summary = run.json();
  assert.ok(summary.actions.every((a) => a.action === 'keep'), JSON.stringify(summary.actions.filter((a) => a.action !== 'keep')));
  assert.equal(summary.calls.mutating, 0);
});

test('import of that VPC reads the NAT gateway and the route to it, and plans no change', async () => {
  const state = JSON.parse(readFileSync(ws.statePath, 'utf8')) as StateFile;
  const copy = join(ws.dir, 'imported.blueprint.yaml');
  const imported = await runCli(['import', '--vpc-id', state.resources['vpc-private-Atsushi']!.id, '--out', copy, '--region', 'ap-northeast-1', '--endpoint', testEndpoint()]);
  assert.equal(imported.code, 0, imported.stderr);
  assert.doesNotMatch(imported.stderr, /cannot describe/, 'no NAT route is left out');
  const bp = validateBlueprint(readFileSync(copy, 'utf8')).blueprint!;
  assert.deepEqual(bp.natGateways?.map((n) => [n.name, n.subnet, n.elasticIp]), [['nat-1a-Atsushi', 'public-subnet-1a-Atsushi', undefined]]);
  assert.deepEqual(bp.routeTables?.find((r) => r.name === 'rtb-private-Atsushi')?.routes, [{ destination: '0.0.0.0/0', target: 'nat-1a-Atsushi' }]);
  assert.equal(bp.networkInterfaces, undefined, 'the NAT gateway\'s own interface is part of it');
  const plan = await runCli(['plan', copy, '--json', '--endpoint', testEndpoint(), '--key-dir', ws.keyDir]);
  assert.equal(plan.code, 0, plan.stderr);
  const actions = JSON.parse(plan.stdout).actions as { action: string; name: string; reason: string }[];
  assert.deepEqual(actions.filter((a) => a.action !== 'keep'), []);
});

test('destroy leaves no NAT gateway and no address behind', async () => {
  const run = await ws.cli(['destroy', '--yes', '--json']);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(await liveNatGateways(), []);
  assert.deepEqual((await ec2.send(new DescribeAddressesCommand({ Filters: byStack(ws.stack) }))).Addresses, []);
  assert.deepEqual((await ec2.send(new DescribeVpcsCommand({ Filters: byStack(ws.stack) }))).Vpcs, []);
});

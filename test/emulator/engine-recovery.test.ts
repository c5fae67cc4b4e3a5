// The engine when things go wrong or only part is wanted: --only, a failure midway and its rerun,
// a crash between "created" and "state saved", a lost or corrupt state file, a held lock, changes
// made outside the tool, and key files that are not the engine's.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DeleteRouteTableCommand,
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeInternetGatewaysCommand,
  DescribeKeyPairsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  DisassociateRouteTableCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { resetEmulator, testEndpoint } from '../harness/moto';
import { byStack, describeClient, ec2Error, faultProxy, workspace, type Workspace } from './engine-workspace';
import type { StateFile } from '../../src/core/state';

const ec2 = describeClient();

before(() => resetEmulator());

const readState = (ws: Workspace) => JSON.parse(readFileSync(ws.statePath, 'utf8')) as StateFile;

/** How many live resources of each kind carry the stack's tag. */
async function countTagged(stack: string) {
  const f = byStack(stack);
  const instances = ((await ec2.send(new DescribeInstancesCommand({ Filters: f }))).Reservations ?? []).flatMap((r) => r.Instances ?? []);
  return {
    vpc: (await ec2.send(new DescribeVpcsCommand({ Filters: f }))).Vpcs?.length ?? 0,
    subnet: (await ec2.send(new DescribeSubnetsCommand({ Filters: f }))).Subnets?.length ?? 0,
    internetGateway: (await ec2.send(new DescribeInternetGatewaysCommand({ Filters: f }))).InternetGateways?.length ?? 0,
    routeTable: (await ec2.send(new DescribeRouteTablesCommand({ Filters: f }))).RouteTables?.length ?? 0,
    securityGroup: (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: f }))).SecurityGroups?.length ?? 0,
    networkInterface: (await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: f }))).NetworkInterfaces?.length ?? 0,
    elasticIp: (await ec2.send(new DescribeAddressesCommand({ Filters: f }))).Addresses?.length ?? 0,
    keyPair: (await ec2.send(new DescribeKeyPairsCommand({ Filters: f }))).KeyPairs?.length ?? 0,
    instance: instances.filter((i) => i.State?.Name !== 'terminated').length,
  };
}

const oneOfEach = { vpc: 1, subnet: 1, internetGateway: 1, routeTable: 1, securityGroup: 1, networkInterface: 1, elasticIp: 1, keyPair: 1, instance: 1 };
const nothing = { vpc: 0, subnet: 0, internetGateway: 0, routeTable: 0, securityGroup: 0, networkInterface: 0, elasticIp: 0, keyPair: 0, instance: 0 };

test('apply --only a security group creates the VPC and the group, nothing else, and says what it pulled in', async (t) => {
  const ws = workspace('only-sg');
  t.after(() => ws.dispose());
  const run = await ws.cli(['apply', '--only', 'seg-g_wp_Atsushi', '--json']);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(
    run.json().actions.map((a) => `${a.action} ${a.name}`),
    ['create vpc-Atsushi', 'create seg-g_wp_Atsushi'],
  );
  assert.match(run.stderr, /note: .*seg-g_wp_Atsushi.*vpc-Atsushi/);
  assert.deepEqual(await countTagged(ws.stack), { ...nothing, vpc: 1, securityGroup: 1 });
  assert.deepEqual(Object.keys(readState(ws).resources).sort(), ['seg-g_wp_Atsushi', 'vpc-Atsushi']);

  // The rest follows with a plain apply; the two are kept, not made again.
  const rest = await ws.cli(['apply', '--json']);
  assert.equal(rest.code, 0, rest.stderr);
  const actions = rest.json().actions;
  assert.equal(actions.filter((a) => a.action === 'keep').length, 2);
  assert.equal(actions.filter((a) => a.action === 'create').length, 7);
  assert.deepEqual(await countTagged(ws.stack), oneOfEach);
});

test('a failure midway (an image that does not exist) is reported, recorded, and a corrected rerun completes without duplicates', async (t) => {
  const ws = workspace('bad-image');
  t.after(() => ws.dispose());
  ws.edit(['image: rhel-8', 'image: ami-0000000000000dead']);
  // The preflight would refuse this before anything exists (exit 5, test/emulator/preflight.test.ts);
  // without it the failure comes midway, which is what this test is about.
  const refused = await ws.cli(['apply']);
  assert.equal(refused.code, 5, refused.stderr);
  assert.match(refused.stderr, /✗ ec2-wp-RHEL8: The image ami-0000000000000dead does not exist/);
  const failed = await ws.cli(['apply', '--json', '--no-preflight']);
  assert.equal(failed.code, 3, failed.stderr);
  const summary = failed.json();
  assert.equal(summary.ok, false);
  assert.equal(summary.failures.length, 1);
  assert.equal(summary.failures[0]!.name, 'ec2-wp-RHEL8');
  assert.equal(summary.failures[0]!.code, 'InvalidAMIID.NotFound');
  assert.match(summary.failures[0]!.message, /instance "ec2-wp-RHEL8".*ami-0000000000000dead/);

  const state = readState(ws);
  assert.equal(Object.keys(state.resources).length, 8, 'everything but the instance was recorded');
  assert.equal(state.failures?.['ec2-wp-RHEL8']?.code, 'InvalidAMIID.NotFound');
  assert.equal(state.operations, undefined, 'no action is left marked as running');

  ws.edit(['image: ami-0000000000000dead', 'image: rhel-8']);
  const plan = await ws.cli(['plan', '--json']);
  const planned = JSON.parse(plan.stdout) as { actions: { action: string; name: string; reason: string }[] };
  const retry = planned.actions.find((a) => a.name === 'ec2-wp-RHEL8')!;
  assert.equal(retry.action, 'create');
  assert.match(retry.reason, /InvalidAMIID\.NotFound/);

  const rerun = await ws.cli(['apply', '--json']);
  assert.equal(rerun.code, 0, rerun.stderr);
  assert.deepEqual(rerun.json().actions.filter((a) => a.action !== 'keep').map((a) => `${a.action} ${a.name}`), ['create ec2-wp-RHEL8']);
  assert.deepEqual(await countTagged(ws.stack), oneOfEach);
  assert.equal(readState(ws).failures, undefined, 'the failure is cleared once it succeeds');
});

test('a resource created just before a crash (state not saved) is adopted by its tags, not created twice', async (t) => {
  const ws = workspace('crashed');
  t.after(() => ws.dispose());
  // What a crash right after CreateVpc/CreateSecurityGroup leaves: tagged resources, and a state
  // file that still says the VPC's create was running.
  const tags = (name: string) => [
    { Key: 'Name', Value: name },
    { Key: 'blueprint:stack', Value: ws.stack },
    { Key: 'blueprint:name', Value: name },
  ];
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: tags('vpc-Atsushi') }] }));
  const group = await ec2.send(
    new CreateSecurityGroupCommand({ VpcId: vpc.Vpc!.VpcId, GroupName: 'seg-g_wp_Atsushi', Description: 'SSH, HTTP and HTTPS from anywhere', TagSpecifications: [{ ResourceType: 'security-group', Tags: tags('seg-g_wp_Atsushi') }] }),
  );
  writeFileSync(
    ws.statePath,
    JSON.stringify({ version: 1, stack: ws.stack, region: 'ap-northeast-1', updatedAt: new Date().toISOString(), resources: {}, operations: { 'vpc-Atsushi': { kind: 'vpc', action: 'create', startedAt: new Date().toISOString(), pid: 999999 } } }),
  );

  const run = await ws.cli(['apply', '--json']);
  assert.equal(run.code, 0, run.stderr);
  const byAction = Object.fromEntries(run.json().actions.map((a) => [a.name, a.action]));
  assert.equal(byAction['vpc-Atsushi'], 'keep');
  assert.equal(byAction['seg-g_wp_Atsushi'], 'update', 'the adopted group gets its rules');
  assert.deepEqual(await countTagged(ws.stack), oneOfEach);
  const state = readState(ws);
  assert.equal(state.resources['vpc-Atsushi']?.id, vpc.Vpc!.VpcId);
  assert.equal(state.resources['seg-g_wp_Atsushi']?.id, group.GroupId);
  assert.equal(state.operations, undefined);
});

test('a lost state file is rebuilt from the tags; a corrupt one is moved aside first', async (t) => {
  const ws = workspace('lost-state');
  t.after(() => ws.dispose());
  assert.equal((await ws.cli(['apply'])).code, 0);
  const ids = Object.fromEntries(Object.entries(readState(ws).resources).map(([n, r]) => [n, r.id]));

  unlinkSync(ws.statePath);
  const rebuilt = await ws.cli(['apply', '--json']);
  assert.equal(rebuilt.code, 0, rebuilt.stderr);
  assert.equal(rebuilt.json().calls.mutating, 0, 'nothing is created again');
  assert.deepEqual(Object.fromEntries(Object.entries(readState(ws).resources).map(([n, r]) => [n, r.id])), ids);

  writeFileSync(ws.statePath, '{"version": 1, "stack": ');
  const afterCorrupt = await ws.cli(['apply', '--json']);
  assert.equal(afterCorrupt.code, 0, afterCorrupt.stderr);
  assert.match(afterCorrupt.stderr, /not usable.*moved to/);
  assert.equal(afterCorrupt.json().calls.mutating, 0);
  assert.ok(readdirSync(ws.dir).some((f) => f.startsWith('tutorial.blueprint.state.json.corrupt-')), 'the corrupt file is kept beside it');
  assert.deepEqual(Object.fromEntries(Object.entries(readState(ws).resources).map(([n, r]) => [n, r.id])), ids);

  // Destroy works from the tags alone too.
  unlinkSync(ws.statePath);
  const destroyed = await ws.cli(['destroy', '--yes']);
  assert.equal(destroyed.code, 0, destroyed.stderr);
  assert.deepEqual(await countTagged(ws.stack), nothing);
});

test('a second apply while one holds the lock refuses, naming the holder; a dead holder\'s lock is taken over', async (t) => {
  const ws = workspace('locked');
  t.after(() => ws.dispose());
  const holder = spawn('sleep', ['30'], { stdio: 'ignore' });
  t.after(() => holder.kill());
  const lockPath = `${ws.statePath}.lock`;
  writeFileSync(lockPath, JSON.stringify({ pid: holder.pid, host: (await import('node:os')).hostname(), command: 'apply', startedAt: new Date().toISOString() }));
  const refused = await ws.cli(['apply']);
  assert.equal(refused.code, 3);
  assert.match(refused.stderr, new RegExp(`process ${holder.pid}`));
  assert.equal((await ec2.send(new DescribeVpcsCommand({ Filters: byStack(ws.stack) }))).Vpcs?.length, 0, 'nothing was sent');

  holder.kill();
  await new Promise((resolve) => holder.once('exit', resolve));
  const taken = await ws.cli(['apply', '--only', 'vpc-Atsushi']);
  assert.equal(taken.code, 0, taken.stderr);
  assert.match(taken.stderr, /Took over the lock/);
  assert.ok(!existsSync(lockPath));
});

test('changes made outside the tool show in the plan with their reason, and apply repairs them', async (t) => {
  const ws = workspace('drift');
  t.after(() => ws.dispose());
  assert.equal((await ws.cli(['apply'])).code, 0);
  // As if applied an hour ago: a resource only seconds old that AWS does not show is taken as not
  // visible yet (AWS's eventual consistency), never as deleted, and would stop the plan instead.
  const aged = readState(ws);
  const anHourAgo = new Date(Date.now() - 3_600_000).toISOString();
  for (const r of Object.values(aged.resources)) r.createdAt = anHourAgo;
  writeFileSync(ws.statePath, JSON.stringify(aged, null, 2));
  const state = readState(ws);
  const groupId = state.resources['seg-g_wp_Atsushi']!.id;
  await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
  const tableId = state.resources['rtb-public-Atsushi']!.id;
  const table = (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [tableId] }))).RouteTables![0]!;
  for (const a of table.Associations ?? []) if (!a.Main) await ec2.send(new DisassociateRouteTableCommand({ AssociationId: a.RouteTableAssociationId! }));
  await ec2.send(new DeleteRouteTableCommand({ RouteTableId: tableId }));

  const plan = await ws.cli(['plan', '--json']);
  const actions = (JSON.parse(plan.stdout) as { actions: { action: string; name: string; reason: string }[] }).actions;
  const group = actions.find((a) => a.name === 'seg-g_wp_Atsushi')!;
  assert.equal(group.action, 'update');
  assert.match(group.reason, /tcp 80 from 0\.0\.0\.0\/0/);
  const route = actions.find((a) => a.name === 'rtb-public-Atsushi')!;
  assert.equal(route.action, 'create');
  assert.match(route.reason, /deleted outside EC2 Blueprint/);

  const repaired = await ws.cli(['apply', '--json']);
  assert.equal(repaired.code, 0, repaired.stderr);
  const again = await ws.cli(['plan', '--json']);
  assert.ok((JSON.parse(again.stdout) as { actions: { action: string }[] }).actions.every((a) => a.action === 'keep'));
});

test('a key file this stack did not write is never overwritten; a key pair whose file is lost is recreated while nothing uses it', async (t) => {
  const ws = workspace('key-files');
  t.after(() => ws.dispose());
  mkdirSync(ws.keyDir, { recursive: true });
  const pem = join(ws.keyDir, `${ws.keyName}.pem`);
  writeFileSync(pem, 'someone else\'s key\n', { mode: 0o600 });
  const refused = await ws.cli(['apply', '--only', ws.keyName, '--json']);
  assert.equal(refused.code, 3);
  assert.equal(refused.json().failures[0]?.code, 'KeyFileExists');
  assert.match(refused.json().failures[0]!.message, /already exists.*never overwrites/);
  assert.equal(readFileSync(pem, 'utf8'), 'someone else\'s key\n');
  assert.equal((await ec2.send(new DescribeKeyPairsCommand({ Filters: byStack(ws.stack) }))).KeyPairs?.length, 0, 'no key pair without its file');

  unlinkSync(pem);
  assert.equal((await ws.cli(['apply', '--only', ws.keyName])).code, 0);
  const first = (await ec2.send(new DescribeKeyPairsCommand({ KeyNames: [ws.keyName] }))).KeyPairs![0]!.KeyPairId;
  unlinkSync(pem);
  const recreated = await ws.cli(['apply', '--only', ws.keyName, '--json']);
  assert.equal(recreated.code, 0, recreated.stderr);
  const action = recreated.json().actions[0]!;
  assert.equal(action.action, 'replace');
  assert.match(action.reason, /private key file is missing/);
  assert.ok(existsSync(pem));
  const second = (await ec2.send(new DescribeKeyPairsCommand({ KeyNames: [ws.keyName] }))).KeyPairs![0]!.KeyPairId;
  assert.notEqual(second, first);
});

test('a create whose answer is lost (AWS did it, the client saw a server error) is looked up by its tags, not sent again', async (t) => {
  const ws = workspace('lost-answer');
  t.after(() => ws.dispose());
  const failOnce = new Set(['CreateVpc', 'CreateSecurityGroup', 'CreateKeyPair', 'AllocateAddress']);
  const seen: string[] = [];
  const proxy = await faultProxy(testEndpoint(), async (action, forward) => {
    seen.push(action);
    if (!failOnce.delete(action)) return undefined;
    await forward(); // AWS carries it out…
    return { status: 500, body: ec2Error('InternalError', 'injected: the answer was lost') }; // …the client never learns
  });
  t.after(() => proxy.close());

  const run = await ws.cli(['apply', '--json'], { endpoint: proxy.endpoint });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /did not answer whether vpc-Atsushi was created/);
  assert.match(run.stderr, /found vpc-[0-9a-f]+: adopting it/);
  for (const action of ['CreateVpc', 'CreateSecurityGroup', 'AllocateAddress']) assert.equal(seen.filter((a) => a === action).length, 1, `${action} was sent once`);
  assert.equal(seen.filter((a) => a === 'CreateKeyPair').length, 2, 'a key pair whose private key was lost is made again');
  assert.deepEqual(await countTagged(ws.stack), oneOfEach);
  assert.ok(existsSync(join(ws.keyDir, `${ws.keyName}.pem`)));
});

// What the tutorial does not exercise: network ACLs, declared egress, a group named as a source,
// in-place updates (instance type, root volume, tags) and replacements with their cascade.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeNetworkAclsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVolumesCommand,
  DescribeVpcsCommand,
} from '@aws-sdk/client-ec2';
import { resetEmulator } from '../harness/moto';
import { byName, byStack, describeClient, workspace } from './engine-workspace';
import type { StateFile } from '../../src/core/state';

const ec2 = describeClient();
const ws = workspace('updates');

before(() => resetEmulator());
after(() => ws.dispose());

const readState = () => JSON.parse(readFileSync(ws.statePath, 'utf8')) as StateFile;
type Planned = { actions: { action: string; name: string; reason: string }[] };

test('network ACL, declared egress and a group as a source are provisioned as written', async () => {
  ws.edit(
    [
      'networkInterfaces:',
      `  - name: seg-admin
    description: Administrators
    ingress:
      - { protocol: tcp, port: 22, source: 203.0.113.0/24 }
    egress:
      - { protocol: tcp, port: 443, destination: 0.0.0.0/0 }
  - name: seg-app
    description: Reached from the admin group
    ingress:
      - { protocol: tcp, port: 8000-8080, source: seg-admin }
networkAcls:
  - name: acl-public
    subnets: [public-subnet-1a-Atsushi]
    inbound:
      - { rule: 100, action: allow, protocol: tcp, port: 22, source: 0.0.0.0/0 }
      - { rule: 110, action: allow, protocol: tcp, port: 1024-65535, source: 0.0.0.0/0 }
    outbound:
      - { rule: 100, action: allow, protocol: all, destination: 0.0.0.0/0 }
networkInterfaces:`,
    ],
    ['  name: vpc-Atsushi\n', '  name: vpc-Atsushi\n  tags: { Project: tutorial }\n'],
  );
  const run = await ws.cli(['apply', '--json']);
  assert.equal(run.code, 0, run.stderr);

  const acl = (await ec2.send(new DescribeNetworkAclsCommand({ Filters: byName('acl-public') }))).NetworkAcls![0]!;
  const subnetId = readState().resources['public-subnet-1a-Atsushi']!.id;
  assert.deepEqual(acl.Associations?.map((a) => a.SubnetId), [subnetId], 'the subnet left the default ACL for this one');
  const entries = (acl.Entries ?? []).filter((e) => e.RuleNumber !== 32767).map((e) => `${e.Egress ? 'out' : 'in'} ${e.RuleNumber} ${e.RuleAction} ${e.Protocol} ${e.PortRange?.From ?? ''}-${e.PortRange?.To ?? ''} ${e.CidrBlock}`).sort();
  assert.deepEqual(entries, ['in 100 allow 6 22-22 0.0.0.0/0', 'in 110 allow 6 1024-65535 0.0.0.0/0', 'out 100 allow -1 - 0.0.0.0/0']);

  const admin = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: byName('seg-admin') }))).SecurityGroups![0]!;
  assert.deepEqual(
    admin.IpPermissionsEgress?.map((p) => `${p.IpProtocol} ${p.FromPort} ${p.IpRanges?.[0]?.CidrIp}`),
    ['tcp 443 0.0.0.0/0'],
    'the default allow-all egress is revoked when egress is declared',
  );
  const app = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: byName('seg-app') }))).SecurityGroups![0]!;
  assert.deepEqual(app.IpPermissions?.map((p) => `${p.FromPort}-${p.ToPort} ${p.UserIdGroupPairs?.[0]?.GroupId}`), [`8000-8080 ${admin.GroupId}`]);
  assert.deepEqual(app.IpPermissionsEgress?.map((p) => `${p.IpProtocol} ${p.IpRanges?.[0]?.CidrIp}`), ['-1 0.0.0.0/0'], 'no egress declared: the default stays');
  const vpc = (await ec2.send(new DescribeVpcsCommand({ Filters: byStack(ws.stack) }))).Vpcs![0]!;
  assert.equal(vpc.Tags?.find((t) => t.Key === 'Project')?.Value, 'tutorial');

  const again = await ws.cli(['apply', '--json']);
  assert.equal(again.json().calls.mutating, 0, 'a second apply changes nothing');
});

test('instance type, root volume size, tags and ACL rules change in place, and the plan says how', async () => {
  ws.edit(['instanceType: t2.large', 'instanceType: t3.large'], ['rootVolume: { sizeGiB: 30 }', 'rootVolume: { sizeGiB: 40 }'], ['tags: { Project: tutorial }', 'tags: { Project: blueprint }'], ['port: 1024-65535, source', 'port: 32768-65535, source']);
  const plan = await ws.cli(['plan', '--json']);
  const actions = (JSON.parse(plan.stdout) as Planned).actions;
  const byAction = Object.fromEntries(actions.filter((a) => a.action !== 'keep').map((a) => [a.name, a]));
  assert.deepEqual(Object.keys(byAction).sort(), ['acl-public', 'ec2-wp-RHEL8', 'vpc-Atsushi']);
  assert.equal(byAction['ec2-wp-RHEL8']!.action, 'update');
  assert.match(byAction['ec2-wp-RHEL8']!.reason, /t2\.large → t3\.large \(the instance is stopped, changed and started again\)/);
  assert.match(byAction['ec2-wp-RHEL8']!.reason, /30 → 40 GiB/);
  assert.equal(byAction['vpc-Atsushi']!.action, 'update');
  assert.equal(byAction['acl-public']!.action, 'update');

  const instanceId = readState().resources['ec2-wp-RHEL8']!.id;
  const run = await ws.cli(['apply', '--json']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /stopping i-/);
  const instance = ((await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations ?? [])[0]!.Instances![0]!;
  assert.equal(instance.InstanceType, 't3.large');
  assert.equal(instance.State?.Name, 'running');
  const rootId = instance.BlockDeviceMappings?.find((b) => b.DeviceName === instance.RootDeviceName)?.Ebs?.VolumeId;
  assert.equal((await ec2.send(new DescribeVolumesCommand({ VolumeIds: [rootId!] }))).Volumes![0]!.Size, 40);
  const vpc = (await ec2.send(new DescribeVpcsCommand({ Filters: byStack(ws.stack) }))).Vpcs![0]!;
  assert.equal(vpc.Tags?.find((t) => t.Key === 'Project')?.Value, 'blueprint');
  const acl = (await ec2.send(new DescribeNetworkAclsCommand({ Filters: byName('acl-public') }))).NetworkAcls![0]!;
  assert.equal(acl.Entries?.find((e) => e.RuleNumber === 110 && !e.Egress)?.PortRange?.From, 32768);
  const after = await ws.cli(['plan', '--json']);
  assert.ok((JSON.parse(after.stdout) as Planned).actions.every((a) => a.action === 'keep'), after.stdout);
});

test('a new fixed IP replaces the interface and, with it, the instance; the Elastic IP follows', async () => {
  ws.edit(['privateIp: 10.0.1.11', 'privateIp: 10.0.1.12']);
  const plan = await ws.cli(['plan', '--json']);
  const actions = Object.fromEntries((JSON.parse(plan.stdout) as Planned).actions.map((a) => [a.name, a]));
  assert.equal(actions['eni-wp-Atsushi']!.action, 'replace');
  assert.match(actions['eni-wp-Atsushi']!.reason, /private IP 10\.0\.1\.11 → 10\.0\.1\.12/);
  assert.equal(actions['ec2-wp-RHEL8']!.action, 'replace');
  assert.equal(actions['eip-Atsushi']!.action, 'update');

  const run = await ws.cli(['apply', '--json']);
  assert.equal(run.code, 0, run.stderr);
  const enis = (await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: byStack(ws.stack) }))).NetworkInterfaces ?? [];
  assert.deepEqual(enis.map((e) => e.PrivateIpAddress), ['10.0.1.12'], 'the old interface is gone');
  const live = ((await ec2.send(new DescribeInstancesCommand({ Filters: [...byStack(ws.stack), { Name: 'instance-state-name', Values: ['running', 'pending', 'stopped'] }] }))).Reservations ?? []).flatMap((r) => r.Instances ?? []);
  assert.equal(live.length, 1);
  assert.equal(live[0]!.NetworkInterfaces?.find((n) => n.Attachment?.DeviceIndex === 0)?.NetworkInterfaceId, enis[0]!.NetworkInterfaceId);
  const address = (await ec2.send(new DescribeAddressesCommand({ Filters: byStack(ws.stack) }))).Addresses![0]!;
  assert.equal(address.NetworkInterfaceId, enis[0]!.NetworkInterfaceId);
  assert.equal(readState().resources['ec2-wp-RHEL8']!.attributes.publicIp, address.PublicIp);
});

test('a component removed from the blueprint is deleted; destroy hands subnets back to the default ACL', async () => {
  ws.edit([
    `  - name: seg-app
    description: Reached from the admin group
    ingress:
      - { protocol: tcp, port: 8000-8080, source: seg-admin }
`,
    '',
  ]);
  const plan = await ws.cli(['plan', '--json']);
  const removed = (JSON.parse(plan.stdout) as Planned).actions.filter((a) => a.action === 'delete');
  assert.deepEqual(removed.map((a) => a.name), ['seg-app']);
  assert.match(removed[0]!.reason, /no longer declares/);
  assert.equal((await ws.cli(['apply'])).code, 0);
  assert.equal((await ec2.send(new DescribeSecurityGroupsCommand({ Filters: byName('seg-app') }))).SecurityGroups?.length, 0);

  const destroyed = await ws.cli(['destroy', '--yes', '--json']);
  assert.equal(destroyed.code, 0, destroyed.stderr);
  assert.deepEqual((await ec2.send(new DescribeNetworkAclsCommand({ Filters: byStack(ws.stack) }))).NetworkAcls, []);
  assert.deepEqual((await ec2.send(new DescribeVpcsCommand({ Filters: byStack(ws.stack) }))).Vpcs, []);
});

test('a subnet moved to another route table leaves the first one', async (t) => {
  const moved = workspace('moved-subnet');
  t.after(() => moved.dispose());
  assert.equal((await moved.cli(['apply', '--only', 'rtb-public-Atsushi'])).code, 0);
  moved.edit(['    subnets: [public-subnet-1a-Atsushi]\n', '    subnets: []\n  - name: rtb-second\n    routes:\n      - { destination: 0.0.0.0/0, target: igw-Atsushi }\n    subnets: [public-subnet-1a-Atsushi]\n']);
  const run = await moved.cli(['apply', '--only', 'rtb-second', '--json']);
  assert.equal(run.code, 0, run.stderr);
  const state = JSON.parse(readFileSync(moved.statePath, 'utf8')) as StateFile;
  const subnetId = state.resources['public-subnet-1a-Atsushi']!.id;
  const holders = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'association.subnet-id', Values: [subnetId] }] }))).RouteTables ?? [];
  assert.deepEqual(holders.map((r) => r.RouteTableId), [state.resources['rtb-second']!.id]);
  const plan = await moved.cli(['plan', '--json']);
  const first = (JSON.parse(plan.stdout) as Planned).actions.find((a) => a.name === 'rtb-public-Atsushi')!;
  assert.equal(first.action, 'keep', 'the first table no longer claims the subnet');
});

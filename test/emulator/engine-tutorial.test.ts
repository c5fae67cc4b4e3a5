// The tutorial's stack through the CLI against the EC2 emulator: apply creates exactly what the
// blueprint declares (checked with Describe calls of the test's own), a second apply changes
// nothing, one more port is one authorize call, and destroy leaves nothing tagged with the stack.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  DescribeAddressesCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeInternetGatewaysCommand,
  DescribeKeyPairsCommand,
  DescribeNetworkAclsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVolumesCommand,
  DescribeVpcsCommand,
  type Tag,
} from '@aws-sdk/client-ec2';
import { resetEmulator } from '../harness/moto';
import { byName, byStack, describeClient, workspace } from './engine-workspace';
import type { StateFile } from '../../src/core/state';

const ec2 = describeClient();
const ws = workspace('tutorial-engine');
const amis = JSON.parse(readFileSync(join(__dirname, '..', 'harness', 'amis.json'), 'utf8')) as { ami_id: string; name: string; owner_id: string; architecture: string; creation_date: string }[];

before(() => resetEmulator());
after(() => ws.dispose());

const nameOf = (tags: Tag[] | undefined) => tags?.find((t) => t.Key === 'Name')?.Value;

test('apply creates the tutorial stack exactly as declared', async () => {
  const run = await ws.cli(['apply', '--json']);
  assert.equal(run.code, 0, run.stderr);
  const summary = run.json();
  assert.equal(summary.ok, true);
  assert.deepEqual(summary.failures, []);
  assert.equal(summary.actions.length, 9);
  assert.ok(summary.actions.every((a) => a.action === 'create'));
  assert.ok(summary.calls.mutating > 0 && summary.calls.read > 0);
  assert.match(run.stderr, /create EC2 instance ec2-wp-RHEL8/, 'progress lines go to stderr');

  const vpcs = (await ec2.send(new DescribeVpcsCommand({ Filters: byName('vpc-Atsushi') }))).Vpcs ?? [];
  assert.equal(vpcs.length, 1);
  const vpc = vpcs[0]!;
  assert.equal(vpc.CidrBlock, '10.0.0.0/16');
  const vpcId = vpc.VpcId!;

  const subnets = (await ec2.send(new DescribeSubnetsCommand({ Filters: byName('public-subnet-1a-Atsushi') }))).Subnets ?? [];
  assert.equal(subnets.length, 1);
  assert.equal(subnets[0]!.CidrBlock, '10.0.1.0/24');
  assert.equal(subnets[0]!.AvailabilityZone, 'ap-northeast-1a');
  assert.equal(subnets[0]!.VpcId, vpcId);
  const subnetId = subnets[0]!.SubnetId!;

  const gateways = (await ec2.send(new DescribeInternetGatewaysCommand({ Filters: byName('igw-Atsushi') }))).InternetGateways ?? [];
  assert.equal(gateways.length, 1);
  assert.deepEqual(gateways[0]!.Attachments?.map((a) => a.VpcId), [vpcId]);
  const igwId = gateways[0]!.InternetGatewayId!;

  const tables = (await ec2.send(new DescribeRouteTablesCommand({ Filters: byName('rtb-public-Atsushi') }))).RouteTables ?? [];
  assert.equal(tables.length, 1);
  const route = tables[0]!.Routes?.find((r) => r.DestinationCidrBlock === '0.0.0.0/0');
  assert.equal(route?.GatewayId, igwId);
  assert.deepEqual(tables[0]!.Associations?.filter((a) => !a.Main).map((a) => a.SubnetId), [subnetId]);

  const groups = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: byName('seg-g_wp_Atsushi') }))).SecurityGroups ?? [];
  assert.equal(groups.length, 1);
  const group = groups[0]!;
  assert.equal(group.VpcId, vpcId);
  assert.equal(group.GroupName, 'seg-g_wp_Atsushi');
  const ingress = (group.IpPermissions ?? []).flatMap((p) => (p.IpRanges ?? []).map((r) => `${p.IpProtocol} ${p.FromPort}-${p.ToPort} ${r.CidrIp}`)).sort();
  assert.deepEqual(ingress, ['tcp 22-22 0.0.0.0/0', 'tcp 443-443 0.0.0.0/0', 'tcp 80-80 0.0.0.0/0']);

  const enis = (await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: byName('eni-wp-Atsushi') }))).NetworkInterfaces ?? [];
  assert.equal(enis.length, 1);
  const eni = enis[0]!;
  assert.equal(eni.PrivateIpAddress, '10.0.1.11');
  assert.equal(eni.SubnetId, subnetId);
  assert.deepEqual(eni.Groups?.map((g) => g.GroupId), [group.GroupId]);

  const addresses = (await ec2.send(new DescribeAddressesCommand({ Filters: byName('eip-Atsushi') }))).Addresses ?? [];
  assert.equal(addresses.length, 1);
  assert.equal(addresses[0]!.Domain, 'vpc');
  assert.equal(addresses[0]!.NetworkInterfaceId, eni.NetworkInterfaceId);
  const publicIp = addresses[0]!.PublicIp!;

  const keys = (await ec2.send(new DescribeKeyPairsCommand({ KeyNames: [ws.keyName] }))).KeyPairs ?? [];
  assert.equal(keys.length, 1);
  assert.equal(nameOf(keys[0]!.Tags), ws.keyName);
  const pem = join(ws.keyDir, `${ws.keyName}.pem`);
  assert.equal(statSync(pem).mode & 0o777, 0o600, 'the private key file is readable by its owner only');
  const publicKey = execFileSync('ssh-keygen', ['-y', '-f', pem], { encoding: 'utf8' });
  assert.match(publicKey, /^ssh-rsa /, 'OpenSSH accepts the private key');

  const reservations = (await ec2.send(new DescribeInstancesCommand({ Filters: [...byName('ec2-wp-RHEL8'), { Name: 'instance-state-name', Values: ['running'] }] }))).Reservations ?? [];
  const instances = reservations.flatMap((r) => r.Instances ?? []);
  assert.equal(instances.length, 1);
  const instance = instances[0]!;
  assert.equal(instance.InstanceType, 't2.large');
  assert.equal(instance.KeyName, ws.keyName);
  assert.equal(instance.MetadataOptions?.HttpTokens, 'required');
  // The image list holds a newer beta, a newer Cloud Access (Access2) image, a newer deprecated one
  // and a newer arm64 one beside the GA x86_64 image the tutorial must get.
  const newer = amis.filter((a) => a.name.startsWith('RHEL-8') && a.creation_date > '2024-07-02T19:41:12.000Z').map((a) => a.name);
  assert.ok(newer.some((n) => /BETA/.test(n)) && newer.some((n) => /Access2/.test(n)) && newer.some((n) => /arm64/.test(n)) && newer.length >= 4, newer.join());
  assert.equal(instance.ImageId, 'ami-0b2f6d8c4e1a7f802', 'rhel-8 is the newest generally available, Hourly2, non-deprecated RHEL 8 x86_64 image');
  const why = run.stderr.split('\n').find((line) => line.includes('RHEL-8.10.0_HVM-20240702-x86_64-0-Hourly2-GP3')) ?? '';
  assert.match(why, /Passed over: .*BETA-20241015\S* \(a beta\)/, 'the user is told which image and why');
  assert.match(why, /Access2-GP3 \(Cloud Access/);
  const image = (await ec2.send(new DescribeImagesCommand({ ImageIds: [instance.ImageId!] }))).Images![0]!;
  assert.equal(instance.RootDeviceName, image.RootDeviceName);
  const device0 = instance.NetworkInterfaces?.find((n) => n.Attachment?.DeviceIndex === 0);
  assert.equal(device0?.NetworkInterfaceId, eni.NetworkInterfaceId, 'the ENI is device 0');
  assert.equal(instance.PublicIpAddress, publicIp);
  const rootVolumeId = instance.BlockDeviceMappings?.find((b) => b.DeviceName === instance.RootDeviceName)?.Ebs?.VolumeId;
  const volume = (await ec2.send(new DescribeVolumesCommand({ VolumeIds: [rootVolumeId!] }))).Volumes![0]!;
  assert.equal(volume.Size, 30);
  assert.equal(volume.VolumeType, 'gp3');
  assert.equal(volume.Encrypted, true);
  assert.equal(nameOf(volume.Tags), 'ec2-wp-RHEL8', 'the root volume is tagged too');

  for (const [name, tags] of [
    ['vpc-Atsushi', vpc.Tags],
    ['public-subnet-1a-Atsushi', subnets[0]!.Tags],
    ['igw-Atsushi', gateways[0]!.Tags],
    ['rtb-public-Atsushi', tables[0]!.Tags],
    ['seg-g_wp_Atsushi', group.Tags],
    ['eni-wp-Atsushi', eni.TagSet],
    ['eip-Atsushi', addresses[0]!.Tags],
    [ws.keyName, keys[0]!.Tags],
    ['ec2-wp-RHEL8', instance.Tags],
  ] as const) {
    assert.equal(nameOf(tags as Tag[]), name);
    assert.equal((tags as Tag[]).find((t) => t.Key === 'blueprint:stack')?.Value, ws.stack, `${name} carries the stack tag`);
    assert.equal((tags as Tag[]).find((t) => t.Key === 'blueprint:name')?.Value, name);
  }

  // The state file: ids, the instance's addresses, the key file path (never the key).
  const stateText = readFileSync(ws.statePath, 'utf8');
  const state = JSON.parse(stateText) as StateFile;
  assert.equal(state.resources['vpc-Atsushi']?.id, vpcId);
  assert.equal(state.resources['ec2-wp-RHEL8']?.id, instance.InstanceId);
  assert.equal(state.resources['ec2-wp-RHEL8']?.attributes.publicIp, publicIp);
  assert.equal(state.resources['ec2-wp-RHEL8']?.attributes.imageId, 'ami-0b2f6d8c4e1a7f802');
  assert.equal(state.resources[ws.keyName]?.attributes.keyFile, pem);
  assert.equal(state.operations, undefined);
  assert.equal(state.failures, undefined);
  assert.ok(!stateText.includes('PRIVATE KEY'), 'no key material in the state file');
  assert.ok(!existsSync(`${ws.statePath}.lock`), 'the lock is released');
});

test('a second apply sends no mutating call', async () => {
  const run = await ws.cli(['apply', '--json']);
  assert.equal(run.code, 0, run.stderr);
  const summary = run.json();
  assert.equal(summary.calls.mutating, 0);
  assert.ok(summary.actions.every((a) => a.action === 'keep'), JSON.stringify(summary.actions));
});

test('plan shows one in-place update after a port is added; apply sends exactly one call for it', async () => {
  ws.edit(['      - { protocol: tcp, port: 443, source: 0.0.0.0/0, description: HTTPS }', '      - { protocol: tcp, port: 443, source: 0.0.0.0/0, description: HTTPS }\n      - { protocol: tcp, port: 8080, source: 0.0.0.0/0, description: App }']);
  const plan = await ws.cli(['plan', '--json']);
  assert.equal(plan.code, 0, plan.stderr);
  const planned = JSON.parse(plan.stdout) as { actions: { action: string; name: string; reason: string }[]; summary: Record<string, number> };
  assert.deepEqual(planned.summary, { create: 0, update: 1, replace: 0, delete: 0, keep: 8 });
  const update = planned.actions.find((a) => a.action === 'update')!;
  assert.equal(update.name, 'seg-g_wp_Atsushi');
  assert.match(update.reason, /8080/);

  const run = await ws.cli(['apply', '--json']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.json().calls.mutating, 1, 'one AuthorizeSecurityGroupIngress and nothing else');
  const group = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: byName('seg-g_wp_Atsushi') }))).SecurityGroups![0]!;
  assert.ok(group.IpPermissions?.some((p) => p.FromPort === 8080 && p.ToPort === 8080 && p.IpRanges?.[0]?.CidrIp === '0.0.0.0/0'));
  assert.equal(group.IpPermissions?.length, 4);
});

test('destroy without a terminal and without --yes refuses and deletes nothing', async () => {
  const run = await ws.cli(['destroy']);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /--yes/);
  assert.equal((await ec2.send(new DescribeVpcsCommand({ Filters: byStack(ws.stack) }))).Vpcs?.length, 1);
});

test('destroy leaves nothing tagged with the stack, and removes the key file it wrote', async () => {
  const run = await ws.cli(['destroy', '--yes', '--json']);
  assert.equal(run.code, 0, run.stderr);
  const summary = run.json();
  assert.equal(summary.ok, true);
  assert.equal(summary.actions.length, 9);
  assert.ok(summary.actions.every((a) => a.action === 'delete'));
  const filters = byStack(ws.stack);
  assert.deepEqual((await ec2.send(new DescribeVpcsCommand({ Filters: filters }))).Vpcs, []);
  assert.deepEqual((await ec2.send(new DescribeSubnetsCommand({ Filters: filters }))).Subnets, []);
  assert.deepEqual((await ec2.send(new DescribeInternetGatewaysCommand({ Filters: filters }))).InternetGateways, []);
  assert.deepEqual((await ec2.send(new DescribeRouteTablesCommand({ Filters: filters }))).RouteTables, []);
  assert.deepEqual((await ec2.send(new DescribeSecurityGroupsCommand({ Filters: filters }))).SecurityGroups, []);
  assert.deepEqual((await ec2.send(new DescribeNetworkAclsCommand({ Filters: filters }))).NetworkAcls, []);
  assert.deepEqual((await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: filters }))).NetworkInterfaces, []);
  assert.deepEqual((await ec2.send(new DescribeAddressesCommand({ Filters: filters }))).Addresses, []);
  assert.deepEqual((await ec2.send(new DescribeKeyPairsCommand({ Filters: filters }))).KeyPairs, []);
  // The emulator keeps listing terminated instances; none may be anything but terminated.
  const instances = ((await ec2.send(new DescribeInstancesCommand({ Filters: filters }))).Reservations ?? []).flatMap((r) => r.Instances ?? []);
  assert.ok(instances.every((i) => i.State?.Name === 'terminated'), instances.map((i) => i.State?.Name).join(','));
  const volumes = (await ec2.send(new DescribeVolumesCommand({ Filters: filters }))).Volumes ?? [];
  assert.ok(volumes.every((v) => v.State !== 'in-use' && v.State !== 'available'), 'the root volume went with its instance');
  assert.ok(!existsSync(join(ws.keyDir, `${ws.keyName}.pem`)), 'the key file the engine wrote is gone');
  assert.ok(!existsSync(ws.statePath), 'nothing is left, so the state file is gone too');
});

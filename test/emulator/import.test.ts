// `import --vpc-id`: a VPC becomes a blueprint and a state file adopting it. Round trip: the
// tutorial applied by the engine, imported into a new blueprint, plans as "keep" everywhere and draws
// the same components with the same AWS ids. A VPC built by hand in the console imports too, and
// import changes nothing in AWS.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateRouteCommand,
  DescribeImagesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeTagsCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { resetEmulator, testClientConfig } from '../harness/moto';
import { validateBlueprint } from '../../src/core/validate';
import { components } from '../../src/core/model';
import { buildDiagram } from '../../src/core/diagram';
import type { StateFile } from '../../src/core/state';
import type { Blueprint } from '../../src/core/schema';
import { buildTutorialByHand } from './console-built';
import { runBuiltCli, type BuiltCliRun } from '../harness/cli';

const root = join(__dirname, '..', '..');
const ec2 = new EC2Client(testClientConfig());

interface PlanJson {
  actions: { action: string; kind: string; name: string; reason: string }[];
  summary: Record<'create' | 'update' | 'replace' | 'delete' | 'keep', number>;
}

function run(args: string[], options: { json?: boolean } = {}): BuiltCliRun {
  return runBuiltCli([...args, ...(options.json ? ['--json'] : [])]);
}

function validated(path: string): Blueprint {
  const result = validateBlueprint(readFileSync(path, 'utf8'));
  assert.deepEqual(result.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}:${d.column} ${d.message}`), [], `${path} validates`);
  return result.blueprint!;
}

function readState(path: string): StateFile {
  return JSON.parse(readFileSync(path, 'utf8')) as StateFile;
}

async function allTags(): Promise<string[]> {
  const tags = (await ec2.send(new DescribeTagsCommand({ MaxResults: 1000 }))).Tags ?? [];
  return tags.map((t) => `${t.ResourceId} ${t.Key}=${t.Value}`).sort();
}

before(() => resetEmulator());

test('a VPC built by hand in the console imports as the tutorial, adding nothing in AWS', async () => {
  const images = await ec2.send(new DescribeImagesCommand({ Owners: ['309956199498'], Filters: [{ Name: 'name', Values: ['RHEL-8.10*'] }, { Name: 'architecture', Values: ['x86_64'] }] }));
  const image = images.Images![0]!.ImageId!;
  const built = await buildTutorialByHand(ec2, image);
  const tagsBefore = await allTags();
  const dir = mkdtempSync(join(tmpdir(), 'ec2bp-import-'));
  const out = join(dir, 'by-hand.blueprint.yaml');

  const imported = run(['import', '--vpc-id', built.vpcId, '--out', out], { json: true });
  assert.equal(imported.status, 0, imported.stderr);
  const report = JSON.parse(imported.stdout) as { file: string; state: string; stack: string; resources: { name: string; kind: string; id: string }[] };
  assert.equal(report.state, join(dir, 'by-hand.blueprint.state.json'));
  assert.deepEqual(await allTags(), tagsBefore, 'import adds, changes and removes no tag');

  const bp = validated(out);
  assert.equal(bp.stack, 'atsushi', 'a stack name derived from the VPC name vpc-Atsushi');
  assert.deepEqual(
    components(bp).map((c) => `${c.kind} ${c.name}`),
    [
      'vpc vpc-Atsushi',
      'subnet public-subnet-1a-Atsushi',
      'internetGateway igw-Atsushi',
      'routeTable rtb-public-Atsushi',
      'securityGroup seg-g_wp_Atsushi',
      'networkInterface eni-wp-Atsushi',
      'elasticIp eip-Atsushi',
      'keyPair key-wp-RHEL',
      'instance ec2-wp-RHEL8',
    ],
    "the main route table and the default security group, which carry nothing of their own, are left out",
  );
  assert.deepEqual(bp.routeTables, [{ name: 'rtb-public-Atsushi', routes: [{ destination: '0.0.0.0/0', target: 'igw-Atsushi' }], subnets: ['public-subnet-1a-Atsushi'] }]);
  assert.deepEqual(bp.securityGroups?.[0]?.ingress?.map((r) => `${r.protocol} ${r.port} ${r.source} ${r.description}`), ['tcp 22 0.0.0.0/0 SSH', 'tcp 80 0.0.0.0/0 HTTP', 'tcp 443 0.0.0.0/0 HTTPS']);
  assert.deepEqual(bp.networkInterfaces, [{ name: 'eni-wp-Atsushi', subnet: 'public-subnet-1a-Atsushi', privateIp: '10.0.1.11', securityGroups: ['seg-g_wp_Atsushi'] }]);
  assert.equal(bp.elasticIps?.[0]?.networkInterface, 'eni-wp-Atsushi');
  assert.deepEqual(bp.instances, [
    {
      name: 'ec2-wp-RHEL8',
      image,
      instanceType: 't2.large',
      networkInterface: 'eni-wp-Atsushi',
      rootVolume: { sizeGiB: 30, type: 'gp3', encrypted: true },
      keyPair: 'key-wp-RHEL',
      metadataTokens: 'required',
    },
  ]);

  const state = readState(report.state);
  assert.deepEqual(
    Object.fromEntries(Object.entries(state.resources).map(([name, r]) => [name, r.id])),
    {
      'vpc-Atsushi': built.vpcId,
      'public-subnet-1a-Atsushi': built.subnetId,
      'igw-Atsushi': built.igwId,
      'rtb-public-Atsushi': built.routeTableId,
      'seg-g_wp_Atsushi': built.groupId,
      'eni-wp-Atsushi': built.eniId,
      'eip-Atsushi': built.allocationId,
      'key-wp-RHEL': state.resources['key-wp-RHEL']!.id,
      'ec2-wp-RHEL8': built.instanceId,
    },
    'the state adopts each resource by its AWS id',
  );
  assert.match(state.resources['key-wp-RHEL']!.id, /^key-/);
  assert.doesNotMatch(readFileSync(report.state, 'utf8'), /PRIVATE KEY/);

  // The plan adopts everything: nothing created, replaced or deleted, and the engine's own
  // bookkeeping tags are not added to what was imported (import changes nothing in AWS).
  const plan = run(['plan', out], { json: true });
  assert.equal(plan.status, 0, plan.stderr);
  const parsed = JSON.parse(plan.stdout) as PlanJson;
  assert.deepEqual([parsed.summary.create, parsed.summary.replace, parsed.summary.delete], [0, 0, 0], plan.stdout);
  for (const a of parsed.actions.filter((x) => x.action === 'update')) assert.match(a.reason, /^Changed in place: tags Name\.$/, `${a.name}: ${a.reason}`);

  // An existing file is not overwritten unless asked.
  writeFileSync(out, '# mine\n');
  const refused = run(['import', '--vpc-id', built.vpcId, '--out', out]);
  assert.equal(refused.status, 2, refused.stderr);
  assert.match(refused.stderr, /already exists/);
  assert.equal(readFileSync(out, 'utf8'), '# mine\n');
  const forced = run(['import', '--vpc-id', built.vpcId, '--out', out, '--force']);
  assert.equal(forced.status, 0, forced.stderr);
  assert.match(readFileSync(out, 'utf8'), /^# Imported from vpc-/);
});

test('the default group and main table come along only with rules of their own; what the format cannot say is noted', async () => {
  await resetEmulator();
  const built = await buildTutorialByHand(ec2, 'ami-0b2f6d8c4e1a7f802');
  const inVpc = [{ Name: 'vpc-id', Values: [built.vpcId] }];
  const defaultGroup = ((await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [...inVpc, { Name: 'group-name', Values: ['default'] }] }))).SecurityGroups ?? [])[0]!;
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: defaultGroup.GroupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '10.0.0.0/16', Description: 'PostgreSQL' }] }] }));
  const mainTable = ((await ec2.send(new DescribeRouteTablesCommand({ Filters: inVpc }))).RouteTables ?? []).find((t) => (t.Associations ?? []).some((a) => a.Main))!;
  await ec2.send(new CreateRouteCommand({ RouteTableId: mainTable.RouteTableId, DestinationCidrBlock: '192.168.0.0/16', GatewayId: built.igwId }));
  await ec2.send(new CreateRouteCommand({ RouteTableId: built.routeTableId, DestinationCidrBlock: '172.16.0.0/12', NetworkInterfaceId: built.eniId }));
  // An Ubuntu instance in the subnet, with the interface its launch made.
  const ubuntu = 'ami-03c5e7a9b2d4f6809';
  const app = await ec2.send(
    new RunInstancesCommand({
      ImageId: ubuntu,
      InstanceType: 't2.micro',
      MinCount: 1,
      MaxCount: 1,
      SubnetId: built.subnetId,
      SecurityGroupIds: [built.groupId],
      PrivateIpAddress: '10.0.1.30',
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'ec2-app' }] }],
    }),
  );

  const out = join(mkdtempSync(join(tmpdir(), 'ec2bp-import-')), 'extras.blueprint.yaml');
  const imported = run(['import', '--vpc-id', built.vpcId, '--out', out], { json: true });
  assert.equal(imported.status, 0, imported.stderr);
  const notes = (JSON.parse(imported.stdout) as { notes: string[] }).notes;
  assert.equal(notes.length, 1, notes.join('\n'));
  assert.match(notes[0]!, new RegExp(`172\\.16\\.0\\.0/12 goes to ${built.eniId}`));
  const text = readFileSync(out, 'utf8');
  assert.match(text, /^# Left out: Route table rtb-/m, 'what was left out is said at the top of the file');
  const bp = validated(out);

  const defaultEntry = bp.securityGroups?.find((g) => g.name === 'default');
  assert.ok(defaultEntry, 'the default group carries a rule of its own, so it is imported');
  assert.deepEqual(defaultEntry.ingress?.find((r) => r.port === 5432), { protocol: 'tcp', port: 5432, source: '10.0.0.0/16', description: 'PostgreSQL' });
  const mainEntry = bp.routeTables?.find((r) => r.name === mainTable.RouteTableId);
  assert.deepEqual(mainEntry, { name: mainTable.RouteTableId, routes: [{ destination: '192.168.0.0/16', target: 'igw-Atsushi' }] }, 'the main table has a route of its own');
  assert.equal(bp.networkAcls, undefined, 'the default network ACL is never imported');

  assert.deepEqual(bp.networkInterfaces?.map((n) => n.name), ['eni-wp-Atsushi'], 'the interface a launch made for its instance is part of the instance');
  const appEntry = bp.instances?.find((i) => i.name === 'ec2-app');
  assert.ok(appEntry);
  assert.equal(appEntry.subnet, 'public-subnet-1a-Atsushi');
  assert.deepEqual(appEntry.securityGroups, ['seg-g_wp_Atsushi']);
  assert.equal(appEntry.privateIp, '10.0.1.30');
  assert.equal(appEntry.networkInterface, undefined);
  assert.equal(typeof appEntry.publicIp, 'boolean');
  assert.equal(appEntry.image, ubuntu);
  assert.equal(appEntry.sshUser, 'ubuntu', 'the image name tells the login user');
  assert.equal(bp.instances?.find((i) => i.name === 'ec2-wp-RHEL8')?.sshUser, undefined, 'ec2-user is the default, not written');
  assert.equal(readState(out.replace(/\.yaml$/, '.state.json')).resources['ec2-app']?.id, app.Instances![0]!.InstanceId);
});

test('an unknown VPC is a clear error and writes nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ec2bp-import-'));
  const out = join(dir, 'none.blueprint.yaml');
  const result = run(['import', '--vpc-id', 'vpc-0123456789abcdef0', '--out', out]);
  assert.equal(result.status, 3, result.stderr);
  assert.match(result.stderr, /There is no VPC vpc-0123456789abcdef0/);
  assert.equal(existsSync(out), false);
  const usage = run(['import', '--out', out]);
  assert.equal(usage.status, 2);
});

test('round trip: the applied tutorial, imported, plans no change and draws the same components', async () => {
  await resetEmulator();
  const dir = mkdtempSync(join(tmpdir(), 'ec2bp-roundtrip-'));
  const original = join(dir, 'tutorial.blueprint.yaml');
  copyFileSync(join(root, 'examples', 'tutorial.blueprint.yaml'), original);
  const applied = run(['apply', original, '--key-dir', dir], { json: true });
  assert.equal(applied.status, 0, applied.stderr);
  const originalState = readState(join(dir, 'tutorial.blueprint.state.json'));
  const vpcId = originalState.resources['vpc-Atsushi']!.id;

  // Exported after the apply, the template defaults to the image the engine chose for rhel-8.
  const exported = run(['export', original, '--format', 'cloudformation', '--output-format', 'json']);
  assert.equal(exported.status, 0, exported.stderr);
  const template = JSON.parse(exported.stdout) as { Parameters: Record<string, { Default?: string }> };
  assert.equal(template.Parameters.Ec2WpRHEL8ImageId?.Default, originalState.resources['ec2-wp-RHEL8']!.attributes.imageId);
  assert.match(String(template.Parameters.Ec2WpRHEL8ImageId?.Default), /^ami-/);

  const copy = join(dir, 'imported.blueprint.yaml');
  const imported = run(['import', '--vpc-id', vpcId, '--out', copy]);
  assert.equal(imported.status, 0, imported.stderr);
  assert.ok(statSync(join(dir, 'imported.blueprint.state.json')).isFile());
  const importedBp = validated(copy);
  assert.equal(importedBp.stack, 'wp-atsushi', 'the stack name comes back from the blueprint:stack tag');

  const plan = run(['plan', copy, '--key-dir', dir], { json: true });
  assert.equal(plan.status, 0, plan.stderr);
  const parsed = JSON.parse(plan.stdout) as PlanJson;
  assert.deepEqual(parsed.summary, { create: 0, update: 0, replace: 0, delete: 0, keep: 9 }, plan.stdout);
  assert.ok(parsed.actions.every((a) => a.action === 'keep'));

  // The same picture: the same components, kinds, statuses and AWS ids, and the same arrows.
  const importedState = readState(join(dir, 'imported.blueprint.state.json'));
  const picture = (bp: Blueprint, state: StateFile) => {
    const diagram = buildDiagram(bp, { state, collapse: 'never' });
    return {
      nodes: diagram.nodes.filter((n) => n.name).map((n) => `${n.kind} ${n.name} ${n.status} ${n.awsId}`).sort(),
      edges: diagram.edges.map((e) => `${e.from} -> ${e.to} ${e.role}`).sort(),
    };
  };
  const before = picture(validated(original), originalState);
  const after = picture(importedBp, importedState);
  assert.equal(before.nodes.length, 9);
  assert.ok(before.nodes.every((n) => / created [a-z]+-[0-9a-f]+$/.test(n)), before.nodes.join('\n'));
  assert.deepEqual(after, before);
});

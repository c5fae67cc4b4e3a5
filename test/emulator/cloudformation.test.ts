// The exported tutorial template is real CloudFormation: cfn-lint (which knows the resource
// specification, so it checks the key pair, the Elastic IP association with the ENI and the
// instance's network interfaces) finds no error, and the emulator's CloudFormation deploys it into
// the VPC, subnet, attached gateway, route, association, security group, ENI and instance.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CloudFormationClient, CreateStackCommand, DescribeStackResourcesCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeInternetGatewaysCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeNatGatewaysCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { resetEmulator, testClientConfig, testEndpoint } from '../harness/moto';

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
const tutorial = join(root, 'examples', 'tutorial.blueprint.yaml');
const work = mkdtempSync(join(tmpdir(), 'ec2bp-cfn-'));

interface LintFinding {
  Level: string;
  Rule: { Id: string };
  Message: string;
  Location: { Start: { LineNumber: number } };
}

const everyFeature = join(__dirname, 'fixtures', 'every-feature.blueprint.yaml');

function exportTemplate(extra: string[] = [], blueprint = tutorial): string {
  assert.ok(existsSync(cli), `${cli} is missing: run \`npm run build\` first (npm run test:emulator does).`);
  const run = spawnSync(process.execPath, [cli, 'export', blueprint, '--format', 'cloudformation', ...extra], { encoding: 'utf8' });
  assert.equal(run.status, 0, `export failed: ${run.stderr}`);
  return run.stdout;
}

let cfnLint: string;

before(async () => {
  await resetEmulator();
  const tools = (await import(join(root, 'scripts', 'tools.mjs'))) as { ensureCfnLint(): Promise<string> };
  cfnLint = await tools.ensureCfnLint();
  assert.ok(existsSync(cfnLint), `cfn-lint is not installed at ${cfnLint}: run \`node scripts/tools.mjs cfn-lint\`.`);
});

function lint(text: string, name: string): LintFinding[] {
  const file = join(work, name);
  writeFileSync(file, text);
  const run = spawnSync(cfnLint, ['--format', 'json', '--regions', 'ap-northeast-1', '--', file], { encoding: 'utf8' });
  // cfn-lint exits with a bit mask: 2 errors, 4 warnings, 8 informational; 1 means it failed.
  assert.ok(run.status !== null && (run.status & 1) === 0, `cfn-lint did not run (exit ${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout || '[]') as LintFinding[];
}

test('cfn-lint finds no error in the exported tutorial template (YAML and JSON)', () => {
  for (const [format, name] of [
    ['yaml', 'tutorial.template.yaml'],
    ['json', 'tutorial.template.json'],
  ] as const) {
    const findings = lint(exportTemplate(['--output-format', format]), name);
    const errors = findings.filter((f) => f.Level === 'Error');
    assert.deepEqual(errors.map((e) => `${e.Rule.Id} line ${e.Location.Start.LineNumber}: ${e.Message}`), [], `${format} template`);
    // The one remark left is about the blueprint's own choice of availability zone.
    assert.deepEqual([...new Set(findings.map((f) => f.Rule.Id))], ['W3010'], `${format} template`);
  }
});

test('cfn-lint accepts every part of the format: ACLs, group references, sshPort user data, SSM image parameters', () => {
  const text = exportTemplate([], everyFeature);
  const template = parse(text) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>; Parameters: Record<string, { Type: string }> };
  const types = new Set(Object.values(template.Resources).map((r) => r.Type));
  for (const type of ['NetworkAcl', 'NetworkAclEntry', 'SubnetNetworkAclAssociation', 'SecurityGroupIngress', 'KeyPair', 'EIPAssociation'])
    assert.ok(types.has(`AWS::EC2::${type}`), type);
  assert.ok(Object.values(template.Resources).some((r) => r.Type === 'AWS::EC2::Instance' && r.Properties.UserData), 'the sshPort instance has user data');
  assert.ok(Object.values(template.Resources).some((r) => r.Type === 'AWS::EC2::KeyPair' && String(r.Properties.PublicKeyMaterial).startsWith('ssh-ed25519 ')), 'the imported key carries its public key');
  assert.ok(Object.values(template.Parameters).some((p) => p.Type === 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>'));
  const findings = lint(text, 'every-feature.template.yaml');
  assert.deepEqual(findings.filter((f) => f.Rule.Id !== 'W3010').map((f) => `${f.Rule.Id} line ${f.Location.Start.LineNumber}: ${f.Message}`), []);
});

test('cfn-lint does check what the emulator skips: a wrong property on the EIP association or the instance is an error', () => {
  const template = parse(exportTemplate()) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
  const association = Object.values(template.Resources).find((r) => r.Type === 'AWS::EC2::EIPAssociation')!;
  association.Properties.NetworkInterface = association.Properties.NetworkInterfaceId;
  delete association.Properties.NetworkInterfaceId;
  const instance = Object.values(template.Resources).find((r) => r.Type === 'AWS::EC2::Instance')!;
  delete (instance.Properties.NetworkInterfaces as Record<string, unknown>[])[0]!.DeviceIndex;
  const key = Object.values(template.Resources).find((r) => r.Type === 'AWS::EC2::KeyPair')!;
  delete key.Properties.KeyName;
  const rules = lint(JSON.stringify(template, null, 2), 'broken.template.json')
    .filter((f) => f.Level === 'Error')
    .map((f) => f.Message)
    .join('\n');
  assert.match(rules, /NetworkInterface/);
  assert.match(rules, /DeviceIndex/);
  assert.match(rules, /KeyName/);
});

test('the emulator deploys the template into the tutorial stack, found again with EC2 Describe calls', async () => {
  const config = testClientConfig();
  const ec2 = new EC2Client(config);
  const cfn = new CloudFormationClient({ ...config, endpoint: testEndpoint() });
  const template = parse(exportTemplate()) as { Resources: Record<string, { Type: string }>; Outputs: Record<string, { Value: unknown }> };
  // The emulator does not model AWS::EC2::KeyPair, so an output reading its KeyPairId fails there.
  // cfn-lint checked that output above; it is the only change made for the emulator.
  const keyOutputs = Object.keys(template.Outputs).filter((k) => JSON.stringify(template.Outputs[k]).includes('KeyPairId'));
  assert.equal(keyOutputs.length, 1, 'the template tells how to fetch the private key');
  for (const k of keyOutputs) delete template.Outputs[k];

  // Before any apply, with EC2 reachable, export asked which image rhel-8 means (the GA x86_64
  // image, not the newer beta) and wrote it as the parameter's default: no parameter is given.
  const imageParameter = Object.entries((template as unknown as { Parameters: Record<string, { Default?: string }> }).Parameters).find(([p]) => p.endsWith('ImageId'))!;
  assert.equal(imageParameter[1].Default, 'ami-0b2f6d8c4e1a7f802');

  await cfn.send(new CreateStackCommand({ StackName: 'wp-atsushi', TemplateBody: JSON.stringify(template) }));
  let status = '';
  let outputs: Record<string, string> = {};
  for (let i = 0; i < 50; i++) {
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: 'wp-atsushi' }))).Stacks![0]!;
    status = stack.StackStatus ?? '';
    outputs = Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue!]));
    if (!status.endsWith('IN_PROGRESS')) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.equal(status, 'CREATE_COMPLETE');
  const resources = (await cfn.send(new DescribeStackResourcesCommand({ StackName: 'wp-atsushi' }))).StackResources ?? [];

  const vpcs = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'tag:Name', Values: ['vpc-Atsushi'] }] }))).Vpcs ?? [];
  assert.equal(vpcs.length, 1);
  const vpcId = vpcs[0]!.VpcId!;
  assert.equal(vpcs[0]!.CidrBlock, '10.0.0.0/16');
  const inVpc = [{ Name: 'vpc-id', Values: [vpcId] }];

  const subnets = (await ec2.send(new DescribeSubnetsCommand({ Filters: inVpc }))).Subnets ?? [];
  assert.deepEqual(subnets.map((s) => [s.CidrBlock, s.AvailabilityZone]), [['10.0.1.0/24', 'ap-northeast-1a']]);
  const subnetId = subnets[0]!.SubnetId!;

  const gateways = (await ec2.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: 'attachment.vpc-id', Values: [vpcId] }] }))).InternetGateways ?? [];
  assert.equal(gateways.length, 1, 'the internet gateway is attached to the VPC');
  const igwId = gateways[0]!.InternetGatewayId!;

  const tables = (await ec2.send(new DescribeRouteTablesCommand({ Filters: inVpc }))).RouteTables ?? [];
  const publicTable = tables.find((t) => (t.Routes ?? []).some((r) => r.DestinationCidrBlock === '0.0.0.0/0' && r.GatewayId === igwId));
  assert.ok(publicTable, 'a route table sends 0.0.0.0/0 to the internet gateway');
  // moto 5.2.5 keeps an association made through CloudFormation apart from the route table, so
  // DescribeRouteTables does not list it: the stack's own record of it is what can be checked.
  const association = resources.find((r) => r.ResourceType === 'AWS::EC2::SubnetRouteTableAssociation');
  assert.equal(association?.ResourceStatus, 'CREATE_COMPLETE', 'the subnet association was created');
  assert.equal(association?.PhysicalResourceId, publicTable.RouteTableId, 'with the public route table');

  const groups = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [...inVpc, { Name: 'group-name', Values: ['seg-g_wp_Atsushi'] }] }))).SecurityGroups ?? [];
  assert.equal(groups.length, 1);
  assert.equal(groups[0]!.Description, 'SSH, HTTP and HTTPS from anywhere');
  const ingress = (groups[0]!.IpPermissions ?? []).map((p) => `${p.IpProtocol} ${p.FromPort}-${p.ToPort} ${(p.IpRanges ?? []).map((r) => r.CidrIp).join(',')}`).sort();
  assert.deepEqual(ingress, ['tcp 22-22 0.0.0.0/0', 'tcp 443-443 0.0.0.0/0', 'tcp 80-80 0.0.0.0/0']);

  const enis = (await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'subnet-id', Values: [subnetId] }] }))).NetworkInterfaces ?? [];
  assert.ok(
    enis.some((e) => e.PrivateIpAddress === '10.0.1.11'),
    `an ENI at 10.0.1.11 in the subnet (found ${enis.map((e) => e.PrivateIpAddress).join(', ')})`,
  );

  const instances = ((await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Name', Values: ['ec2-wp-RHEL8'] }] }))).Reservations ?? []).flatMap((r) => r.Instances ?? []);
  assert.equal(instances.length, 1);
  assert.equal(instances[0]!.ImageId, 'ami-0b2f6d8c4e1a7f802');
  assert.equal(instances[0]!.InstanceType, 't2.large');

  // The outputs: the public address is an Elastic IP the account holds, and the SSH command dials it.
  const publicIp = Object.entries(outputs).find(([k]) => k.endsWith('PublicIp'))?.[1];
  assert.ok(publicIp, `a public address output (outputs: ${JSON.stringify(outputs)})`);
  const addresses = (await ec2.send(new DescribeAddressesCommand({ PublicIps: [publicIp] }))).Addresses ?? [];
  assert.equal(addresses.length, 1);
  const ssh = Object.entries(outputs).find(([k]) => k.endsWith('SshCommand'))?.[1];
  assert.equal(ssh, `ssh -i ~/.ssh/key-wp-RHEL.pem ec2-user@${publicIp}`);
});

test('the private-subnet example: a NAT gateway on its own EIP, the private route waiting for it; cfn-lint passes and the emulator deploys it', async () => {
  const text = exportTemplate(['--output-format', 'json'], join(root, 'examples', 'private-subnet.blueprint.yaml'));
  const template = JSON.parse(text) as { Resources: Record<string, { Type: string; DependsOn?: string; Properties: Record<string, unknown> }>; Outputs: Record<string, unknown> };
  const [natId, nat] = Object.entries(template.Resources).find(([, r]) => r.Type === 'AWS::EC2::NatGateway')!;
  const allocation = nat.Properties.AllocationId as { 'Fn::GetAtt': [string, string] };
  assert.equal(template.Resources[allocation['Fn::GetAtt'][0]]?.Type, 'AWS::EC2::EIP');
  assert.ok(nat.DependsOn, 'a public NAT gateway waits for the internet gateway attachment');
  const privateRoute = Object.values(template.Resources).find((r) => r.Type === 'AWS::EC2::Route' && JSON.stringify(r.Properties.NatGatewayId) === JSON.stringify({ Ref: natId }));
  assert.ok(privateRoute, 'the private default route names the NAT gateway (and so waits for it)');
  const findings = lint(text, 'private-subnet.template.json');
  assert.deepEqual(findings.filter((f) => f.Level === 'Error').map((f) => `${f.Rule.Id} line ${f.Location.Start.LineNumber}: ${f.Message}`), []);

  const config = testClientConfig();
  const ec2 = new EC2Client(config);
  const cfn = new CloudFormationClient({ ...config, endpoint: testEndpoint() });
  for (const k of Object.keys(template.Outputs ?? {})) if (JSON.stringify(template.Outputs[k]).includes('KeyPairId')) delete template.Outputs[k];
  // The emulator wants a size on every root volume; AWS takes the image's (the bastion sets none).
  for (const r of Object.values(template.Resources))
    for (const m of (r.Properties.BlockDeviceMappings ?? []) as { Ebs?: Record<string, unknown> }[]) if (m.Ebs && m.Ebs.VolumeSize === undefined) m.Ebs.VolumeSize = 10;
  await cfn.send(new CreateStackCommand({ StackName: 'private-atsushi', TemplateBody: JSON.stringify(template) }));
  let status = '';
  for (let i = 0; i < 50; i++) {
    status = (await cfn.send(new DescribeStacksCommand({ StackName: 'private-atsushi' }))).Stacks![0]!.StackStatus ?? '';
    if (!status.endsWith('IN_PROGRESS')) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.equal(status, 'CREATE_COMPLETE');
  const vpcId = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'tag:Name', Values: ['vpc-private-Atsushi'] }] }))).Vpcs![0]!.VpcId!;
  const nats = ((await ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: 'vpc-id', Values: [vpcId] }] }))).NatGateways ?? []).filter((n) => n.State !== 'deleted');
  assert.equal(nats.length, 1);
  const tables = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).RouteTables ?? [];
  assert.ok(tables.some((t) => (t.Routes ?? []).some((r) => r.DestinationCidrBlock === '0.0.0.0/0' && r.NatGatewayId === nats[0]!.NatGatewayId)), 'a route table sends 0.0.0.0/0 to the NAT gateway');
});

// The emulator harness works: the runner's moto answers EC2 calls the way the engine will make them,
// and serves the shipped image list.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CreateVpcCommand, DeleteVpcCommand, DescribeImagesCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { testClientConfig } from '../harness/moto';

const ec2 = new EC2Client(testClientConfig());

test('a VPC created with a Name tag is found again by its tag', async (t) => {
  const name = `vpc-harness-${process.pid}`;
  const created = await ec2.send(
    new CreateVpcCommand({
      CidrBlock: '10.0.0.0/16',
      TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: name }] }],
    }),
  );
  const vpcId = created.Vpc?.VpcId;
  assert.ok(vpcId, 'CreateVpc returned no VpcId');
  t.after(() => ec2.send(new DeleteVpcCommand({ VpcId: vpcId })));

  const found = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'tag:Name', Values: [name] }] }));
  assert.equal(found.Vpcs?.length, 1);
  const vpc = found.Vpcs?.[0];
  assert.equal(vpc?.VpcId, vpcId);
  assert.equal(vpc?.CidrBlock, '10.0.0.0/16');
  assert.deepEqual(vpc?.Tags, [{ Key: 'Name', Value: name }]);
});

test('Red Hat RHEL 8 images come from the shipped image list', async () => {
  const { Images: images = [] } = await ec2.send(
    new DescribeImagesCommand({ Owners: ['309956199498'], Filters: [{ Name: 'name', Values: ['RHEL-8*'] }] }),
  );
  const names = images.map((image) => image.Name).sort();
  assert.deepEqual(names, [
    'RHEL-8.10.0_HVM-20240530-x86_64-2-Hourly2-GP3',
    'RHEL-8.10.0_HVM-20240612-x86_64-1-Hourly2-GP3',
    'RHEL-8.10.0_HVM-20240702-x86_64-0-Hourly2-GP3',
    'RHEL-8.10.0_HVM-20240805-arm64-0-Hourly2-GP3',
    'RHEL-8.10.0_HVM-20240910-x86_64-0-Access2-GP3',
    'RHEL-8.10.0_HVM_BETA-20241015-x86_64-0-Hourly2-GP3',
    'RHEL-8.8.0_HVM-20230503-x86_64-54-Hourly2-GP2',
  ]);
  for (const image of images) {
    assert.equal(image.OwnerId, '309956199498');
    assert.equal(image.RootDeviceName, '/dev/sda1');
    assert.equal(image.State, 'available');
  }
  const newestX86 = images
    .filter((image) => image.Architecture === 'x86_64')
    .sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? ''))[0];
  // The list holds traps for the image choice: the newest x86_64 image is a beta.
  assert.match(newestX86?.Name ?? '', /BETA/);
});

test('AWS leaves a deprecated public image out of DescribeImages unless asked (played by the runner\'s proxy)', async () => {
  const ask = async (IncludeDeprecated?: boolean) =>
    ((await ec2.send(new DescribeImagesCommand({ Owners: ['309956199498'], Filters: [{ Name: 'name', Values: ['RHEL-8.10.0_HVM-20240820*'] }], ...(IncludeDeprecated ? { IncludeDeprecated } : {}) }))).Images ?? []);
  assert.deepEqual(await ask(), []);
  const [deprecated] = await ask(true);
  assert.equal(deprecated?.ImageId, 'ami-0c73e5a7b9d1f3809');
  assert.equal(deprecated?.DeprecationTime, '2024-12-01T00:00:00.000Z');
});

// Options the tutorial does not use: an imported public key, an instance without its own network
// interface (subnet, groups, an automatic public address), sshd on another port, IMDSv1 allowed.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeInstanceAttributeCommand, DescribeInstancesCommand, DescribeKeyPairsCommand } from '@aws-sdk/client-ec2';
import { resetEmulator } from '../harness/moto';
import { byStack, describeClient, workspace } from './engine-workspace';

const ec2 = describeClient();
before(() => resetEmulator());

test('an imported key, an instance in a subnet with an automatic public address, sshd on port 2222', async (t) => {
  const ws = workspace('options');
  t.after(() => ws.dispose());
  const publicKeyFile = join(ws.dir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', publicKeyFile]);
  writeFileSync(
    ws.blueprint,
    `version: 1
stack: ${ws.stack}
region: ap-northeast-1
vpc: { name: vpc-options, cidr: 10.1.0.0/16 }
internetGateway: { name: igw-options }
subnets:
  - { name: subnet-options, cidr: 10.1.1.0/24, availabilityZone: ap-northeast-1c }
routeTables:
  - name: rtb-options
    routes: [{ destination: 0.0.0.0/0, target: igw-options }]
    subnets: [subnet-options]
securityGroups:
  - name: ssh-2222
    description: SSH on 2222 from a documentation range
    ingress:
      - { protocol: tcp, port: 2222, source: 203.0.113.0/24 }
keyPairs:
  - { name: key-imported-options, publicKeyFile: ${publicKeyFile}.pub }
instances:
  - name: ec2-options
    image: amazon-linux-2023
    instanceType: t3.micro
    subnet: subnet-options
    securityGroups: [ssh-2222]
    publicIp: true
    sshPort: 2222
    metadataTokens: optional
    keyPair: key-imported-options
`,
  );
  const run = await ws.cli(['apply', '--json']);
  assert.equal(run.code, 0, run.stderr);

  const key = (await ec2.send(new DescribeKeyPairsCommand({ KeyNames: ['key-imported-options'] }))).KeyPairs![0]!;
  assert.ok(key.KeyFingerprint);
  assert.ok(!existsSync(ws.keyDir) || readdirSync(ws.keyDir).length === 0, 'no private key is written for an imported key');

  const instance = ((await ec2.send(new DescribeInstancesCommand({ Filters: [...byStack(ws.stack), { Name: 'instance-state-name', Values: ['running'] }] }))).Reservations ?? []).flatMap((r) => r.Instances ?? [])[0]!;
  assert.equal(instance.KeyName, 'key-imported-options');
  assert.equal(instance.MetadataOptions?.HttpTokens, 'optional');
  assert.ok(instance.PublicIpAddress, 'an automatic public address');
  const state = JSON.parse(readFileSync(ws.statePath, 'utf8')) as { resources: Record<string, { id: string; attributes: Record<string, unknown> }> };
  assert.equal(instance.SubnetId, state.resources['subnet-options']!.id);
  assert.deepEqual(instance.NetworkInterfaces?.[0]?.Groups?.map((g) => g.GroupId), [state.resources['ssh-2222']!.id]);
  assert.equal(state.resources['ec2-options']!.attributes.sshPort, 2222);
  assert.equal(state.resources['ec2-options']!.attributes.sshUser, 'ec2-user');
  assert.equal(state.resources['ec2-options']!.attributes.publicIp, instance.PublicIpAddress);
  assert.equal(state.resources['key-imported-options']!.attributes.publicKeyFile, `${publicKeyFile}.pub`);
  const userData = (await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: instance.InstanceId, Attribute: 'userData' }))).UserData?.Value;
  const script = Buffer.from(userData ?? '', 'base64').toString('utf8');
  assert.match(script, /Port 2222/);
  assert.match(script, /firewall-cmd --permanent --add-port=2222\/tcp/);

  const again = await ws.cli(['apply', '--json']);
  assert.equal(again.json().calls.mutating, 0, again.stdout);

  const destroyed = await ws.cli(['destroy', '--yes']);
  assert.equal(destroyed.code, 0, destroyed.stderr);
  assert.deepEqual((await ec2.send(new DescribeKeyPairsCommand({ Filters: byStack(ws.stack) }))).KeyPairs, []);
  assert.ok(existsSync(`${publicKeyFile}.pub`) && existsSync(publicKeyFile), 'the user\'s own key files are left alone');
});

// `reach --live`: after the engine applies the tutorial, the walk over what AWS reports agrees with
// the walk over the blueprint; when the SSH rule is revoked behind the tool's back (as in the
// console), live mode names the security group as the blocking hop while the blueprint still
// says SSH gets in; a stopped instance does not answer.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthorizeSecurityGroupIngressCommand, CreateNetworkAclEntryCommand, EC2Client, RevokeSecurityGroupIngressCommand, StartInstancesCommand, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { resetEmulator, testClientConfig } from '../harness/moto';
import type { StateFile } from '../../src/core/state';
import { runBuiltCli, type BuiltCliRun } from '../harness/cli';

const root = join(__dirname, '..', '..');
const ec2 = new EC2Client(testClientConfig());

interface Hop {
  kind: string;
  name: string;
  id: string | null;
  detail: string;
}
interface Verdict {
  reachable: boolean;
  code: string | null;
  awsCode: string | null;
  reason: string | null;
  hops: Hop[];
  returnHops: Hop[];
}

const run = (args: string[]): BuiltCliRun => runBuiltCli(args);

function reach(file: string, ...args: string[]): { status: number; verdict: Verdict; stderr: string } {
  const r = run(['reach', file, '--json', ...args]);
  assert.ok(r.stdout.trim(), `reach printed nothing (exit ${r.status}): ${r.stderr}`);
  return { status: r.status, verdict: JSON.parse(r.stdout) as Verdict, stderr: r.stderr };
}

const path = (v: Verdict) => ({ hops: v.hops.map((h) => `${h.kind} ${h.name}`), returnHops: v.returnHops.map((h) => `${h.kind} ${h.name}`) });

let file = '';
let state: StateFile;

before(async () => {
  await resetEmulator();
  const dir = mkdtempSync(join(tmpdir(), 'reach-live-'));
  file = join(dir, 'tutorial.blueprint.yaml');
  copyFileSync(join(root, 'examples', 'tutorial.blueprint.yaml'), file);
  const applied = run(['apply', file, '--key-dir', dir, '--json']);
  assert.equal(applied.status, 0, `apply failed: ${applied.stdout}\n${applied.stderr}`);
  state = JSON.parse(readFileSync(join(dir, 'tutorial.blueprint.state.json'), 'utf8')) as StateFile;
});

test('live mode agrees with blueprint mode after an apply, with the AWS ids on the hops', () => {
  for (const port of ['22', '80', '3389']) {
    const planned = reach(file, '--port', port);
    const live = reach(file, '--port', port, '--live');
    assert.equal(live.status, planned.status, `port ${port}: ${live.stderr}`);
    assert.equal(live.verdict.reachable, planned.verdict.reachable);
    assert.equal(live.verdict.code, planned.verdict.code);
    assert.deepEqual(path(live.verdict), path(planned.verdict), `port ${port}`);
  }
  const live = reach(file, '--live').verdict;
  assert.equal(live.reachable, true);
  for (const name of ['igw-Atsushi', 'eip-Atsushi', 'rtb-public-Atsushi', 'seg-g_wp_Atsushi', 'eni-wp-Atsushi', 'ec2-wp-RHEL8'])
    assert.equal(live.hops.find((h) => h.name === name)?.id, state.resources[name]!.id, `${name} carries its AWS id`);
  // The address the client dials is the one AWS handed out.
  const address = state.resources['eip-Atsushi']!.attributes.publicIp as string;
  assert.ok(address, 'the state records the Elastic IP address');
  assert.ok(live.hops.find((h) => h.kind === 'elasticIp')!.detail.includes(address));
  // The way out agrees too.
  const out = reach(file, '--direction', 'outbound', '--live');
  assert.equal(out.status, 0, out.stderr);
  assert.deepEqual(path(out.verdict), path(reach(file, '--direction', 'outbound').verdict));
});

test('after the SSH rule is revoked outside the tool, live mode says the security group blocks SSH', async () => {
  const groupId = state.resources['seg-g_wp_Atsushi']!.id;
  const ssh = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'SSH' }] };
  await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [ssh] }));
  try {
    const live = reach(file, '--live');
    assert.equal(live.status, 4, live.stderr);
    assert.equal(live.verdict.reachable, false);
    assert.equal(live.verdict.code, 'SECURITY_GROUP_RULE_MISSING');
    assert.equal(live.verdict.awsCode, 'ENI_SG_RULES_MISMATCH');
    const blocking = live.verdict.hops.at(-1)!;
    assert.equal(blocking.name, 'seg-g_wp_Atsushi');
    assert.equal(blocking.id, groupId);
    assert.match(live.verdict.reason!, /seg-g_wp_Atsushi/);
    // HTTP is still open, and the blueprint still says SSH gets in: the difference is the drift.
    assert.equal(reach(file, '--live', '--port', '80').status, 0);
    assert.equal(reach(file).status, 0);
  } finally {
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [ssh] }));
  }
  assert.equal(reach(file, '--live').status, 0, 'the rule put back opens SSH again');
});

test('a stopped instance does not answer', async () => {
  const instanceId = state.resources['ec2-wp-RHEL8']!.id;
  await ec2.send(new StopInstancesCommand({ InstanceIds: [instanceId] }));
  try {
    const live = reach(file, '--live');
    assert.equal(live.status, 4, live.stderr);
    assert.equal(live.verdict.code, 'INSTANCE_NOT_RUNNING');
    assert.equal(live.verdict.hops.at(-1)!.id, instanceId);
  } finally {
    await ec2.send(new StartInstancesCommand({ InstanceIds: [instanceId] }));
  }
});

test('a network ACL without the ephemeral ports out blocks the reply, live as in the file; the rule added in AWS opens it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'reach-live-acl-'));
  const aclFile = join(dir, 'acl.blueprint.yaml');
  const text = readFileSync(join(root, 'examples', 'tutorial.blueprint.yaml'), 'utf8')
    .replace('stack: wp-atsushi', 'stack: wp-acl')
    .replaceAll('key-wp-RHEL', 'key-acl')
    .replace(
      'networkInterfaces:\n',
      'networkAcls:\n  - name: acl-public\n    subnets: [public-subnet-1a-Atsushi]\n    inbound:\n      - { rule: 100, action: allow, protocol: tcp, port: 22, source: 0.0.0.0/0 }\n    outbound:\n      - { rule: 100, action: allow, protocol: tcp, port: 22, destination: 0.0.0.0/0 }\nnetworkInterfaces:\n',
    );
  writeFileSync(aclFile, text);
  const applied = run(['apply', aclFile, '--key-dir', dir, '--json']);
  assert.equal(applied.status, 0, `apply failed: ${applied.stdout}\n${applied.stderr}`);
  const aclState = JSON.parse(readFileSync(join(dir, 'acl.blueprint.state.json'), 'utf8')) as StateFile;

  const planned = reach(aclFile);
  const live = reach(aclFile, '--live');
  for (const r of [planned, live]) {
    assert.equal(r.status, 4, r.stderr);
    assert.equal(r.verdict.code, 'NETWORK_ACL_DENIES_OUTBOUND');
    assert.equal(r.verdict.returnHops.at(-1)!.name, 'acl-public');
  }
  assert.deepEqual(path(live.verdict), path(planned.verdict));
  assert.equal(live.verdict.returnHops.at(-1)!.id, aclState.resources['acl-public']!.id);

  await ec2.send(
    new CreateNetworkAclEntryCommand({
      NetworkAclId: aclState.resources['acl-public']!.id,
      RuleNumber: 110,
      Egress: true,
      Protocol: '6',
      RuleAction: 'allow',
      CidrBlock: '0.0.0.0/0',
      PortRange: { From: 1024, To: 65535 },
    }),
  );
  const opened = reach(aclFile, '--live');
  assert.equal(opened.status, 0, opened.verdict.reason ?? opened.stderr);
  assert.match(opened.verdict.returnHops.find((h) => h.kind === 'networkAcl')!.detail, /rule 110 allows tcp 1024-65535/);
  assert.equal(reach(aclFile).status, 4, 'the file still lacks the rule');
});

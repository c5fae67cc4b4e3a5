// User data on the emulator: what DescribeInstanceAttribute gives back is exactly what the
// blueprint meant (the user's own text; with sshPort the product's script and the user's as one
// multi-part document), the state records a hash and never the text, a change plans a replace
// that says why, and an apply without a change writes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeInstanceAttributeCommand } from '@aws-sdk/client-ec2';
import { resetEmulator } from '../harness/moto';
import { describeClient, workspace } from './engine-workspace';
import type { StateFile } from '../../src/core/state';
import { sshPortUserData } from '../../src/core/user-data';

const ec2 = describeClient();
const ws = workspace('userdata');

before(() => resetEmulator());
after(() => ws.dispose());

const cloudConfig = '#cloud-config\npackages:\n  - httpd\nruncmd:\n  - [systemctl, enable, --now, httpd]\n';
const readState = () => JSON.parse(readFileSync(ws.statePath, 'utf8')) as StateFile;
const instanceId = () => readState().resources['ec2-wp-RHEL8']!.id;
async function userDataOnAws(): Promise<string> {
  const out = await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: instanceId(), Attribute: 'userData' }));
  return Buffer.from(out.UserData?.Value ?? '', 'base64').toString('utf8');
}

test('a userDataFile beside the blueprint is launched with exactly its text; the state holds a hash only', async () => {
  writeFileSync(join(ws.dir, 'web.yaml'), cloudConfig);
  ws.edit(['    sshUser: ec2-user\n', '    sshUser: ec2-user\n    userDataFile: web.yaml\n']);
  const run = await ws.cli(['apply', '--json']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(await userDataOnAws(), cloudConfig);
  const stateText = readFileSync(ws.statePath, 'utf8');
  assert.match(String(readState().resources['ec2-wp-RHEL8']!.attributes.userDataHash), /^sha256:[0-9a-f]{64}$/);
  assert.ok(!stateText.includes('httpd') && !stateText.includes(Buffer.from(cloudConfig).toString('base64')), 'the text is not in the state file');
  assert.ok(!run.stdout.includes('httpd') && !run.stderr.includes('httpd'), 'nor in the output');

  const again = await ws.cli(['apply', '--json']);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.json().calls.mutating, 0, 'no change: nothing is written');
});

test('a change of the file plans a replace with the reason, and the new instance has the new text', async () => {
  const before = instanceId();
  const changed = cloudConfig.replace('httpd', 'nginx');
  writeFileSync(join(ws.dir, 'web.yaml'), changed);
  const plan = await ws.cli(['plan', '--json']);
  assert.equal(plan.code, 0, plan.stderr);
  const action = plan.json().actions.find((a) => a.name === 'ec2-wp-RHEL8')!;
  assert.equal(action.action, 'replace');
  assert.match(action.reason, /user data changed/);
  assert.match(action.reason, /first boot/);
  assert.ok(!plan.stdout.includes('nginx'), 'the plan does not show the text');
  const run = await ws.cli(['apply', '--json']);
  assert.equal(run.code, 0, run.stderr);
  assert.notEqual(instanceId(), before);
  assert.equal(await userDataOnAws(), changed);
});

test('with sshPort, inline user data and the sshd script arrive as one multi-part document that holds both exactly', async () => {
  ws.edit(['    userDataFile: web.yaml\n', `    sshPort: 2222\n    userData: |\n${cloudConfig.split('\n').filter(Boolean).map((l) => `      ${l}`).join('\n')}\n`]);
  const run = await ws.cli(['apply', '--json']);
  assert.equal(run.code, 0, run.stderr);
  const sent = await userDataOnAws();
  const boundary = /^Content-Type: multipart\/mixed; boundary="([^"]+)"\n/.exec(sent)?.[1];
  assert.ok(boundary, sent.slice(0, 200));
  const parts = sent.split(`--${boundary}`).slice(1, -1).map((p) => p.split('\n\n').slice(1).join('\n\n'));
  assert.deepEqual(parts, [sshPortUserData(2222, 'rhel-8'), cloudConfig]);
  assert.match(sent, /Content-Type: text\/x-shellscript/);
  assert.match(sent, /Content-Type: text\/cloud-config/);

  const again = await ws.cli(['apply', '--json']);
  assert.equal(again.json().calls.mutating, 0);
});

test('user data changed outside the tool shows as drift', async () => {
  // AWS lets user data change only while the instance is stopped; the emulator lets it change now
  // (and wants the value base64-encoded inside the blob the SDK encodes again).
  const { ModifyInstanceAttributeCommand } = await import('@aws-sdk/client-ec2');
  await ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: instanceId(), UserData: { Value: new TextEncoder().encode(Buffer.from('#!/bin/sh\necho other\n').toString('base64')) } }));
  const plan = await ws.cli(['plan', '--json']);
  const action = plan.json().actions.find((a) => a.name === 'ec2-wp-RHEL8')!;
  assert.equal(action.action, 'replace');
  assert.match(action.reason, /user data changed/);
});

// A security group that lets its own members talk to each other (a rule whose source is the group
// itself) is common; once applied, it must plan as kept, not as an update on every run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { resetEmulator } from '../harness/moto';
import { byName, describeClient, workspace } from './engine-workspace';

const ec2 = describeClient();
const ws = workspace('selfref');

before(() => resetEmulator());
after(() => ws.dispose());

test('a rule naming its own group is applied once and then kept', async () => {
  ws.edit(['      - { protocol: tcp, port: 443, source: 0.0.0.0/0, description: HTTPS }', '      - { protocol: tcp, port: 443, source: 0.0.0.0/0, description: HTTPS }\n      - { protocol: all, source: seg-g_wp_Atsushi, description: members }']);
  const run = await ws.cli(['apply', '--json', '--only', 'seg-g_wp_Atsushi']);
  assert.equal(run.code, 0, run.stderr);
  const group = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: byName('seg-g_wp_Atsushi') }))).SecurityGroups![0]!;
  assert.ok(group.IpPermissions?.some((p) => p.UserIdGroupPairs?.[0]?.GroupId === group.GroupId), 'the group allows its own members');

  const plan = await ws.cli(['plan', '--json', '--only', 'seg-g_wp_Atsushi']);
  assert.equal(plan.code, 0, plan.stderr);
  const actions = (JSON.parse(plan.stdout) as { actions: { action: string; name: string; reason: string }[] }).actions;
  assert.deepEqual(actions.filter((a) => a.action !== 'keep'), [], 'nothing to change after the apply');
  const again = await ws.cli(['apply', '--json', '--only', 'seg-g_wp_Atsushi']);
  assert.equal(again.json().calls.mutating, 0, 'a second apply changes nothing');
});

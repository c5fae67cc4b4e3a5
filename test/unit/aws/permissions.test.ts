// The IAM policy is derived from what the providers declare they call; these declarations must be
// true, or the policy (and the preflight's DryRuns) would miss a permission.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { providers } from '../../../src/aws/providers';
import { commonActions, policyFor } from '../../../src/aws/permissions';
import { dryRunProbes } from '../../../src/aws/preflight';
import { isReadOnlyOperation } from '../../../src/aws/client';
import { validateBlueprint } from '../../../src/core/validate';
import { tutorialPath, tutorialText } from '../builders';
import { runCli } from '../run-cli';

const awsDir = join(__dirname, '..', '..', '..', 'src', 'aws');
const fileOf: Record<string, string> = {
  vpc: 'vpc.ts', subnet: 'subnet.ts', internetGateway: 'internet-gateway.ts', routeTable: 'route-table.ts', securityGroup: 'security-group.ts',
  networkAcl: 'network-acl.ts', networkInterface: 'network-interface.ts', elasticIp: 'elastic-ip.ts', keyPair: 'key-pair.ts', instance: 'instance.ts', natGateway: 'nat-gateway.ts',
};
const calls = (file: string) => [...readFileSync(join(awsDir, file), 'utf8').matchAll(/new (\w+)Command\(/g)].map((m) => m[1]!);

test('every EC2 call in a provider is among the permissions it declares', () => {
  for (const [kind, provider] of Object.entries(providers)) {
    const file = fileOf[kind];
    assert.ok(file, `test/unit/aws/permissions.test.ts: say which file holds the ${kind} provider`);
    const declared = new Set([...provider.permissions.read, ...provider.permissions.create, ...provider.permissions.update, ...provider.permissions.delete, ...commonActions.mutating, ...commonActions.read]);
    for (const action of calls(file)) assert.ok(declared.has(action), `${file} calls ${action}, which ${kind}'s permissions do not declare`);
  }
});

test('every EC2 call anywhere in src/aws that the engine makes is in the policy of a blueprint using every kind', () => {
  const all = new Set<string>();
  for (const p of Object.values(providers)) for (const a of [...p.permissions.read, ...p.permissions.create, ...p.permissions.update, ...p.permissions.delete]) all.add(a);
  for (const a of [...commonActions.read, ...commonActions.mutating]) all.add(a);
  // Files besides the providers: the engine's own calls (images, preflight reads, waits, reach --live, import, stop/start).
  for (const file of readdirSync(awsDir).filter((f) => f.endsWith('.ts') && !Object.values(fileOf).includes(f) && f !== 'preflight.ts' && f !== 'pricing.ts'))
    for (const action of calls(file)) assert.ok(all.has(action) || action === 'EC2Client' || (action === 'DecodeAuthorizationMessage' && JSON.stringify(policyFor(validateBlueprint(tutorialText).blueprint!)).includes('sts:DecodeAuthorizationMessage')), `${file} calls ${action}, declared nowhere (src/aws/permissions.ts)`);
});

test('every mutating action declared has a DryRun probe in the preflight', () => {
  for (const p of Object.values(providers))
    for (const a of [...p.permissions.create, ...p.permissions.update, ...p.permissions.delete]) {
      assert.equal(isReadOnlyOperation(a), false, `${a} is declared as a change`);
      assert.ok(dryRunProbes[a], `src/aws/preflight.ts has no DryRun probe for ${a}`);
    }
  for (const p of Object.values(providers)) for (const a of p.permissions.read) assert.ok(isReadOnlyOperation(a), `${a} is declared as a read`);
});

test('the tutorial\'s policy names every action, no wildcard, reads and changes apart', () => {
  const policy = policyFor(validateBlueprint(tutorialText).blueprint!);
  const actions = policy.Statement.flatMap((s) => s.Action);
  assert.ok(actions.every((a) => /^(ec2|sts|pricing):[A-Z][A-Za-z]+$/.test(a)), actions.join());
  assert.equal(new Set(actions).size, actions.length, 'each action once');
  const [read, change] = policy.Statement;
  assert.ok(read!.Action.every((a) => /^ec2:Describe/.test(a)));
  assert.ok(change!.Action.every((a) => !/^ec2:Describe/.test(a)));
  for (const a of ['ec2:RunInstances', 'ec2:TerminateInstances', 'ec2:CreateVpc', 'ec2:DeleteVpc', 'ec2:AllocateAddress', 'ec2:ReleaseAddress', 'ec2:CreateKeyPair', 'ec2:CreateTags', 'ec2:DescribeInstanceStatus'])
    assert.ok(actions.includes(a), a);
  assert.ok(!actions.includes('ec2:ImportKeyPair'), 'the tutorial creates its key pair, it imports none');
  assert.ok(!actions.includes('ec2:CreateNatGateway'), 'nothing for a kind the blueprint does not have');
});

test('policy FILE prints the policy document', async () => {
  const run = await runCli(['policy', tutorialPath]);
  assert.equal(run.code, 0, run.stderr);
  const doc = JSON.parse(run.stdout) as { Version: string; Statement: { Action: string[] }[] };
  assert.equal(doc.Version, '2012-10-17');
  assert.ok(doc.Statement.some((s) => s.Action.includes('ec2:RunInstances')));
});

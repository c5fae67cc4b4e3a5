// `policy FILE` is the answer to "what do I ask my admin for", proven against moto's IAM checks
// (its own server, started with INITIAL_NO_AUTH_ACTION_COUNT: the first requests create the IAM
// users, every later request is checked against the caller's policy; TEST-PARTS.md).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, ListUsersCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { DescribeInstancesCommand, DescribeKeyPairsCommand, DescribeVpcsCommand, DescribeAddressesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { startMoto, TEST_REGION, type MotoServer } from '../harness/moto';
import { startFaultProxy, type FaultProxy } from '../harness/fault-proxy';
import { policyFor, type PolicyDocument } from '../../src/aws/permissions';
import { validateBlueprint } from '../../src/core/validate';
import { byStack, tutorialText, workspace, type Workspace } from './engine-workspace';

type Keys = { accessKeyId: string; secretAccessKey: string };
const policy = policyFor(validateBlueprint(tutorialText).blueprint!);
const changes = policy.Statement.find((s) => s.Sid === 'ChangeEc2')!.Action;
const without = (action: string): PolicyDocument => ({ ...policy, Statement: policy.Statement.map((s) => ({ ...s, Action: s.Action.filter((a) => a !== action) })) });

let moto: MotoServer;
let proxy: FaultProxy;
let admin: Keys;
let exact: Keys;
const lacking = new Map<string, Keys>();
const spaces: Workspace[] = [];

before(async () => {
  // The free requests make the admin (three requests); the admin makes the others. Whatever free
  // requests are left are used up first, so that every request of the test is checked.
  moto = await startMoto({ env: { INITIAL_NO_AUTH_ACTION_COUNT: '12' } });
  let iam = new IAMClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } });
  const user = async (name: string, document: object): Promise<Keys> => {
    await iam.send(new CreateUserCommand({ UserName: name }));
    await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'blueprint', PolicyDocument: JSON.stringify(document) }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
  };
  admin = await user('admin', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
  for (let i = 0; ; i++) {
    assert.ok(i < 20, 'moto kept answering unchecked requests');
    const refused = await iam.send(new ListUsersCommand({})).then(() => false, () => true);
    if (refused) break;
  }
  iam.destroy();
  iam = new IAMClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: admin });
  exact = await user('exactly-the-policy', policy);
  for (const action of changes) lacking.set(action, await user(`without-${action.replace(':', '-')}`, without(action)));
  iam.destroy();
  // AWS's answers where moto's differ (a DryRun never changes anything), undoing as the admin.
  proxy = await startFaultProxy(moto.endpoint, { undoCredentials: admin, clientTokens: false, keepHost: true });
});

after(async () => {
  for (const ws of spaces) ws.dispose();
  await proxy?.stop();
  await moto?.stop();
});

/** The CLI as a user holding `keys` (the SDK's default credential chain reads the environment). */
async function as(keys: Keys, ws: Workspace, args: string[]) {
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  process.env.AWS_ACCESS_KEY_ID = keys.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = keys.secretAccessKey;
  try {
    return await ws.cli(args, { endpoint: proxy.endpoint });
  } finally {
    process.env.AWS_ACCESS_KEY_ID = saved.id;
    process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
  }
}

async function stackContents(stack: string): Promise<number> {
  const ec2 = new EC2Client({ endpoint: moto.endpoint, region: TEST_REGION, credentials: admin });
  try {
    const [vpcs, instances, keys, addresses] = await Promise.all([
      ec2.send(new DescribeVpcsCommand({ Filters: byStack(stack) })),
      ec2.send(new DescribeInstancesCommand({ Filters: [...byStack(stack), { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] }] })),
      ec2.send(new DescribeKeyPairsCommand({ Filters: byStack(stack) })),
      ec2.send(new DescribeAddressesCommand({ Filters: byStack(stack) })),
    ]);
    return (vpcs.Vpcs?.length ?? 0) + (instances.Reservations?.length ?? 0) + (keys.KeyPairs?.length ?? 0) + (addresses.Addresses?.length ?? 0);
  } finally {
    ec2.destroy();
  }
}

test('lacking ec2:RunInstances, apply of the tutorial exits 5, names ec2:RunInstances, and the emulator holds nothing of the stack', async () => {
  const ws = workspace('iam-no-run');
  spaces.push(ws);
  const run = await as(lacking.get('ec2:RunInstances')!, ws, ['apply']);
  assert.equal(run.code, 5, run.stderr);
  assert.match(run.stderr, /ec2:RunInstances is not allowed .*Ask your administrator for ec2:RunInstances/);
  assert.equal(await stackContents(ws.stack), 0);
});

test('an IAM user holding exactly the output of `policy` can preflight, apply and destroy the tutorial', async () => {
  const ws = workspace('iam-exact');
  spaces.push(ws);
  const preflight = await as(exact, ws, ['preflight']);
  assert.equal(preflight.code, 0, preflight.stderr);
  const apply = await as(exact, ws, ['apply']);
  assert.equal(apply.code, 0, apply.stderr);
  assert.ok((await stackContents(ws.stack)) >= 4);
  const destroy = await as(exact, ws, ['destroy', '--yes']);
  assert.equal(destroy.code, 0, destroy.stderr);
  assert.equal(await stackContents(ws.stack), 0);
});

test('the policy without any one of its changing actions makes preflight fail naming that action', async () => {
  const ws = workspace('iam-minus-one');
  spaces.push(ws);
  const unnamed: string[] = [];
  for (const action of changes) {
    const run = await as(lacking.get(action)!, ws, ['preflight', '--json']);
    const result = JSON.parse(run.stdout || '{}') as { ok?: boolean; checks?: { ok: boolean; permission?: string }[] };
    if (run.code !== 5 || !result.checks?.some((c) => !c.ok && c.permission === action)) unnamed.push(`${action} (exit ${run.code})`);
  }
  assert.deepEqual(unnamed, []);
});

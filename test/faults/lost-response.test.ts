// Lost responses ("did it happen?"): the emulator carries a create out, then the connection drops
// before the answer arrives. A create without an idempotency token must never be resent blindly:
// the engine looks the resource up by its tags first and adopts it. RunInstances carries a
// ClientToken, which AWS honours on a resend (the fault proxy plays that part; moto lacks it).
// The key pair is the hard case: its private key was in the lost answer, so the engine deletes the
// key pair it owns (no instance uses it yet) and creates it again, saying so; the new .pem works.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeInstancesCommand, DescribeKeyPairsCommand } from '@aws-sdk/client-ec2';
import { resetEmulator, testEndpoint } from '../harness/moto';
import { startFaultProxy, type FaultProxy } from '../harness/fault-proxy';
import { cliEnv, describeRun, emulatorClient, inventory, judgeApplied, judgeDestroyed, recordSummary, requireBuiltCli, runCli, workspace } from './support';

let proxy: FaultProxy;
const row = { test: 'lost responses + eventual consistency', runs: 0, kills: 0, throttled: 0, serverErrors: 0, lostResponses: 0, duplicates: 0, orphans: 0, lost: 0 };

before(async () => {
  requireBuiltCli();
  await resetEmulator();
  proxy = await startFaultProxy(testEndpoint());
});
after(async () => {
  await proxy?.stop();
  recordSummary(row);
});

interface Outcome {
  stderr: string;
  ws: ReturnType<typeof workspace>;
}

/** Applies the tutorial through the proxy with `faults`, checks one of each and nothing else, then
 * destroys (straight against the emulator) and checks nothing is left. */
async function applyThrough(faults: Parameters<FaultProxy['reset']>[0], check?: (o: Outcome) => Promise<void>): Promise<void> {
  await resetEmulator();
  proxy.reset(faults);
  const ws = workspace('ec2bp-lost-');
  try {
    const run = await runCli(['apply', ws.blueprint, '--endpoint', proxy.endpoint, '--key-dir', ws.keyDir, '--json'], cliEnv(proxy.endpoint));
    row.runs++;
    row.lostResponses += proxy.stats.lost;
    assert.equal(run.code, 0, describeRun(run));
    const ec2 = emulatorClient(testEndpoint());
    const verdict = judgeApplied(await inventory(ec2), ws.state);
    row.duplicates += verdict.duplicates.length;
    row.orphans += verdict.orphans.length;
    row.lost += verdict.lost.length;
    assert.deepEqual(verdict, { duplicates: [], orphans: [], lost: [] }, run.stderr);
    await check?.({ stderr: run.stderr, ws });
    const bye = await runCli(['destroy', ws.blueprint, '--yes', '--endpoint', testEndpoint(), '--key-dir', ws.keyDir, '--json'], cliEnv(testEndpoint()));
    row.runs++;
    assert.equal(bye.code, 0, describeRun(bye));
    const left = judgeDestroyed(await inventory(ec2));
    ec2.destroy();
    row.orphans += left.orphans.length;
    assert.deepEqual(left.orphans, []);
  } finally {
    ws.remove();
  }
}

for (const action of ['CreateVpc', 'CreateSecurityGroup', 'AllocateAddress']) {
  test(`the response of ${action} is lost: the engine finds the resource by its tags and creates it only once`, { timeout: 120_000 }, async () => {
    await applyThrough({ loseResponseOf: { [action]: 1 } }, async ({ stderr }) => {
      assert.equal(proxy.stats.lost, 1, `the proxy lost no ${action} response`);
      // Sent once; never a blind second create.
      assert.equal(proxy.countOf(action), 1, `${action} was sent ${proxy.countOf(action)} times`);
      assert.match(stderr, /looking for it by its tags|adopting/i, 'the engine said nothing about the lost answer');
    });
  });
}

test('the responses of every other create without a token are lost in one run: each is found by its tags, none created twice', { timeout: 120_000 }, async () => {
  const actions = ['CreateSubnet', 'CreateInternetGateway', 'CreateRouteTable', 'CreateNetworkInterface'];
  await applyThrough({ loseResponseOf: Object.fromEntries(actions.map((a) => [a, 1])) }, async ({ stderr }) => {
    assert.equal(proxy.stats.lost, actions.length);
    for (const action of actions) assert.equal(proxy.countOf(action), 1, `${action} was sent ${proxy.countOf(action)} times`);
    assert.ok((stderr.match(/adopting/gi) ?? []).length >= actions.length, stderr);
  });
});

test('the response of RunInstances is lost: the resend carries the same ClientToken, so AWS returns the same instance', { timeout: 120_000 }, async () => {
  await applyThrough({ loseResponseOf: { RunInstances: 1 } }, async () => {
    assert.equal(proxy.stats.lost, 1);
    // The preflight's DryRun of RunInstances launches nothing: only the launches count.
    const runs = proxy.calls.filter((c) => c.action === 'RunInstances' && c.params.DryRun !== 'true');
    const tokens = new Set(runs.map((c) => c.params.ClientToken));
    assert.ok(runs.length >= 1);
    assert.ok(!tokens.has(undefined as unknown as string), 'RunInstances without a ClientToken: a resend would launch a second instance');
    if (runs.length > 1) assert.equal(tokens.size, 1, `the resend used another ClientToken: ${[...tokens].join(', ')}`);
  });
});

test('the response of CreateKeyPair is lost: the engine deletes the key pair it owns and creates it again, and the new .pem works', { timeout: 120_000 }, async () => {
  await applyThrough({ loseResponseOf: { CreateKeyPair: 1 } }, async ({ stderr, ws }) => {
    assert.equal(proxy.stats.lost, 1);
    assert.match(stderr, /private key was lost[^\n]*deleting it and creating it again/i, 'the engine did not say it recreated the key pair');
    assert.equal(proxy.countOf('DeleteKeyPair'), 1);
    assert.equal(proxy.countOf('CreateKeyPair'), 2);
    const pem = join(ws.keyDir, 'key-wp-RHEL.pem');
    assert.equal(statSync(pem).mode & 0o777, 0o600);
    const publicKey = execFileSync('ssh-keygen', ['-y', '-f', pem], { encoding: 'utf8' }).trim();
    assert.match(publicKey, /^ssh-rsa AAAA/);
    const ec2 = emulatorClient(testEndpoint());
    const keys = (await ec2.send(new DescribeKeyPairsCommand({ IncludePublicKey: true }))).KeyPairs ?? [];
    assert.equal(keys.length, 1);
    // The key pair AWS holds is the one whose private key is on disk.
    if (keys[0]!.PublicKey) assert.equal(keys[0]!.PublicKey!.trim().split(/\s+/)[1], publicKey.split(/\s+/)[1]);
    const instances = (await ec2.send(new DescribeInstancesCommand({}))).Reservations?.flatMap((r) => r.Instances ?? []) ?? [];
    assert.deepEqual(instances.filter((i) => i.State?.Name !== 'terminated').map((i) => i.KeyName), ['key-wp-RHEL']);
    ec2.destroy();
    assert.doesNotMatch(stderr + readFileSync(ws.state, 'utf8'), /BEGIN RSA PRIVATE KEY|BEGIN OPENSSH PRIVATE KEY/);
  });
});

test('the responses of calls that are not creates are lost too (attach, authorize, route, associate): the resend meets "already done", which is success', { timeout: 240_000 }, async () => {
  // The SDK resends a call whose connection dropped; AWS then answers that the first one worked.
  const actions = ['AttachInternetGateway', 'AuthorizeSecurityGroupIngress', 'CreateRoute', 'AssociateRouteTable', 'AssociateAddress'];
  const failures: string[] = [];
  for (const action of actions) {
    await resetEmulator();
    proxy.reset({ loseResponseOf: { [action]: 1 } });
    const ws = workspace('ec2bp-lost-');
    try {
      const run = await runCli(['apply', ws.blueprint, '--endpoint', proxy.endpoint, '--key-dir', ws.keyDir, '--json'], cliEnv(proxy.endpoint));
      row.runs++;
      row.lostResponses += proxy.stats.lost;
      if (proxy.stats.lost !== 1) failures.push(`${action}: the proxy lost ${proxy.stats.lost} responses`);
      const ec2 = emulatorClient(testEndpoint());
      const verdict = judgeApplied(await inventory(ec2), ws.state);
      if (run.code !== 0) {
        const said = run.stderr.split('\n').filter((l) => l.startsWith('✗')).join(' / ');
        // Does a second apply at least repair it?
        const again = await runCli(['apply', ws.blueprint, '--endpoint', testEndpoint(), '--key-dir', ws.keyDir, '--json'], cliEnv(testEndpoint()));
        row.runs++;
        const after = judgeApplied(await inventory(ec2), ws.state);
        failures.push(`${action}: apply exited ${run.code} (${said}); a second apply ${again.code === 0 && after.duplicates.length + after.orphans.length + after.lost.length === 0 ? 'repaired it' : `did not repair it: ${JSON.stringify(after)}`}`);
      } else if (verdict.duplicates.length + verdict.orphans.length + verdict.lost.length > 0) {
        failures.push(`${action}: ${JSON.stringify(verdict)}`);
      }
      row.duplicates += verdict.duplicates.length;
      await runCli(['destroy', ws.blueprint, '--yes', '--endpoint', testEndpoint(), '--key-dir', ws.keyDir, '--json'], cliEnv(testEndpoint()));
      row.runs++;
      const left = judgeDestroyed(await inventory(ec2));
      ec2.destroy();
      if (left.orphans.length > 0) failures.push(`${action}: left after destroy: ${left.orphans.join(', ')}`);
    } finally {
      ws.remove();
    }
  }
  assert.deepEqual(failures, [], failures.join('\n'));
});

test('a create that never answers (a network black hole): the engine gives up on it after a time, finds it by its tags, and finishes without a duplicate', { timeout: 240_000 }, async () => {
  await resetEmulator();
  proxy.reset({ hangResponseOf: { CreateVpc: 1 } });
  const ws = workspace('ec2bp-lost-');
  try {
    const started = Date.now();
    // A run that waits forever is killed at 100 s: long enough for any sensible request timeout.
    const run = await runCli(['apply', ws.blueprint, '--endpoint', proxy.endpoint, '--key-dir', ws.keyDir, '--json'], cliEnv(proxy.endpoint), 100_000);
    const seconds = Math.round((Date.now() - started) / 1000);
    row.runs++;
    assert.equal(proxy.stats.hung, 1);
    assert.notEqual(run.signal, 'SIGKILL', `apply still waited for the unanswered CreateVpc after ${seconds} s: no request timeout is set on the EC2 client`);
    assert.equal(run.code, 0, describeRun(run));
    const ec2 = emulatorClient(testEndpoint());
    const verdict = judgeApplied(await inventory(ec2), ws.state);
    row.duplicates += verdict.duplicates.length;
    row.orphans += verdict.orphans.length;
    assert.deepEqual(verdict, { duplicates: [], orphans: [], lost: [] });
    await runCli(['destroy', ws.blueprint, '--yes', '--endpoint', testEndpoint(), '--key-dir', ws.keyDir, '--json'], cliEnv(testEndpoint()));
    row.runs++;
    ec2.destroy();
  } finally {
    proxy.reset();
    ws.remove();
  }
});

/** Apply through the proxy playing eventual consistency, then destroy; `later` forgets the ids
 * created by the apply before the destroy (the destroy comes minutes later), otherwise the destroy
 * runs while they are seconds old and their first describe by id still says NotFound. */
async function consistencyRun(later: boolean): Promise<void> {
  await resetEmulator();
  proxy.reset({ eventualConsistency: true });
  const ws = workspace('ec2bp-consistency-');
  try {
    const env = cliEnv(proxy.endpoint);
    const applied = await runCli(['apply', ws.blueprint, '--endpoint', proxy.endpoint, '--key-dir', ws.keyDir, '--json'], env);
    row.runs++;
    assert.equal(applied.code, 0, describeRun(applied));
    const ec2 = emulatorClient(testEndpoint());
    const verdict = judgeApplied(await inventory(ec2), ws.state);
    assert.deepEqual(verdict, { duplicates: [], orphans: [], lost: [] });
    const notFoundDuringApply = proxy.stats.notFound;
    if (later) proxy.reset({ eventualConsistency: true });
    const destroyed = await runCli(['destroy', ws.blueprint, '--yes', '--endpoint', proxy.endpoint, '--key-dir', ws.keyDir, '--json'], env);
    row.runs++;
    const left = judgeDestroyed(await inventory(ec2));
    ec2.destroy();
    row.orphans += left.orphans.length;
    const skipped = proxy.calls.filter((c) => c.outcome === 'not-found').map((c) => `${c.action} ${Object.entries(c.params).find(([k]) => /Id\.1$/.test(k))?.[1] ?? ''}`);
    assert.deepEqual(left.orphans, [], `left behind; the describes answered NotFound during destroy: ${skipped.join(', ')}\n${describeRun(destroyed)}`);
    assert.equal(destroyed.code, 0, describeRun(destroyed));
    assert.ok(proxy.stats.dependencyViolations > 0, 'no DependencyViolation was played during destroy');
    process.stdout.write(
      `eventual consistency (${later ? 'destroy later' : 'destroy right after apply'}): ${notFoundDuringApply} NotFound during apply, ` +
        `${proxy.stats.notFound} NotFound and ${proxy.stats.dependencyViolations} DependencyViolation during destroy, all waited out\n`,
    );
  } finally {
    ws.remove();
  }
}

test("AWS's eventual consistency: NotFound right after a create does not break apply, DependencyViolation right after a dependant went does not break destroy", { timeout: 240_000 }, () =>
  consistencyRun(true),
);

test('destroy seconds after apply: a describe by id that still says NotFound for a resource the tags just listed is not taken as "already deleted"', { timeout: 240_000 }, () =>
  consistencyRun(false),
);

// The crash matrix: for every N from 1 to the number of mutating calls of the tutorial's apply,
// start `apply` as a child process through the fault proxy, let the Nth mutating call be carried
// out by the emulator, and SIGKILL the process right there: alternately with the Nth answer held
// (the engine never learns the new id) and delivered (every later call held, so the kill lands
// between an answer and whatever the engine does next, its state write included). Then run apply again, to the end, straight against the emulator. Every
// such run must end with exactly one of each resource, each the one the state file records, and
// nothing else anywhere in the emulator (tagged or not); destroy must then leave nothing.
// The same for destroy: kill it after its Nth mutating call, run destroy again, nothing left.
//
// When the tutorial needs many calls the matrix samples N evenly (first and last always in) to
// stay within a few minutes; EC2BP_CRASH_MATRIX=full runs every N.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { resetEmulator, testEndpoint } from '../harness/moto';
import { startFaultProxy, type FaultProxy } from '../harness/fault-proxy';
import {
  cliEnv,
  describeRun,
  emulatorClient,
  inventory,
  judgeApplied,
  judgeDestroyed,
  recordSummary,
  requireBuiltCli,
  runCli,
  startCli,
  workspace,
  type Workspace,
} from './support';

const maxSamples = process.env.EC2BP_CRASH_MATRIX === 'full' ? Infinity : Number(process.env.EC2BP_CRASH_MATRIX_SAMPLES ?? 8);
let proxy: FaultProxy;
const row = { test: 'crash matrix (SIGKILL after Nth call)', runs: 0, kills: 0, throttled: 0, serverErrors: 0, lostResponses: 0, duplicates: 0, orphans: 0, lost: 0 };
const lines: string[] = [];

before(async () => {
  requireBuiltCli();
  await resetEmulator();
  proxy = await startFaultProxy(testEndpoint());
});
after(async () => {
  await proxy?.stop();
  if (lines.length > 0) process.stdout.write(`\nCrash matrix runs:\n${lines.join('\n')}\n`);
  recordSummary(row);
});

/** 1..count, or `limit` of them spread evenly with the first and the last. */
function sample(count: number, limit: number): number[] {
  const all = Array.from({ length: count }, (_, i) => i + 1);
  if (count <= limit) return all;
  const picked = new Set<number>();
  for (let i = 0; i < limit; i++) picked.add(1 + Math.round((i * (count - 1)) / (limit - 1)));
  return [...picked].sort((a, b) => a - b);
}

const direct = () => cliEnv(testEndpoint());
const applyArgs = (ws: Workspace, endpoint: string) => ['apply', ws.blueprint, '--endpoint', endpoint, '--key-dir', ws.keyDir, '--json'];
const destroyArgs = (ws: Workspace, endpoint: string) => ['destroy', ws.blueprint, '--yes', '--endpoint', endpoint, '--key-dir', ws.keyDir, '--json'];

/** Runs the command through the proxy, stalled after its Nth mutating call, and SIGKILLs it there.
 * Returns what the stalled call was, or undefined when the run ended before reaching N. */
async function killAfter(n: number, args: string[], deliver = false): Promise<string | undefined> {
  proxy.reset({ stallAfterMutating: n, stallDeliversResponse: deliver });
  const started = startCli(args, cliEnv(proxy.endpoint));
  row.runs++;
  const outcome = await Promise.race([proxy.stalled(120_000).then((call) => ({ call })), started.done.then((run) => ({ run }))]);
  if ('run' in outcome) return undefined;
  started.child.kill('SIGKILL');
  const run = await started.done;
  assert.equal(run.signal, 'SIGKILL', `the run was meant to be killed: ${describeRun(run)}`);
  row.kills++;
  proxy.reset();
  const call = outcome.call;
  return `${call.action}${call.createdId ? ` (${call.createdId})` : ''}`;
}

/** Counts what a clean run of the command sends (through the proxy, no faults). */
async function countMutating(args: string[]): Promise<number> {
  proxy.reset();
  const run = await runCli(args, cliEnv(proxy.endpoint));
  assert.equal(run.code, 0, describeRun(run));
  return proxy.stats.mutating;
}

function tally(verdict: { duplicates: string[]; orphans: string[]; lost: string[] }) {
  row.duplicates += verdict.duplicates.length;
  row.orphans += verdict.orphans.length;
  row.lost += verdict.lost.length;
}

test('apply killed after each of its mutating calls, then applied again: exactly one of each resource, nothing untracked, and destroy leaves nothing', { timeout: 600_000 }, async () => {
  const probe = workspace('ec2bp-crash-');
  const total = await countMutating(applyArgs(probe, proxy.endpoint));
  const destroyed = await runCli(destroyArgs(probe, testEndpoint()), direct());
  assert.equal(destroyed.code, 0, describeRun(destroyed));
  probe.remove();
  assert.ok(total >= 9, `a clean apply of the tutorial made only ${total} mutating calls`);
  const ns = sample(total, maxSamples);
  lines.push(`apply: ${total} mutating calls in a clean run; killing after N = ${ns.join(', ')}`);

  const failures: string[] = [];
  for (const [i, n] of ns.entries()) {
    await resetEmulator();
    const ws = workspace('ec2bp-crash-');
    // Alternately the engine never hears back from the Nth call, or hears back and is killed
    // before its next call: the windows before and after the state write.
    const deliver = i % 2 === 1;
    try {
      const killedAt = await killAfter(n, applyArgs(ws, proxy.endpoint), deliver);
      const again = await runCli(applyArgs(ws, testEndpoint()), direct());
      row.runs++;
      const ec2 = emulatorClient(testEndpoint());
      const verdict = judgeApplied(await inventory(ec2), ws.state);
      tally(verdict);
      const problems = [
        ...(again.code === 0 ? [] : [`the second apply exited ${again.code}: ${again.stderr.trim().split('\n').slice(-3).join(' / ')}`]),
        ...verdict.duplicates.map((d) => `duplicate ${d}`),
        ...verdict.orphans.map((o) => `orphan ${o}`),
        ...verdict.lost.map((l) => `lost ${l}`),
      ];
      const bye = await runCli(destroyArgs(ws, testEndpoint()), direct());
      row.runs++;
      const left = judgeDestroyed(await inventory(ec2));
      ec2.destroy();
      row.orphans += left.orphans.length;
      if (bye.code !== 0) problems.push(`destroy exited ${bye.code}: ${bye.stderr.trim().split('\n').slice(-3).join(' / ')}`);
      problems.push(...left.orphans.map((o) => `left after destroy: ${o}`));
      lines.push(`  apply N=${String(n).padStart(2)} killed after ${killedAt ?? '(ended before N)'}${deliver ? ', its answer delivered' : ', its answer held'}: ${problems.length === 0 ? 'ok' : problems.join('; ')}`);
      if (problems.length > 0) failures.push(`N=${n} (killed after ${killedAt}): ${problems.join('; ')}`);
    } finally {
      ws.remove();
    }
  }
  assert.deepEqual(failures, [], failures.join('\n'));
});

test('destroy killed after each of its mutating calls, then run again: nothing left, key file gone', { timeout: 600_000 }, async () => {
  await resetEmulator();
  const probe = workspace('ec2bp-crash-');
  const applied = await runCli(applyArgs(probe, testEndpoint()), direct());
  assert.equal(applied.code, 0, describeRun(applied));
  const total = await countMutating(destroyArgs(probe, proxy.endpoint));
  probe.remove();
  assert.ok(total >= 9, `a clean destroy of the tutorial made only ${total} mutating calls`);
  const ns = sample(total, maxSamples);
  lines.push(`destroy: ${total} mutating calls in a clean run; killing after N = ${ns.join(', ')}`);

  const failures: string[] = [];
  for (const [i, n] of ns.entries()) {
    await resetEmulator();
    const ws = workspace('ec2bp-crash-');
    const deliver = i % 2 === 1;
    try {
      const up = await runCli(applyArgs(ws, testEndpoint()), direct());
      row.runs++;
      assert.equal(up.code, 0, describeRun(up));
      const killedAt = await killAfter(n, destroyArgs(ws, proxy.endpoint), deliver);
      const again = await runCli(destroyArgs(ws, testEndpoint()), direct());
      row.runs++;
      const ec2 = emulatorClient(testEndpoint());
      const left = judgeDestroyed(await inventory(ec2));
      ec2.destroy();
      const keyFileLeft = existsSync(join(ws.keyDir, 'key-wp-RHEL.pem'));
      // A private key whose key pair is gone is a leftover too (and blocks the next apply).
      row.orphans += left.orphans.length + (keyFileLeft ? 1 : 0);
      const problems = [
        ...(again.code === 0 ? [] : [`the second destroy exited ${again.code}: ${again.stderr.trim().split('\n').slice(-3).join(' / ')}`]),
        ...left.orphans.map((o) => `left: ${o}`),
        ...(keyFileLeft ? ['the key file key-wp-RHEL.pem is still there'] : []),
      ];
      lines.push(`  destroy N=${String(n).padStart(2)} killed after ${killedAt ?? '(ended before N)'}${deliver ? ', its answer delivered' : ', its answer held'}: ${problems.length === 0 ? 'ok' : problems.join('; ')}`);
      if (problems.length > 0) failures.push(`N=${n} (killed after ${killedAt}): ${problems.join('; ')}`);
    } finally {
      ws.remove();
    }
  }
  assert.deepEqual(failures, [], failures.join('\n'));
});

test('destroy killed right after DeleteKeyPair: destroy again removes the key file it wrote, and the stack can be applied again', { timeout: 240_000 }, async () => {
  await resetEmulator();
  const ws = workspace('ec2bp-crash-');
  try {
    const up = await runCli(applyArgs(ws, testEndpoint()), direct());
    row.runs++;
    assert.equal(up.code, 0, describeRun(up));
    proxy.reset({ stallAfterAction: 'DeleteKeyPair' });
    const started = startCli(destroyArgs(ws, proxy.endpoint), cliEnv(proxy.endpoint));
    row.runs++;
    await proxy.stalled(120_000);
    started.child.kill('SIGKILL');
    await started.done;
    row.kills++;
    proxy.reset();
    const again = await runCli(destroyArgs(ws, testEndpoint()), direct());
    row.runs++;
    assert.equal(again.code, 0, describeRun(again));
    const pem = join(ws.keyDir, 'key-wp-RHEL.pem');
    const leftover = existsSync(pem);
    if (leftover) row.orphans++;
    const reapplied = await runCli(applyArgs(ws, testEndpoint()), direct());
    row.runs++;
    assert.equal(reapplied.code, 0, `apply after the interrupted destroy failed${leftover ? ' (the old key file was left behind)' : ''}: ${describeRun(reapplied)}`);
    assert.equal(leftover, false, 'the key file of the deleted key pair is still there');
    const bye = await runCli(destroyArgs(ws, testEndpoint()), direct());
    row.runs++;
    assert.equal(bye.code, 0, describeRun(bye));
  } finally {
    ws.remove();
  }
});

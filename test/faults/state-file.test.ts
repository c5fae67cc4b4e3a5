// The state file under faults: a corrupted or truncated state is detected, reported, kept aside and
// rebuilt from the tags (the same resources adopted, nothing created twice); a second apply while
// one runs is refused with exit 3 naming the holder's pid; the lock of a process that died is
// taken over.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { resetEmulator, testEndpoint } from '../harness/moto';
import { startFaultProxy, type FaultProxy } from '../harness/fault-proxy';
import { assertAppliedOnce, cliEnv, describeRun, recordSummary, requireBuiltCli, runCli, startCli, workspace, type Workspace } from './support';

let proxy: FaultProxy;
const row = { test: 'state file (corrupt, locked, stale lock)', runs: 0, kills: 0, throttled: 0, serverErrors: 0, lostResponses: 0, duplicates: 0, orphans: 0, lost: 0 };

before(async () => {
  requireBuiltCli();
  proxy = await startFaultProxy(testEndpoint());
});
after(async () => {
  await proxy?.stop();
  recordSummary(row);
});

const applyArgs = (ws: Workspace, endpoint = testEndpoint()) => ['apply', ws.blueprint, '--endpoint', endpoint, '--key-dir', ws.keyDir, '--json'];
const env = () => cliEnv(testEndpoint());

function ids(statePath: string): Record<string, string> {
  const state = JSON.parse(readFileSync(statePath, 'utf8')) as { resources: Record<string, { id: string }> };
  return Object.fromEntries(Object.entries(state.resources).map(([name, r]) => [name, r.id]));
}

const corruptions: [string, (text: string) => string][] = [
  ['truncated in the middle', (text) => text.slice(0, Math.floor(text.length / 2))],
  ['empty', () => ''],
  ['garbage bytes', () => '\u0000\u0001binary\uFFFD{{{'],
  ['valid JSON of the wrong shape', () => JSON.stringify({ version: 99, resources: 'nope' })],
];

for (const [label, corrupt] of corruptions) {
  test(`a state file that is ${label}: reported, kept aside, rebuilt from the tags with the same resources and no duplicate`, { timeout: 120_000 }, async () => {
    await resetEmulator();
    const ws = workspace('ec2bp-state-');
    try {
      const first = await runCli(applyArgs(ws), env());
      row.runs++;
      assert.equal(first.code, 0, describeRun(first));
      const before = ids(ws.state);
      const original = readFileSync(ws.state, 'utf8');
      const broken = corrupt(original);
      writeFileSync(ws.state, broken);

      const again = await runCli(applyArgs(ws), env());
      row.runs++;
      assert.equal(again.code, 0, describeRun(again));
      // Reported, in words, with where the old file went.
      assert.match(again.stderr, /state/i);
      const aside = readdirSync(ws.dir).filter((f) => f.startsWith('tutorial.blueprint.state.json.') && !f.endsWith('.lock'));
      assert.equal(aside.length, 1, `the broken file was not kept aside: ${readdirSync(ws.dir).join(', ')}`);
      assert.equal(readFileSync(`${ws.dir}/${aside[0]}`, 'utf8'), broken, 'the file kept aside is not the broken one');
      assert.ok(again.stderr.includes(aside[0]!), `the message does not say where the old file went:\n${again.stderr}`);
      // Rebuilt from the tags: the same AWS ids, nothing new.
      assert.deepEqual(ids(ws.state), before);
      await assertAppliedOnce(ws.state, row);
    } finally {
      ws.remove();
    }
  });
}

test('two applies at once: the second exits 3 naming the pid of the first, which then finishes alone', { timeout: 180_000 }, async () => {
  await resetEmulator();
  const ws = workspace('ec2bp-state-');
  try {
    // The first apply stalls (holding the lock) after its first mutating call.
    proxy.reset({ stallAfterMutating: 1 });
    const first = startCli(applyArgs(ws, proxy.endpoint), cliEnv(proxy.endpoint));
    row.runs++;
    await proxy.stalled(60_000);
    const second = await runCli(applyArgs(ws), env());
    row.runs++;
    assert.equal(second.code, 3, describeRun(second));
    assert.ok(second.stderr.includes(String(first.child.pid)), `the holder's pid ${first.child.pid} is not named:\n${second.stderr}`);
    assert.match(second.stderr, /lock/i);
    // --json still prints one JSON document (or nothing) on stdout, never text.
    if (second.stdout.trim()) assert.doesNotThrow(() => JSON.parse(second.stdout), second.stdout);
    proxy.release();
    const done = await first.done;
    assert.equal(done.code, 0, describeRun(done));
    assert.equal(existsSync(`${ws.state}.lock`), false, 'the lock file was left behind');
    await assertAppliedOnce(ws.state, row);
  } finally {
    proxy.reset();
    ws.remove();
  }
});

test('a stale lock left by a process that died is taken over, saying so', { timeout: 120_000 }, async () => {
  await resetEmulator();
  const ws = workspace('ec2bp-state-');
  try {
    // A pid that surely no longer runs: a child that has exited.
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(gone.stdout);
    assert.ok(deadPid > 0);
    writeFileSync(`${ws.state}.lock`, JSON.stringify({ pid: deadPid, host: hostname(), command: 'apply', startedAt: new Date(Date.now() - 3600_000).toISOString() }) + '\n');
    const run = await runCli(applyArgs(ws), env());
    row.runs++;
    assert.equal(run.code, 0, describeRun(run));
    assert.ok(run.stderr.includes(String(deadPid)), `taking over the lock of ${deadPid} went unsaid:\n${run.stderr}`);
    assert.equal(existsSync(`${ws.state}.lock`), false);
    await assertAppliedOnce(ws.state, row);
  } finally {
    ws.remove();
  }
});

test('two applies racing for the same stale lock: exactly one proceeds, the other exits 3, nothing is created twice', { timeout: 180_000 }, async () => {
  for (let trial = 0; trial < 2; trial++) {
    await resetEmulator();
    const ws = workspace('ec2bp-state-');
    try {
      const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
      writeFileSync(`${ws.state}.lock`, JSON.stringify({ pid: Number(gone.stdout), host: hostname(), command: 'apply', startedAt: new Date().toISOString() }) + '\n');
      const [a, b] = await Promise.all([runCli(applyArgs(ws), env()), runCli(applyArgs(ws), env())]);
      row.runs += 2;
      assert.deepEqual([a.code, b.code].sort(), [0, 3], `exits ${a.code} and ${b.code}:\n${describeRun(a)}\n${describeRun(b)}`);
      await assertAppliedOnce(ws.state, row);
    } finally {
      ws.remove();
    }
  }
});

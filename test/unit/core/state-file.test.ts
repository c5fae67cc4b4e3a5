// The state file the executor writes: atomic replacement, serialized concurrent writes, a corrupt
// file moved aside, and the lock beside it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireStateLock, lockPathFor, readStateFile, setAsideStateFile, StateWriter, writeStateFile } from '../../../src/core/state-file';
import { emptyState, type StateFile } from '../../../src/core/state';
import { BlueprintError } from '../../../src/core/errors';

function folder(t: { after(fn: () => void): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'state-file-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('a write replaces the whole file and leaves no temporary file behind', (t) => {
  const dir = folder(t);
  const path = join(dir, 'x.state.json');
  const state = emptyState('s', 'ap-northeast-1', new Date(0));
  writeStateFile(path, state);
  state.resources.v = { kind: 'vpc', id: 'vpc-1', attributes: {}, createdAt: '', updatedAt: '' };
  writeStateFile(path, state);
  assert.deepEqual(readdirSync(dir), ['x.state.json']);
  const read = readStateFile(path);
  assert.equal(read.status, 'ok');
  assert.equal(read.status === 'ok' && read.state.resources.v?.id, 'vpc-1');
});

test('concurrent updates are written in order, the last one wins on disk', async (t) => {
  const dir = folder(t);
  const path = join(dir, 'x.state.json');
  const writer = new StateWriter(path, emptyState('s', 'r', new Date(0)));
  await Promise.all(Array.from({ length: 20 }, (_, i) => writer.update((s) => void (s.resources[`r${i}`] = { kind: 'vpc', id: `vpc-${i}`, attributes: {}, createdAt: '', updatedAt: '' }))));
  const onDisk = JSON.parse(readFileSync(path, 'utf8')) as StateFile;
  assert.equal(Object.keys(onDisk.resources).length, 20);
});

test('a corrupt state file is reported and moved aside, never trusted', (t) => {
  const dir = folder(t);
  const path = join(dir, 'x.state.json');
  writeFileSync(path, '{"version": 1, "stack": ');
  assert.equal(readStateFile(path).status, 'corrupt');
  assert.ok(existsSync(path), 'a read-only look (plan) leaves it in place');
  const read = readStateFile(path);
  assert.equal(read.status, 'corrupt');
  assert.ok(setAsideStateFile(path).startsWith(`${path}.corrupt-`));
  assert.ok(!existsSync(path));
  writeFileSync(path, JSON.stringify({ version: 1, stack: 's', resources: { v: { kind: 'vpc' } } }));
  const noId = readStateFile(path);
  assert.ok(noId.status === 'corrupt' && /"v" has no id/.test(noId.why));
  assert.equal(readStateFile(join(dir, 'none.json')).status, 'missing');
});

test('the lock refuses a second holder while the first lives, naming its pid', (t) => {
  const dir = folder(t);
  const path = join(dir, 'x.state.json');
  const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
  t.after(() => sleeper.kill());
  writeFileSync(lockPathFor(path), JSON.stringify({ pid: sleeper.pid, host: hostname(), command: 'apply', startedAt: 'then' }));
  assert.throws(
    () => acquireStateLock(path, 'apply'),
    (error: unknown) => error instanceof BlueprintError && error.code === 'state-locked' && error.message.includes(`process ${sleeper.pid}`),
  );
});

test('a lock left by a dead process is taken over, and released afterwards', (t) => {
  const dir = folder(t);
  const path = join(dir, 'x.state.json');
  const gone = spawnSync('true').pid!;
  writeFileSync(lockPathFor(path), JSON.stringify({ pid: gone, host: hostname(), command: 'apply', startedAt: 'then' }));
  const lock = acquireStateLock(path, 'apply');
  assert.equal(lock.tookOverFrom?.pid, gone);
  const holder = JSON.parse(readFileSync(lockPathFor(path), 'utf8')) as { pid: number; command: string };
  assert.equal(holder.pid, process.pid);
  assert.equal(holder.command, 'apply');
  lock.release();
  assert.ok(!existsSync(lockPathFor(path)));
  const again = acquireStateLock(path, 'destroy');
  assert.throws(() => acquireStateLock(path, 'apply'), /holds the lock/);
  again.release();
});

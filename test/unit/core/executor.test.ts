// The executor: bounded concurrency, each task as soon as its dependencies are done, no new start
// after a failure (running ones finish), cancellation through the signal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { criticalPath, execute, type Task } from '../../../src/core/executor';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Tasks that record when they start and end and how many run at once. */
function recorder() {
  const log: string[] = [];
  let running = 0;
  let peak = 0;
  const task = (id: string, dependsOn: string[] = [], ms = 20, fail = false): Task => ({
    id,
    dependsOn,
    async run(signal) {
      running++;
      peak = Math.max(peak, running);
      log.push(`start ${id}`);
      try {
        await sleep(ms);
        if (signal.aborted) throw new Error('aborted');
        if (fail) throw new Error(`${id} broke`);
      } finally {
        running--;
        log.push(`end ${id}`);
      }
    },
  });
  return { log, task, peak: () => peak };
}

test('never more tasks at once than the parallelism allows', async () => {
  const r = recorder();
  const tasks = Array.from({ length: 12 }, (_, i) => r.task(`t${i}`));
  const outcome = await execute(tasks, { parallelism: 3 });
  assert.equal(outcome.done.length, 12);
  assert.equal(r.peak(), 3);
});

test('default parallelism is 10', async () => {
  const r = recorder();
  await execute(Array.from({ length: 25 }, (_, i) => r.task(`t${i}`)));
  assert.equal(r.peak(), 10);
});

test('a task starts as soon as its own dependencies are done, not when a whole level is', async () => {
  const r = recorder();
  // slow and fast are independent; after-fast depends only on fast, so it starts before slow ends.
  await execute([r.task('slow', [], 80), r.task('fast', [], 5), r.task('after-fast', ['fast'], 5)], { parallelism: 10 });
  assert.ok(r.log.indexOf('start after-fast') < r.log.indexOf('end slow'), r.log.join(', '));
});

test('dependencies run first', async () => {
  const r = recorder();
  await execute([r.task('c', ['b']), r.task('b', ['a']), r.task('a')], { parallelism: 10 });
  assert.deepEqual(r.log, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
});

test('after a failure nothing new starts, running tasks finish, dependants never start', async () => {
  const r = recorder();
  const outcome = await execute(
    [r.task('breaks', [], 10, true), r.task('long', [], 60), r.task('dependant', ['breaks']), r.task('later', ['long'])],
    { parallelism: 10 },
  );
  assert.deepEqual(outcome.failed.map((f) => f.id), ['breaks']);
  assert.match(String((outcome.failed[0]!.error as Error).message), /breaks broke/);
  assert.deepEqual(outcome.done, ['long'], 'the running task was let finish');
  assert.deepEqual(outcome.notStarted.sort(), ['dependant', 'later']);
  assert.ok(!r.log.includes('start later'));
});

test('an aborted signal stops new starts and reaches the running tasks', async () => {
  const r = recorder();
  const controller = new AbortController();
  const running = execute([r.task('a', [], 50), r.task('b', ['a'])], { signal: controller.signal });
  await sleep(10);
  controller.abort();
  const outcome = await running;
  assert.equal(outcome.cancelled, true);
  assert.deepEqual(outcome.notStarted, ['b']);
  assert.deepEqual(outcome.failed.map((f) => f.id), ['a'], 'the running task saw the abort');
});

test('events: started, done and failed once per task', async () => {
  const seen: string[] = [];
  await execute(
    [
      { id: 'ok', dependsOn: [], run: async () => {} },
      { id: 'bad', dependsOn: ['ok'], run: async () => Promise.reject(new Error('x')) },
    ],
    { onStart: (id) => seen.push(`start ${id}`), onDone: (id) => seen.push(`done ${id}`), onFail: (id) => seen.push(`fail ${id}`) },
  );
  assert.deepEqual(seen, ['start ok', 'done ok', 'start bad', 'fail bad']);
});

test('a cycle or an unknown dependency is refused before anything runs', async () => {
  await assert.rejects(execute([{ id: 'a', dependsOn: ['b'], run: async () => {} }, { id: 'b', dependsOn: ['a'], run: async () => {} }]), /circle/);
  await assert.rejects(execute([{ id: 'a', dependsOn: ['nope'], run: async () => {} }]), /unknown task/);
});

test('criticalPath is the longest chain', () => {
  const noop = async () => {};
  assert.equal(criticalPath([{ id: 'a', dependsOn: [], run: noop }, { id: 'b', dependsOn: ['a'], run: noop }, { id: 'c', dependsOn: [], run: noop }]), 2);
});

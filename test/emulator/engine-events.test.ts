// The engine's API as the VS Code surface and the diagram use it: events in a meaningful order,
// cancellation through an AbortSignal, and refresh recording drift in the state file.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { AuthorizeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { engine } from '../../src/engine';
import type { EngineEvent } from '../../src/core/events';
import { components } from '../../src/core/model';
import { validateBlueprint } from '../../src/core/validate';
import { resetEmulator, testEndpoint } from '../harness/moto';
import { describeClient, workspace } from './engine-workspace';

before(() => resetEmulator());

test('apply emits plan first, then started/done per component after its dependencies, then finished with the call count', async (t) => {
  const ws = workspace('events');
  t.after(() => ws.dispose());
  const text = readFileSync(ws.blueprint, 'utf8');
  const events: EngineEvent[] = [];
  const result = await engine.apply({ path: ws.blueprint, text }, { endpoint: testEndpoint(), keyDir: ws.keyDir, onEvent: (e) => events.push(e) });
  assert.equal(result.ok, true);
  assert.equal(events[0]!.type, 'plan');
  const last = events.at(-1)!;
  assert.equal(last.type, 'finished');
  assert.deepEqual(last.type === 'finished' && last.calls, result.calls);

  const at = (type: string, name: string) => events.findIndex((e) => e.type === type && 'name' in e && e.name === name);
  const list = components(validateBlueprint(text).blueprint!);
  for (const c of list) {
    assert.ok(at('started', c.name) >= 0 && at('started', c.name) < at('done', c.name), `${c.name}: started, then done`);
    for (const d of c.dependsOn) assert.ok(at('done', d) < at('started', c.name), `${c.name} starts after ${d} is done`);
    const done = events[at('done', c.name)]!;
    assert.match(done.type === 'done' ? (done.id ?? '') : '', /^(vpc|subnet|igw|rtb|sg|eni|eipalloc|key|i)-/, `${c.name}'s done event carries its AWS id`);
  }
  const progress = events.filter((e) => e.type === 'progress' && e.name === 'ec2-wp-RHEL8').map((e) => (e.type === 'progress' ? e.message : ''));
  assert.ok(progress.some((m) => /to be running/.test(m)));
  assert.ok(progress.some((m) => /status checks/.test(m)));
});

test('an aborted signal stops the run: nothing new starts, the state is consistent, a rerun finishes the job', async (t) => {
  const ws = workspace('cancelled');
  t.after(() => ws.dispose());
  const text = readFileSync(ws.blueprint, 'utf8');
  const controller = new AbortController();
  const started: string[] = [];
  const result = await engine.apply(
    { path: ws.blueprint, text },
    {
      endpoint: testEndpoint(),
      keyDir: ws.keyDir,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'started') started.push(e.name);
        if (e.type === 'done' && e.name === 'vpc-Atsushi') controller.abort();
      },
    },
  );
  assert.equal(result.ok, false);
  assert.ok(!started.includes('ec2-wp-RHEL8'), 'the instance was never started');
  const state = JSON.parse(readFileSync(ws.statePath, 'utf8')) as { resources: Record<string, unknown>; operations?: unknown };
  assert.ok(state.resources['vpc-Atsushi']);
  assert.equal(state.operations, undefined);
  const rerun = await engine.apply({ path: ws.blueprint, text }, { endpoint: testEndpoint(), keyDir: ws.keyDir });
  assert.equal(rerun.ok, true, JSON.stringify(rerun.failures));
  assert.equal(rerun.plan.actions.find((a) => a.name === 'vpc-Atsushi')?.action, 'keep');
});

test('refresh records what changed outside the tool as drift in the state file', async (t) => {
  const ws = workspace('refresh');
  t.after(() => ws.dispose());
  const text = readFileSync(ws.blueprint, 'utf8');
  const applied = await engine.apply({ path: ws.blueprint, text }, { endpoint: testEndpoint(), keyDir: ws.keyDir });
  assert.equal(applied.ok, true);
  const groupId = applied.state.resources['seg-g_wp_Atsushi']!.id;
  await describeClient().send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
  const state = await engine.refresh({ path: ws.blueprint, text }, { endpoint: testEndpoint(), keyDir: ws.keyDir });
  assert.deepEqual(state.resources['seg-g_wp_Atsushi']!.drift, ['remove ingress tcp 3306 from 0.0.0.0/0']);
  assert.equal(state.resources['vpc-Atsushi']!.drift, undefined);
  const onDisk = JSON.parse(readFileSync(ws.statePath, 'utf8')) as typeof state;
  assert.deepEqual(onDisk.resources['seg-g_wp_Atsushi']!.drift, state.resources['seg-g_wp_Atsushi']!.drift);
});

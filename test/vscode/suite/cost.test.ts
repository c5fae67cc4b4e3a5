// What it costs, in the real workbench: the status bar follows the running stack (after Apply All,
// after Stop Instance, after Destroy), and the reminder names a stack older than the setting and
// not a younger one. EC2 is the emulator behind the test proxy (images carry AWS's billing
// details); prices come from the runner's Price List stand-in (AWS_ENDPOINT_URL_PRICING).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunResult } from '../../../src/core/engine-api';
import type { StateFile } from '../../../src/core/state';
import { startFaultProxy, type FaultProxy } from '../../harness/fault-proxy';
import { extensionApi, waitFor, workspaceBlueprint } from './helpers';

suite('What it costs', function () {
  this.timeout(180_000);
  const uri = workspaceBlueprint();
  const statePath = uri.fsPath.replace(/\.yaml$/, '.state.json');
  let keyDir: string;
  let proxy: FaultProxy;

  suiteSetup(async () => {
    await extensionApi();
    const emulator = process.env.EC2BP_TEST_ENDPOINT;
    assert.ok(emulator, 'EC2BP_TEST_ENDPOINT is not set: run this suite with `node scripts/test.mjs vscode`.');
    assert.ok(process.env.AWS_ENDPOINT_URL_PRICING, 'AWS_ENDPOINT_URL_PRICING is not set: scripts/test.mjs starts the Price List stand-in.');
    assert.ok((await fetch(`${emulator}/moto-api/reset`, { method: 'POST' })).ok);
    proxy = await startFaultProxy(emulator);
    keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ec2bp-keys-'));
    fs.rmSync(statePath, { force: true });
    const config = vscode.workspace.getConfiguration('ec2Blueprint');
    await config.update('endpoint', proxy.endpoint, vscode.ConfigurationTarget.Global);
    await config.update('keyDirectory', keyDir, vscode.ConfigurationTarget.Global);
  });

  suiteTeardown(async () => {
    if (fs.existsSync(statePath)) await vscode.commands.executeCommand('ec2Blueprint.destroy', uri, { confirmed: true });
    fs.rmSync(statePath, { force: true });
    fs.rmSync(keyDir, { recursive: true, force: true });
    const config = vscode.workspace.getConfiguration('ec2Blueprint');
    await config.update('endpoint', undefined, vscode.ConfigurationTarget.Global);
    await config.update('keyDirectory', undefined, vscode.ConfigurationTarget.Global);
    await proxy?.stop();
  });

  /** Moves every creation time of the state file `hoursAgo` into the past. */
  function ageState(hoursAgo: number): void {
    const state = JSON.parse(fs.readFileSync(statePath, 'utf8')) as StateFile;
    const then = new Date(Date.now() - hoursAgo * 3600_000).toISOString();
    for (const r of Object.values(state.resources)) r.createdAt = then;
    fs.writeFileSync(statePath, JSON.stringify(state, null, 2));
  }

  test('the status bar shows the running cost, the stopped cost after Stop Instance, and nothing after Destroy', async () => {
    const api = await extensionApi();
    assert.equal(await api.costStatus(), undefined, 'nothing created: no cost shown');
    const applied = await vscode.commands.executeCommand<RunResult | undefined>('ec2Blueprint.applyAll', uri);
    assert.ok(applied?.ok, `apply all failed: ${JSON.stringify(applied?.failures)}`);
    const running = await api.costStatus();
    assert.match(running?.text ?? '', /^\$\(credit-card\) \$0\.18\d\d\/h$/);
    assert.match(running!.tooltip, /wp-atsushi/);
    assert.match(running!.tooltip, /data transfer not included/);

    await vscode.commands.executeCommand('ec2Blueprint.stopInstance', uri, 'ec2-wp-RHEL8');
    const stopped = await api.costStatus();
    assert.match(stopped?.text ?? '', /^\$\(credit-card\) \$0\.00\d\d\/h$/, 'stopped: the volume and the address');
    assert.match(stopped!.tooltip, /ec2-wp-RHEL8 stopped/);
    await vscode.commands.executeCommand('ec2Blueprint.startInstance', uri, 'ec2-wp-RHEL8');

    const destroyed = await vscode.commands.executeCommand<RunResult | undefined>('ec2Blueprint.destroy', uri, { confirmed: true });
    assert.ok(destroyed?.ok, `destroy failed: ${JSON.stringify(destroyed?.failures)}`);
    await waitFor('the cost to go', async () => ((await api.costStatus()) === undefined ? true : undefined));
  });

  test('the reminder names a stack running longer than the setting, and not a younger one', async () => {
    const api = await extensionApi();
    const applied = await vscode.commands.executeCommand<RunResult | undefined>('ec2Blueprint.applyAll', uri);
    assert.ok(applied?.ok, `apply all failed: ${JSON.stringify(applied?.failures)}`);

    ageState(5);
    assert.deepEqual(await api.costReminder(), [], 'five hours is younger than the default 24');

    ageState(74);
    const shown = await api.costReminder();
    assert.equal(shown.length, 1);
    assert.match(shown[0]!, /^wp-atsushi has been running for 3 days, about \$1\d\.\d\d so far, \$0\.18\d\d an hour\.$/);
    assert.deepEqual(await api.costReminder(), [], 'once a day at most');

    // Turned off, it says nothing even a day later.
    const config = vscode.workspace.getConfiguration('ec2Blueprint');
    await config.update('costReminder.enabled', false, vscode.ConfigurationTarget.Global);
    try {
      assert.deepEqual(await api.costReminder(new Date(Date.now() + 25 * 3600_000)), []);
    } finally {
      await config.update('costReminder.enabled', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});

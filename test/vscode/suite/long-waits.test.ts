// Apply All of the private-subnet example in a real VS Code, with AWS's two long waits played by the
// fault proxy (the NAT gateway `pending`, the instances' status checks `initializing`, 6 s each):
// the log and the progress notification show the NAT gateway's wait as they show the status checks,
// both while the other is still going.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunResult } from '../../../src/core/engine-api';
import type { EngineEvent } from '../../../src/core/events';
import { describeEvent } from '../../../src/vscode/run-engine';
import { startFaultProxy, type FaultProxy } from '../../harness/fault-proxy';
import { extensionApi, repoPath, workspaceBlueprint, endpoint } from './helpers';

suite('Long waits in the progress (private subnet)', function () {
  this.timeout(240_000);
  const uri = vscode.Uri.joinPath(workspaceBlueprint(), '..', 'private-waits.blueprint.yaml');
  let keyDir: string;
  let proxy: FaultProxy;

  suiteSetup(async () => {
    await extensionApi();
    assert.ok((await fetch(`${endpoint()}/moto-api/reset`, { method: 'POST' })).ok);
    proxy = await startFaultProxy(endpoint(), { natPendingMs: 6000, statusChecksMs: 6000 });
    keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ec2bp-waits-keys-'));
    const config = vscode.workspace.getConfiguration('ec2Blueprint');
    await config.update('endpoint', proxy.endpoint, vscode.ConfigurationTarget.Global);
    await config.update('keyDirectory', keyDir, vscode.ConfigurationTarget.Global);
    fs.writeFileSync(uri.fsPath, fs.readFileSync(repoPath('examples', 'private-subnet.blueprint.yaml'), 'utf8').replace(/^stack: .*$/m, 'stack: private-waits'));
  });

  suiteTeardown(async () => {
    proxy.reset();
    await vscode.commands.executeCommand('ec2Blueprint.destroy', uri, { confirmed: true });
    const config = vscode.workspace.getConfiguration('ec2Blueprint');
    for (const key of ['endpoint', 'keyDirectory']) await config.update(key, undefined, vscode.ConfigurationTarget.Global);
    fs.rmSync(uri.fsPath, { force: true });
    fs.rmSync(uri.fsPath.replace(/\.yaml$/, '.state.json'), { force: true });
    fs.rmSync(keyDir, { recursive: true, force: true });
    await proxy.stop();
  });

  test('Apply All logs the NAT gateway pending while the instances\' status checks are waited for, and each line as the log shows it', async () => {
    const api = await extensionApi();
    const events: EngineEvent[] = [];
    const listener = api.onEngineEvent((e) => events.push(e));
    let result: RunResult | undefined;
    try {
      result = await vscode.commands.executeCommand<RunResult | undefined>('ec2Blueprint.applyAll', uri);
    } finally {
      listener.dispose();
    }
    assert.ok(result?.ok, `Apply All failed: ${JSON.stringify(result?.failures)}`);
    assert.ok(proxy.stats.stillWaiting > 0, 'the proxy never answered pending or initializing');
    const lines = events.map((e) => describeEvent(e) ?? '');
    const natWaits = lines.findIndex((l) => /^nat-1a-Atsushi: waiting until NAT gateway nat-1a-Atsushi is available \(pending/.test(l));
    const checks = lines.findIndex((l) => /^ec2-app-Atsushi: waiting for the status checks of i-\w+ \(2\/2\)/.test(l));
    const natDone = events.findIndex((e) => e.type === 'done' && e.name === 'nat-1a-Atsushi');
    const appDone = events.findIndex((e) => e.type === 'done' && e.name === 'ec2-app-Atsushi');
    assert.ok(natWaits >= 0, `the log never said the NAT gateway was pending:\n${lines.join('\n')}`);
    assert.ok(checks >= 0, `the log never said the status checks were waited for:\n${lines.join('\n')}`);
    assert.ok(checks < natDone && natWaits < appDone, `the two waits did not overlap:\n${lines.join('\n')}`);
  });
});

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { extensionApi, repoPath } from './helpers';

suite('Commands', () => {
  test('every contributed command is registered', async () => {
    await extensionApi();
    const manifest = JSON.parse(fs.readFileSync(repoPath('package.json'), 'utf8'));
    const contributed: string[] = manifest.contributes.commands.map((c: { command: string }) => c.command);
    assert.ok(contributed.length >= 30, `only ${contributed.length} commands contributed`);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], 'contributed in package.json but not registered in the running extension');
  });

  test('activation stays light: neither the engine, the AWS SDK nor the validator is loaded', async () => {
    const api = await extensionApi();
    assert.ok(api.activationMs < 50, `activate() took ${api.activationMs.toFixed(1)} ms`);
    assert.deepEqual(api.heavyModulesAtActivation, []);
  });

  test('Use Local Sandbox Endpoint and Select AWS Profile change the settings the engine uses', async () => {
    const config = () => vscode.workspace.getConfiguration('ec2Blueprint');
    const before = { endpoint: config().inspect('endpoint')?.globalValue, profile: config().inspect('profile')?.globalValue };
    try {
      await vscode.commands.executeCommand('ec2Blueprint.useSandboxEndpoint', 'http://127.0.0.1:4566');
      assert.equal(config().get('endpoint'), 'http://127.0.0.1:4566');
      await vscode.commands.executeCommand('ec2Blueprint.selectProfile', 'dev');
      assert.equal(config().get('profile'), 'dev');
    } finally {
      await config().update('endpoint', before.endpoint, vscode.ConfigurationTarget.Global);
      await config().update('profile', before.profile, vscode.ConfigurationTarget.Global);
    }
  });
});

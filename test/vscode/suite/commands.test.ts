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
});

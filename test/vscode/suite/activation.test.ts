import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'ec2-blueprint.ec2-blueprint';

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

suite('Activation', () => {
  test('the fixture workspace holds a blueprint', async () => {
    const blueprints = await vscode.workspace.findFiles('**/*.blueprint.yaml');
    assert.ok(
      blueprints.some((uri) => uri.path.endsWith('/tutorial.blueprint.yaml')),
      `no tutorial.blueprint.yaml in the workspace (folders: ${vscode.workspace.workspaceFolders?.map((f) => f.uri.toString()).join(', ')})`,
    );
  });

  test('the extension is installed', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not among ${vscode.extensions.all.length} extensions`);
    assert.equal(extension.packageJSON.name, 'ec2-blueprint');
  });

  test('opening a workspace with a *.blueprint.yaml activates it', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    // Activation comes from `workspaceContains`, not from the test: never call activate() here.
    const active = await waitUntil(() => extension.isActive, 20_000);
    assert.ok(active, `${EXTENSION_ID} did not activate within 20 s of opening the workspace`);
  });
});

// The diagram panel in a real workbench: Show Diagram opens the picture of the blueprint, which
// the webview paints with every component of the file in it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { components } from '../../../src/core/model';
import { validateBlueprint } from '../../../src/core/validate';
import { extensionApi, paintedDiagram, workspaceBlueprint } from './helpers';

suite('Diagram panel', () => {
  suiteSetup(() => {
    // A state file left by an interrupted run would show components as created.
    fs.rmSync(workspaceBlueprint().fsPath.replace(/\.yaml$/, '.state.json'), { force: true });
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Show Diagram paints the blueprint: each of its components is in the picture, not created yet', async () => {
    const api = await extensionApi();
    const uri = workspaceBlueprint();
    const names = components(validateBlueprint(fs.readFileSync(uri.fsPath, 'utf8')).blueprint!).map((c) => c.name);
    const painted = paintedDiagram(api, uri, (picture) => picture.nodes.length > 0);
    await vscode.commands.executeCommand('ec2Blueprint.showDiagram', uri);
    const picture = await painted;
    assert.ok(names.length >= 9, `the fixture declares the tutorial's components (${names.join(', ')})`);
    for (const name of names) assert.equal(picture.nodes.find((n) => n.name === name)?.status, 'planned', name);
  });
});

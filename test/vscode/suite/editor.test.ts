// What the user sees in the editor: live diagnostics at exact positions, quick fixes, CodeLens.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { codeLensTitles, extensionApi, repoPath, waitFor, workspaceBlueprint } from './helpers';

/** A copy of a malformed fixture in a scratch folder, so fixes never touch the repository. */
function scratchCopy(name: string): vscode.Uri {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ec2bp-editor-'));
  const target = path.join(dir, name);
  fs.copyFileSync(repoPath('test', 'vscode', 'fixtures', 'malformed', name), target);
  return vscode.Uri.file(target);
}

async function diagnosticsOf(uri: vscode.Uri, count: number): Promise<vscode.Diagnostic[]> {
  return waitFor(`${count} diagnostics on ${path.basename(uri.fsPath)}`, () => {
    const list = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'EC2 Blueprint');
    return list.length === count ? list : undefined;
  });
}

const codeOf = (d: vscode.Diagnostic) => String(typeof d.code === 'object' ? d.code.value : d.code);
/** 1-based, as the CLI prints them. */
const where = (d: vscode.Diagnostic) => `${codeOf(d)} ${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1}`;

async function quickFixes(uri: vscode.Uri, diagnostic: vscode.Diagnostic): Promise<vscode.CodeAction[]> {
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value, 10);
  // The command hands back titles and edits (not the diagnostics an action fixes).
  return actions ?? [];
}

suite('Editor', () => {
  suiteSetup(async () => {
    await extensionApi();
    // A state file left by an interrupted run would turn "Create" lenses into ids.
    fs.rmSync(workspaceBlueprint().fsPath.replace(/\.yaml$/, '.state.json'), { force: true });
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('a malformed blueprint gets its diagnostics at the exact line and column', async () => {
    const uri = scratchCopy('references.blueprint.yaml');
    await vscode.window.showTextDocument(uri);
    const list = await diagnosticsOf(uri, 5);
    assert.deepEqual(list.map(where).sort(), [
      'ip-reserved 27:16-27:24',
      'missing-description 20:11-20:27',
      'missing-description 23:9-23:55',
      'ssh-open-to-world 22:44-22:53',
      'unknown-reference 18:15-18:39',
    ]);
    const unknown = list.find((d) => codeOf(d) === 'unknown-reference')!;
    assert.equal(unknown.severity, vscode.DiagnosticSeverity.Error);
    assert.match(unknown.message, /Did you mean "public-subnet-1a-Atsushi"/);
    assert.equal(list.find((d) => codeOf(d) === 'ssh-open-to-world')!.severity, vscode.DiagnosticSeverity.Warning);
  });

  test('diagnostics follow typing (debounced), without saving', async () => {
    const uri = scratchCopy('references.blueprint.yaml');
    const editor = await vscode.window.showTextDocument(uri);
    await diagnosticsOf(uri, 5);
    const line = editor.document.lineAt(17); // subnets: [public-subnet-1a-Atsushl]
    await editor.edit((e) => e.replace(line.range, '    subnets: [public-subnet-1a-Atsushi]'));
    const after = await diagnosticsOf(uri, 4);
    assert.ok(!after.some((d) => codeOf(d) === 'unknown-reference'));
    assert.ok(editor.document.isDirty, 'the fix was seen before any save');
  });

  test('quick fixes: nearest name, a free address, a description, and SSH restricted to my IP', async () => {
    const api = await extensionApi();
    api.setPublicIpLookup(async () => '203.0.113.7');
    const uri = scratchCopy('references.blueprint.yaml');
    const editor = await vscode.window.showTextDocument(uri);
    const list = await diagnosticsOf(uri, 5);
    const byCode = (code: string) => list.filter((d) => codeOf(d) === code);

    const apply = async (diagnostic: vscode.Diagnostic, title: RegExp) => {
      const fixes = await quickFixes(uri, diagnostic);
      const fix = fixes.find((a) => title.test(a.title));
      assert.ok(fix, `no quick fix matching ${title} for ${where(diagnostic)} (got ${fixes.map((f) => f.title).join(' | ')})`);
      assert.ok(fix.edit, `quick fix "${fix.title}" has no edit`);
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
    };
    // Bottom-up, so earlier ranges stay valid while we edit.
    await apply(byCode('ip-reserved')[0]!, /10\.0\.1\.4/);
    await apply(byCode('missing-description').find((d) => d.range.start.line === 22)!, /description/i);
    await apply(byCode('ssh-open-to-world')[0]!, /Restrict SSH to my current public IP/);
    await apply(byCode('missing-description').find((d) => d.range.start.line === 19)!, /description/i);
    await apply(byCode('unknown-reference')[0]!, /public-subnet-1a-Atsushi/);

    const text = editor.document.getText();
    assert.match(text, /privateIp: 10\.0\.1\.4\n/);
    assert.match(text, /port: 22, source: 203\.0\.113\.7\/32, description: SSH/);
    assert.match(text, /port: 80, source: 0\.0\.0\.0\/0, description: HTTP \}/);
    assert.match(text, /- name: seg-g_wp_Atsushi\n {4}description: .+\n {4}ingress:/);
    assert.match(text, /subnets: \[public-subnet-1a-Atsushi\]/);
    // Everything fixed: no finding left.
    const remaining = await diagnosticsOf(uri, 0);
    assert.deepEqual(remaining.map(where), []);
  });

  test('a misspelt key is flagged on the key and corrected to the nearest one', async () => {
    const uri = scratchCopy('typo-key.blueprint.yaml');
    const editor = await vscode.window.showTextDocument(uri);
    const list = await diagnosticsOf(uri, 2);
    assert.deepEqual(list.map(where).sort(), ['missing-key 9:5-9:9', 'unknown-key 11:5-11:20']);
    const fixes = await quickFixes(uri, list.find((d) => codeOf(d) === 'unknown-key')!);
    assert.equal(fixes[0]?.title, 'Change to "availabilityZone"');
    assert.ok(await vscode.workspace.applyEdit(fixes[0]!.edit!));
    assert.equal(editor.document.lineAt(10).text, '    availabilityZone: ap-northeast-1a');
    await diagnosticsOf(uri, 0);
  });

  test('CodeLens: "Create" and "Show in diagram" above each resource before anything exists', async () => {
    const uri = workspaceBlueprint();
    await vscode.window.showTextDocument(uri);
    const lenses = await waitFor('CodeLenses on the tutorial blueprint', async () => {
      const l = await codeLensTitles(uri);
      return l.length >= 18 ? l : undefined;
    });
    // One "Create" per resource, on the line where it starts (the tutorial has nine).
    const creates = lenses.filter((l) => /Create$/.test(l.title)).map((l) => l.line);
    assert.equal(creates.length, 9, `nine Create lenses, got ${JSON.stringify(lenses)}`);
    const text = (await vscode.workspace.openTextDocument(uri)).getText().split('\n');
    const starts = text.flatMap((line, i) => (/^(vpc|internetGateway):/.test(line) || /^ {2}- name:/.test(line) ? [i + 1] : []));
    assert.deepEqual(creates, starts, 'a Create lens on the first line of each resource');
    assert.equal(lenses.filter((l) => l.title === 'Show in diagram').length, 9);
  });
});

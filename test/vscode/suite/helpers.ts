// Shared by the in-host tests: the extension's API, fixture paths, waiting for the editor.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BlueprintExtensionApi } from '../../../src/vscode/extension';

export const EXTENSION_ID = 'ec2-blueprint.ec2-blueprint';

export async function extensionApi(): Promise<BlueprintExtensionApi> {
  const extension = vscode.extensions.getExtension<BlueprintExtensionApi>(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not installed in this VS Code`);
  return extension.activate();
}

export function repoPath(...parts: string[]): string {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not installed in this VS Code`);
  return path.join(extension.extensionPath, ...parts);
}

export function workspaceBlueprint(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the test workbench opened no folder');
  return vscode.Uri.joinPath(folder.uri, 'tutorial.blueprint.yaml');
}

export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (last !== undefined && last !== false) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    if (process.env.EC2BP_TEST_DEBUG) console.log('waitFor', what, JSON.stringify(last));
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function codeLensTitles(uri: vscode.Uri): Promise<{ line: number; title: string }[]> {
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
  return lenses.filter((l) => l.command?.title).map((l) => ({ line: l.range.start.line + 1, title: l.command!.title }));
}

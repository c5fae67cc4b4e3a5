// Shared by the in-host tests: the extension's API, fixture paths, waiting for the editor.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BlueprintExtensionApi } from '../../../src/vscode/extension';
import type { DiagramPainted } from '../../../src/vscode/commands/command';

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

/** The EC2 emulator the runner started (scripts/test.mjs vscode sets EC2BP_TEST_ENDPOINT). */
export function endpoint(): string {
  const value = process.env.EC2BP_TEST_ENDPOINT;
  if (!value) throw new Error('EC2BP_TEST_ENDPOINT is not set: run this suite with `node scripts/test.mjs vscode`, which starts the EC2 emulator (moto).');
  return value;
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

/** The first picture the diagram panel of `uri` paints (from now on) that `wanted` accepts, as the
 * extension's API reports it. */
export function paintedDiagram(api: BlueprintExtensionApi, uri: vscode.Uri, wanted: (picture: DiagramPainted['message']) => boolean = () => true, timeoutMs = 30_000): Promise<DiagramPainted['message']> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      listener.dispose();
      reject(new Error(`the diagram of ${path.basename(uri.fsPath)} painted no such picture within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = api.onDiagramPainted((painted) => {
      if (painted.uri !== uri.toString() || !wanted(painted.message)) return;
      clearTimeout(timer);
      listener.dispose();
      resolve(painted.message);
    });
  });
}

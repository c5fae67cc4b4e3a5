// The resource view's context menu (reveal in YAML, copy id, open in the AWS console), its
// refresh, and Show Log.
import * as vscode from 'vscode';
import { consoleUrl } from '../console-url';
import { isSandboxEndpoint } from '../settings';
import type { ComponentNode } from '../resource-view';
import type { CommandContext } from './command';

function isComponentNode(arg: unknown): arg is ComponentNode {
  return !!arg && typeof arg === 'object' && (arg as ComponentNode).type === 'component' && (arg as ComponentNode).blueprintUri instanceof vscode.Uri;
}

function requireNode(arg: unknown): ComponentNode {
  if (!isComponentNode(arg)) throw new Error(vscode.l10n.t('Choose a component in the Blueprint Resources view.'));
  return arg;
}

export async function revealInYaml(ctx: CommandContext, arg?: unknown): Promise<void> {
  const node = requireNode(arg);
  const bp = await ctx.blueprint(node.blueprintUri);
  const editor = await vscode.window.showTextDocument(node.blueprintUri, { preserveFocus: false });
  if (!bp) return;
  const r = bp.source.range([...node.yamlPath, 'name']);
  const start = new vscode.Position(r.line - 1, r.column - 1);
  const end = new vscode.Position(r.endLine - 1, r.endColumn - 1);
  editor.selection = new vscode.Selection(start, end);
  editor.revealRange(new vscode.Range(start, end), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

export async function copyId(_ctx: CommandContext, arg?: unknown): Promise<string | undefined> {
  const node = requireNode(arg);
  if (!node.id) return undefined;
  await vscode.env.clipboard.writeText(node.id);
  void vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', node.id), 3000);
  return node.id;
}

export async function openInConsole(ctx: CommandContext, arg?: unknown): Promise<void> {
  const node = requireNode(arg);
  if (!node.id) return;
  if (isSandboxEndpoint(ctx.settings().endpoint)) {
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} lives in the local sandbox ({1}), not in AWS, so the AWS console does not show it.', node.id, ctx.settings().endpoint!));
    return;
  }
  await vscode.env.openExternal(vscode.Uri.parse(consoleUrl(node.kind, node.id, node.region, node.name)));
}

export async function refreshView(ctx: CommandContext): Promise<void> {
  ctx.stateChanged();
}

export async function showLog(ctx: CommandContext): Promise<void> {
  ctx.log.show(true);
}

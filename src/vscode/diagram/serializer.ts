// Registered at activation so diagram panels come back after a window reload; the panel's code
// (and everything it draws with) loads only when there is one to restore.
import * as vscode from 'vscode';
import type { WebviewState } from '../../shared/protocol';
import type { CommandContext } from '../commands/command';

export const diagramViewType = 'ec2Blueprint.diagram';

export function registerDiagramSerializer(ctx: CommandContext): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(diagramViewType, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
      const { DiagramPanel } = await import('./panel');
      DiagramPanel.restore(ctx, panel, state as Partial<WebviewState> | undefined);
    },
  });
}

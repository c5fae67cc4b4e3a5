// Stop Instance / Start Instance: the tutorial's reason for an Elastic IP is that the address
// survives a stop and start. Implemented after the engine's EC2 client lands (see report).
import * as vscode from 'vscode';
import type { CommandContext } from './command';

export async function stopInstance(_ctx: CommandContext): Promise<void> {
  void vscode.window.showInformationMessage(vscode.l10n.t('Stop Instance is not available yet.'));
}

export async function startInstance(_ctx: CommandContext): Promise<void> {
  void vscode.window.showInformationMessage(vscode.l10n.t('Start Instance is not available yet.'));
}

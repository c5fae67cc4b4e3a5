// The command boundary: the only place an error becomes a notification. One notification per
// failure, with "Show Log"; missing credentials get guidance instead of a stack.
import * as vscode from 'vscode';
import { BlueprintError } from '../core/errors';

export function isCredentialsProblem(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof BlueprintError ? error.code : undefined;
  return (code === 'aws' || code === undefined) && /credential|could not load credentials|no.*profile|security token/i.test(message);
}

export async function reportError(log: vscode.LogOutputChannel, error: unknown, what: string): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof BlueprintError && error.code === 'interrupted') {
    log.info(`${what}: ${message}`);
    void vscode.window.showInformationMessage(message);
    return;
  }
  log.error(`${what}: ${message}`);
  const showLog = vscode.l10n.t('Show Log');
  if (isCredentialsProblem(error)) {
    const selectProfile = vscode.l10n.t('Select AWS Profile');
    const sandbox = vscode.l10n.t('Use Local Sandbox Endpoint');
    const choice = await vscode.window.showErrorMessage(
      vscode.l10n.t('No AWS credentials were found. Choose a profile from ~/.aws/config, or point the extension at a local EC2 sandbox to try it without an account.'),
      selectProfile,
      sandbox,
      showLog,
    );
    if (choice === selectProfile) await vscode.commands.executeCommand('ec2Blueprint.selectProfile');
    else if (choice === sandbox) await vscode.commands.executeCommand('ec2Blueprint.useSandboxEndpoint');
    else if (choice === showLog) log.show(true);
    return;
  }
  const choice = await vscode.window.showErrorMessage(vscode.l10n.t('{0} failed: {1}', what, message), showLog);
  if (choice === showLog) log.show(true);
}

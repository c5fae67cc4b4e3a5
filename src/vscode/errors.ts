// The command boundary: the only place an error becomes a notification. One notification per
// failure, with "Show Log"; missing credentials get guidance instead of a stack.
import * as vscode from 'vscode';
import { BlueprintError } from '../core/errors';
import { isCredentialsProblem } from './credentials';

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
    await showCredentialsGuidance(log);
    return;
  }
  const choice = await vscode.window.showErrorMessage(vscode.l10n.t('{0} failed: {1}', what, message), showLog);
  if (choice === showLog) log.show(true);
}

/** No usable credentials: offer the profile picker and the sandbox, not an SDK message. */
export async function showCredentialsGuidance(log: vscode.LogOutputChannel): Promise<void> {
  const selectProfile = vscode.l10n.t('Select AWS Profile');
  const sandbox = vscode.l10n.t('Use Local Sandbox Endpoint');
  const showLog = vscode.l10n.t('Show Log');
  const choice = await vscode.window.showErrorMessage(
    vscode.l10n.t('No usable AWS credentials were found. Choose a profile from ~/.aws/config, or point the extension at a local EC2 sandbox to try it without an account.'),
    selectProfile,
    sandbox,
    showLog,
  );
  if (choice === selectProfile) await vscode.commands.executeCommand('ec2Blueprint.selectProfile');
  else if (choice === sandbox) await vscode.commands.executeCommand('ec2Blueprint.useSandboxEndpoint');
  else if (choice === showLog) log.show(true);
}

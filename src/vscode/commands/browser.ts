// Open in Browser: once the instance runs and passes its status checks, waits (bounded,
// cancellable, saying what it waits for) until http://<its public address>/ answers with a page,
// then opens it. An instance that installs its web server from user data (the WordPress example)
// answers only minutes after its checks pass.
import * as vscode from 'vscode';
import { defaultHttpWaitSeconds, httpUrlOf, waitForHttp } from '../../core/http-wait';
import { resolveSsh, waitUntilReady } from '../ssh/connect';
import type { CommandContext } from './command';

/** Returns the URL opened, or undefined when cancelled or not answering. */
export async function openInBrowser(ctx: CommandContext, arg?: unknown, nameArg?: unknown): Promise<string | undefined> {
  const resolved = await resolveSsh(ctx, arg, nameArg);
  if (!resolved) return undefined;
  if (!(await waitUntilReady(ctx, resolved))) return undefined;
  const url = httpUrlOf(resolved.target.host);
  if (!(await waitForPage(ctx, resolved.target.instance, url))) return undefined;
  ctx.log.info(vscode.l10n.t('Opening {0} ({1})', url, resolved.target.instance));
  try {
    await vscode.env.openExternal(vscode.Uri.parse(url));
  } catch (error) {
    // The workbench may refuse (its link-protection prompt cannot be shown): the address still
    // answers, so say where it is instead of failing.
    ctx.log.warn(`openExternal ${url}: ${String(error)}`);
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} answers; open it in your browser.', url));
  }
  return url;
}

/** The progress step shared with Apply: true once the page answers. */
export async function waitForPage(ctx: CommandContext, instance: string, url: string): Promise<boolean> {
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Waiting for {0} ({1})', url, instance), cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const cancel = token.onCancellationRequested(() => abort.abort());
      progress.report({ message: vscode.l10n.t('at most {0} min: an instance that installs its web server at first boot answers only minutes after it is running', defaultHttpWaitSeconds / 60) });
      try {
        return await waitForHttp(url, {
          timeoutMs: defaultHttpWaitSeconds * 1000,
          signal: abort.signal,
          onAttempt: (a) =>
            progress.report({ message: vscode.l10n.t('{0} after {1} s; still waiting', a.status !== undefined ? `HTTP ${a.status}` : (a.error ?? ''), Math.round(a.elapsedMs / 1000)) }),
        });
      } finally {
        cancel.dispose();
      }
    },
  );
  if (outcome.ok) return true;
  if (outcome.reason === 'cancelled') return false;
  const message = vscode.l10n.t('{0} did not answer with a page within {1} min (last: {2}). The instance may still be setting itself up: its log is /var/log/cloud-init-output.log.', url, defaultHttpWaitSeconds / 60, outcome.last ?? '-');
  ctx.log.warn(message);
  const ssh = vscode.l10n.t('SSH to Instance');
  const open = vscode.l10n.t('Open Anyway');
  void vscode.window.showWarningMessage(message, ssh, open).then(async (choice) => {
    if (choice === ssh) await vscode.commands.executeCommand('ec2Blueprint.sshToInstance', undefined, instance);
    else if (choice === open) await vscode.env.openExternal(vscode.Uri.parse(url));
  });
  return false;
}

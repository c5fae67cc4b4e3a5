// SSH to Instance, Copy SSH Command, Add to SSH Config, Open in Remote-SSH. All four build on the
// same target and argument vector (src/core/ssh.ts) as the CLI's `ssh --print`.
import * as vscode from 'vscode';
import { sshArgs, sshCommandLine, sshConfigBlocks, shellFor } from '../../core/ssh';
import { addToSshConfigFile } from '../ssh/config-file';
import { ensureKeyUsable, resolveSsh, sshConfigFilePath, sshProgram, sshTerminalOptions, waitUntilReady } from '../ssh/connect';
import type { CommandContext } from './command';

const remoteSshExtension = 'ms-vscode-remote.remote-ssh';

/** Opens a terminal named after the instance running the system's ssh. Returns the terminal. */
export async function sshToInstance(ctx: CommandContext, arg?: unknown, nameArg?: unknown): Promise<vscode.Terminal | undefined> {
  const resolved = await resolveSsh(ctx, arg, nameArg);
  if (!resolved) return undefined;
  const { target } = resolved;
  if (!(await ensureKeyUsable(ctx, target))) return undefined;
  const ssh = sshProgram();
  if (!(await waitUntilReady(ctx, resolved))) return undefined;
  const args = sshArgs(target);
  ctx.log.info(vscode.l10n.t('SSH to {0}: {1}', target.instance, sshCommandLine(target, shellFor(process.platform))));
  const terminal = vscode.window.createTerminal(sshTerminalOptions(target, ssh, args));
  terminal.show();
  return terminal;
}

/** Puts the command line on the clipboard, quoted for the terminal's shell. Returns it. */
export async function copySshCommand(ctx: CommandContext, arg?: unknown, nameArg?: unknown): Promise<string | undefined> {
  const resolved = await resolveSsh(ctx, arg, nameArg);
  if (!resolved) return undefined;
  const command = sshCommandLine(resolved.target, shellFor(process.platform, vscode.env.shell));
  await vscode.env.clipboard.writeText(command);
  ctx.log.info(vscode.l10n.t('Copied: {0}', command));
  void vscode.window.showInformationMessage(vscode.l10n.t('Copied the SSH command for {0}. Paste it into a terminal.', resolved.target.instance));
  return command;
}

/** Writes (or updates in place) the managed Host block in ~/.ssh/config. Returns the Host alias. */
export async function addToSshConfig(ctx: CommandContext, arg?: unknown, nameArg?: unknown): Promise<string | undefined> {
  const resolved = await resolveSsh(ctx, arg, nameArg);
  if (!resolved) return undefined;
  const alias = writeConfigBlock(ctx, resolved);
  const open = vscode.l10n.t('Open Config');
  const remote = vscode.l10n.t('Open in Remote-SSH');
  const buttons = vscode.extensions.getExtension(remoteSshExtension) ? [open, remote] : [open];
  void vscode.window
    .showInformationMessage(vscode.l10n.t('"ssh {0}" now connects to {1}. The block is marked in {2}; running this again updates it.', alias.alias, resolved.target.instance, alias.file), ...buttons)
    .then(async (choice) => {
      if (choice === open) await vscode.window.showTextDocument(vscode.Uri.file(alias.file));
      else if (choice === remote) await vscode.commands.executeCommand('ec2Blueprint.openInRemoteSsh', resolved.bp.uri, resolved.target.instance);
    });
  return alias.alias;
}

/** Opens a Remote-SSH window on the instance, through the managed Host block. */
export async function openInRemoteSsh(ctx: CommandContext, arg?: unknown, nameArg?: unknown): Promise<void> {
  if (!vscode.extensions.getExtension(remoteSshExtension)) {
    const install = vscode.l10n.t('Show Remote - SSH');
    const choice = await vscode.window.showErrorMessage(
      vscode.l10n.t('Open in Remote-SSH needs the "Remote - SSH" extension ({0}). SSH to Instance works without it.', remoteSshExtension),
      install,
    );
    if (choice === install) await vscode.commands.executeCommand('extension.open', remoteSshExtension);
    return;
  }
  const resolved = await resolveSsh(ctx, arg, nameArg);
  if (!resolved) return;
  if (!(await ensureKeyUsable(ctx, resolved.target))) return;
  if (!(await waitUntilReady(ctx, resolved))) return;
  const { alias } = writeConfigBlock(ctx, resolved);
  await vscode.commands.executeCommand('vscode.newWindow', { remoteAuthority: `ssh-remote+${alias}`, reuseWindow: false });
}

function writeConfigBlock(ctx: CommandContext, resolved: NonNullable<Awaited<ReturnType<typeof resolveSsh>>>): { alias: string; file: string } {
  const { target, bp } = resolved;
  const file = sshConfigFilePath();
  // A jump host's own block comes first: the instance's block names it in ProxyJump.
  let written = file;
  for (const { id, block } of sshConfigBlocks(target, bp.blueprint.stack, target.instance, target.via?.instance, process.platform)) {
    const result = addToSshConfigFile(file, block, id);
    written = result.file;
    const alias = /^Host (.+)$/m.exec(block)?.[1] ?? target.hostAlias;
    if (result.action !== 'unchanged')
      ctx.log.info(vscode.l10n.t('{0} Host {1} in {2}{3}', result.action === 'added' ? vscode.l10n.t('Added') : vscode.l10n.t('Updated'), alias, result.file, result.backup ? vscode.l10n.t(' (previous version: {0})', result.backup) : ''));
  }
  return { alias: target.hostAlias, file: written };
}

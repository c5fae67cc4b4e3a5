// Registers the command table. The only place a command's error becomes a notification.
import * as vscode from 'vscode';
import type { CommandContext, CommandEntry } from './commands/command';
import { reportError } from './errors';

export function registerCommands(ctx: CommandContext, table: readonly CommandEntry[]): vscode.Disposable[] {
  return table.map((entry) =>
    vscode.commands.registerCommand(entry.id, async (...args: unknown[]) => {
      try {
        return await entry.run(ctx, ...args);
      } catch (error) {
        // Not awaited: the notification stays until the user closes it, the command is over now.
        void reportError(ctx.log, error, titleOf(entry.id));
        return undefined;
      }
    }),
  );
}

function titleOf(id: string): string {
  const pkg = vscode.extensions.all.find((e) => e.packageJSON?.contributes?.commands?.some((c: { command: string }) => c.command === id));
  const title = pkg?.packageJSON.contributes.commands.find((c: { command: string }) => c.command === id)?.title as string | undefined;
  // Manifest titles are %keys% in the raw manifest; fall back to the id's last part.
  return title && !title.startsWith('%') ? title : id.replace(/^ec2Blueprint\./, '');
}

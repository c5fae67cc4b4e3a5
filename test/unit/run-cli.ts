// The CLI run in-process, as a user would type it: exit code and the two streams. No build and
// no child process, so the fast suite stays fast.
import { main } from '../../src/cli/main';
import type { CliIo } from '../../src/cli/command';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    interactive: false,
    confirm: async () => false,
    env: { LANG: 'en_US.UTF-8', ...env },
    cwd: process.cwd(),
  };
  const code = await main(args, io);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

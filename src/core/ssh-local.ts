// The user's side of SSH, as the front ends found it on disk (injected: no file system here) and
// judged here so the CLI and VS Code say the same thing: the private key file (there, a file,
// private enough for ssh) and the ssh program on PATH.
import { join } from 'node:path';
import { t } from '@vscode/l10n';

export interface KeyFileFacts {
  exists: boolean;
  isFile?: boolean;
  /** POSIX permission bits (stat.mode & 0o777). */
  mode?: number;
  /** Windows: the output of `icacls KEY`, when it could be read. */
  icacls?: string;
  /** Windows: the user name (USERNAME) the key should belong to. */
  userName?: string;
}

export type KeyFileProblem =
  | { code: 'key-missing' | 'key-not-a-file'; message: string }
  | { code: 'key-permissions'; message: string; fix: { program: string; args: string[] }[] };

/** What is wrong with the key file, or undefined when ssh will accept it. */
export function keyFileProblem(keyFile: string, keyPair: string, facts: KeyFileFacts, platform: string): KeyFileProblem | undefined {
  if (!facts.exists)
    return {
      code: 'key-missing',
      message: t('The private key {0} of key pair "{1}" is not there. AWS hands out a private key only once, when the key pair is created, so it cannot be downloaded again. If you moved it, put it back (or point the key directory setting / --key-dir at its folder). Otherwise recreate the key pair: give it a new name in the blueprint (keyPairs and the instance\'s keyPair) and apply; the new key is downloaded and the instance is replaced to use it.', keyFile, keyPair),
    };
  if (facts.isFile === false) return { code: 'key-not-a-file', message: t('{0} is not a file, so it cannot be the private key of "{1}".', keyFile, keyPair) };
  if (platform === 'win32') {
    const others = facts.icacls === undefined ? [] : icaclsOthers(facts.icacls, keyFile, facts.userName);
    if (others.length === 0) return undefined;
    const user = facts.userName ?? '%USERNAME%';
    return {
      code: 'key-permissions',
      message: t('Other accounts can read the private key {0} ({1}); Windows OpenSSH refuses such a key. Allow only your own account to read it?', keyFile, others.join(', ')),
      fix: [{ program: 'icacls', args: [keyFile, '/inheritance:r', '/grant:r', `${user}:R`] }],
    };
  }
  if (facts.mode !== undefined && (facts.mode & 0o077) !== 0)
    return {
      code: 'key-permissions',
      message: t('The private key {0} can be read by other users (mode {1}); ssh refuses such a key ("UNPROTECTED PRIVATE KEY FILE"). Make it private with chmod 600?', keyFile, '0' + (facts.mode & 0o777).toString(8)),
      fix: [{ program: 'chmod', args: ['600', keyFile] }],
    };
  return undefined;
}

/** The accounts other than the user, SYSTEM and Administrators that `icacls FILE` lets in:
 * "FILE NT AUTHORITY\\SYSTEM:(I)(F)" on the first line, "      BUILTIN\\Users:(I)(RX)" after. */
export function icaclsOthers(output: string, keyFile: string, userName?: string): string[] {
  const trusted = (account: string) =>
    /(^|\\)(SYSTEM|Administrators)$/i.test(account) || (userName !== undefined && new RegExp(`(^|\\\\)${escapeRegExp(userName)}$`, 'i').test(account));
  const found = new Set<string>();
  for (const raw of output.split(/\r?\n/)) {
    let line = raw.trim();
    if (line.toLowerCase().startsWith(keyFile.toLowerCase())) line = line.slice(keyFile.length).trim();
    const match = /^(.+?):((?:\([^)]*\))+)$/.exec(line);
    if (!match || /\(DENY\)/i.test(match[2]!)) continue;
    const account = match[1]!.trim();
    if (!trusted(account)) found.add(account);
  }
  return [...found];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** How a front end looks at files: injected, so this module stays free of the file system. */
export interface FileProbe {
  /** undefined when the path does not exist. */
  stat(path: string): { isFile: boolean; mode: number } | undefined;
  /** Windows: `icacls PATH` output, undefined when it cannot run. */
  icacls?(path: string): string | undefined;
}

export function readKeyFileFacts(keyFile: string, platform: string, probe: FileProbe, userName?: string): KeyFileFacts {
  const stat = probe.stat(keyFile);
  if (!stat) return { exists: false };
  const facts: KeyFileFacts = { exists: true, isFile: stat.isFile, mode: stat.mode & 0o777 };
  if (platform === 'win32') {
    const icacls = probe.icacls?.(keyFile);
    if (icacls !== undefined) facts.icacls = icacls;
    if (userName) facts.userName = userName;
  }
  return facts;
}

/** The full path of `program` on PATH (with PATHEXT on Windows), or undefined. */
export function findOnPath(program: string, env: Record<string, string | undefined>, platform: string, probe: FileProbe): string | undefined {
  const win = platform === 'win32';
  const dirs = (env.PATH ?? env.Path ?? '').split(win ? ';' : ':').filter(Boolean);
  const exts = win ? (env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean) : [''];
  for (const dir of dirs)
    for (const ext of exts) {
      const candidate = join(dir, program + ext.toLowerCase());
      if (probe.stat(candidate)?.isFile) return candidate;
    }
  return undefined;
}

export function noSshMessage(platform: string): string {
  return platform === 'win32'
    ? t('The ssh program was not found on PATH. Windows 10 and 11 include it: Settings > System > Optional features > add "OpenSSH Client" (or in PowerShell as administrator: Add-WindowsCapability -Online -Name OpenSSH.Client~~~~0.0.1.0).')
    : platform === 'darwin'
      ? t('The ssh program was not found on PATH. macOS ships it as /usr/bin/ssh; check your PATH.')
      : t('The ssh program was not found on PATH. Install the OpenSSH client (Debian/Ubuntu: sudo apt install openssh-client; Fedora/RHEL: sudo dnf install openssh-clients).');
}

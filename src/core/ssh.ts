// The ssh command line and the ~/.ssh/config block, as pure functions: the same argument vector
// feeds the VS Code terminal, Copy SSH Command, the CLI's `ssh --print` and the managed Host block.

/** Everything ssh needs to reach one instance. Paths are absolute. */
export interface SshEndpoint {
  user: string;
  host: string;
  port: number;
  keyFile: string;
  /** The known-hosts file kept for the stack, so the user's own ~/.ssh/known_hosts is never touched. */
  knownHostsFile: string;
  /** The name of the managed Host block in ~/.ssh/config (and for Remote-SSH). */
  hostAlias: string;
  /** The name under which the host key is recorded (the instance id): a replaced instance behind
   * the same Elastic IP is a new host, not a "REMOTE HOST IDENTIFICATION HAS CHANGED". */
  hostKeyAlias?: string;
  /** The jump host (bastion) to go through, for an instance on a private address. */
  jump?: SshEndpoint;
}

/** OpenSSH expands %-tokens in IdentityFile and UserKnownHostsFile, on the command line too. */
function sshPath(path: string): string {
  return path.replace(/%/g, '%%');
}

/** The argument vector after `ssh` (the program itself is not included). A remote command, when
 * given, goes last. */
export function sshArgs(target: SshEndpoint, remoteCommand: readonly string[] = []): string[] {
  const args = keyOptions(target, sshPath);
  // Through a jump host: what `-J user@jump` does, with the key, known-hosts and host-key options
  // on that hop too (-J passes none of the command line's -i / -o on to the jump connection).
  if (target.jump) args.push('-o', `ProxyCommand=${proxyCommandFor(target.jump)}`);
  args.push('-p', String(target.port), `${target.user}@${target.host}`);
  return [...args, ...remoteCommand];
}

/** -i KEY and the -o options of one hop, paths escaped by `path`. */
function keyOptions(target: SshEndpoint, path: (p: string) => string): string[] {
  const args = ['-i', path(target.keyFile), '-o', 'IdentitiesOnly=yes', '-o', 'StrictHostKeyChecking=accept-new', '-o', `UserKnownHostsFile=${path(target.knownHostsFile)}`];
  if (target.hostKeyAlias) args.push('-o', `HostKeyAlias=${target.hostKeyAlias}`);
  return args;
}

/** The jump hop as a ProxyCommand: ssh runs it with /bin/sh after expanding %-tokens, and the
 * inner ssh expands its own IdentityFile tokens, so paths are escaped twice and shell-quoted. */
export function proxyCommandFor(jump: SshEndpoint): string {
  const twice = (p: string) => sshPath(sshPath(p));
  return ['ssh', ...keyOptions(jump, twice), '-W', '[%h]:%p', '-p', String(jump.port), `${jump.user}@${jump.host}`].map(quotePosix).join(' ');
}

/** `['ssh', ...sshArgs(target)]`: what `ssh FILE --print --json` reports as argv. */
export function sshArgv(target: SshEndpoint, remoteCommand: readonly string[] = []): string[] {
  return ['ssh', ...sshArgs(target, remoteCommand)];
}

export type ShellKind = 'posix' | 'powershell' | 'cmd';

/** The shell the user pastes into: VS Code's default terminal shell when known (vscode.env.shell),
 * else PowerShell on Windows and a POSIX shell elsewhere. */
export function shellFor(platform: string, shellPath?: string): ShellKind {
  const name = (shellPath ?? '').split(/[\\/]/).pop()!.toLowerCase().replace(/\.exe$/, '');
  if (name === 'pwsh' || name === 'powershell') return 'powershell';
  if (name === 'cmd') return 'cmd';
  if (name !== '') return 'posix'; // bash, zsh, sh, fish, Git Bash, WSL
  return platform === 'win32' ? 'powershell' : 'posix';
}

/** One argument quoted for a POSIX shell (sh, bash, zsh): left bare when that is safe. */
export function quotePosix(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** One argument quoted for PowerShell: single quotes are literal there (a ' is doubled). Commas,
 * semicolons, braces, $, @ at the start, % and spaces all mean something to PowerShell. */
export function quotePowerShell(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_.:\\/=+-][A-Za-z0-9_.:\\/=+@-]*$/.test(arg)) return arg;
  // PowerShell treats the typographic quotes ‘ ’ ‚ ‛ as ' too, so they are doubled as well.
  return `'${arg.replace(/['\u2018\u2019\u201A\u201B]/g, (q) => q + q)}'`;
}

/** One argument for cmd.exe: double quotes around anything with a space or a character cmd
 * reads as syntax (Windows paths cannot hold a double quote). */
export function quoteCmd(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_.:\\/=+@,-]+$/.test(arg)) return arg;
  return `"${arg.replace(/"/g, '""')}"`;
}

/** A whole command line for copying and pasting. */
export function formatCommandLine(argv: readonly string[], shell: ShellKind): string {
  const quote = shell === 'powershell' ? quotePowerShell : shell === 'cmd' ? quoteCmd : quotePosix;
  return argv.map(quote).join(' ');
}

/** The command line Copy SSH Command and `ssh --print` give. */
export function sshCommandLine(target: SshEndpoint, shell: ShellKind): string {
  return formatCommandLine(sshArgv(target), shell);
}

// ---------------------------------------------------------------------------------------------
// ~/.ssh/config

const markerTool = 'ec2-blueprint';

/** What identifies a managed block: the stack and the instance. */
export function managedBlockId(stack: string, instance: string): string {
  // A line break in a blueprint's name must not end the marker comment and start config lines.
  return `${stack}/${terminalName(instance)}`;
}

function startMarker(id: string): string {
  return `# >>> ${markerTool} ${id} >>>`;
}

function endMarker(id: string): string {
  return `# <<< ${markerTool} ${id} <<<`;
}

/** A terminal's title from an instance name: no control characters (a blueprint's name could
 * carry escape sequences or line breaks into the terminal tab), at most 100 characters. */
export function terminalName(instance: string): string {
  return instance.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').slice(0, 100);
}

/** A Host alias ssh accepts: no spaces, no pattern characters (* ? !), no commas. */
export function hostAliasFor(stack: string, instance: string): string {
  const clean = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'instance';
  return `${clean(instance)}.${clean(stack)}`;
}

/** A path inside ssh_config: forward slashes on Windows (a backslash pair is an escape there),
 * %-tokens escaped, double quotes around it when it holds a space. */
export function sshConfigPath(path: string, platform: string): string {
  if (/["\r\n]/.test(path)) throw new Error(`ssh_config cannot hold this path: ${JSON.stringify(path)}`);
  const p = sshPath(platform === 'win32' ? path.replace(/\\/g, '/') : path);
  return /[\s#'\\]/.test(p) ? `"${p}"` : p;
}

/** The managed Host block, markers included, lines joined with `\n` and no final newline. */
export function sshConfigBlock(target: SshEndpoint, id: string, platform: string): string {
  const lines = [
    startMarker(id),
    '# Written by EC2 Blueprint ("Add to SSH Config"); it replaces this block on the next run.',
    `Host ${target.hostAlias}`,
    `    HostName ${target.host}`,
    `    User ${target.user}`,
    `    Port ${target.port}`,
    `    IdentityFile ${sshConfigPath(target.keyFile, platform)}`,
    '    IdentitiesOnly yes',
    '    StrictHostKeyChecking accept-new',
    `    UserKnownHostsFile ${sshConfigPath(target.knownHostsFile, platform)}`,
  ];
  if (target.hostKeyAlias) lines.push(`    HostKeyAlias ${target.hostKeyAlias}`);
  // The jump host's own block (sshJumpBlocks) gives that hop its key and known-hosts file.
  if (target.jump) lines.push(`    ProxyJump ${target.jump.hostAlias}`);
  lines.push(endMarker(id));
  return lines.join('\n');
}

/** The managed blocks "Add to SSH Config" writes for a target: its jump host's first (when it
 * has one), then its own, each with its id. */
export function sshConfigBlocks(target: SshEndpoint, stack: string, instance: string, jumpInstance: string | undefined, platform: string): { id: string; block: string }[] {
  const own = { id: managedBlockId(stack, instance), block: sshConfigBlock(target, managedBlockId(stack, instance), platform) };
  if (!target.jump || !jumpInstance) return [own];
  return [{ id: managedBlockId(stack, jumpInstance), block: sshConfigBlock(target.jump, managedBlockId(stack, jumpInstance), platform) }, own];
}

export interface ConfigEdit {
  text: string;
  /** false when the block was already there, exactly as it would be written. */
  changed: boolean;
  /** 'added' the first time, 'updated' when an older block was replaced in place. */
  action: 'added' | 'updated' | 'unchanged';
}

/**
 * Puts `block` (from sshConfigBlock) into an ssh config file's text. An existing block with the
 * same id is replaced where it stands; otherwise the block goes before the first `Host`/`Match`
 * section (ssh takes the first value it reads, so a `Host *` further down must not win over it),
 * or at the end. Every byte outside the block is kept; line endings follow the file's.
 */
export function upsertSshConfigBlock(existing: string, block: string, id: string): ConfigEdit {
  const eol = existing.includes('\r\n') ? '\r\n' : '\n';
  const body = block.split('\n').join(eol);
  const lines = splitLines(existing);
  const start = lines.findIndex((l) => l.content.trim() === startMarker(id));
  if (start >= 0) {
    const endRel = lines.slice(start).findIndex((l) => l.content.trim() === endMarker(id));
    if (endRel < 0) throw new Error(`The block "${startMarker(id)}" in the ssh config has no end line "${endMarker(id)}"; fix it by hand first.`);
    const end = start + endRel;
    const from = lines[start]!.offset;
    // Keep the end line's own line break, whatever it was.
    const to = lines[end]!.offset + lines[end]!.content.length;
    const text = existing.slice(0, from) + body + existing.slice(to);
    return text === existing ? { text, changed: false, action: 'unchanged' } : { text, changed: true, action: 'updated' };
  }
  const firstSection = lines.findIndex((l) => /^\s*(Host|Match)(\s|=)/i.test(l.content));
  if (firstSection >= 0) {
    // Comments right above that section belong to it: go above them.
    let at = firstSection;
    while (at > 0 && /^\s*#/.test(lines[at - 1]!.content)) at--;
    const offset = lines[at]!.offset;
    return { text: existing.slice(0, offset) + body + eol + eol + existing.slice(offset), changed: true, action: 'added' };
  }
  const bom = existing.startsWith('\uFEFF') ? '\uFEFF' : '';
  if (existing === '' || existing === bom) return { text: existing + body + eol, changed: true, action: 'added' };
  // One blank line between the file and the block.
  const separator = /(\r?\n){2}$/.test(existing) ? '' : existing.endsWith('\n') ? eol : eol + eol;
  return { text: existing + separator + body + eol, changed: true, action: 'added' };
}

/** The managed block's text for `id`, if the file has one. */
export function findSshConfigBlock(existing: string, id: string): string | undefined {
  const start = existing.indexOf(startMarker(id));
  if (start < 0) return undefined;
  const end = existing.indexOf(endMarker(id), start);
  return end < 0 ? undefined : existing.slice(start, end + endMarker(id).length);
}

interface Line {
  /** The line without its line break. */
  content: string;
  offset: number;
}

function splitLines(text: string): Line[] {
  const out: Line[] = [];
  let offset = 0;
  for (const match of text.matchAll(/([^\r\n]*)(\r\n|\n|\r|$)/g)) {
    if (match[0] === '' && offset >= text.length) break;
    out.push({ content: match[1]!, offset });
    offset += match[0].length;
    if (match[2] === '') break;
  }
  return out;
}

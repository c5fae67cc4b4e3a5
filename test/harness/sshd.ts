// A real OpenSSH sshd for the SSH tests (DESIGN.md section 8, TEST-PARTS.md "SSH"): its own
// config, host key and authorized_keys in a temp folder, listening on exactly one address and
// port (the Elastic IP the emulator handed out is in 127.0.0.0/8, so it reaches this machine),
// logging in one local account with the public half of the key the engine downloaded.
//
//   const sshd = await startSshd({ address: '127.0.0.55', privateKeyFile: pem });
//   … ssh -i pem -p 22 ec2-user@127.0.0.55 …
//   await sshd.stop();
//
// Run as root (CI is) it can use port 22 and log in any account, which it creates when missing
// (`useradd -m`, then `usermod -p '*'`: useradd leaves the account locked, and sshd without PAM
// refuses a locked account). As another user it can only log that same user in, on a port > 1023.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

const SSHD_CANDIDATES = ['/usr/sbin/sshd', '/usr/local/sbin/sshd', '/sbin/sshd'];
const START_TIMEOUT_MS = 10_000;

export interface SshdOptions {
  /** The one address sshd listens on (e.g. the Elastic IP from the emulator). */
  address: string;
  /** Default 22 (needs root). */
  port?: number;
  /** The account that may log in. Default ec2-user. */
  user?: string;
  /** A private key whose public half goes into authorized_keys (the engine's downloaded .pem). */
  privateKeyFile: string;
  /** A network namespace (made by the test with `ip netns add`) to run sshd in: then `address`
   * may be any address of that namespace, reachable only the way the test wired it. */
  netns?: string;
}

export interface Sshd {
  address: string;
  port: number;
  user: string;
  pid: number;
  /** The public key line in authorized_keys. */
  authorizedKey: string;
  /** The host key's public line (what a client records in known_hosts). */
  hostPublicKey: string;
  /** sshd's log so far (for failure messages). */
  log(): string;
  /** Stops sshd, waits until it is gone, and removes its folder. */
  stop(): Promise<void>;
}

const installHint =
  'OpenSSH server is needed for the SSH tests. On Debian/Ubuntu run `node scripts/tools.mjs apt openssh-server` as root (or `sudo apt-get install -y openssh-server`); elsewhere install your distribution\'s OpenSSH server package.';

function findSshd(): string | undefined {
  return SSHD_CANDIDATES.find((p) => existsSync(p));
}

/** The path of sshd, installing Debian's openssh-server when it is missing and we are root. */
export async function ensureSshd(): Promise<string> {
  const found = findSshd();
  if (found) return found;
  try {
    // Resolved here, not at load: the in-host VS Code suite bundles this file as CommonJS.
    const toolsUrl = new URL('../../scripts/tools.mjs', import.meta.url).href;
    const tools = (await import(toolsUrl)) as { ensureAptPackages(names: string[]): Promise<string[]> };
    await tools.ensureAptPackages(['openssh-server']);
  } catch (error) {
    throw new Error(`sshd is not installed and could not be installed: ${(error as Error).message}\n${installHint}`);
  }
  const after = findSshd();
  if (!after) throw new Error(`sshd is still missing after installing openssh-server.\n${installHint}`);
  return after;
}

function run(command: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  if (r.error) throw new Error(`${command} could not run: ${r.error.message}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Creates `user` when missing and unlocks it for key login (root only). */
export function ensureLocalUser(user: string): void {
  if (run('id', ['-u', user]).status !== 0) {
    const added = run('useradd', ['-m', '-s', '/bin/sh', user]);
    if (added.status !== 0) throw new Error(`useradd -m ${user} failed: ${added.stderr.trim()}`);
  }
  // A locked account ("!" in /etc/shadow) is refused by sshd without PAM; "*" allows no password
  // login either, but is not "locked".
  const shadow = run('getent', ['shadow', user]).stdout.split(':')[1] ?? '';
  if (shadow.startsWith('!')) {
    const unlocked = run('usermod', ['-p', '*', user]);
    if (unlocked.status !== 0) throw new Error(`usermod -p '*' ${user} failed: ${unlocked.stderr.trim()}`);
  }
}

export async function startSshd(options: SshdOptions): Promise<Sshd> {
  const port = options.port ?? 22;
  const user = options.user ?? 'ec2-user';
  if (!options.netns && !/^127\.\d+\.\d+\.\d+$/.test(options.address) && options.address !== '::1')
    throw new Error(`sshd for tests listens on loopback addresses only, not ${options.address}.`);
  if (!isRoot()) {
    if (port < 1024) throw new Error(`sshd on port ${port} needs root (CI runs as root). As ${userInfo().username}, use a port above 1023.`);
    if (user !== userInfo().username) throw new Error(`Only root can run an sshd that logs in "${user}"; as ${userInfo().username} it can log in only ${userInfo().username}.`);
  }
  const sshd = await ensureSshd();
  if (isRoot()) ensureLocalUser(user);

  const dir = mkdtempSync(join(tmpdir(), 'ec2bp-sshd-'));
  // The logged-in user reads authorized_keys (sshd drops to that user to read it).
  chmodSync(dir, 0o755);
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    const hostKey = join(dir, 'host_ed25519');
    const keygen = run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'ec2-blueprint-test-host', '-f', hostKey]);
    if (keygen.status !== 0) throw new Error(`ssh-keygen could not make a host key: ${keygen.stderr.trim()}`);
    const derived = run('ssh-keygen', ['-y', '-f', options.privateKeyFile]);
    if (derived.status !== 0) throw new Error(`ssh-keygen -y -f ${options.privateKeyFile} failed: ${derived.stderr.trim()}`);
    const authorizedKey = derived.stdout.trim();
    const authorizedKeys = join(dir, 'authorized_keys');
    writeFileSync(authorizedKeys, authorizedKey + '\n', { mode: 0o644 });
    // Privilege separation needs this folder; Debian creates it only when the service starts.
    if (isRoot()) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });

    const config = join(dir, 'sshd_config');
    const logFile = join(dir, 'sshd.log');
    const listen = options.address.includes(':') ? `[${options.address}]:${port}` : `${options.address}:${port}`;
    writeFileSync(
      config,
      [
        `ListenAddress ${listen}`,
        `HostKey ${hostKey}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${authorizedKeys}`,
        'UsePAM no',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PubkeyAuthentication yes',
        'StrictModes no',
        'PermitRootLogin no',
        `AllowUsers ${user}`,
        'LogLevel VERBOSE',
        '',
      ].join('\n'),
    );
    const check = run(sshd, ['-t', '-f', config]);
    if (check.status !== 0) throw new Error(`sshd rejects its test config: ${check.stderr.trim()}`);

    const child = options.netns
      ? spawn('ip', ['netns', 'exec', options.netns, sshd, '-D', '-f', config, '-E', logFile], { stdio: ['ignore', 'ignore', 'pipe'] })
      : spawn(sshd, ['-D', '-f', config, '-E', logFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    let exited: number | null | undefined;
    const gone = new Promise<void>((resolve) => {
      child.on('exit', (code, signal) => {
        exited = code ?? (signal ? -1 : null);
        resolve();
      });
      child.on('error', (error) => {
        stderr += String(error);
        exited = -1;
        resolve();
      });
    });
    const killOnExit = () => child.kill('SIGKILL');
    process.on('exit', killOnExit);
    const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '') + stderr;
    const stop = async () => {
      process.off('exit', killOnExit);
      if (exited === undefined) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await gone;
        clearTimeout(timer);
      }
      cleanup();
    };

    const started = Date.now();
    for (;;) {
      if (exited !== undefined) {
        const text = log();
        await stop();
        throw new Error(`sshd exited (code ${exited}) instead of listening on ${listen}:\n${text}`);
      }
      // Inside a namespace this process cannot connect: sshd's own log says when it listens.
      if (options.netns ? /Server listening on/.test(log()) : await sshBanner(options.address, port)) break;
      if (Date.now() - started > START_TIMEOUT_MS) {
        const text = log();
        await stop();
        throw new Error(`sshd did not answer on ${listen} within ${START_TIMEOUT_MS / 1000} s:\n${text}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const hostPublicKey = readFileSync(`${hostKey}.pub`, 'utf8').trim();
    return { address: options.address, port, user, pid: child.pid ?? -1, authorizedKey, hostPublicKey, log, stop };
  } catch (error) {
    cleanup();
    throw error;
  }
}

/** Whether something on address:port greets with an SSH banner. */
function sshBanner(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('data', (chunk) => done(chunk.toString('latin1').startsWith('SSH-')));
    socket.once('error', () => done(false));
  });
}

// Where to SSH to, from the blueprint and the state file alone (pure: no AWS call, no file
// system): the instance's public address, user, port, key file and known-hosts file, or a reason
// a beginner understands why there is nowhere to connect to yet.
import { isAbsolute, join, win32 } from 'node:path';
import { t } from '@vscode/l10n';
import type { Blueprint, Instance } from './schema';
import type { StateFile, ResourceState } from './state';
import { keyFileIn } from './key-file';
import { hostAliasFor, type SshEndpoint } from './ssh';
import { diagnostic, type Diagnostic, type SourceMap } from './diagnostics';
import { parseCidr, parseIpv4, containsAddress, isAnywhere } from './cidr';
import { parsePortRange } from './ports';
import { jumpHostOf } from './reach-jump-host';

export interface SshTargetContext {
  /** Where the engine writes private keys (the --key-dir / setting), `~` already expanded. */
  keyDir: string;
  /** The user's home folder, for a `publicKeyFile: ~/…` of an imported key pair. */
  homeDir: string;
}

export interface SshTarget extends SshEndpoint {
  instance: string;
  instanceId?: string;
  /** Where the address comes from: a public one, or the private one behind a jump host. */
  addressSource: 'elastic-ip' | 'public-ip' | 'private-ip';
  /** The jump host's instance name, and whether the blueprint named it (sshVia) or it was found. */
  via?: { instance: string; automatic: boolean };
  /** The Elastic IP's name in the blueprint, when the address is one. */
  elasticIp?: string;
  /** The key pair's name in the blueprint. */
  keyPair: string;
  /** The instance state last recorded (running, pending, …), when known. */
  instanceState?: string;
}

export type SshProblemCode =
  | 'no-instances'
  | 'unknown-instance'
  | 'choose-instance'
  | 'no-key-pair'
  | 'no-public-address'
  | 'no-route-to-gateway'
  | 'not-created'
  | 'stopped'
  | 'terminated'
  | 'address-unknown';

export interface SshProblem {
  code: SshProblemCode;
  message: string;
  /** For choose-instance: the names to choose from. */
  choices?: string[];
}

export type SshTargetResult = { ok: true; target: SshTarget } | { ok: false; problem: SshProblem };

/** Where each stack's host keys are recorded: a file beside the keys. The key folder already
 * exists, is private to the user and lies outside the project (the state file may sit in a git
 * repository), so the printed command works as it is; one file per stack keeps the user's own
 * ~/.ssh/known_hosts untouched, and the instance id as HostKeyAlias keeps a replaced instance
 * behind the same Elastic IP from ever tripping "REMOTE HOST IDENTIFICATION HAS CHANGED". */
export function knownHostsPathFor(keyDir: string, stack: string): string {
  return join(keyDir, `ec2-blueprint-${stack}.known_hosts`);
}

/** The instances one can SSH to, in file order. */
export function sshInstanceNames(bp: Blueprint): string[] {
  return (bp.instances ?? []).map((i) => i.name);
}

/** The login user when the blueprint sets none, from the image alias (or the resolved image name). */
export function defaultSshUser(image: string, imageName?: string): string {
  const text = `${image} ${imageName ?? ''}`.toLowerCase();
  if (text.includes('ubuntu')) return 'ubuntu';
  if (text.includes('debian')) return 'admin';
  if (text.includes('fedora')) return 'fedora';
  if (text.includes('rocky')) return 'rocky';
  if (text.includes('centos')) return 'centos';
  // RHEL, Amazon Linux, SUSE and most others.
  return 'ec2-user';
}

const stoppedStates = new Set(['stopping', 'stopped']);
const goneStates = new Set(['shutting-down', 'terminated']);

/** Resolves the SSH target of `instanceName` (or of the only instance). */
export function sshTarget(bp: Blueprint, state: StateFile | undefined, instanceName: string | undefined, ctx: SshTargetContext): SshTargetResult {
  const instances = bp.instances ?? [];
  const fail = (code: SshProblemCode, message: string, choices?: string[]): SshTargetResult => ({
    ok: false,
    problem: { code, message, ...(choices ? { choices } : {}) },
  });
  if (instances.length === 0) return fail('no-instances', t('This blueprint has no instances, so there is nothing to SSH to.'));
  let instance: Instance | undefined;
  if (instanceName === undefined) {
    if (instances.length > 1)
      return fail('choose-instance', t('This blueprint has {0} instances; say which one: {1}.', instances.length, sshInstanceNames(bp).join(', ')), sshInstanceNames(bp));
    instance = instances[0];
  } else {
    instance = instances.find((i) => i.name === instanceName);
    if (!instance) return fail('unknown-instance', t('There is no instance named "{0}". The instances are: {1}.', instanceName, sshInstanceNames(bp).join(', ')), sshInstanceNames(bp));
  }
  const name = instance!.name;
  const inst = instance!;

  // What the blueprint alone decides.
  if (!inst.keyPair)
    return fail('no-key-pair', t('"{0}" has no key pair, so there is no key to log in with. Add a key pair to the blueprint (keyPairs:) and "keyPair:" to the instance; the instance is then replaced.', name));
  const network = networkOf(bp, inst);
  const elasticIp = (bp.elasticIps ?? []).find((e) => inst.networkInterface !== undefined && e.networkInterface === inst.networkInterface);
  const jumpHost = jumpHostOf(bp, name);
  if (jumpHost && (!jumpHost.automatic || (!elasticIp && inst.publicIp !== true))) return throughJumpHost(bp, state, inst, inst.keyPair, jumpHost, ctx);
  if (!elasticIp && inst.publicIp !== true) {
    const why = inst.networkInterface
      ? t('"{0}" has no public address: no Elastic IP is associated with its network interface "{1}", and an instance launched with its own network interface gets no automatic public IP. Add an Elastic IP with "networkInterface: {1}".', name, inst.networkInterface)
      : t('"{0}" has no public address: it has no Elastic IP and "publicIp: true" is not set. Set "publicIp: true" on the instance, or give it a network interface with an Elastic IP.', name);
    return fail('no-public-address', why);
  }
  if (network.subnet) {
    const route = internetRouteOf(bp, network.subnet);
    if (!route.ok) return fail('no-route-to-gateway', route.message);
  }

  // What the state file says exists.
  const instanceState = state?.resources[name];
  if (!instanceState) return fail('not-created', t('"{0}" has not been created yet. Apply the blueprint (or this instance) first.', name));
  const status = stringAttr(instanceState, 'state', 'instanceState', 'State');
  if (status && stoppedStates.has(status))
    return fail('stopped', t('"{0}" is {1}. Start it first (Blueprint: Start Instance, or the AWS console); its Elastic IP stays the same.', name, status));
  if (status && goneStates.has(status))
    return fail('terminated', t('"{0}" is {1}. Apply the blueprint again to launch a new one.', name, status));

  let host: string | undefined;
  let addressSource: SshTarget['addressSource'] = 'public-ip';
  if (elasticIp) {
    host = stringAttr(state?.resources[elasticIp.name], 'publicIp', 'address', 'PublicIp');
    addressSource = 'elastic-ip';
    if (!host)
      return fail('address-unknown', t('The Elastic IP "{0}" of "{1}" has not been allocated yet. Apply the blueprint first.', elasticIp.name, name));
  } else {
    host = stringAttr(instanceState, 'publicIp', 'publicIpAddress', 'PublicIpAddress');
    if (!host)
      return fail('address-unknown', t('No public IP is recorded for "{0}". Refresh the blueprint to read it from AWS (it can take a moment after launch).', name));
  }

  const user = inst.sshUser ?? defaultSshUser(inst.image, stringAttr(instanceState, 'imageName'));
  const instanceId = instanceState.id || undefined;
  const target: SshTarget = {
    instance: name,
    user,
    host,
    port: inst.sshPort ?? 22,
    keyFile: keyFileOf(bp, state, inst.keyPair, ctx),
    knownHostsFile: knownHostsPathFor(ctx.keyDir, bp.stack),
    hostAlias: hostAliasFor(bp.stack, name),
    addressSource,
    keyPair: inst.keyPair,
    ...(instanceId ? { instanceId, hostKeyAlias: instanceId } : {}),
    ...(elasticIp ? { elasticIp: elasticIp.name } : {}),
    ...(status ? { instanceState: status } : {}),
  };
  return { ok: true, target };
}

/** An instance on its private address, through its jump host (whose own target must resolve). */
function throughJumpHost(bp: Blueprint, state: StateFile | undefined, inst: Instance, keyPair: string, jumpHost: { name: string; automatic: boolean }, ctx: SshTargetContext): SshTargetResult {
  const jump = sshTarget(bp, state, jumpHost.name, ctx);
  if (!jump.ok) return { ok: false, problem: { ...jump.problem, message: t('The jump host "{0}" of "{1}": {2}', jumpHost.name, inst.name, jump.problem.message) } };
  const instanceState = state?.resources[inst.name];
  if (!instanceState) return { ok: false, problem: { code: 'not-created', message: t('"{0}" has not been created yet. Apply the blueprint (or this instance) first.', inst.name) } };
  const status = stringAttr(instanceState, 'state', 'instanceState', 'State');
  if (status && stoppedStates.has(status)) return { ok: false, problem: { code: 'stopped', message: t('"{0}" is {1}. Start it first (Blueprint: Start Instance, or the AWS console); its Elastic IP stays the same.', inst.name, status) } };
  if (status && goneStates.has(status)) return { ok: false, problem: { code: 'terminated', message: t('"{0}" is {1}. Apply the blueprint again to launch a new one.', inst.name, status) } };
  const eni = inst.networkInterface ? state?.resources[inst.networkInterface] : undefined;
  const host = stringAttr(instanceState, 'privateIp', 'privateIpAddress') ?? stringAttr(eni, 'privateIp') ?? inst.privateIp;
  if (!host) return { ok: false, problem: { code: 'address-unknown', message: t('No private address is recorded for "{0}". Refresh the blueprint to read it from AWS.', inst.name) } };
  const instanceId = instanceState.id || undefined;
  const target: SshTarget = {
    instance: inst.name,
    user: inst.sshUser ?? defaultSshUser(inst.image, stringAttr(instanceState, 'imageName')),
    host,
    port: inst.sshPort ?? 22,
    keyFile: keyFileOf(bp, state, keyPair, ctx),
    knownHostsFile: knownHostsPathFor(ctx.keyDir, bp.stack),
    hostAlias: hostAliasFor(bp.stack, inst.name),
    addressSource: 'private-ip',
    keyPair,
    jump: jump.target,
    via: { instance: jumpHost.name, automatic: jumpHost.automatic },
    ...(instanceId ? { instanceId, hostKeyAlias: instanceId } : {}),
    ...(status ? { instanceState: status } : {}),
  };
  return { ok: true, target };
}

/** The private key for a key pair: the file the engine recorded, else `<keyDir>/<name>.pem`;
 * for an imported key (publicKeyFile) the private half beside it (`id_ed25519.pub` → `id_ed25519`).
 * A recorded path that is not absolute is ignored. */
export function keyFileOf(bp: Blueprint, state: StateFile | undefined, keyPair: string, ctx: SshTargetContext): string {
  const recorded = stringAttr(state?.resources[keyPair], 'keyFile', 'privateKeyFile');
  // A relative path was relative to wherever apply ran: not usable from here.
  if (recorded && (isAbsolute(recorded) || win32.isAbsolute(recorded) || recorded.startsWith('~'))) return expandHome(recorded, ctx.homeDir);
  const spec = (bp.keyPairs ?? []).find((k) => k.name === keyPair);
  if (spec?.publicKeyFile) return expandHome(spec.publicKeyFile.replace(/\.pub$/i, ''), ctx.homeDir);
  return keyFileIn(ctx.keyDir, keyPair);
}

function expandHome(path: string, home: string): string {
  return path === '~' ? home : /^~[/\\]/.test(path) ? join(home, path.slice(2)) : path;
}

function stringAttr(resource: ResourceState | undefined, ...names: string[]): string | undefined {
  if (!resource) return undefined;
  for (const n of names) {
    const v = resource.attributes?.[n];
    if (typeof v === 'string' && v !== '') return v;
  }
  return undefined;
}

interface InstanceNetwork {
  subnet?: string;
  securityGroups: string[];
  /** The path of the part that decides the security groups, for diagnostics. */
  groupsFrom: 'networkInterface' | 'instance';
}

function networkOf(bp: Blueprint, inst: Instance): InstanceNetwork {
  if (inst.networkInterface) {
    const eni = (bp.networkInterfaces ?? []).find((n) => n.name === inst.networkInterface);
    return { ...(eni ? { subnet: eni.subnet } : {}), securityGroups: eni?.securityGroups ?? [], groupsFrom: 'networkInterface' };
  }
  return { ...(inst.subnet ? { subnet: inst.subnet } : {}), securityGroups: inst.securityGroups ?? [], groupsFrom: 'instance' };
}

/** Whether the subnet's route table sends internet traffic to the internet gateway. */
function internetRouteOf(bp: Blueprint, subnet: string): { ok: true } | { ok: false; message: string } {
  const table = (bp.routeTables ?? []).find((r) => r.subnets?.includes(subnet));
  const gateway = bp.internetGateway?.name;
  if (!table)
    return {
      ok: false,
      message: t('The subnet "{0}" has no route table of its own, so it uses the VPC\'s main route table, which only routes inside the VPC: replies can never reach you. Add a route table with the route {1} and list "{0}" in its subnets.', subnet, defaultRoute(gateway)),
    };
  const toGateway = (table.routes ?? []).filter((r) => gateway !== undefined && r.target === gateway);
  if (!toGateway.some((r) => isAnywhere(r.destination)))
    return {
      ok: false,
      message: gateway
        ? t('The route table "{0}" of subnet "{1}" has no default route to the internet gateway: add {2} to its routes, so replies find their way back to you.', table.name, subnet, defaultRoute(gateway))
        : t('The VPC has no internet gateway, so subnet "{0}" cannot be reached from the internet. Add "internetGateway:" and the route {1} to "{2}".', subnet, defaultRoute(undefined), table.name),
    };
  return { ok: true };
}

function defaultRoute(gateway: string | undefined): string {
  return `{ destination: 0.0.0.0/0, target: ${gateway ?? '<internet gateway name>'} }`;
}

// ---------------------------------------------------------------------------------------------
// Diagnostics

const privateRanges = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16'].map((c) => parseCidr(c)!);

/** Whether a rule source can include an address on the internet (the user's PC). */
function sourceReachesInternet(source: string): boolean {
  const cidr = parseCidr(source);
  if (!cidr) return false; // a security group name: only its members, never the user's PC
  if (cidr.version === 6) return true;
  const first = parseIpv4(cidr.network.split('/')[0]!);
  if (first === undefined) return false;
  // Inside one private range → no internet address in it.
  return !privateRanges.some((p) => p.prefix <= cidr.prefix && containsAddress(p, first));
}

/**
 * A warning for every instance whose security groups let nobody on the internet in on its SSH
 * port (sshPort, 22 by default), naming the rule that is missing. Anchored at the instance's
 * sshPort (or its name).
 */
export function sshPortDiagnostics(bp: Blueprint, source: SourceMap): Diagnostic[] {
  const out: Diagnostic[] = [];
  (bp.instances ?? []).forEach((inst, index) => {
    // Reached through a jump host, the instance needs no rule for the internet: reach's two legs
    // judge that path (ssh-blocked).
    if (jumpHostOf(bp, inst.name)) return;
    const port = inst.sshPort ?? 22;
    const network = networkOf(bp, inst);
    const path = inst.sshPort !== undefined ? ['instances', index, 'sshPort'] : ['instances', index, 'name'];
    const range = source.range(path);
    const rule = `{ protocol: tcp, port: ${port}, source: <your IP>/32 }`;
    if (network.securityGroups.length === 0) {
      out.push(
        diagnostic(
          'warning',
          'ssh-port-not-allowed',
          t('"{0}" has no security group of its own, so it gets the VPC\'s default group, which lets nothing in from the internet: SSH on port {1} will time out. Give {2} a security group with the rule {3} (or 0.0.0.0/0 for anyone).', inst.name, port, network.groupsFrom === 'networkInterface' ? `"${inst.networkInterface}"` : t('the instance'), rule),
          range,
        ),
      );
      return;
    }
    const groups = (bp.securityGroups ?? []).filter((g) => network.securityGroups.includes(g.name));
    const allowed = groups.some((g) =>
      (g.ingress ?? []).some((r) => {
        if (!sourceReachesInternet(r.source)) return false;
        if (r.protocol === 'all') return true;
        if (r.protocol !== 'tcp') return false;
        const ports = parsePortRange(r.port);
        return ports.ok && ports.from <= port && port <= ports.to;
      }),
    );
    if (!allowed)
      out.push(
        diagnostic(
          'warning',
          'ssh-port-not-allowed',
          t('No security group of "{0}" ({1}) lets SSH in from the internet on port {2}, so connecting will time out. Add the inbound rule {3} to "{4}" (0.0.0.0/0 instead of <your IP>/32 lets anyone try).', inst.name, network.securityGroups.join(', '), port, rule, network.securityGroups[0]!),
          range,
        ),
      );
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// The private key file: what the front ends found on disk, judged here so the CLI and VS Code say
// the same thing.

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

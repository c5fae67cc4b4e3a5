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

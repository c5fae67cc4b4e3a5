// What each kind of resource looks like once normalized: the same shape is computed from the
// blueprint (desired), read back from AWS (observed), and kept in the state file (attributes), so
// comparing them is plain data work. References to other components are AWS ids; a reference to a
// component that does not exist yet (or is being replaced) is `undefined`.
import type { Blueprint } from './schema';
import { specOf, type Component, type Kind, type Spec } from './model';
import { parsePortRange } from './ports';
import { parseCidr } from './cidr';
import { generatedDescription } from './validate';
import { instanceUserData, userDataHash } from './user-data';

export type Tags = Record<string, string>;

/** One security group rule, flattened: one port range, one source (a CIDR or a group id). */
export interface SgRule {
  /** tcp, udp, icmp, or -1 for every protocol (AWS's spelling). */
  protocol: string;
  fromPort: number;
  toPort: number;
  cidr?: string;
  groupId?: string;
  /** The blueprint's name of the source group (not compared; lets a group refer to itself). */
  groupName?: string;
  description?: string;
}

export interface AclEntry {
  egress: boolean;
  rule: number;
  action: 'allow' | 'deny';
  /** The protocol number as AWS writes it: 6 tcp, 17 udp, 1 icmp, -1 all. */
  protocol: string;
  fromPort?: number;
  toPort?: number;
  cidr: string;
}

export interface Association {
  subnetId: string;
  associationId?: string;
}

/** State attributes per kind (see README "Plan, apply, destroy" for the names). */
export interface AttributesOf {
  vpc: { cidr: string; tags: Tags };
  subnet: { vpcId?: string; cidr: string; availabilityZone: string; tags: Tags };
  internetGateway: { vpcId?: string; tags: Tags };
  routeTable: { vpcId?: string; routes: { destination: string; gatewayId?: string }[]; associations: Association[]; tags: Tags };
  securityGroup: { vpcId?: string; groupName: string; description: string; ingress: SgRule[]; egress: SgRule[]; tags: Tags };
  networkAcl: { vpcId?: string; entries: AclEntry[]; associations: Association[]; tags: Tags };
  networkInterface: { subnetId?: string; privateIp?: string; groupIds: (string | undefined)[]; description: string; tags: Tags };
  elasticIp: {
    publicIp?: string;
    networkBorderGroup?: string;
    networkInterfaceId?: string;
    associationId?: string;
    /** Whether the blueprint associates it (the ENI may simply not exist yet). */
    associate: boolean;
    /** The address of a NAT gateway of the file: its association is the NAT gateway's business. */
    natGateway?: boolean;
    tags: Tags;
  };
  natGateway: {
    subnetId?: string;
    /** The Elastic IP it uses: the declared one's, or the address it allocated for itself. */
    allocationId?: string;
    /** True when the blueprint names no Elastic IP: the NAT gateway allocates (and releases) its own. */
    ownAddress: boolean;
    publicIp?: string;
    tags: Tags;
  };
  keyPair: { keyName: string; keyPairId?: string; fingerprint?: string; publicKeyFile?: string; keyFile?: string; tags: Tags };
  instance: {
    /** The alias (rhel-8) or the ami-… id as the blueprint wrote it. */
    image: string;
    imageId?: string;
    imageName?: string;
    instanceType: string;
    state?: string;
    networkInterfaceId?: string;
    subnetId?: string;
    groupIds?: (string | undefined)[];
    privateIp?: string;
    publicIp?: string;
    associatePublicIp?: boolean;
    keyName?: string;
    rootDeviceName?: string;
    rootVolumeId?: string;
    rootVolumeSizeGiB?: number;
    rootVolumeType: string;
    rootVolumeEncrypted: boolean;
    metadataTokens: 'required' | 'optional';
    sshUser: string;
    sshPort: number;
    /** sha256 of the user data the instance was launched with (never the text); undefined when it
     * has none. Absent when AWS could not be asked. */
    userDataHash?: string;
    tags: Tags;
  };
}

export type Attributes<K extends Kind = Kind> = AttributesOf[K];

/** Looks up the AWS id of a component by name; undefined when it does not exist (yet). */
export type IdOf = (name: string) => string | undefined;

export const stackTag = 'blueprint:stack';
export const nameTag = 'blueprint:name';
/** On the Elastic IP a NAT gateway allocated for itself: whose it is (it has no blueprint:name,
 * being no component of the file). */
export const natAddressTag = 'blueprint:natGateway';

export function tagsFor(bp: Blueprint, name: string, extra: Tags | undefined): Tags {
  return { ...(extra ?? {}), Name: name, [stackTag]: bp.stack, [nameTag]: name };
}

const sgProtocol: Record<string, string> = { tcp: 'tcp', udp: 'udp', icmp: 'icmp', all: '-1' };
const aclProtocol: Record<string, string> = { tcp: '6', udp: '17', icmp: '1', all: '-1' };

/** The port range a rule covers, in AWS's terms (all protocols: -1/-1; tcp without a port: all). */
function portsOf(protocol: string, port: number | string | undefined): { fromPort: number; toPort: number } {
  if (protocol === 'all') return { fromPort: -1, toPort: -1 };
  const parsed = port === undefined ? undefined : parsePortRange(port);
  if (protocol === 'icmp') return parsed && parsed.ok ? { fromPort: parsed.from, toPort: -1 } : { fromPort: -1, toPort: -1 };
  return parsed && parsed.ok ? { fromPort: parsed.from, toPort: parsed.to } : { fromPort: 0, toPort: 65535 };
}

function sgRule(bp: Blueprint, self: string, idOf: IdOf, r: { protocol: string; port?: number | string; description?: string }, peer: string): SgRule {
  const isGroup = !parseCidr(peer) && (bp.securityGroups ?? []).some((g) => g.name === peer);
  const rule: SgRule = { protocol: sgProtocol[r.protocol] ?? r.protocol, ...portsOf(r.protocol, r.port) };
  if (isGroup) {
    rule.groupName = peer;
    const id = idOf(peer === self ? self : peer);
    if (id) rule.groupId = id;
  }
  else rule.cidr = peer;
  if (r.description) rule.description = r.description;
  return rule;
}

/** AWS's rule of a new group when no egress is declared: everything out. */
export const defaultEgress: SgRule = { protocol: '-1', fromPort: -1, toPort: -1, cidr: '0.0.0.0/0' };

export const defaultRootVolumeType = 'gp3';

export function sshUserFor(image: string): string {
  return /^ubuntu/.test(image) ? 'ubuntu' : 'ec2-user';
}

/** What the blueprint asks for, normalized. */
export function desiredOf<K extends Kind>(bp: Blueprint, component: Component<K>, idOf: IdOf): Attributes<K> {
  const spec = specOf(bp, component) as Spec<Kind>;
  const name = component.name;
  const tags = tagsFor(bp, name, spec.tags);
  const vpcId = idOf(bp.vpc.name);
  /** A route table or network ACL: in the VPC, associated with its subnets. */
  const withSubnets = <T extends object>(subnets: readonly string[] | undefined, own: T) => ({ vpcId, ...own, associations: (subnets ?? []).map((subnet) => ({ subnetId: idOf(subnet) })), tags });
  const kind: Kind = component.kind;
  switch (kind) {
    case 'vpc': {
      const s = spec as Spec<'vpc'>;
      return { cidr: s.cidr, tags } as Attributes<K>;
    }
    case 'subnet': {
      const s = spec as Spec<'subnet'>;
      return { vpcId, cidr: s.cidr, availabilityZone: s.availabilityZone, tags } as Attributes<K>;
    }
    case 'internetGateway':
      return { vpcId, tags } as Attributes<K>;
    case 'routeTable': {
      const s = spec as Spec<'routeTable'>;
      return withSubnets(s.subnets, { routes: (s.routes ?? []).map((r) => ({ destination: r.destination, gatewayId: idOf(r.target) })) }) as Attributes<K>;
    }
    case 'securityGroup': {
      const s = spec as Spec<'securityGroup'>;
      return {
        vpcId,
        groupName: name,
        description: s.description ?? generatedDescription(name),
        ingress: (s.ingress ?? []).map((r) => sgRule(bp, name, idOf, r, r.source)),
        egress: s.egress ? s.egress.map((r) => sgRule(bp, name, idOf, r, r.destination)) : [defaultEgress],
        tags,
      } as Attributes<K>;
    }
    case 'networkAcl': {
      const s = spec as Spec<'networkAcl'>;
      const entry = (egress: boolean, r: { rule: number; action: 'allow' | 'deny'; protocol: string; port?: number | string }, cidr: string): AclEntry => {
        const e: AclEntry = { egress, rule: r.rule, action: r.action, protocol: aclProtocol[r.protocol] ?? r.protocol, cidr };
        if (r.protocol === 'tcp' || r.protocol === 'udp') Object.assign(e, portsOf(r.protocol, r.port));
        return e;
      };
      return withSubnets(s.subnets, { entries: [...(s.inbound ?? []).map((r) => entry(false, r, r.source)), ...(s.outbound ?? []).map((r) => entry(true, r, r.destination))] }) as Attributes<K>;
    }
    case 'networkInterface': {
      const s = spec as Spec<'networkInterface'>;
      return {
        subnetId: idOf(s.subnet),
        privateIp: s.privateIp,
        groupIds: (s.securityGroups ?? []).map((g) => idOf(g)),
        description: s.description ?? '',
        tags,
      } as Attributes<K>;
    }
    case 'elasticIp': {
      const s = spec as Spec<'elasticIp'>;
      return {
        networkBorderGroup: s.networkBorderGroup,
        networkInterfaceId: s.networkInterface ? idOf(s.networkInterface) : undefined,
        associate: !!s.networkInterface,
        ...((bp.natGateways ?? []).some((n) => n.elasticIp === name) ? { natGateway: true } : {}),
        tags,
      } as Attributes<K>;
    }
    case 'natGateway': {
      const s = spec as Spec<'natGateway'>;
      return {
        subnetId: idOf(s.subnet),
        ...(s.elasticIp ? { allocationId: idOf(s.elasticIp) } : {}),
        ownAddress: !s.elasticIp,
        tags,
      } as Attributes<K>;
    }
    case 'keyPair': {
      const s = spec as Spec<'keyPair'>;
      return { keyName: name, publicKeyFile: s.publicKeyFile, tags } as Attributes<K>;
    }
    case 'instance': {
      const s = spec as Spec<'instance'>;
      const out: Attributes<'instance'> = {
        image: s.image,
        instanceType: s.instanceType,
        keyName: s.keyPair,
        rootVolumeSizeGiB: s.rootVolume?.sizeGiB,
        rootVolumeType: s.rootVolume?.type ?? defaultRootVolumeType,
        rootVolumeEncrypted: s.rootVolume?.encrypted ?? true,
        metadataTokens: s.metadataTokens ?? 'required',
        sshUser: s.sshUser ?? sshUserFor(s.image),
        sshPort: s.sshPort ?? 22,
        // The engine has put a userDataFile's contents into userData by now (engine/session.ts).
        userDataHash: userDataHash(instanceUserData(s, s.userData)),
        tags,
      };
      if (s.networkInterface) {
        out.networkInterfaceId = idOf(s.networkInterface);
      } else {
        out.subnetId = s.subnet ? idOf(s.subnet) : undefined;
        out.groupIds = (s.securityGroups ?? []).map((g) => idOf(g));
        out.privateIp = s.privateIp;
        out.associatePublicIp = s.publicIp;
      }
      return out as Attributes<K>;
    }
  }
}

// ---- comparing -------------------------------------------------------------------------------

export function ruleKey(r: SgRule): string {
  return `${r.protocol}|${r.fromPort}|${r.toPort}|${r.cidr ?? ''}|${r.groupId ?? ''}`;
}

/** Set difference of security group rules, ignoring descriptions. */
export function ruleDifference(desired: readonly SgRule[], observed: readonly SgRule[]): { add: SgRule[]; remove: SgRule[] } {
  const have = new Set(observed.map(ruleKey));
  const want = new Set(desired.map(ruleKey));
  return { add: dedupe(desired.filter((r) => !have.has(ruleKey(r))), ruleKey), remove: observed.filter((r) => !want.has(ruleKey(r))) };
}

export function aclEntryKey(e: AclEntry): string {
  return `${e.egress ? 'out' : 'in'}|${e.rule}|${e.action}|${e.protocol}|${e.fromPort ?? ''}|${e.toPort ?? ''}|${e.cidr}`;
}

/** ACL entries to create, replace (same number, other content) and delete. */
export function aclDifference(desired: readonly AclEntry[], observed: readonly AclEntry[]): { create: AclEntry[]; replace: AclEntry[]; remove: AclEntry[] } {
  const slot = (e: AclEntry) => `${e.egress}|${e.rule}`;
  const observedBySlot = new Map(observed.map((e) => [slot(e), e]));
  const desiredSlots = new Set(desired.map(slot));
  const create: AclEntry[] = [];
  const replace: AclEntry[] = [];
  for (const e of desired) {
    const old = observedBySlot.get(slot(e));
    if (!old) create.push(e);
    else if (aclEntryKey(old) !== aclEntryKey(e)) replace.push(e);
  }
  return { create, replace, remove: observed.filter((e) => !desiredSlots.has(slot(e))) };
}

/** The tags the engine finds its resources by. They are written at creation; a resource
 * imported by id (its state record has none) is not tagged afterwards: import changes nothing. */
const bookkeepingTags = new Set([stackTag, nameTag]);

/** Tags to set (new or changed) and to remove (declared before, no longer declared). */
export function tagDifference(desired: Tags, observed: Tags, previouslyDeclared: Tags = {}): { set: Tags; remove: string[] } {
  const set: Tags = {};
  for (const [k, v] of Object.entries(desired)) {
    if (observed[k] === v) continue;
    if (bookkeepingTags.has(k) && !(k in observed) && Object.keys(previouslyDeclared).length > 0 && !(k in previouslyDeclared)) continue;
    set[k] = v;
  }
  const remove = Object.keys(previouslyDeclared).filter((k) => !(k in desired) && k in observed);
  return { set, remove };
}

export function describeRule(r: SgRule, direction: 'ingress' | 'egress', nameOfId: (id: string) => string = (id) => id): string {
  const proto = r.protocol === '-1' ? 'all traffic' : r.protocol;
  const ports = r.protocol === '-1' || r.protocol === 'icmp' ? '' : r.fromPort === r.toPort ? ` ${r.fromPort}` : ` ${r.fromPort}-${r.toPort}`;
  const peer = r.cidr ?? (r.groupId ? nameOfId(r.groupId) : 'a group not created yet');
  return `${direction} ${proto}${ports} ${direction === 'ingress' ? 'from' : 'to'} ${peer}`;
}

function dedupe<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((i) => (seen.has(key(i)) ? false : (seen.add(key(i)), true)));
}

// The pure half of a VPC snapshot: what fetchVpc read (snapshot-fetch.ts) said as a blueprint plus
// the AWS id of each resource by name, and notes for what the format cannot say. No calls.
import type { Instance as Ec2Instance, IpPermission, NetworkInterface as Ec2NetworkInterface, SecurityGroup as Ec2SecurityGroup, Tag } from '@aws-sdk/client-ec2';
import { t } from '@vscode/l10n';
import { defaultSshUser } from '../core/ssh-target';
import { nameTag, natAddressTag, stackTag } from '../core/resource-model';
import type { Kind } from '../core/model';
import type {
  Blueprint,
  EgressRule,
  ElasticIp,
  NatGateway as BlueprintNatGateway,
  IngressRule,
  Instance,
  KeyPair,
  NetworkAcl,
  NetworkInterface,
  Protocol,
  RouteTable,
  SecurityGroup,
  Subnet,
} from '../core/schema';
import { fromAwsTags } from './provider';
import { keyNamesOf, type VpcFacts } from './snapshot-fetch';

/** One resource found in AWS: its kind, its id, and what was read (for the state file; the names
 * follow src/core/resource-model.ts AttributesOf where they overlap). */
export interface SnapshotResource {
  kind: Kind;
  id: string;
  attributes: Record<string, unknown>;
}

export interface VpcSnapshot {
  /** The VPC said in the format. Valid input for validateBlueprint once written out. */
  blueprint: Blueprint;
  /** By blueprint name. */
  ids: Record<string, SnapshotResource>;
  /** What was seen but cannot be said in the format (a NAT route, a prefix-list rule, …). */
  notes: string[];
}

/** What was read of a VPC, as a blueprint of `region`. */
export function translateVpc(f: VpcFacts, region: string): VpcSnapshot {
  const { vpc, subnets, gateways, routeTables, groups, acls, interfaces, natGateways, instances } = f;
  const vpcId = vpc.VpcId!;
  const natAddresses = natGateways.flatMap((n) => n.NatGatewayAddresses ?? []);
  const natInterfaceIds = new Set(natAddresses.map((a) => a.NetworkInterfaceId).filter((id): id is string => !!id));
  const natAllocationIds = natAddresses.map((a) => a.AllocationId).filter((id): id is string => !!id);
  const keyPairs = f.keyPairs;

  const names = new NameBook();
  const ids: Record<string, SnapshotResource> = {};
  const notes: string[] = [];
  const adopt = (name: string, kind: Kind, id: string, attributes: Record<string, unknown>) => {
    ids[name] = { kind, id, attributes };
  };

  // Key pairs used by the instances, and those tagged with the stack (a key no instance uses yet).
  // First, so each keeps its exact KeyName as its name (the engine names key pairs so).
  const ownStack = tagOf(vpc.Tags, stackTag);
  const keyNames = keyNamesOf(instances);
  const keyName = new Map<string, string>();
  const blueprintKeys: KeyPair[] = [];
  for (const key of sortBy(keyPairs, (k) => k.KeyName ?? '')) {
    const name = names.claimExact(key.KeyName!);
    keyName.set(key.KeyName!, name);
    blueprintKeys.push({ name, ...extraTags(key.Tags) });
    adopt(name, 'keyPair', key.KeyPairId ?? key.KeyName!, { keyName: key.KeyName, keyPairId: key.KeyPairId, fingerprint: key.KeyFingerprint });
  }
  for (const k of keyNames) if (!keyName.has(k)) notes.push(t('The key pair {0} that an instance was launched with no longer exists; the instance is imported without it.', k));

  // VPC and stack
  const vpcName = names.claim(vpc.Tags, vpc.VpcId!);
  adopt(vpcName, 'vpc', vpc.VpcId!, { cidr: vpc.CidrBlock });
  const stack = ownStack ?? stackNameFrom(vpcName, vpc.VpcId!);

  // Subnets
  const subnetName = new Map<string, string>();
  const blueprintSubnets: Subnet[] = [];
  for (const s of sortBy(subnets, (s) => s.CidrBlock ?? '')) {
    const name = names.claim(s.Tags, s.SubnetId!);
    subnetName.set(s.SubnetId!, name);
    blueprintSubnets.push({ name, cidr: s.CidrBlock!, availabilityZone: s.AvailabilityZone!, ...extraTags(s.Tags) });
    adopt(name, 'subnet', s.SubnetId!, { cidr: s.CidrBlock, availabilityZone: s.AvailabilityZone, vpcId });
  }

  // Internet gateway (a VPC has at most one)
  const gateway = gateways[0];
  const gatewayName = gateway ? names.claim(gateway.Tags, gateway.InternetGatewayId!) : undefined;
  if (gateway && gatewayName) adopt(gatewayName, 'internetGateway', gateway.InternetGatewayId!, { vpcId });

  // NAT gateways: on an address of their own (tagged by the engine) or on an Elastic IP, which
  // the blueprint then declares without a network interface.
  const natName = new Map<string, string>();
  const blueprintNats: BlueprintNatGateway[] = [];
  const natEips: ElasticIp[] = [];
  const natAddressList = f.natAddresses;
  for (const nat of sortBy(natGateways, (n) => n.NatGatewayId ?? '')) {
    const subnet = nat.SubnetId ? subnetName.get(nat.SubnetId) : undefined;
    if (!subnet) continue;
    const name = names.claim(nat.Tags, nat.NatGatewayId!);
    natName.set(nat.NatGatewayId!, name);
    const allocationId = nat.NatGatewayAddresses?.[0]?.AllocationId;
    const address = natAddressList.find((a) => a.AllocationId === allocationId);
    const own = !!address && tagOf(address.Tags, natAddressTag) !== undefined;
    const entry: BlueprintNatGateway = { name, subnet };
    if (address && !own) {
      const eipName = names.claim(address.Tags, address.AllocationId!);
      natEips.push({ name: eipName, ...(address.NetworkBorderGroup ? { networkBorderGroup: address.NetworkBorderGroup } : {}), ...extraTags(address.Tags) });
      adopt(eipName, 'elasticIp', address.AllocationId!, { publicIp: address.PublicIp, networkBorderGroup: address.NetworkBorderGroup, associationId: address.AssociationId, networkInterfaceId: address.NetworkInterfaceId });
      entry.elasticIp = eipName;
    }
    Object.assign(entry, extraTags(nat.Tags));
    blueprintNats.push(entry);
    adopt(name, 'natGateway', nat.NatGatewayId!, { subnetId: nat.SubnetId, allocationId, ownAddress: own, publicIp: nat.NatGatewayAddresses?.[0]?.PublicIp });
  }

  // Route tables: the main one only when it carries routes or explicit associations of its own.
  const blueprintRouteTables: RouteTable[] = [];
  for (const rt of routeTables) {
    const isMain = (rt.Associations ?? []).some((a) => a.Main);
    const explicit = (rt.Associations ?? []).filter((a) => !a.Main && a.SubnetId && subnetName.has(a.SubnetId));
    const routes: NonNullable<RouteTable['routes']> = [];
    const routeIds: string[] = [];
    let ownRoutes = 0;
    for (const route of rt.Routes ?? []) {
      if (route.GatewayId === 'local') continue;
      ownRoutes++;
      const destination = route.DestinationCidrBlock ?? route.DestinationIpv6CidrBlock;
      if (gateway && gatewayName && route.GatewayId === gateway.InternetGatewayId && destination) {
        routes.push({ destination, target: gatewayName });
        routeIds.push(gateway.InternetGatewayId!);
      } else if (route.NatGatewayId && natName.has(route.NatGatewayId) && destination) {
        routes.push({ destination, target: natName.get(route.NatGatewayId)! });
        routeIds.push(route.NatGatewayId);
      } else {
        notes.push(t('Route table {0}: the route to {1} goes to {2}, which a blueprint cannot describe; it was left out.', rt.RouteTableId!, destination ?? route.DestinationPrefixListId ?? '?', routeTargetOf(route)));
      }
    }
    if (isMain && ownRoutes === 0 && explicit.length === 0) continue;
    const name = names.claim(rt.Tags, rt.RouteTableId!);
    const entry: RouteTable = { name };
    if (routes.length) entry.routes = routes;
    if (explicit.length) entry.subnets = explicit.map((a) => subnetName.get(a.SubnetId!)!);
    Object.assign(entry, extraTags(rt.Tags));
    blueprintRouteTables.push(entry);
    adopt(name, 'routeTable', rt.RouteTableId!, {
      main: isMain,
      vpcId,
      routes: routes.map((r, i) => ({ destination: r.destination, gatewayId: routeIds[i] })),
      associations: explicit.map((a) => ({ subnetId: a.SubnetId!, associationId: a.RouteTableAssociationId })),
    });
  }

  // Security groups: the default one only when it carries rules beyond AWS's defaults, or when an
  // imported rule names it.
  const keptGroups = groups.filter((g) => g.GroupName !== 'default' || !isDefaultGroupUntouched(g));
  const referenced = new Set<string>();
  const addReferences = (g: Ec2SecurityGroup) => {
    for (const p of [...(g.IpPermissions ?? []), ...(g.IpPermissionsEgress ?? [])])
      for (const pair of p.UserIdGroupPairs ?? []) if (pair.GroupId) referenced.add(pair.GroupId);
  };
  keptGroups.forEach(addReferences);
  // ENIs and instances in the VPC name their groups too.
  for (const eni of interfaces) if (!natInterfaceIds.has(eni.NetworkInterfaceId ?? '')) for (const g of eni.Groups ?? []) if (g.GroupId) referenced.add(g.GroupId);
  for (const g of groups) if (!keptGroups.includes(g) && referenced.has(g.GroupId!)) keptGroups.push(g);
  const groupName = new Map<string, string>();
  for (const g of keptGroups) groupName.set(g.GroupId!, names.claim(g.Tags, g.GroupName ?? g.GroupId!));
  const blueprintGroups: SecurityGroup[] = [];
  for (const g of keptGroups) {
    const name = groupName.get(g.GroupId!)!;
    const entry: SecurityGroup = { name };
    if (g.Description) entry.description = g.Description;
    const ingress = (g.IpPermissions ?? []).flatMap((p) => rulesOf(p, 'in', groupName, notes, name)) as IngressRule[];
    const egressPermissions = g.IpPermissionsEgress ?? [];
    if (ingress.length) entry.ingress = ingress;
    if (!isDefaultEgress(egressPermissions)) entry.egress = egressPermissions.flatMap((p) => rulesOf(p, 'out', groupName, notes, name)) as EgressRule[];
    Object.assign(entry, extraTags(g.Tags));
    blueprintGroups.push(entry);
    adopt(name, 'securityGroup', g.GroupId!, { groupName: g.GroupName, vpcId });
  }

  // Network ACLs other than the default one
  const blueprintAcls: NetworkAcl[] = [];
  for (const acl of acls) {
    if (acl.IsDefault) continue;
    const name = names.claim(acl.Tags, acl.NetworkAclId!);
    const entry: NetworkAcl = { name };
    const aclSubnets = (acl.Associations ?? []).map((a) => a.SubnetId && subnetName.get(a.SubnetId)).filter((n): n is string => !!n);
    if (aclSubnets.length) entry.subnets = aclSubnets;
    const rules = sortBy(acl.Entries ?? [], (e) => e.RuleNumber ?? 0).filter((e) => (e.RuleNumber ?? 0) <= 32766); // 32767 and up: the implicit final deny rules
    const aclRule = (e: (typeof rules)[number]) => {
      const protocol = protocolName(e.Protocol);
      const rule: { rule: number; action: 'allow' | 'deny'; protocol: Protocol; port?: number | string } = {
        rule: e.RuleNumber!,
        action: e.RuleAction === 'deny' ? 'deny' : 'allow',
        protocol,
      };
      if ((protocol === 'tcp' || protocol === 'udp') && e.PortRange) {
        const port = portText(e.PortRange.From, e.PortRange.To);
        if (port !== undefined) rule.port = port;
      }
      return { rule, cidr: e.CidrBlock ?? e.Ipv6CidrBlock ?? '0.0.0.0/0' };
    };
    const inbound = rules.filter((e) => !e.Egress).map((e) => aclRule(e)).map(({ rule, cidr }) => ({ ...rule, source: cidr }));
    const outbound = rules.filter((e) => e.Egress).map((e) => aclRule(e)).map(({ rule, cidr }) => ({ ...rule, destination: cidr }));
    if (inbound.length) entry.inbound = inbound;
    if (outbound.length) entry.outbound = outbound;
    Object.assign(entry, extraTags(acl.Tags));
    blueprintAcls.push(entry);
    adopt(name, 'networkAcl', acl.NetworkAclId!, {
      vpcId,
      associations: (acl.Associations ?? []).filter((a) => a.SubnetId && subnetName.has(a.SubnetId)).map((a) => ({ subnetId: a.SubnetId!, associationId: a.NetworkAclAssociationId })),
    });
  }

  // Network interfaces created on their own (not the one a launch made for its instance)
  const instanceNames = new Set(instances.map((i) => tagOf(i.Tags, 'Name')).filter(Boolean));
  // A NAT gateway's own interface is part of it.
  const standalone = interfaces.filter((eni) => !natInterfaceIds.has(eni.NetworkInterfaceId ?? '') && isStandaloneInterface(eni, instanceNames));
  const eniName = new Map<string, string>();
  const blueprintEnis: NetworkInterface[] = [];
  for (const eni of standalone) {
    const subnet = subnetName.get(eni.SubnetId!);
    if (!subnet) continue;
    const name = names.claim(eni.TagSet, eni.NetworkInterfaceId!);
    eniName.set(eni.NetworkInterfaceId!, name);
    const entry: NetworkInterface = { name, subnet };
    if (eni.PrivateIpAddress) entry.privateIp = eni.PrivateIpAddress;
    const sgs = (eni.Groups ?? []).map((g) => groupName.get(g.GroupId!)).filter((n): n is string => !!n);
    if (sgs.length) entry.securityGroups = sgs;
    if (eni.Description) entry.description = eni.Description;
    Object.assign(entry, extraTags(eni.TagSet));
    blueprintEnis.push(entry);
    adopt(name, 'networkInterface', eni.NetworkInterfaceId!, { privateIp: eni.PrivateIpAddress, subnetId: eni.SubnetId, macAddress: eni.MacAddress });
  }

  // Elastic IPs on those interfaces
  const blueprintEips: ElasticIp[] = [...natEips];
  const addresses = [...f.interfaceAddresses];
  // An address of the stack on no interface (allocated, not associated yet) belongs to it too.
  if (ownStack) {
    for (const address of f.stackAddresses)
      if (!address.NetworkInterfaceId && !address.InstanceId && !natAllocationIds.includes(address.AllocationId ?? '') && tagOf(address.Tags, natAddressTag) === undefined) addresses.push(address);
  }
  for (const address of addresses) {
    const eni = address.NetworkInterfaceId ? eniName.get(address.NetworkInterfaceId) : undefined;
    if (address.NetworkInterfaceId && !eni) {
      notes.push(t('The Elastic IP {0} is on a network interface that its instance created; a blueprint attaches Elastic IPs to its own network interfaces, so it was left out.', address.PublicIp ?? address.AllocationId ?? '?'));
      continue;
    }
    const name = names.claim(address.Tags, address.AllocationId ?? address.PublicIp!);
    const entry: ElasticIp = { name };
    if (address.NetworkBorderGroup) entry.networkBorderGroup = address.NetworkBorderGroup;
    if (eni) entry.networkInterface = eni;
    Object.assign(entry, extraTags(address.Tags));
    blueprintEips.push(entry);
    adopt(name, 'elasticIp', address.AllocationId!, { publicIp: address.PublicIp, networkBorderGroup: address.NetworkBorderGroup, associationId: address.AssociationId, networkInterfaceId: address.NetworkInterfaceId });
  }

  // Instances
  const volumeById = new Map(f.volumes.map((v) => [v.VolumeId!, v]));
  // The image names tell the login user (ubuntu on Ubuntu, admin on Debian, …).
  const imageNames = f.imageNames;
  const blueprintInstances: Instance[] = [];
  for (const inst of sortBy(instances, (i) => i.LaunchTime?.toISOString() ?? '')) {
    const name = names.claim(inst.Tags, inst.InstanceId!);
    const entry: Instance = { name, image: inst.ImageId!, instanceType: inst.InstanceType! };
    const primary = primaryInterface(inst, interfaces);
    if (primary && eniName.has(primary.NetworkInterfaceId!)) {
      entry.networkInterface = eniName.get(primary.NetworkInterfaceId!)!;
    } else {
      const subnet = inst.SubnetId ? subnetName.get(inst.SubnetId) : undefined;
      if (subnet) entry.subnet = subnet;
      const groupIds = (primary?.Groups ?? inst.SecurityGroups ?? []).map((g) => g.GroupId!);
      const sgs = groupIds.map((g) => groupName.get(g)).filter((n): n is string => !!n);
      if (sgs.length) entry.securityGroups = sgs;
      if (inst.PrivateIpAddress) entry.privateIp = inst.PrivateIpAddress;
      entry.publicIp = Boolean(inst.PublicIpAddress);
    }
    const rootId = (inst.BlockDeviceMappings ?? []).find((b) => b.DeviceName === inst.RootDeviceName)?.Ebs?.VolumeId;
    const root = rootId ? volumeById.get(rootId) : undefined;
    if (root?.Size) {
      entry.rootVolume = { sizeGiB: root.Size };
      if (root.VolumeType) entry.rootVolume.type = root.VolumeType as NonNullable<Instance['rootVolume']>['type'];
      if (root.Encrypted !== undefined) entry.rootVolume.encrypted = root.Encrypted;
    }
    if (inst.KeyName && keyName.has(inst.KeyName)) entry.keyPair = keyName.get(inst.KeyName)!;
    const imageName = imageNames.get(inst.ImageId!);
    const user = defaultSshUser(inst.ImageId!, imageName);
    if (user !== defaultSshUser(inst.ImageId!)) entry.sshUser = user;
    const tokens = inst.MetadataOptions?.HttpTokens;
    if (tokens === 'required' || tokens === 'optional') entry.metadataTokens = tokens;
    Object.assign(entry, extraTags(inst.Tags));
    blueprintInstances.push(entry);
    adopt(name, 'instance', inst.InstanceId!, {
      image: inst.ImageId,
      imageId: inst.ImageId,
      imageName: imageNames.get(inst.ImageId!),
      state: inst.State?.Name,
      instanceType: inst.InstanceType,
      keyName: inst.KeyName,
      privateIp: inst.PrivateIpAddress,
      publicIp: inst.PublicIpAddress,
      rootVolumeId: rootId,
      rootDeviceName: inst.RootDeviceName,
      networkInterfaceId: primary?.NetworkInterfaceId,
    });
  }

  const blueprint: Blueprint = {
    version: 1,
    stack,
    region,
    vpc: { name: vpcName, cidr: vpc.CidrBlock!, ...extraTags(vpc.Tags) },
    ...(gatewayName ? { internetGateway: { name: gatewayName, ...extraTags(gateway!.Tags) } } : {}),
    ...(blueprintSubnets.length ? { subnets: blueprintSubnets } : {}),
    ...(blueprintRouteTables.length ? { routeTables: blueprintRouteTables } : {}),
    ...(blueprintGroups.length ? { securityGroups: blueprintGroups } : {}),
    ...(blueprintAcls.length ? { networkAcls: blueprintAcls } : {}),
    ...(blueprintEnis.length ? { networkInterfaces: blueprintEnis } : {}),
    ...(blueprintEips.length ? { elasticIps: blueprintEips } : {}),
    ...(blueprintNats.length ? { natGateways: blueprintNats } : {}),
    ...(blueprintKeys.length ? { keyPairs: blueprintKeys } : {}),
    ...(blueprintInstances.length ? { instances: blueprintInstances } : {}),
  };
  return { blueprint, ids, notes };
}

export function tagOf(tags: Tag[] | undefined, key: string): string | undefined {
  return fromAwsTags(tags)[key] || undefined;
}

/** Tags other than the ones the blueprint sets itself (and AWS's own aws:*). */
function extraTags(tags: Tag[] | undefined): { tags?: Record<string, string> } {
  const extra = (tags ?? []).filter((t) => t.Key && !['Name', stackTag, nameTag].includes(t.Key) && !t.Key.startsWith('aws:'));
  return extra.length ? { tags: Object.fromEntries(extra.map((t) => [t.Key!, t.Value ?? ''])) } : {};
}

/** Unique, tidy names: the Name tag when there is one, else the fallback (an AWS id). */
class NameBook {
  private readonly used = new Set<string>();

  claim(tags: Tag[] | undefined, fallback: string): string {
    return this.claimExact(sanitizeName(tagOf(tags, 'Name') ?? '') || fallback);
  }

  claimExact(base: string): string {
    let name = base.slice(0, 250);
    for (let n = 2; this.used.has(name); n++) name = `${base.slice(0, 250)}-${n}`;
    this.used.add(name);
    return name;
  }
}

/** A Name tag as a blueprint name: printable, one line, no surrounding space, at most 250 characters. */
export function sanitizeName(raw: string): string {
  return raw
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 250);
}

/** `My VPC (prod)` → `my-vpc-prod`: the format's stack names are letters, digits, - and _. */
export function stackNameFrom(vpcName: string, vpcId: string): string {
  const slug = vpcName
    .toLowerCase()
    .replace(/^vpc[-_]?/, '')
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '')
    .slice(0, 64);
  return slug || vpcId;
}

function sortBy<T>(items: readonly T[], key: (item: T) => string | number): T[] {
  return [...items].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

function routeTargetOf(route: { NatGatewayId?: string; VpcPeeringConnectionId?: string; TransitGatewayId?: string; NetworkInterfaceId?: string; GatewayId?: string; InstanceId?: string }): string {
  return route.NatGatewayId ?? route.VpcPeeringConnectionId ?? route.TransitGatewayId ?? route.NetworkInterfaceId ?? route.InstanceId ?? route.GatewayId ?? '?';
}

function protocolName(protocol: string | undefined): Protocol {
  switch (protocol) {
    case 'tcp':
    case '6':
      return 'tcp';
    case 'udp':
    case '17':
      return 'udp';
    case 'icmp':
    case '1':
      return 'icmp';
    default:
      return 'all';
  }
}

function portText(from: number | undefined, to: number | undefined): number | string | undefined {
  if (from === undefined || to === undefined || from < 0) return undefined;
  return from === to ? from : `${from}-${to}`;
}

/** The default group as AWS makes it: everything from itself in, everything out. */
function isDefaultGroupUntouched(g: Ec2SecurityGroup): boolean {
  const ingress = g.IpPermissions ?? [];
  const selfOnly =
    ingress.length === 0 ||
    (ingress.length === 1 &&
      ingress[0]!.IpProtocol === '-1' &&
      (ingress[0]!.IpRanges ?? []).length === 0 &&
      (ingress[0]!.Ipv6Ranges ?? []).length === 0 &&
      (ingress[0]!.UserIdGroupPairs ?? []).every((p) => p.GroupId === g.GroupId));
  return selfOnly && isDefaultEgress(g.IpPermissionsEgress ?? []);
}

/** Egress that is exactly AWS's default: all traffic to 0.0.0.0/0 (the format's "absent"). */
function isDefaultEgress(permissions: IpPermission[]): boolean {
  if (permissions.length !== 1) return false;
  const p = permissions[0]!;
  return (
    p.IpProtocol === '-1' &&
    (p.IpRanges ?? []).length === 1 &&
    p.IpRanges![0]!.CidrIp === '0.0.0.0/0' &&
    !p.IpRanges![0]!.Description &&
    (p.UserIdGroupPairs ?? []).length === 0 &&
    (p.PrefixListIds ?? []).length === 0
  );
}

/** One EC2 permission as the format's rules (one per address range or group). */
function rulesOf(
  p: IpPermission,
  direction: 'in' | 'out',
  groupName: Map<string, string>,
  notes: string[],
  owner: string,
): (IngressRule | EgressRule)[] {
  const protocol = protocolName(p.IpProtocol);
  const port = protocol === 'tcp' || protocol === 'udp' ? portText(p.FromPort, p.ToPort) : undefined;
  const rule = (peer: string, description: string | undefined): IngressRule | EgressRule => {
    const base = { protocol, ...(port !== undefined ? { port } : {}) };
    const withPeer = direction === 'in' ? { ...base, source: peer } : { ...base, destination: peer };
    return description ? { ...withPeer, description } : withPeer;
  };
  const out: (IngressRule | EgressRule)[] = [];
  for (const r of p.IpRanges ?? []) if (r.CidrIp) out.push(rule(r.CidrIp, r.Description));
  for (const r of p.Ipv6Ranges ?? []) if (r.CidrIpv6) out.push(rule(r.CidrIpv6, r.Description));
  for (const pair of p.UserIdGroupPairs ?? []) {
    const name = pair.GroupId ? groupName.get(pair.GroupId) : undefined;
    if (name) out.push(rule(name, pair.Description));
    else notes.push(t('Security group {0}: a rule names the group {1} outside this VPC; it was left out.', owner, pair.GroupId ?? '?'));
  }
  for (const pl of p.PrefixListIds ?? []) notes.push(t('Security group {0}: a rule names the prefix list {1}, which a blueprint cannot describe; it was left out.', owner, pl.PrefixListId ?? '?'));
  return out;
}

/** The interface at device 0 of an instance. */
function primaryInterface(inst: Ec2Instance, interfaces: Ec2NetworkInterface[]): Ec2NetworkInterface | undefined {
  const primaryId = (inst.NetworkInterfaces ?? []).find((n) => n.Attachment?.DeviceIndex === 0)?.NetworkInterfaceId;
  return interfaces.find((i) => i.NetworkInterfaceId === primaryId) ?? interfaces.find((i) => i.Attachment?.InstanceId === inst.InstanceId && i.Attachment?.DeviceIndex === 0);
}

/**
 * Whether a network interface was made on its own (and so is a `networkInterfaces` entry), rather
 * than by a launch for its instance. Detached or secondary: its own. The primary one: its own when
 * it survives its instance (a launch makes its interface with DeleteOnTermination) and carries a
 * Name of its own.
 */
function isStandaloneInterface(eni: Ec2NetworkInterface, instanceNames: Set<string | undefined>): boolean {
  if (eni.RequesterManaged) return false;
  if (eni.InterfaceType && eni.InterfaceType !== 'interface') return false;
  const attachment = eni.Attachment;
  if (!attachment?.InstanceId) return true;
  if ((attachment.DeviceIndex ?? 0) !== 0) return true;
  const name = tagOf(eni.TagSet, 'Name');
  return attachment.DeleteOnTermination === false && !!name && !instanceNames.has(name);
}

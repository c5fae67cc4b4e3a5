// What the schema cannot say: that names are unique and references name a component of the right
// kind, that addresses lie inside their blocks and are not AWS's own, that a subnet has one route
// table and one ACL, and the warnings of a risky setup (ports open to the world, IMDSv1, no route
// out). Each finding goes through `add` at the path it is about.
import { closest, distance } from 'fastest-levenshtein';
import { t } from '@vscode/l10n';
import type { Blueprint } from './schema';
import type { Path, Severity } from './diagnostics';
import {
  contains,
  containsAddress,
  ipv4ToString,
  isAnywhere,
  overlaps,
  parseCidr,
  parseIpv4,
  reservedAddresses,
  type Cidr,
} from './cidr';
import { components, findCycle, type Kind } from './model';
import { parsePortRange, type PortRange } from './ports';
import { kindWord } from './vocabulary';

export type Add = (severity: Severity, code: string, message: string, path: Path, part?: 'value' | 'key', suggestion?: string) => void;

const reservedAzSuffix = /^[a-z]$/;
const regionPattern = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const databasePorts: Record<number, string> = {
  1433: 'SQL Server',
  1521: 'Oracle',
  3306: 'MySQL',
  5432: 'PostgreSQL',
  5439: 'Redshift',
  6379: 'Redis',
  9200: 'Elasticsearch',
  27017: 'MongoDB',
};

/** The checks of meaning on a blueprint the schema accepted. */
export function checkSemantics(bp: Blueprint, add: Add): void {
  const names = new Map<string, { kind: Kind; path: Path }>();
  for (const c of components(bp)) {
    const first = names.get(c.name);
    if (first) add('error', 'duplicate-name', t('The name "{0}" is already used by a {1} above. Names must be unique across the file.', c.name, kindWord(first.kind)), [...c.path, 'name']);
    else names.set(c.name, { kind: c.kind, path: c.path });
  }
  const namesOf = (kind: Kind) => [...names].filter(([, v]) => v.kind === kind).map(([n]) => n);

  /** Checks that `name` (at `path`) names a component of `kind`. */
  const reference = (name: string | undefined, kind: Kind, path: Path, code = 'unknown-reference'): boolean => {
    if (name === undefined) return false;
    const found = names.get(name);
    if (found?.kind === kind) return true;
    const candidates = namesOf(kind);
    const near = candidates.length > 0 ? closest(name, candidates) : undefined;
    const good = near !== undefined && distance(name, near) <= Math.max(3, Math.floor(near.length / 3));
    if (found) {
      add('error', 'wrong-kind-reference', t('"{0}" is a {1}, but a {2} is needed here.', name, kindWord(found.kind), kindWord(kind)), path, 'value', good ? near : undefined);
    } else if (candidates.length === 0) {
      add('error', code, kind === 'keyPair'
        ? t('There is no key pair "{0}" in this file. Declare it under keyPairs: (a new one is created and its private key downloaded).', name)
        : t('There is no {0} named "{1}": this file declares none.', kindWord(kind), name), path);
    } else {
      add('error', code, good
        ? t('There is no {0} named "{1}". Did you mean "{2}"? Declared: {3}.', kindWord(kind), name, near, candidates.join(', '))
        : t('There is no {0} named "{1}". Declared: {2}.', kindWord(kind), name, candidates.join(', ')), path, 'value', good ? near : undefined);
    }
    return false;
  };

  // Region and availability zones.
  if (!regionPattern.test(bp.region)) add('error', 'invalid-region', t('"{0}" does not look like an AWS region (for example ap-northeast-1).', bp.region), ['region']);

  // The VPC's CIDR.
  const vpcCidr = cidrOf(bp.vpc.cidr, ['vpc', 'cidr'], add, { min: 16, max: 28, what: t('A VPC') });

  // Subnets: inside the VPC, not overlapping, AZ in the region.
  const subnetCidrs = new Map<string, Cidr>();
  bp.subnets?.forEach((s, i) => {
    const at: Path = ['subnets', i];
    const c = cidrOf(s.cidr, [...at, 'cidr'], add, { min: 16, max: 28, what: t('A subnet') });
    if (c && vpcCidr && !contains(vpcCidr, c))
      add('error', 'subnet-outside-vpc', t('{0} is not inside the VPC\'s {1}. A subnet takes its addresses from its VPC.', s.cidr, bp.vpc.cidr), [...at, 'cidr']);
    else if (c) {
      for (const [other, oc] of subnetCidrs)
        if (overlaps(oc, c)) {
          add('error', 'subnets-overlap', t('{0} overlaps subnet "{1}" ({2}). Subnets of a VPC cannot share addresses.', s.cidr, other, oc.text), [...at, 'cidr']);
          break;
        }
      if (!subnetCidrs.has(s.name)) subnetCidrs.set(s.name, c);
    }
    const az = s.availabilityZone;
    if (!az.startsWith(bp.region) || !(reservedAzSuffix.test(az.slice(bp.region.length)) || /^-[a-z]+-\d+[a-z]$/.test(az.slice(bp.region.length))))
      add('error', 'az-not-in-region', t('"{0}" is not an availability zone of {1}. Zones of a region are its name plus a letter, like {1}a.', az, bp.region), [...at, 'availabilityZone']);
  });

  // Route tables.
  const subnetRouteTable = new Map<string, string>();
  bp.routeTables?.forEach((rt, i) => {
    const at: Path = ['routeTables', i];
    const destinations = new Set<string>();
    rt.routes?.forEach((r, j) => {
      const c = cidrOf(r.destination, [...at, 'routes', j, 'destination'], add, {});
      if (c) {
        if (destinations.has(c.network)) add('error', 'route-duplicate', t('This route table already has a route for {0}.', r.destination), [...at, 'routes', j, 'destination']);
        destinations.add(c.network);
        if (vpcCidr && contains(vpcCidr, c)) add('error', 'route-inside-vpc', t('{0} lies inside the VPC; traffic there always uses the built-in "local" route.', r.destination), [...at, 'routes', j, 'destination']);
      }
      const target = names.get(r.target);
      if (target && target.kind !== 'internetGateway' && target.kind !== 'natGateway')
        add('error', 'route-target-not-gateway', t('A route here can only go to the internet gateway or a NAT gateway; "{0}" is a {1}.', r.target, kindWord(target.kind)), [...at, 'routes', j, 'target']);
      else if (!target) reference(r.target, (bp.natGateways ?? []).length > 0 && !bp.internetGateway ? 'natGateway' : 'internetGateway', [...at, 'routes', j, 'target']);
    });
    rt.subnets?.forEach((s, j) => {
      if (!reference(s, 'subnet', [...at, 'subnets', j])) return;
      const other = subnetRouteTable.get(s);
      if (other) add('error', 'subnet-in-two-route-tables', t('Subnet "{0}" is already associated with route table "{1}". A subnet has exactly one route table.', s, other), [...at, 'subnets', j]);
      else subnetRouteTable.set(s, rt.name);
    });
  });

  // Security groups and their rules.
  const sshPorts = new Set<number>([22, ...(bp.instances ?? []).map((x) => x.sshPort ?? 22)]);
  bp.securityGroups?.forEach((g, i) => {
    const at: Path = ['securityGroups', i];
    if (g.name.toLowerCase().startsWith('sg-')) add('error', 'invalid-format', t('AWS does not allow security group names that start with "sg-".'), [...at, 'name']);
    if (!g.description) add('warning', 'missing-description', t('Security group "{0}" has no description. AWS needs one, so "{1}" is used; a description of your own tells the next reader what the group is for.', g.name, generatedDescription(g.name)), [...at, 'name']);
    const rules = [
      ...(g.ingress ?? []).map((r, j) => ({ r, peer: r.source, where: [...at, 'ingress', j] as Path, peerKey: 'source', inbound: true })),
      ...(g.egress ?? []).map((r, j) => ({ r, peer: r.destination, where: [...at, 'egress', j] as Path, peerKey: 'destination', inbound: false })),
    ];
    for (const { r, peer, where, peerKey, inbound } of rules) {
      const ports = checkPorts(r.protocol, r.port, where, add);
      const looksLikeAddress = /^[\d.:/]+$/.test(peer) || peer.includes('/');
      if (looksLikeAddress) cidrOf(peer, [...where, peerKey], add, {});
      else reference(peer, 'securityGroup', [...where, peerKey]);
      if (inbound && looksLikeAddress && isAnywhere(peer) && ports) worldOpenWarnings(r.protocol, ports, sshPorts, [...where, peerKey], add);
      if (inbound && !r.description) add('warning', 'missing-description', t('This rule has no description. A word like "SSH" helps whoever reads the group in the console.'), where, 'value');
    }
  });
  const cycle = findCycle(components(bp).filter((c) => c.kind === 'securityGroup'));
  if (cycle) {
    const idx = (bp.securityGroups ?? []).findIndex((g) => g.name === cycle[cycle.length - 1]);
    add('error', 'security-group-cycle', t('These security groups refer to each other in a circle ({0}); let one of them use a CIDR instead.', cycle.join(' → ')), ['securityGroups', Math.max(0, idx), 'name']);
  }

  // Network ACLs.
  const subnetAcl = new Map<string, string>();
  bp.networkAcls?.forEach((acl, i) => {
    const at: Path = ['networkAcls', i];
    for (const [dir, list, peerKey] of [['inbound', acl.inbound, 'source'], ['outbound', acl.outbound, 'destination']] as const) {
      const numbers = new Set<number>();
      list?.forEach((r, j) => {
        const where: Path = [...at, dir, j];
        if (numbers.has(r.rule)) add('error', 'acl-rule-duplicate', t('Rule number {0} is used twice in the {1} rules of this ACL.', r.rule, dir), [...where, 'rule']);
        numbers.add(r.rule);
        checkPorts(r.protocol, r.port, where, add);
        cidrOf((r as unknown as Record<string, string>)[peerKey]!, [...where, peerKey], add, {});
      });
    }
    acl.subnets?.forEach((s, j) => {
      if (!reference(s, 'subnet', [...at, 'subnets', j])) return;
      const other = subnetAcl.get(s);
      if (other) add('error', 'subnet-in-two-acls', t('Subnet "{0}" is already associated with network ACL "{1}". A subnet has exactly one network ACL.', s, other), [...at, 'subnets', j]);
      else subnetAcl.set(s, acl.name);
    });
  });

  // Network interfaces and their fixed addresses.
  const fixedIps = new Map<string, string>();
  const fixedIp = (ip: string | undefined, subnetName: string, owner: string, path: Path) => {
    if (ip === undefined) return;
    const address = parseIpv4(ip);
    if (address === undefined) {
      add('error', 'invalid-ip', t('"{0}" is not an IPv4 address (four numbers 0-255 separated by dots, like 10.0.1.11).', ip), path);
      return;
    }
    const subnetCidr = subnetCidrs.get(subnetName);
    if (subnetCidr && !containsAddress(subnetCidr, address)) {
      add('error', 'ip-outside-subnet', t('{0} is not inside subnet "{1}" ({2}), so AWS cannot give it to a network interface there.', ip, subnetName, subnetCidr.text), path);
      return;
    }
    const reserved = subnetCidr && reservedAddresses(subnetCidr).find((r) => r.address === address);
    if (reserved && subnetCidr) {
      const firstFree = ipv4ToString(subnetCidr.first + 4n);
      add('error', 'ip-reserved', t('{0} is reserved by AWS in {1} ({2}). AWS keeps the first four addresses and the last one of every subnet; use one from {3} on.', ip, subnetCidr.text, reservedWhy(reserved.why), firstFree), path, 'value', firstFree);
      return;
    }
    const other = fixedIps.get(ip);
    if (other) add('error', 'ip-in-use', t('{0} is already the fixed address of "{1}". Two interfaces cannot share an address.', ip, other), path);
    else fixedIps.set(ip, owner);
  };
  bp.networkInterfaces?.forEach((n, i) => {
    const at: Path = ['networkInterfaces', i];
    if (reference(n.subnet, 'subnet', [...at, 'subnet'])) fixedIp(n.privateIp, n.subnet, n.name, [...at, 'privateIp']);
    n.securityGroups?.forEach((g, j) => reference(g, 'securityGroup', [...at, 'securityGroups', j]));
  });

  // Elastic IPs.
  const eniWithEip = new Map<string, string>();
  bp.elasticIps?.forEach((e, i) => {
    const at: Path = ['elasticIps', i];
    const group = e.networkBorderGroup;
    if (group !== undefined && group !== bp.region) {
      if (group.startsWith(bp.region) && reservedAzSuffix.test(group.slice(bp.region.length)))
        add('error', 'border-group-not-region', t('"{0}" is an availability zone. The network border group of an Elastic IP is the region itself, "{1}" (the tutorial wrote the AZ, but AWS offers the region\'s group).', group, bp.region), [...at, 'networkBorderGroup'], 'value', bp.region);
      else if (!group.startsWith(`${bp.region}-`))
        add('error', 'border-group-not-region', t('"{0}" is not a network border group of {1}. Use "{1}".', group, bp.region), [...at, 'networkBorderGroup'], 'value', bp.region);
    }
    if (e.networkInterface && reference(e.networkInterface, 'networkInterface', [...at, 'networkInterface'])) {
      const other = eniWithEip.get(e.networkInterface);
      if (other) add('error', 'eni-has-elastic-ip', t('Network interface "{0}" already gets Elastic IP "{1}"; its one private address can carry only one.', e.networkInterface, other), [...at, 'networkInterface']);
      else eniWithEip.set(e.networkInterface, e.name);
    }
  });

  // NAT gateways: in a subnet with a way out, on an address of their own.
  const natAddress = new Map<string, string>();
  const routedSubnets = subnetsRoutedToGateway(bp);
  const zoneOf = (subnet: string | undefined) => (bp.subnets ?? []).find((s) => s.name === subnet)?.availabilityZone;
  bp.natGateways?.forEach((n, i) => {
    const at: Path = ['natGateways', i];
    if (reference(n.subnet, 'subnet', [...at, 'subnet']) && !routedSubnets.has(n.subnet))
      add('warning', 'nat-without-internet-route', t('NAT gateway "{0}" is in subnet "{1}", which has no route 0.0.0.0/0 to the internet gateway: the private subnets behind it would not get out. Put it in a public subnet.', n.name, n.subnet), [...at, 'subnet']);
    if (n.elasticIp && reference(n.elasticIp, 'elasticIp', [...at, 'elasticIp'])) {
      const eip = (bp.elasticIps ?? []).find((e) => e.name === n.elasticIp);
      const other = natAddress.get(n.elasticIp);
      if (eip?.networkInterface) add('error', 'nat-elastic-ip-in-use', t('Elastic IP "{0}" is associated with network interface "{1}"; a NAT gateway needs an address of its own. Remove networkInterface there, or leave elasticIp out here (the NAT gateway then gets its own).', n.elasticIp, eip.networkInterface), [...at, 'elasticIp']);
      else if (other) add('error', 'nat-elastic-ip-in-use', t('Elastic IP "{0}" is already the address of NAT gateway "{1}".', n.elasticIp, other), [...at, 'elasticIp']);
      else natAddress.set(n.elasticIp, n.name);
    }
  });
  bp.routeTables?.forEach((rt, i) =>
    rt.routes?.forEach((r, j) => {
      const nat = (bp.natGateways ?? []).find((n) => n.name === r.target);
      if (!nat || !isAnywhere(r.destination)) return;
      const natZone = zoneOf(nat.subnet);
      const far = (rt.subnets ?? []).filter((s) => natZone && zoneOf(s) && zoneOf(s) !== natZone);
      if (far.length > 0)
        add('warning', 'nat-other-zone', t('Note: subnet(s) {0} reach the internet through NAT gateway "{1}" in another availability zone ({2}). It works, but AWS bills the traffic between zones, and an outage of {2} cuts them off too; a NAT gateway per zone avoids both.', far.join(', '), nat.name, natZone!), ['routeTables', i, 'routes', j, 'target']);
    }),
  );

  // Instances.
  const eniUsers = new Map<string, string>();
  const keyPairNames = new Set((bp.keyPairs ?? []).map((k) => k.name));
  const routed = subnetsRoutedToGateway(bp);
  bp.instances?.forEach((inst, i) => {
    const at: Path = ['instances', i];
    if (inst.networkInterface) {
      for (const key of ['subnet', 'securityGroups', 'privateIp', 'publicIp'] as const)
        if (inst[key] !== undefined) add('error', 'instance-network-conflict', t('"{0}" comes from the network interface "{1}"; remove it here or drop networkInterface.', key, inst.networkInterface), [...at, key], 'key');
      if (reference(inst.networkInterface, 'networkInterface', [...at, 'networkInterface'])) {
        const other = eniUsers.get(inst.networkInterface);
        if (other) add('error', 'eni-used-twice', t('Network interface "{0}" is already the primary interface of instance "{1}". An interface belongs to one instance.', inst.networkInterface, other), [...at, 'networkInterface']);
        else eniUsers.set(inst.networkInterface, inst.name);
      }
    } else if (inst.subnet) {
      if (reference(inst.subnet, 'subnet', [...at, 'subnet'])) fixedIp(inst.privateIp, inst.subnet, inst.name, [...at, 'privateIp']);
      inst.securityGroups?.forEach((g, j) => reference(g, 'securityGroup', [...at, 'securityGroups', j]));
    } else {
      add('error', 'instance-network-missing', t('Instance "{0}" needs a place in the network: networkInterface: (as in the tutorial) or subnet: with securityGroups:.', inst.name), [...at, 'name']);
    }
    if (inst.sshVia !== undefined && reference(inst.sshVia, 'instance', [...at, 'sshVia']) && inst.sshVia === inst.name)
      add('error', 'ssh-via-self', t('An instance cannot be its own jump host; name another instance, one with a public address.'), [...at, 'sshVia']);
    if (inst.keyPair !== undefined && !keyPairNames.has(inst.keyPair)) reference(inst.keyPair, 'keyPair', [...at, 'keyPair'], 'key-pair-not-declared');
    if (!/^(ami-[0-9a-f]{8,17}|rhel-8|rhel-9|amazon-linux-2023|al2023|ubuntu-24\.04)$/.test(inst.image))
      add('error', 'unknown-image', t('"{0}" is neither an image alias (rhel-8, rhel-9, amazon-linux-2023, ubuntu-24.04) nor an AMI id (ami-…).', inst.image), [...at, 'image']);
    if (!/^[a-z][a-z0-9-]*\d[a-z0-9-]*\.[a-z0-9]+$/.test(inst.instanceType))
      add('error', 'invalid-format', t('"{0}" does not look like an instance type (for example t2.large).', inst.instanceType), [...at, 'instanceType']);
    if (inst.metadataTokens === 'optional')
      add('warning', 'imdsv1-allowed', t('IMDSv1 stays allowed: any process or forwarded request on the instance can read its credentials without a token. "required" (IMDSv2) is the safer default.'), [...at, 'metadataTokens']);
    if (inst.rootVolume?.encrypted === false)
      add('warning', 'root-volume-unencrypted', t('The root volume will not be encrypted. Encryption costs nothing and protects snapshots and detached volumes.'), [...at, 'rootVolume', 'encrypted']);
    const subnetName = inst.subnet ?? (bp.networkInterfaces ?? []).find((n) => n.name === inst.networkInterface)?.subnet;
    const hasPublic = inst.publicIp === true || (inst.networkInterface !== undefined && eniWithEip.has(inst.networkInterface));
    if (hasPublic && subnetName && subnetCidrs.has(subnetName) && !routed.has(subnetName))
      add('warning', 'public-address-without-route', t('Instance "{0}" gets a public address, but subnet "{1}" has no route 0.0.0.0/0 to the internet gateway, so nothing from the internet reaches it.', inst.name, subnetName), [...at, 'name']);
  });
}

function subnetsRoutedToGateway(bp: Blueprint): Set<string> {
  const out = new Set<string>();
  const gateway = bp.internetGateway?.name;
  for (const rt of bp.routeTables ?? [])
    if (gateway && rt.routes?.some((r) => r.target === gateway && isAnywhere(r.destination))) for (const s of rt.subnets ?? []) out.add(s);
  return out;
}

function cidrOf(text: string, path: Path, add: Add, limits: { min?: number; max?: number; what?: string }): Cidr | undefined {
  const c = parseCidr(text);
  if (!c) {
    add('error', 'invalid-cidr', t('"{0}" is not a CIDR block. Write an address, a slash and a prefix length, like 10.0.0.0/16.', text), path);
    return undefined;
  }
  if (c.hostBitsSet) {
    add('error', 'invalid-cidr', t('{0} has bits set after the /{1} prefix; the block starts at {2}.', text, c.prefix, c.network), path, 'value', c.network);
    return undefined;
  }
  if (limits.what && (c.version !== 4 || (limits.min !== undefined && c.prefix < limits.min) || (limits.max !== undefined && c.prefix > limits.max))) {
    add('error', 'cidr-size', t('{0} must be an IPv4 block between /{1} and /{2}; {3} is not.', limits.what, limits.min ?? 0, limits.max ?? 32, text), path);
    return undefined;
  }
  return c;
}

function checkPorts(protocol: string, value: unknown, path: Path, add: Add): PortRange | undefined {
  if (protocol === 'all') return { from: 0, to: 65535 };
  if (protocol === 'icmp') return { from: -1, to: -1 };
  if (value === undefined) {
    add('error', 'port-required', t('A {0} rule needs a port (22) or a range ("1024-65535").', protocol), path);
    return undefined;
  }
  const parsed = parsePortRange(value);
  if (!parsed.ok) {
    add('error', parsed.code, parsed.message, [...path, 'port']);
    return undefined;
  }
  return parsed;
}

function worldOpenWarnings(protocol: string, ports: PortRange, sshPorts: Set<number>, path: Path, add: Add): void {
  const covers = (p: number) => ports.from <= p && p <= ports.to;
  if (protocol === 'all' || (ports.from <= 0 && ports.to >= 65535)) {
    add('warning', 'all-ports-open-to-world', t('Every port is open to the whole internet here. Open only the ports a service needs.'), path);
    return;
  }
  if (protocol !== 'tcp') return;
  const ssh = [...sshPorts].find(covers);
  if (ssh !== undefined)
    add('warning', 'ssh-open-to-world', t('SSH (port {0}) is open to anyone on the internet (0.0.0.0/0). Fine for following the tutorial; for a box that lives longer, allow only your own address (x.x.x.x/32).', ssh), path);
  if (covers(3389)) add('warning', 'rdp-open-to-world', t('Remote Desktop (port 3389) is open to anyone on the internet; it is a favourite target of password guessing.'), path);
  for (const [p, name] of Object.entries(databasePorts))
    if (covers(Number(p))) add('warning', 'database-open-to-world', t('{0} (port {1}) is open to anyone on the internet. Databases should be reached from inside the VPC or through a tunnel.', name, p), path);
}

function reservedWhy(why: string): string {
  switch (why) {
    case 'network address': return t('the network address');
    case 'VPC router': return t('the VPC router');
    case 'Amazon-provided DNS': return t('the Amazon-provided DNS server');
    case 'broadcast address': return t('the broadcast address');
    default: return t('reserved for future use');
  }
}

export function generatedDescription(name: string): string {
  return `${name} (managed by EC2 Blueprint)`;
}

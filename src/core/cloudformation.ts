// A blueprint as an AWS CloudFormation template: the same resources, the same names (as tags),
// so a team that outgrows the editor can hand its stack to AWS's own engine. Pure: the caller
// passes what needs a file or AWS (a public key's text, the image the engine resolved).
import { architectureOfInstanceType } from './image-choice';
import { keyFileName } from './key-file';
import { Document, Scalar } from 'yaml';
import type { Blueprint, Instance, NetworkAcl, SecurityGroup } from './schema';
import { findCycle, components, type Kind } from './model';
import { parsePortRange } from './ports';
import type { StateFile } from './state';
import { instanceUserData } from './user-data';
import { defaultSshUser } from './ssh-target';
import { tagsFor as resourceTags } from './resource-model';

/** A CloudFormation value: plain data or an intrinsic function ({ Ref }, { 'Fn::GetAtt' }, …). */
export type CfnValue = string | number | boolean | null | CfnValue[] | { [key: string]: CfnValue };

export interface CfnResource {
  Type: string;
  DependsOn?: string | string[];
  Properties: Record<string, CfnValue>;
}

export interface CfnParameter {
  Type: string;
  Description: string;
  Default?: string;
}

export interface CfnOutput {
  Description: string;
  Value: CfnValue;
}

export interface CloudFormationTemplate {
  AWSTemplateFormatVersion: '2010-09-09';
  Description: string;
  Parameters?: Record<string, CfnParameter>;
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, CfnOutput>;
}

/** The image of one instance as the engine resolved it (from the state file or DescribeImages). */
export interface ResolvedImage {
  imageId?: string;
  /** The image's root device (/dev/sda1 for RHEL and Ubuntu, /dev/xvda for Amazon Linux). */
  rootDeviceName?: string;
  /** The image's name, which tells the login user of an ami-… image. */
  imageName?: string;
}

export interface CloudFormationOptions {
  /** Per instance name: the image the engine resolved for it. */
  images?: Record<string, ResolvedImage>;
  /** Per key pair name: the text of its `publicKeyFile`, read by the caller. */
  publicKeys?: Record<string, string>;
  /** Where the template came from, for its description. */
  source?: string;
  /** Per instance name: its own user data (a userDataFile's text, read by the caller). */
  userData?: Record<string, string>;
}

/**
 * Public SSM parameters that AWS keeps pointing at the newest image of an alias (x86_64 and arm64).
 * Red Hat publishes none, so RHEL images become a plain image-id parameter.
 */
const publicImageParameters: Record<string, { x86_64: string; arm64: string }> = {
  'amazon-linux-2023': {
    x86_64: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
    arm64: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64',
  },
  al2023: {
    x86_64: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
    arm64: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64',
  },
  'ubuntu-24.04': {
    x86_64: '/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id',
    arm64: '/aws/service/canonical/ubuntu/server/24.04/stable/current/arm64/hvm/ebs-gp3/ami-id',
  },
};

/** Whether the template needs an image id for this image that AWS publishes no parameter for
 * (an alias such as rhel-8): export then asks EC2, or leaves it to whoever deploys. */
export function needsResolvedImage(image: string): boolean {
  return !image.startsWith('ami-') && !publicImageParameters[image];
}

const imageDescriptions: Record<string, string> = {
  'rhel-8': 'Red Hat Enterprise Linux 8',
  'rhel-9': 'Red Hat Enterprise Linux 9',
  'amazon-linux-2023': 'Amazon Linux 2023',
  al2023: 'Amazon Linux 2023',
  'ubuntu-24.04': 'Ubuntu 24.04',
};

/** The root device of the images behind each alias, when the resolved image does not say. */
function defaultRootDevice(image: string): string {
  return /^(amazon-linux-2023|al2023)$/.test(image) ? '/dev/xvda' : '/dev/sda1';
}

/** `vpc-Atsushi` → `VpcAtsushi`: CloudFormation logical ids are alphanumeric. */
function pascal(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const id = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  return id;
}

/** Hands out logical ids derived from names, unique across the template. */
class LogicalIds {
  private readonly used = new Set<string>();
  private readonly byName = new Map<string, string>();

  claim(base: string, fallbackPrefix = 'Resource'): string {
    let id = pascal(base) || fallbackPrefix;
    if (!/^[A-Za-z]/.test(id)) id = fallbackPrefix + id;
    id = id.slice(0, 240);
    let candidate = id;
    for (let n = 2; this.used.has(candidate.toLowerCase()); n++) candidate = `${id}${n}`;
    this.used.add(candidate.toLowerCase());
    return candidate;
  }

  forName(name: string, kindPrefix: string): string {
    let id = this.byName.get(name);
    if (!id) {
      id = this.claim(name, kindPrefix);
      this.byName.set(name, id);
    }
    return id;
  }

  of(name: string): string {
    const id = this.byName.get(name);
    if (!id) throw new Error(`no logical id for "${name}"`);
    return id;
  }
}

const kindPrefixes: Record<Kind, string> = {
  vpc: 'Vpc',
  subnet: 'Subnet',
  internetGateway: 'InternetGateway',
  routeTable: 'RouteTable',
  securityGroup: 'SecurityGroup',
  networkAcl: 'NetworkAcl',
  networkInterface: 'NetworkInterface',
  elasticIp: 'ElasticIp',
  natGateway: 'NatGateway',
  keyPair: 'KeyPair',
  instance: 'Instance',
};

/** The logical id each resource of the blueprint gets in the template, by name. */
export function logicalIdsOf(bp: Blueprint): Record<string, string> {
  const ids = new LogicalIds();
  const out: Record<string, string> = {};
  for (const c of components(bp)) out[c.name] = ids.forName(c.name, kindPrefixes[c.kind]);
  return out;
}

const ref = (id: string): CfnValue => ({ Ref: id });
const getAtt = (id: string, attribute: string): CfnValue => ({ 'Fn::GetAtt': [id, attribute] });

function tagsFor(bp: Blueprint, name: string, extra: Record<string, string> | undefined): CfnValue[] {
  return Object.entries(resourceTags(bp, name, extra)).map(([Key, Value]) => ({ Key, Value }));
}

/** A blueprint protocol as CloudFormation writes it in security group rules. */
function ipProtocol(protocol: string): string {
  return protocol === 'all' ? '-1' : protocol;
}

const aclProtocolNumbers: Record<string, number> = { tcp: 6, udp: 17, icmp: 1, all: -1 };

/** FromPort/ToPort of a rule: every port when none is given, -1 for ICMP (every type), none for
 * all protocols (CloudFormation ignores them there). */
function portsOf(protocol: string, port: number | string | undefined): { FromPort?: number; ToPort?: number } {
  if (protocol === 'all') return {};
  if (protocol === 'icmp') return { FromPort: -1, ToPort: -1 };
  if (port === undefined) return { FromPort: 0, ToPort: 65535 };
  const parsed = parsePortRange(port);
  return parsed.ok ? { FromPort: parsed.from, ToPort: parsed.to } : { FromPort: 0, ToPort: 65535 };
}

/** Builds the template. Throws nothing for a valid blueprint; pass only validated ones. */
export function toCloudFormation(bp: Blueprint, options: CloudFormationOptions = {}): CloudFormationTemplate {
  const ids = new LogicalIds();
  for (const c of components(bp)) ids.forName(c.name, kindPrefixes[c.kind]);
  const resources: Record<string, CfnResource> = {};
  const parameters: Record<string, CfnParameter> = {};
  const outputs: Record<string, CfnOutput> = {};
  const tags = (name: string, extra?: Record<string, string>) => tagsFor(bp, name, extra);

  // VPC
  const vpcId = ids.of(bp.vpc.name);
  resources[vpcId] = { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: bp.vpc.cidr, Tags: tags(bp.vpc.name, bp.vpc.tags) } };

  // Subnets
  for (const s of bp.subnets ?? []) {
    resources[ids.of(s.name)] = {
      Type: 'AWS::EC2::Subnet',
      Properties: { VpcId: ref(vpcId), CidrBlock: s.cidr, AvailabilityZone: s.availabilityZone, Tags: tags(s.name, s.tags) },
    };
  }

  // Internet gateway and its attachment: routes to the gateway wait for the attachment.
  let attachmentId: string | undefined;
  if (bp.internetGateway) {
    const igw = bp.internetGateway;
    const igwId = ids.of(igw.name);
    resources[igwId] = { Type: 'AWS::EC2::InternetGateway', Properties: { Tags: tags(igw.name, igw.tags) } };
    attachmentId = ids.claim(`${igwId}Attachment`);
    resources[attachmentId] = { Type: 'AWS::EC2::VPCGatewayAttachment', Properties: { VpcId: ref(vpcId), InternetGatewayId: ref(igwId) } };
  }

  // NAT gateways, each on the Elastic IP it names or on an address of its own; a public NAT
  // gateway needs the internet gateway attached first.
  const natNames = new Set((bp.natGateways ?? []).map((n) => n.name));
  for (const nat of bp.natGateways ?? []) {
    const natId = ids.of(nat.name);
    let allocation: CfnValue;
    if (nat.elasticIp) allocation = getAtt(ids.of(nat.elasticIp), 'AllocationId');
    else {
      const addressId = ids.claim(`${natId}Address`);
      resources[addressId] = { Type: 'AWS::EC2::EIP', ...(attachmentId ? { DependsOn: attachmentId } : {}), Properties: { Domain: 'vpc', Tags: tags(nat.name, nat.tags) } };
      allocation = getAtt(addressId, 'AllocationId');
    }
    resources[natId] = {
      Type: 'AWS::EC2::NatGateway',
      ...(attachmentId ? { DependsOn: attachmentId } : {}),
      Properties: { ConnectivityType: 'public', SubnetId: ref(ids.of(nat.subnet)), AllocationId: allocation, Tags: tags(nat.name, nat.tags) },
    };
  }

  // Route tables, their routes and subnet associations
  for (const rt of bp.routeTables ?? []) {
    const rtId = ids.of(rt.name);
    resources[rtId] = { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: ref(vpcId), Tags: tags(rt.name, rt.tags) } };
    (rt.routes ?? []).forEach((route, i) => {
      const routeId = ids.claim(route.destination === '0.0.0.0/0' ? `${rtId}DefaultRoute` : `${rtId}Route${i + 1}`);
      resources[routeId] = {
        Type: 'AWS::EC2::Route',
        ...(attachmentId && route.target === bp.internetGateway?.name ? { DependsOn: attachmentId } : {}),
        // A route to a NAT gateway names it by NatGatewayId; the Ref makes the route wait for it.
        Properties: natNames.has(route.target)
          ? { RouteTableId: ref(rtId), DestinationCidrBlock: route.destination, NatGatewayId: ref(ids.of(route.target)) }
          : { RouteTableId: ref(rtId), DestinationCidrBlock: route.destination, GatewayId: ref(ids.of(route.target)) },
      };
    });
    for (const subnet of rt.subnets ?? []) {
      const assocId = ids.claim(`${ids.of(subnet)}${rtId}Association`);
      resources[assocId] = { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: ref(ids.of(subnet)), RouteTableId: ref(rtId) } };
    }
  }

  // Security groups. Rules naming a group inline, unless that would make a cycle (a group naming
  // itself, or two groups naming each other): those become separate rule resources.
  const groups = bp.securityGroups ?? [];
  const groupNames = new Set(groups.map((g) => g.name));
  const cyclic = cyclicGroups(bp, groups);
  for (const g of groups) addSecurityGroup(g);

  function addSecurityGroup(g: SecurityGroup): void {
    const gid = ids.of(g.name);
    const splitOut = (peer: string) => groupNames.has(peer) && (peer === g.name || (cyclic.has(peer) && cyclic.has(g.name)));
    const peerProps = (peer: string, inbound: boolean): Record<string, CfnValue> =>
      groupNames.has(peer)
        ? { [inbound ? 'SourceSecurityGroupId' : 'DestinationSecurityGroupId']: getAtt(ids.of(peer), 'GroupId') }
        : { [inbound ? (peer.includes(':') ? 'CidrIpv6' : 'CidrIp') : peer.includes(':') ? 'CidrIpv6' : 'CidrIp']: peer };
    const rule = (r: { protocol: string; port?: number | string; description?: string }, peer: string, inbound: boolean) => ({
      IpProtocol: ipProtocol(r.protocol),
      ...portsOf(r.protocol, r.port),
      ...peerProps(peer, inbound),
      ...(r.description ? { Description: r.description } : {}),
    });
    const ingress = (g.ingress ?? []).filter((r) => !splitOut(r.source)).map((r) => rule(r, r.source, true));
    const egress = (g.egress ?? []).filter((r) => !splitOut(r.destination)).map((r) => rule(r, r.destination, false));
    const props: Record<string, CfnValue> = {
      GroupName: g.name,
      GroupDescription: g.description ?? `Security group ${g.name} of stack ${bp.stack}`,
      VpcId: ref(vpcId),
    };
    if (ingress.length > 0) props.SecurityGroupIngress = ingress;
    if (egress.length > 0) props.SecurityGroupEgress = egress;
    props.Tags = tags(g.name, g.tags);
    resources[gid] = { Type: 'AWS::EC2::SecurityGroup', Properties: props };
    (g.ingress ?? []).forEach((r, i) => {
      if (!splitOut(r.source)) return;
      const { SourceSecurityGroupId, ...rest } = rule(r, r.source, true) as Record<string, CfnValue>;
      resources[ids.claim(`${gid}Ingress${i + 1}`)] = {
        Type: 'AWS::EC2::SecurityGroupIngress',
        Properties: { GroupId: getAtt(gid, 'GroupId'), ...rest, SourceSecurityGroupId: SourceSecurityGroupId! },
      };
    });
    (g.egress ?? []).forEach((r, i) => {
      if (!splitOut(r.destination)) return;
      const { DestinationSecurityGroupId, ...rest } = rule(r, r.destination, false) as Record<string, CfnValue>;
      resources[ids.claim(`${gid}Egress${i + 1}`)] = {
        Type: 'AWS::EC2::SecurityGroupEgress',
        Properties: { GroupId: getAtt(gid, 'GroupId'), ...rest, DestinationSecurityGroupId: DestinationSecurityGroupId! },
      };
    });
  }

  // Network ACLs, when declared
  for (const acl of bp.networkAcls ?? []) addNetworkAcl(acl);

  function addNetworkAcl(acl: NetworkAcl): void {
    const aclId = ids.of(acl.name);
    resources[aclId] = { Type: 'AWS::EC2::NetworkAcl', Properties: { VpcId: ref(vpcId), Tags: tags(acl.name, acl.tags) } };
    const entry = (r: { rule: number; action: string; protocol: string; port?: number | string }, cidr: string, egress: boolean) => {
      const props: Record<string, CfnValue> = {
        NetworkAclId: ref(aclId),
        RuleNumber: r.rule,
        Protocol: aclProtocolNumbers[r.protocol] ?? -1,
        RuleAction: r.action,
        Egress: egress,
        [cidr.includes(':') ? 'Ipv6CidrBlock' : 'CidrBlock']: cidr,
      };
      if (r.protocol === 'tcp' || r.protocol === 'udp') {
        const { FromPort = 0, ToPort = 65535 } = portsOf(r.protocol, r.port);
        props.PortRange = { From: FromPort, To: ToPort };
      } else if (r.protocol === 'icmp') {
        props.Icmp = { Code: -1, Type: -1 };
      }
      resources[ids.claim(`${aclId}${egress ? 'Outbound' : 'Inbound'}${r.rule}`)] = { Type: 'AWS::EC2::NetworkAclEntry', Properties: props };
    };
    for (const r of acl.inbound ?? []) entry(r, r.source, false);
    for (const r of acl.outbound ?? []) entry(r, r.destination, true);
    for (const subnet of acl.subnets ?? []) {
      resources[ids.claim(`${ids.of(subnet)}${aclId}Association`)] = {
        Type: 'AWS::EC2::SubnetNetworkAclAssociation',
        Properties: { SubnetId: ref(ids.of(subnet)), NetworkAclId: ref(aclId) },
      };
    }
  }

  // Network interfaces
  for (const eni of bp.networkInterfaces ?? []) {
    const props: Record<string, CfnValue> = { SubnetId: ref(ids.of(eni.subnet)) };
    if (eni.privateIp) props.PrivateIpAddress = eni.privateIp;
    if (eni.securityGroups?.length) props.GroupSet = eni.securityGroups.map((g) => getAtt(ids.of(g), 'GroupId'));
    if (eni.description) props.Description = eni.description;
    props.Tags = tags(eni.name, eni.tags);
    resources[ids.of(eni.name)] = { Type: 'AWS::EC2::NetworkInterface', Properties: props };
  }

  // Elastic IPs and their association with a network interface
  const associationOfEni = new Map<string, string>();
  const eipOfEni = new Map<string, string>();
  for (const eip of bp.elasticIps ?? []) {
    const eipId = ids.of(eip.name);
    resources[eipId] = {
      Type: 'AWS::EC2::EIP',
      Properties: { Domain: 'vpc', ...(eip.networkBorderGroup ? { NetworkBorderGroup: eip.networkBorderGroup } : {}), Tags: tags(eip.name, eip.tags) },
    };
    if (eip.networkInterface) {
      const assocId = ids.claim(`${eipId}Association`);
      resources[assocId] = {
        Type: 'AWS::EC2::EIPAssociation',
        Properties: { AllocationId: getAtt(eipId, 'AllocationId'), NetworkInterfaceId: ref(ids.of(eip.networkInterface)) },
      };
      associationOfEni.set(eip.networkInterface, assocId);
      eipOfEni.set(eip.networkInterface, eipId);
    }
  }

  // Key pairs: created ones keep their private key in SSM Parameter Store.
  for (const key of bp.keyPairs ?? []) {
    const keyId = ids.of(key.name);
    const props: Record<string, CfnValue> = { KeyName: key.name };
    if (key.publicKeyFile) {
      const publicKey = options.publicKeys?.[key.name];
      if (publicKey) {
        props.PublicKeyMaterial = publicKey.trim();
      } else {
        // The caller could not read the file: the key is given when the stack is deployed.
        const param = ids.claim(`${keyId}PublicKey`);
        parameters[param] = { Type: 'String', Description: `The public key of ${key.name} (the contents of ${key.publicKeyFile}).` };
        props.PublicKeyMaterial = ref(param);
      }
    } else {
      props.KeyType = 'rsa';
    }
    props.Tags = tags(key.name, key.tags);
    resources[keyId] = { Type: 'AWS::EC2::KeyPair', Properties: props };
    if (!key.publicKeyFile) {
      const pem = `~/.ssh/${keyFileName(key.name)}`;
      outputs[ids.claim(`${keyId}PrivateKey`)] = {
        Description:
          `CloudFormation keeps the private key of ${key.name} in SSM Parameter Store under /ec2/keypair/<key-pair-id>. ` +
          'This command saves it as a file only you can read.',
        Value: {
          'Fn::Sub': [
            `aws ssm get-parameter --name /ec2/keypair/\${KeyPairId} --with-decryption --query Parameter.Value --output text > ${pem} && chmod 600 ${pem}`,
            { KeyPairId: getAtt(keyId, 'KeyPairId') },
          ],
        },
      };
    }
  }

  // Instances
  for (const inst of bp.instances ?? []) addInstance(inst);

  function addInstance(inst: Instance): void {
    const instId = ids.of(inst.name);
    const resolved = options.images?.[inst.name] ?? {};
    const imageParam = ids.claim(`${instId}ImageId`);
    const arch = architectureOfInstanceType(inst.instanceType);
    const ssmPath = publicImageParameters[inst.image]?.[arch];
    const label = imageDescriptions[inst.image] ?? inst.image;
    if (inst.image.startsWith('ami-')) {
      parameters[imageParam] = { Type: 'AWS::EC2::Image::Id', Description: `The image of ${inst.name}.`, Default: inst.image };
    } else if (ssmPath) {
      parameters[imageParam] = {
        Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>',
        Description: `The image of ${inst.name}: the newest ${label} (${arch}), from AWS's public parameter.`,
        Default: ssmPath,
      };
    } else {
      parameters[imageParam] = {
        Type: 'AWS::EC2::Image::Id',
        Description: resolved.imageId
          ? `The image of ${inst.name}: ${label} (${arch}), as EC2 Blueprint resolved it. AWS publishes no parameter for the newest one.`
          : `The image of ${inst.name}: an image id of ${label} (${arch}) in this region. AWS publishes no parameter for the newest one.`,
        ...(resolved.imageId ? { Default: resolved.imageId } : {}),
      };
    }

    const props: Record<string, CfnValue> = { ImageId: ref(imageParam), InstanceType: inst.instanceType };
    if (inst.networkInterface) {
      props.NetworkInterfaces = [{ DeviceIndex: '0', NetworkInterfaceId: ref(ids.of(inst.networkInterface)) }];
    } else if (inst.subnet) {
      const nic: Record<string, CfnValue> = { DeviceIndex: '0', SubnetId: ref(ids.of(inst.subnet)) };
      if (inst.securityGroups?.length) nic.GroupSet = inst.securityGroups.map((g) => getAtt(ids.of(g), 'GroupId'));
      if (inst.privateIp) nic.PrivateIpAddress = inst.privateIp;
      if (inst.publicIp !== undefined) nic.AssociatePublicIpAddress = inst.publicIp;
      nic.DeleteOnTermination = true;
      props.NetworkInterfaces = [nic];
    }
    const rootDevice = resolved.rootDeviceName ?? defaultRootDevice(inst.image);
    props.BlockDeviceMappings = [
      {
        DeviceName: rootDevice,
        Ebs: {
          ...(inst.rootVolume ? { VolumeSize: inst.rootVolume.sizeGiB } : {}),
          VolumeType: inst.rootVolume?.type ?? 'gp3',
          Encrypted: inst.rootVolume?.encrypted ?? true,
          DeleteOnTermination: true,
        },
      },
    ];
    props.MetadataOptions = { HttpEndpoint: 'enabled', HttpTokens: inst.metadataTokens ?? 'required' };
    if (inst.keyPair) props.KeyName = ref(ids.of(inst.keyPair));
    // The same first-boot script the engine sends when sshd moves off port 22.
    const userData = instanceUserData(inst, options.userData?.[inst.name] ?? inst.userData);
    if (userData) props.UserData = { 'Fn::Base64': userData };
    props.Tags = tags(inst.name, inst.tags);
    const assoc = inst.networkInterface ? associationOfEni.get(inst.networkInterface) : undefined;
    resources[instId] = { Type: 'AWS::EC2::Instance', ...(assoc ? { DependsOn: assoc } : {}), Properties: props };

    // Outputs: the address to dial and the SSH command line
    const eipId = inst.networkInterface ? eipOfEni.get(inst.networkInterface) : undefined;
    const address: CfnValue | undefined = eipId ? ref(eipId) : inst.publicIp ? getAtt(instId, 'PublicIp') : undefined;
    if (address) {
      outputs[ids.claim(`${instId}PublicIp`)] = { Description: `The public IPv4 address of ${inst.name}.`, Value: address };
      const user = inst.sshUser ?? defaultSshUser(inst.image, resolved.imageName);
      const port = inst.sshPort ?? 22;
      const keyFile = inst.keyPair ? ` -i ~/.ssh/${keyFileName(inst.keyPair)}` : '';
      const portFlag = port === 22 ? '' : ` -p ${port}`;
      outputs[ids.claim(`${instId}SshCommand`)] = {
        Description: `How to log in to ${inst.name}.`,
        Value: { 'Fn::Sub': [`ssh${keyFile}${portFlag} ${user}@\${Address}`, { Address: address }] },
      };
    }
  }

  const template: CloudFormationTemplate = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `EC2 Blueprint stack ${bp.stack} (${bp.region})${options.source ? `, exported from ${options.source}` : ''}.`,
    ...(Object.keys(parameters).length ? { Parameters: parameters } : {}),
    Resources: resources,
    ...(Object.keys(outputs).length ? { Outputs: outputs } : {}),
  };
  return template;
}

/** What the state file knows that the template needs: the image each instance was created from. */
export function optionsFromState(bp: Blueprint, state: StateFile | undefined): Pick<CloudFormationOptions, 'images'> {
  const images: Record<string, ResolvedImage> = {};
  for (const inst of bp.instances ?? []) {
    const attributes = state?.resources[inst.name]?.attributes;
    if (!attributes) continue;
    // The recorded image holds only while the blueprint still names the same image.
    if (attributes.image !== undefined && attributes.image !== inst.image) continue;
    const imageId = typeof attributes.imageId === 'string' && attributes.imageId.startsWith('ami-') ? attributes.imageId : undefined;
    const rootDeviceName = typeof attributes.rootDeviceName === 'string' ? attributes.rootDeviceName : undefined;
    const imageName = typeof attributes.imageName === 'string' ? attributes.imageName : undefined;
    if (imageId || rootDeviceName || imageName)
      images[inst.name] = { ...(imageId ? { imageId } : {}), ...(rootDeviceName ? { rootDeviceName } : {}), ...(imageName ? { imageName } : {}) };
  }
  return { images };
}

/** Security groups that take part in a reference cycle among groups. */
function cyclicGroups(bp: Blueprint, groups: readonly SecurityGroup[]): Set<string> {
  const list = components(bp).filter((c) => c.kind === 'securityGroup');
  const out = new Set<string>();
  // Remove found cycles one by one; a handful of groups at most in practice.
  let remaining = list;
  for (let guard = 0; guard < groups.length; guard++) {
    const cycle = findCycle(remaining);
    if (!cycle) break;
    for (const n of cycle) out.add(n);
    remaining = remaining.map((c) => (c.name === cycle[0] ? { ...c, dependsOn: c.dependsOn.filter((d) => d !== cycle[1]) } : c));
  }
  return out;
}

export type TemplateFormat = 'yaml' | 'json';

/** The template as text. YAML keeps the long form of intrinsic functions (Ref:, Fn::GetAtt:), which
 * every CloudFormation tool reads. */
export function templateText(template: CloudFormationTemplate, format: TemplateFormat = 'yaml'): string {
  if (format === 'json') return JSON.stringify(template, null, 2) + '\n';
  const doc = new Document(template, { aliasDuplicateObjects: false });
  // A bare 2010-09-09 reads as a date to YAML 1.1 tools; CloudFormation wants the string.
  const version = doc.get('AWSTemplateFormatVersion', true);
  if (version instanceof Scalar) version.type = Scalar.QUOTE_DOUBLE;
  return doc.toString({ lineWidth: 0 });
}

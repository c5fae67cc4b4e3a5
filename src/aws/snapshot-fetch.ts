// The calls half of a VPC snapshot: every Describe* call it needs, and nothing else (read-only: no
// tags added, nothing changed). snapshot-translate.ts says the answers as a blueprint.
import {
  DescribeAddressesCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeInternetGatewaysCommand,
  DescribeKeyPairsCommand,
  DescribeNatGatewaysCommand,
  DescribeNetworkAclsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVolumesCommand,
  DescribeVpcsCommand,
  type Address,
  type EC2Client,
  type Filter,
  type Instance,
  type InternetGateway,
  type KeyPairInfo,
  type NatGateway,
  type NetworkAcl,
  type NetworkInterface,
  type RouteTable,
  type SecurityGroup,
  type Subnet,
  type Volume,
  type Vpc,
} from '@aws-sdk/client-ec2';
import { stackTag } from '../core/resource-model';
import { errorCode, fromAwsTags, isNotFound } from './provider';

/** Everything read of one VPC, as EC2 answered. */
export interface VpcFacts {
  vpc: Vpc;
  subnets: Subnet[];
  gateways: InternetGateway[];
  routeTables: RouteTable[];
  groups: SecurityGroup[];
  acls: NetworkAcl[];
  interfaces: NetworkInterface[];
  /** Available or pending (AWS lists deleted ones for an hour). */
  natGateways: NatGateway[];
  /** Not terminated or shutting down. */
  instances: Instance[];
  /** The key pairs the instances were launched with, and those tagged with the VPC's stack. */
  keyPairs: KeyPairInfo[];
  /** The Elastic IPs of the NAT gateways. */
  natAddresses: Address[];
  /** The Elastic IPs on the VPC's interfaces (a NAT gateway's own interface aside). */
  interfaceAddresses: Address[];
  /** The Elastic IPs tagged with the VPC's stack (when it has one). */
  stackAddresses: Address[];
  /** The instances' root volumes. */
  volumes: Volume[];
  /** Image id → name, for the login user; a deregistered image is left out. */
  imageNames: Map<string, string>;
}

/** The key pair names the instances were launched with. */
export function keyNamesOf(instances: readonly Instance[]): string[] {
  return [...new Set(instances.map((i) => i.KeyName).filter((k): k is string => !!k))];
}

/** Reads the VPC `vpcId` and what is in it; undefined when there is no such VPC. */
export async function fetchVpc(ec2: EC2Client, vpcId: string): Promise<VpcFacts | undefined> {
  const byVpc: Filter[] = [{ Name: 'vpc-id', Values: [vpcId] }];
  let vpcs: Vpc[];
  try {
    vpcs = (await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs ?? [];
  } catch (error) {
    if (isNotFound(error) || errorCode(error) === 'InvalidVpcID.Malformed') return undefined;
    throw error;
  }
  const vpc = vpcs[0];
  if (!vpc) return undefined;

  const [subnets, gateways, routeTables, groups, acls, interfaces, reservations, allNatGateways] = await Promise.all([
    all((token) => ec2.send(new DescribeSubnetsCommand({ Filters: byVpc, NextToken: token })), (r) => r.Subnets),
    all((token) => ec2.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: 'attachment.vpc-id', Values: [vpcId] }], NextToken: token })), (r) => r.InternetGateways),
    all((token) => ec2.send(new DescribeRouteTablesCommand({ Filters: byVpc, NextToken: token })), (r) => r.RouteTables),
    all((token) => ec2.send(new DescribeSecurityGroupsCommand({ Filters: byVpc, NextToken: token })), (r) => r.SecurityGroups),
    all((token) => ec2.send(new DescribeNetworkAclsCommand({ Filters: byVpc, NextToken: token })), (r) => r.NetworkAcls),
    all((token) => ec2.send(new DescribeNetworkInterfacesCommand({ Filters: byVpc, NextToken: token })), (r) => r.NetworkInterfaces),
    all((token) => ec2.send(new DescribeInstancesCommand({ Filters: byVpc, NextToken: token })), (r) => r.Reservations),
    all((token) => ec2.send(new DescribeNatGatewaysCommand({ Filter: byVpc, NextToken: token })), (r) => r.NatGateways),
  ]);
  // AWS lists deleted NAT gateways for an hour; the VPC filter is checked here too.
  const natGateways = allNatGateways.filter((n) => n.VpcId === vpcId && (n.State === 'available' || n.State === 'pending'));
  const instances = reservations.flatMap((r) => r.Instances ?? []).filter((i) => !['terminated', 'shutting-down'].includes(i.State?.Name ?? ''));

  // What those name: the second round of reads, all at once.
  const ownStack = fromAwsTags(vpc.Tags)[stackTag] || undefined;
  const keyNames = keyNamesOf(instances);
  const natAddressesOf = natGateways.flatMap((n) => n.NatGatewayAddresses ?? []);
  const natInterfaceIds = new Set(natAddressesOf.map((a) => a.NetworkInterfaceId).filter((id): id is string => !!id));
  const natAllocationIds = natAddressesOf.map((a) => a.AllocationId).filter((id): id is string => !!id);
  const interfaceIds = interfaces.map((i) => i.NetworkInterfaceId!).filter((id) => id && !natInterfaceIds.has(id));
  const volumeIds = instances.flatMap((i) => (i.BlockDeviceMappings ?? []).filter((b) => b.DeviceName === i.RootDeviceName).map((b) => b.Ebs?.VolumeId)).filter((v): v is string => !!v);
  const imageIds = [...new Set(instances.map((i) => i.ImageId).filter((id): id is string => !!id))];
  const addressesWhere = async (input: { AllocationIds?: string[]; Filters?: Filter[] }) => (await ec2.send(new DescribeAddressesCommand(input))).Addresses ?? [];
  const [usedKeys, stackKeys, natAddresses, interfaceAddresses, stackAddresses, volumes, imageNames] = await Promise.all([
    keyNames.length ? describeKeyPairs(ec2, keyNames) : [],
    ownStack ? ec2.send(new DescribeKeyPairsCommand({ Filters: [{ Name: `tag:${stackTag}`, Values: [ownStack] }] })).then((r) => r.KeyPairs ?? []) : [],
    natAllocationIds.length ? addressesWhere({ AllocationIds: natAllocationIds }) : [],
    interfaceIds.length ? addressesWhere({ Filters: [{ Name: 'network-interface-id', Values: interfaceIds }] }) : [],
    ownStack ? addressesWhere({ Filters: [{ Name: `tag:${stackTag}`, Values: [ownStack] }] }) : [],
    volumeIds.length ? ec2.send(new DescribeVolumesCommand({ VolumeIds: volumeIds })).then((r) => r.Volumes ?? []) : [],
    describeImageNames(ec2, imageIds),
  ]);
  const keyPairs = [...usedKeys, ...stackKeys.filter((key) => !usedKeys.some((k) => k.KeyName === key.KeyName))];
  return { vpc, subnets, gateways, routeTables, groups, acls, interfaces, natGateways, instances, keyPairs, natAddresses, interfaceAddresses, stackAddresses, volumes, imageNames };
}

async function describeImageNames(ec2: EC2Client, imageIds: string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  if (!imageIds.length) return names;
  try {
    for (const image of (await ec2.send(new DescribeImagesCommand({ ImageIds: imageIds }))).Images ?? []) if (image.ImageId && image.Name) names.set(image.ImageId, image.Name);
  } catch {
    // A deregistered image: the instance still runs; its user stays the default.
  }
  return names;
}

/** Follows NextToken until the last page. */
export async function all<R extends { NextToken?: string }, T>(page: (token: string | undefined) => Promise<R>, items: (r: R) => T[] | undefined): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const response = await page(token);
    out.push(...(items(response) ?? []));
    token = response.NextToken;
  } while (token);
  return out;
}

async function describeKeyPairs(ec2: EC2Client, keyNames: string[]) {
  try {
    return (await ec2.send(new DescribeKeyPairsCommand({ KeyNames: keyNames }))).KeyPairs ?? [];
  } catch {
    // One missing name fails the whole call: ask one by one.
    const found = [];
    for (const k of keyNames) {
      try {
        found.push(...((await ec2.send(new DescribeKeyPairsCommand({ KeyNames: [k] }))).KeyPairs ?? []));
      } catch {
        // gone; reported by the caller
      }
    }
    return found;
  }
}


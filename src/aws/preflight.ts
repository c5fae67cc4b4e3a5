// The preflight: before the first change, ask AWS whether every change would be allowed and would
// succeed, without changing anything, in ONE round of parallel calls:
//   - a DryRun of each EC2 action the changes use (an UnauthorizedOperation names the permission);
//   - the Elastic IP quota against the addresses already allocated;
//   - the instance type offered in the subnet's zone (src/aws/offerings.ts);
//   - the image (alias resolved as apply resolves it) of the type's architecture;
//   - the root volume not smaller than the image's snapshot.
// Resources that do not exist yet are named by placeholder ids: AWS checks the permission before
// it looks for them, so a "not found" answer to a DryRun means the permission is there.
import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateInternetGatewayCommand,
  CreateKeyPairCommand,
  CreateNetworkAclCommand,
  CreateNetworkAclEntryCommand,
  CreateNetworkInterfaceCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteInternetGatewayCommand,
  CreateNatGatewayCommand,
  DeleteNatGatewayCommand,
  DeleteKeyPairCommand,
  DeleteNetworkAclCommand,
  DeleteNetworkAclEntryCommand,
  DeleteNetworkInterfaceCommand,
  DeleteRouteCommand,
  DeleteRouteTableCommand,
  DeleteSecurityGroupCommand,
  DeleteSubnetCommand,
  DeleteTagsCommand,
  DeleteVpcCommand,
  DescribeAccountAttributesCommand,
  DescribeAddressesCommand,
  DescribeInstanceTypesCommand,
  DetachInternetGatewayCommand,
  DisassociateAddressCommand,
  DisassociateRouteTableCommand,
  ImportKeyPairCommand,
  ModifyInstanceAttributeCommand,
  ModifyInstanceMetadataOptionsCommand,
  ModifyNetworkInterfaceAttributeCommand,
  ModifyVolumeCommand,
  ReleaseAddressCommand,
  ReplaceNetworkAclAssociationCommand,
  ReplaceNetworkAclEntryCommand,
  ReplaceRouteCommand,
  ReplaceRouteTableAssociationCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
  type AccountAttributeName,
  type EC2Client,
  type _InstanceType,
} from '@aws-sdk/client-ec2';
import { t } from '@vscode/l10n';
import type { Kind } from '../core/model';
import type { Plan } from '../core/plan';
import type { PreflightCheck } from '../core/preflight';
import type { Blueprint } from '../core/schema';
import { errorCode, type ProviderContext } from './provider';
import { providerFor } from './providers';
import { resolveImage, type ResolvedImage } from './images';
import { zonesOffering } from './offerings';
import { commonActions } from './permissions';

/** Well-formed ids of nothing: AWS checks the permission first, then answers "not found". */
const placeholder = {
  vpc: 'vpc-0e0c2b1f00000000f',
  subnet: 'subnet-0e0c2b1f00000000f',
  igw: 'igw-0e0c2b1f00000000f',
  rtb: 'rtb-0e0c2b1f00000000f',
  rtbassoc: 'rtbassoc-0e0c2b1f00000000f',
  sg: 'sg-0e0c2b1f00000000f',
  acl: 'acl-0e0c2b1f00000000f',
  aclassoc: 'aclassoc-0e0c2b1f00000000f',
  eni: 'eni-0e0c2b1f00000000f',
  nat: 'nat-0e0c2b1f00000000f',
  eipalloc: 'eipalloc-0e0c2b1f00000000f',
  eipassoc: 'eipassoc-0e0c2b1f00000000f',
  instance: 'i-0e0c2b1f00000000f',
  volume: 'vol-0e0c2b1f00000000f',
  key: 'ec2-blueprint-preflight-probe',
  image: 'ami-0e0c2b1f00000000f',
};
/** A syntactically valid public key for ImportKeyPair's DryRun (it is never imported). */
const probePublicKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHu3T8l2Cq9ZQw0p8cVYQd0c7b7lQ2lqGk3n1T2m9Zp2 preflight';

interface ProbeValues {
  /** The instance type RunInstances is asked about (the image is a placeholder: the image has
   * checks of its own, and the probe must not wait for it). */
  instanceType?: string;
}

/** Sends one DryRun request. */
type Probe = (v: ProbeValues, ec2: EC2Client) => Promise<unknown>;
const tcp22 = [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '198.51.100.0/24' }] }];

/** A DryRun of each mutating action a provider declares (src/aws/provider.ts `permissions`).
 * test/unit/aws/permissions.test.ts checks that every declared action has one. */
export const dryRunProbes: Record<string, Probe> = {
  CreateVpc: (_, ec2) => ec2.send(new CreateVpcCommand({ DryRun: true, CidrBlock: '10.255.0.0/16' })),
  DeleteVpc: (_, ec2) => ec2.send(new DeleteVpcCommand({ DryRun: true, VpcId: placeholder.vpc })),
  CreateSubnet: (_, ec2) => ec2.send(new CreateSubnetCommand({ DryRun: true, VpcId: placeholder.vpc, CidrBlock: '10.255.0.0/24' })),
  DeleteSubnet: (_, ec2) => ec2.send(new DeleteSubnetCommand({ DryRun: true, SubnetId: placeholder.subnet })),
  CreateInternetGateway: (_, ec2) => ec2.send(new CreateInternetGatewayCommand({ DryRun: true })),
  AttachInternetGateway: (_, ec2) => ec2.send(new AttachInternetGatewayCommand({ DryRun: true, InternetGatewayId: placeholder.igw, VpcId: placeholder.vpc })),
  DetachInternetGateway: (_, ec2) => ec2.send(new DetachInternetGatewayCommand({ DryRun: true, InternetGatewayId: placeholder.igw, VpcId: placeholder.vpc })),
  DeleteInternetGateway: (_, ec2) => ec2.send(new DeleteInternetGatewayCommand({ DryRun: true, InternetGatewayId: placeholder.igw })),
  CreateRouteTable: (_, ec2) => ec2.send(new CreateRouteTableCommand({ DryRun: true, VpcId: placeholder.vpc })),
  CreateRoute: (_, ec2) => ec2.send(new CreateRouteCommand({ DryRun: true, RouteTableId: placeholder.rtb, DestinationCidrBlock: '0.0.0.0/0', GatewayId: placeholder.igw })),
  ReplaceRoute: (_, ec2) => ec2.send(new ReplaceRouteCommand({ DryRun: true, RouteTableId: placeholder.rtb, DestinationCidrBlock: '0.0.0.0/0', GatewayId: placeholder.igw })),
  DeleteRoute: (_, ec2) => ec2.send(new DeleteRouteCommand({ DryRun: true, RouteTableId: placeholder.rtb, DestinationCidrBlock: '0.0.0.0/0' })),
  AssociateRouteTable: (_, ec2) => ec2.send(new AssociateRouteTableCommand({ DryRun: true, RouteTableId: placeholder.rtb, SubnetId: placeholder.subnet })),
  DisassociateRouteTable: (_, ec2) => ec2.send(new DisassociateRouteTableCommand({ DryRun: true, AssociationId: placeholder.rtbassoc })),
  ReplaceRouteTableAssociation: (_, ec2) => ec2.send(new ReplaceRouteTableAssociationCommand({ DryRun: true, AssociationId: placeholder.rtbassoc, RouteTableId: placeholder.rtb })),
  DeleteRouteTable: (_, ec2) => ec2.send(new DeleteRouteTableCommand({ DryRun: true, RouteTableId: placeholder.rtb })),
  CreateSecurityGroup: (_, ec2) => ec2.send(new CreateSecurityGroupCommand({ DryRun: true, GroupName: 'ec2-blueprint-preflight-probe', Description: 'preflight', VpcId: placeholder.vpc })),
  AuthorizeSecurityGroupIngress: (_, ec2) => ec2.send(new AuthorizeSecurityGroupIngressCommand({ DryRun: true, GroupId: placeholder.sg, IpPermissions: tcp22 })),
  AuthorizeSecurityGroupEgress: (_, ec2) => ec2.send(new AuthorizeSecurityGroupEgressCommand({ DryRun: true, GroupId: placeholder.sg, IpPermissions: tcp22 })),
  RevokeSecurityGroupIngress: (_, ec2) => ec2.send(new RevokeSecurityGroupIngressCommand({ DryRun: true, GroupId: placeholder.sg, IpPermissions: tcp22 })),
  RevokeSecurityGroupEgress: (_, ec2) => ec2.send(new RevokeSecurityGroupEgressCommand({ DryRun: true, GroupId: placeholder.sg, IpPermissions: tcp22 })),
  DeleteSecurityGroup: (_, ec2) => ec2.send(new DeleteSecurityGroupCommand({ DryRun: true, GroupId: placeholder.sg })),
  CreateNetworkAcl: (_, ec2) => ec2.send(new CreateNetworkAclCommand({ DryRun: true, VpcId: placeholder.vpc })),
  CreateNetworkAclEntry: (_, ec2) => ec2.send(new CreateNetworkAclEntryCommand({ DryRun: true, NetworkAclId: placeholder.acl, RuleNumber: 100, Protocol: '6', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0', PortRange: { From: 22, To: 22 } })),
  ReplaceNetworkAclEntry: (_, ec2) => ec2.send(new ReplaceNetworkAclEntryCommand({ DryRun: true, NetworkAclId: placeholder.acl, RuleNumber: 100, Protocol: '6', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0', PortRange: { From: 22, To: 22 } })),
  DeleteNetworkAclEntry: (_, ec2) => ec2.send(new DeleteNetworkAclEntryCommand({ DryRun: true, NetworkAclId: placeholder.acl, RuleNumber: 100, Egress: false })),
  ReplaceNetworkAclAssociation: (_, ec2) => ec2.send(new ReplaceNetworkAclAssociationCommand({ DryRun: true, AssociationId: placeholder.aclassoc, NetworkAclId: placeholder.acl })),
  DeleteNetworkAcl: (_, ec2) => ec2.send(new DeleteNetworkAclCommand({ DryRun: true, NetworkAclId: placeholder.acl })),
  CreateNetworkInterface: (_, ec2) => ec2.send(new CreateNetworkInterfaceCommand({ DryRun: true, SubnetId: placeholder.subnet })),
  ModifyNetworkInterfaceAttribute: (_, ec2) => ec2.send(new ModifyNetworkInterfaceAttributeCommand({ DryRun: true, NetworkInterfaceId: placeholder.eni, Groups: [placeholder.sg] })),
  DeleteNetworkInterface: (_, ec2) => ec2.send(new DeleteNetworkInterfaceCommand({ DryRun: true, NetworkInterfaceId: placeholder.eni })),
  AllocateAddress: (_, ec2) => ec2.send(new AllocateAddressCommand({ DryRun: true, Domain: 'vpc' })),
  AssociateAddress: (_, ec2) => ec2.send(new AssociateAddressCommand({ DryRun: true, AllocationId: placeholder.eipalloc, NetworkInterfaceId: placeholder.eni })),
  DisassociateAddress: (_, ec2) => ec2.send(new DisassociateAddressCommand({ DryRun: true, AssociationId: placeholder.eipassoc })),
  ReleaseAddress: (_, ec2) => ec2.send(new ReleaseAddressCommand({ DryRun: true, AllocationId: placeholder.eipalloc })),
  CreateNatGateway: (_, ec2) => ec2.send(new CreateNatGatewayCommand({ DryRun: true, SubnetId: placeholder.subnet, AllocationId: placeholder.eipalloc })),
  DeleteNatGateway: (_, ec2) => ec2.send(new DeleteNatGatewayCommand({ DryRun: true, NatGatewayId: placeholder.nat })),
  CreateKeyPair: (_, ec2) => ec2.send(new CreateKeyPairCommand({ DryRun: true, KeyName: placeholder.key })),
  ImportKeyPair: (_, ec2) => ec2.send(new ImportKeyPairCommand({ DryRun: true, KeyName: placeholder.key, PublicKeyMaterial: Buffer.from(probePublicKey) })),
  DeleteKeyPair: (_, ec2) => ec2.send(new DeleteKeyPairCommand({ DryRun: true, KeyName: placeholder.key })),
  RunInstances: (v, ec2) =>
    ec2.send(new RunInstancesCommand({ DryRun: true, ImageId: placeholder.image, InstanceType: (v.instanceType ?? 't3.micro') as _InstanceType, MinCount: 1, MaxCount: 1, NetworkInterfaces: [{ DeviceIndex: 0, NetworkInterfaceId: placeholder.eni }] })),
  ModifyInstanceAttribute: (_, ec2) => ec2.send(new ModifyInstanceAttributeCommand({ DryRun: true, InstanceId: placeholder.instance, DisableApiTermination: { Value: false } })),
  ModifyInstanceMetadataOptions: (_, ec2) => ec2.send(new ModifyInstanceMetadataOptionsCommand({ DryRun: true, InstanceId: placeholder.instance, HttpTokens: 'required' })),
  ModifyVolume: (_, ec2) => ec2.send(new ModifyVolumeCommand({ DryRun: true, VolumeId: placeholder.volume, Size: 30 })),
  StopInstances: (_, ec2) => ec2.send(new StopInstancesCommand({ DryRun: true, InstanceIds: [placeholder.instance] })),
  StartInstances: (_, ec2) => ec2.send(new StartInstancesCommand({ DryRun: true, InstanceIds: [placeholder.instance] })),
  TerminateInstances: (_, ec2) => ec2.send(new TerminateInstancesCommand({ DryRun: true, InstanceIds: [placeholder.instance] })),
  CreateTags: (_, ec2) => ec2.send(new CreateTagsCommand({ DryRun: true, Resources: [placeholder.vpc], Tags: [{ Key: 'blueprint:preflight', Value: 'probe' }] })),
  DeleteTags: (_, ec2) => ec2.send(new DeleteTagsCommand({ DryRun: true, Resources: [placeholder.vpc], Tags: [{ Key: 'blueprint:preflight' }] })),
};

const deniedCodes = /^(UnauthorizedOperation|AccessDenied|AccessDeniedException|Client\.UnauthorizedOperation)$/;

/** The mutating actions a set of changes uses: `lifecycle` takes every action of every kind in the
 * blueprint (what `preflight` checks, as `policy` grants); otherwise those of the plan's actions. */
export function actionsToProbe(bp: Blueprint, plan: Plan, lifecycle: boolean): string[] {
  const out = new Set<string>();
  const importsKey = (name: string) => !!bp.keyPairs?.find((k) => k.name === name)?.publicKeyFile;
  const add = (kind: Kind, phases: ('create' | 'update' | 'delete')[], name?: string) => {
    for (const phase of phases)
      for (const action of providerFor(kind).permissions[phase]) {
        // A key pair is either created or imported: probe the one this key pair uses.
        if (kind === 'keyPair' && name !== undefined && action === (importsKey(name) ? 'CreateKeyPair' : 'ImportKeyPair')) continue;
        out.add(action);
      }
  };
  if (lifecycle) {
    for (const a of plan.actions) add(a.kind, ['create', 'update', 'delete'], a.name);
    for (const action of commonActions.mutating) out.add(action);
  } else {
    for (const a of plan.actions) {
      if (a.action === 'create') add(a.kind, ['create'], a.name);
      else if (a.action === 'update') add(a.kind, ['update'], a.name);
      else if (a.action === 'delete') add(a.kind, ['delete'], a.name);
      else if (a.action === 'replace') add(a.kind, ['delete', 'create'], a.name);
    }
    if (plan.actions.some((a) => a.action === 'create' || a.action === 'replace')) out.add('CreateTags');
  }
  return [...out];
}

function explainDryRun(action: string, error: unknown): PreflightCheck {
  const code = errorCode(error) ?? '';
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'DryRunOperation' || /NotFound|Malformed/.test(code)) return { check: 'permission', ok: true, message: t('{0}: allowed', `ec2:${action}`), permission: `ec2:${action}` };
  if (deniedCodes.test(code)) {
    const permission = /perform: ([\w-]+:[A-Za-z0-9]+)/.exec(message)?.[1] ?? `ec2:${action}`;
    return { check: 'permission', ok: false, permission, message: t('{0} is not allowed for these credentials (AWS answered {1}). Ask your administrator for {0}; `ec2-blueprint policy FILE` prints every permission this blueprint needs.', permission, code) };
  }
  return { check: 'dry-run', ok: false, permission: `ec2:${action}`, message: t('A DryRun of {0} failed: {1} ({2})', action, message, code || 'error') };
}

interface InstancePlan {
  name: string;
  image: string;
  instanceType: string;
  zone?: string;
  subnet?: string;
  rootVolumeSizeGiB?: number;
}

function instancesToCreate(bp: Blueprint, plan: Plan): InstancePlan[] {
  const creating = new Set(plan.actions.filter((a) => a.kind === 'instance' && (a.action === 'create' || a.action === 'replace')).map((a) => a.name));
  return (bp.instances ?? [])
    .filter((i) => creating.has(i.name))
    .map((i) => {
      const subnetName = i.subnet ?? bp.networkInterfaces?.find((n) => n.name === i.networkInterface)?.subnet;
      const subnet = bp.subnets?.find((s) => s.name === subnetName);
      return {
        name: i.name,
        image: i.image,
        instanceType: i.instanceType,
        ...(subnet?.availabilityZone ? { zone: subnet.availabilityZone } : {}),
        ...(subnetName ? { subnet: subnetName } : {}),
        ...(i.rootVolume?.sizeGiB ? { rootVolumeSizeGiB: i.rootVolume.sizeGiB } : {}),
      };
    });
}

async function architecturesOf(ctx: ProviderContext, types: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (!types.length) return out;
  const answer = await ctx.ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: types as _InstanceType[] }));
  for (const it of answer.InstanceTypes ?? []) if (it.InstanceType) out.set(it.InstanceType, it.ProcessorInfo?.SupportedArchitectures ?? []);
  return out;
}

async function elasticIpQuota(ctx: ProviderContext, wanted: number): Promise<PreflightCheck> {
  const [attributes, addresses] = await Promise.all([
    // AWS answers this attribute, though the SDK's AccountAttributeName lists only two others.
    ctx.ec2.send(new DescribeAccountAttributesCommand({ AttributeNames: ['vpc-max-elastic-ips' as AccountAttributeName] })),
    ctx.ec2.send(new DescribeAddressesCommand({})),
  ]);
  const quota = Number(attributes.AccountAttributes?.find((a) => a.AttributeName === 'vpc-max-elastic-ips')?.AttributeValues?.[0]?.AttributeValue ?? NaN);
  const allocated = (addresses.Addresses ?? []).filter((a) => a.Domain !== 'standard').length;
  if (!Number.isFinite(quota)) return { check: 'elastic-ip-quota', ok: true, message: t('Elastic IPs: {0} allocated in {1}; AWS did not tell the quota.', allocated, ctx.region) };
  if (allocated + wanted > quota)
    return {
      check: 'elastic-ip-quota',
      ok: false,
      message: t('Elastic IPs: {0} of {1} allowed are already allocated in {2}, so {3} more will not fit. Release an Elastic IP you no longer use, or ask for a higher quota (Service Quotas, "EC2-VPC Elastic IPs").', allocated, quota, ctx.region, wanted),
      kind: 'elasticIp',
    };
  return { check: 'elastic-ip-quota', ok: true, message: t('Elastic IPs: {0} allocated + {1} new, of {2} allowed in {3}', allocated, wanted, quota, ctx.region) };
}

/** Every check, as one round of parallel calls. `lifecycle`: see actionsToProbe. */
export async function preflightChecks(ctx: ProviderContext, bp: Blueprint, plan: Plan, lifecycle: boolean): Promise<PreflightCheck[]> {
  const instances = instancesToCreate(bp, plan);
  const types = [...new Set(instances.map((i) => i.instanceType))];
  const images = new Map<string, Promise<ResolvedImage>>(instances.map((i) => [i.name, resolveImage(ctx, i.image, i.instanceType)]));
  const archs = architecturesOf(ctx, types);
  archs.catch(() => undefined);
  const imageFailed = (name: string, error: unknown): PreflightCheck => ({ check: 'image', ok: false, message: `${name}: ${error instanceof Error ? error.message : String(error)}`, name, kind: 'instance', field: 'image' });

  const probes = actionsToProbe(bp, plan, lifecycle).map(async (action): Promise<PreflightCheck | undefined> => {
    const instanceType = instances[0]?.instanceType ?? bp.instances?.[0]?.instanceType;
    const values: ProbeValues = instanceType ? { instanceType } : {};
    const probe = dryRunProbes[action];
    if (!probe) return undefined;
    try {
      await probe(values, ctx.ec2);
      // AWS never carries out a DryRun; an endpoint that did answers like a success.
      return { check: 'permission', ok: true, message: t('{0}: allowed', `ec2:${action}`), permission: `ec2:${action}` };
    } catch (error) {
      const check = explainDryRun(action, error);
      const about = plan.actions.find((a) => providerFor(a.kind).permissions.create.includes(action) || providerFor(a.kind).permissions.delete.includes(action) || providerFor(a.kind).permissions.update.includes(action));
      return about ? { ...check, name: about.name, kind: about.kind } : check;
    }
  });

  const perInstance = instances.map(async (i): Promise<PreflightCheck[]> => {
    const out: PreflightCheck[] = [];
    const [image, architectures, zones] = await Promise.all([
      images.get(i.name)!.then((v) => ({ v }), (e: unknown) => ({ e })),
      archs.then((m) => m.get(i.instanceType), () => undefined),
      i.zone ? zonesOffering(ctx, i.instanceType).catch(() => undefined) : Promise.resolve(undefined),
    ]);
    if (i.zone && zones) {
      out.push(
        zones.includes(i.zone)
          ? { check: 'instance-type-offering', ok: true, message: t('{0} is offered in {1}', i.instanceType, i.zone) }
          : {
              check: 'instance-type-offering',
              ok: false,
              message: zones.length
                ? t('{0} is not offered in {1}. Pick {2}, which offer {0}, as the availabilityZone of subnet "{3}", or another instance type.', i.instanceType, i.zone, zones.join(', '), i.subnet ?? '')
                : t('{0} is not offered in any zone of {1}. Pick another instance type.', i.instanceType, ctx.region),
              name: i.name,
              kind: 'instance',
              field: 'instanceType',
            },
      );
    }
    if ('e' in image) {
      out.push(imageFailed(i.name, image.e));
      return out;
    }
    const resolved = image.v;
    out.push({ check: 'image', ok: true, message: `${i.name}: ${resolved.why ?? t('image {0} ({1})', resolved.imageId, resolved.imageName ?? i.image)}` });
    if (architectures?.length && resolved.architecture) {
      out.push(
        architectures.includes(resolved.architecture)
          ? { check: 'image-architecture', ok: true, message: t('{0}: the image {1} is {2}, which {3} runs', i.name, resolved.imageId, resolved.architecture, i.instanceType) }
          : {
              check: 'image-architecture',
              ok: false,
              message: t('{0}: the image {1} ({2}) is {3}, but {4} runs {5}. Pick an image for {5}, or an instance type for {3}.', i.name, resolved.imageId, resolved.imageName ?? i.image, resolved.architecture, i.instanceType, architectures.join('/')),
              name: i.name,
              kind: 'instance',
              field: 'image',
            },
      );
    }
    if (resolved.rootVolumeSizeGiB !== undefined) {
      const size = i.rootVolumeSizeGiB ?? resolved.rootVolumeSizeGiB;
      out.push(
        size >= resolved.rootVolumeSizeGiB
          ? { check: 'root-volume-size', ok: true, message: t('{0}: root volume {1} GiB ≥ the image\'s snapshot ({2} GiB)', i.name, size, resolved.rootVolumeSizeGiB) }
          : {
              check: 'root-volume-size',
              ok: false,
              message: t('{0}: the root volume is {1} GiB, smaller than the {2} GiB snapshot of the image {3}. Make rootVolume.sizeGiB at least {2}.', i.name, size, resolved.rootVolumeSizeGiB, resolved.imageId),
              name: i.name,
              kind: 'instance',
              field: 'rootVolume',
            },
      );
    }
    return out;
  });

  const newAddresses = plan.actions.filter((a) => a.kind === 'elasticIp' && (a.action === 'create' || a.action === 'replace')).length;
  const quota = newAddresses
    ? elasticIpQuota(ctx, newAddresses).then((c) => ({ ...c, name: plan.actions.find((a) => a.kind === 'elasticIp' && a.action !== 'keep')!.name }))
    : Promise.resolve(undefined);
  const [probed, instanceChecks, quotaCheck] = await Promise.all([Promise.all(probes), Promise.all(perInstance), quota.catch((e: unknown) => explainDryRun('DescribeAddresses', e))]);
  return [...probed.filter((c): c is PreflightCheck => !!c), ...(quotaCheck ? [quotaCheck] : []), ...instanceChecks.flat()];
}

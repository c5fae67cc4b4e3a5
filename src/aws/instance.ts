// Instance: launched with the network interface as device 0 (or into a subnet with groups), a gp3
// encrypted root volume of the blueprint's size on the image's root device, IMDSv2 required, and
// user data moving sshd when sshPort is not 22. Apply waits for running and for the 2/2 status
// checks with the SDK's waiters.
import {
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  DescribeVolumesCommand,
  ModifyInstanceAttributeCommand,
  ModifyInstanceMetadataOptionsCommand,
  ModifyVolumeCommand,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
  waitUntilInstanceRunning,
  waitUntilInstanceStatusOk,
  waitUntilInstanceStopped,
  waitUntilInstanceTerminated,
  type DescribeInstancesCommandOutput,
  type Instance,
  type Volume,
  type VolumeType,
  type _InstanceType,
} from '@aws-sdk/client-ec2';
import { t } from '@vscode/l10n';
import { sshPortUserData, userDataHash } from '../core/user-data';
import { stackTag, type Attributes, type Tags } from '../core/resource-model';
import type { ObservedResource } from '../core/provider-contract';
import { diffWith, errorCode, fromAwsTags, need, observed, reconcileTags, stackFilters, tagSpecifications, unlessNotFound, type Provider, type ProviderContext } from './provider';
import { resolveImage } from './images';
import { AwsLayerError } from './aws-error';

type InstanceAttributes = Attributes<'instance'>;

const liveStates = ['pending', 'running', 'stopping', 'stopped'];

function toAttributes(i: Instance, volume: Volume | undefined): Omit<InstanceAttributes, 'image' | 'sshUser' | 'sshPort'> & Partial<InstanceAttributes> {
  const primary = (i.NetworkInterfaces ?? []).find((n) => n.Attachment?.DeviceIndex === 0);
  const rootMapping = (i.BlockDeviceMappings ?? []).find((b) => b.DeviceName === i.RootDeviceName);
  return {
    imageId: i.ImageId,
    instanceType: i.InstanceType ?? '',
    state: i.State?.Name,
    networkInterfaceId: primary?.NetworkInterfaceId,
    subnetId: i.SubnetId,
    groupIds: (primary?.Groups ?? i.SecurityGroups ?? []).map((g) => g.GroupId!),
    privateIp: i.PrivateIpAddress,
    publicIp: i.PublicIpAddress,
    keyName: i.KeyName,
    rootDeviceName: i.RootDeviceName,
    rootVolumeId: rootMapping?.Ebs?.VolumeId,
    rootVolumeSizeGiB: volume?.Size,
    rootVolumeType: volume?.VolumeType ?? '',
    rootVolumeEncrypted: volume?.Encrypted ?? false,
    metadataTokens: i.MetadataOptions?.HttpTokens === 'optional' ? 'optional' : 'required',
    tags: fromAwsTags(i.Tags),
  };
}

/** The hash of the user data AWS holds for the instance (undefined: none), or no key at all when
 * AWS would not say. The text itself goes no further than this function. */
async function userDataOf(ctx: ProviderContext, id: string): Promise<{ userDataHash?: string }> {
  try {
    const out = await ctx.ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: 'userData' }));
    const encoded = out.UserData?.Value;
    return { userDataHash: encoded ? userDataHash(Buffer.from(encoded, 'base64').toString('utf8')) : undefined };
  } catch (error) {
    // Not allowed to ask, or not visible yet (a fresh instance, AWS's eventual consistency):
    // unknown, so it is not compared, rather than "no user data", which would plan a replace.
    if (/NotFound|UnauthorizedOperation|AccessDenied/.test(errorCode(error) ?? '')) return {};
    throw error;
  }
}

async function describe(ctx: ProviderContext, instances: Instance[]): Promise<ObservedResource[]> {
  const volumeIds = instances
    .map((i) => (i.BlockDeviceMappings ?? []).find((b) => b.DeviceName === i.RootDeviceName)?.Ebs?.VolumeId)
    .filter((v): v is string => !!v);
  const volumes = new Map<string, Volume>();
  if (volumeIds.length) {
    const out = await unlessNotFound(() => ctx.ec2.send(new DescribeVolumesCommand({ VolumeIds: volumeIds })));
    for (const v of out?.Volumes ?? []) volumes.set(v.VolumeId!, v);
  }
  const userData = await Promise.all(instances.map((i) => userDataOf(ctx, i.InstanceId!)));
  return instances.map((i, n) => {
    const rootId = (i.BlockDeviceMappings ?? []).find((b) => b.DeviceName === i.RootDeviceName)?.Ebs?.VolumeId;
    return observed('instance', i.InstanceId!, { ...toAttributes(i, rootId ? volumes.get(rootId) : undefined), ...userData[n] } as InstanceAttributes);
  });
}

async function readInstance(ctx: ProviderContext, id: string): Promise<Instance | undefined> {
  const out = await unlessNotFound(() => ctx.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] })));
  const instance = out?.Reservations?.flatMap((r) => r.Instances ?? [])[0];
  return instance && instance.State?.Name !== 'terminated' ? instance : undefined;
}

/** Runs `wait`, saying every 30 s that it is still waiting (status checks take minutes on AWS). */
async function heartbeat<T>(ctx: ProviderContext, what: string, wait: Promise<T>): Promise<T> {
  const started = Date.now();
  const timer = setInterval(() => ctx.progress(t('still {0} ({1} s)', what, Math.round((Date.now() - started) / 1000))), 30_000);
  try {
    return await wait;
  } finally {
    clearInterval(timer);
  }
}

function waiterOptions(ctx: ProviderContext, maxWaitTime: number) {
  return { client: ctx.ec2, maxWaitTime, minDelay: 5, maxDelay: 15, ...(ctx.signal ? { abortSignal: ctx.signal } : {}) };
}

async function waitRunning(ctx: ProviderContext, id: string, statusChecks: boolean) {
  ctx.progress(t('waiting for {0} to be running', id));
  await waitUntilInstanceRunning(waiterOptions(ctx, 900), { InstanceIds: [id] });
  if (statusChecks) {
    ctx.progress(t('waiting for the status checks of {0} (2/2)', id));
    await waitUntilInstanceStatusOk(waiterOptions(ctx, 1200), { InstanceIds: [id] });
  }
}

function withLocal(resource: ObservedResource, desired: InstanceAttributes, imageName?: string): ObservedResource {
  resource.attributes = { ...resource.attributes, image: desired.image, imageName, sshUser: desired.sshUser, sshPort: desired.sshPort };
  return resource;
}

export const instanceProvider: Provider<'instance'> = {
  kind: 'instance',
  calls: { apply: 6, delete: 2 },
  permissions: { read: ['DescribeInstances', 'DescribeVolumes', 'DescribeInstanceAttribute', 'DescribeInstanceStatus', 'DescribeImages'], create: ['RunInstances'], update: ['ModifyInstanceAttribute', 'ModifyInstanceMetadataOptions', 'ModifyVolume', 'StopInstances', 'StartInstances'], delete: ['TerminateInstances'] },
  async list(ctx) {
    const out = await ctx.ec2.send(
      new DescribeInstancesCommand({ Filters: [...stackFilters(ctx.stack), { Name: 'instance-state-name', Values: liveStates }] }),
    );
    return describe(ctx, (out.Reservations ?? []).flatMap((r) => r.Instances ?? []).filter((i) => liveStates.includes(i.State?.Name ?? '')));
  },
  async read(ctx, id) {
    const instance = await readInstance(ctx, id);
    return instance ? (await describe(ctx, [instance]))[0] : undefined;
  },
  diff: diffWith('instance'),
  async create(ctx, name, desired: InstanceAttributes) {
    const image = await resolveImage(ctx, desired.image, desired.instanceType);
    ctx.progress(image.why ?? t('image {0} ({1})', image.imageId, image.imageName ?? desired.image));
    const userData = ctx.userData ? ctx.userData(name) : sshPortUserData(desired.sshPort, desired.image);
    const networkInterfaces = desired.networkInterfaceId !== undefined || !desired.subnetId
      ? [{ DeviceIndex: 0, NetworkInterfaceId: need(desired.networkInterfaceId, t('the network interface of {0}', name)) }]
      : [
          {
            DeviceIndex: 0,
            SubnetId: desired.subnetId,
            Groups: (desired.groupIds ?? []).map((g) => need(g, t('a security group of {0}', name))),
            ...(desired.privateIp ? { PrivateIpAddress: desired.privateIp } : {}),
            ...(desired.associatePublicIp !== undefined ? { AssociatePublicIpAddress: desired.associatePublicIp } : {}),
          },
        ];
    const out = await ctx.ec2.send(
      new RunInstancesCommand({
        ImageId: image.imageId,
        InstanceType: desired.instanceType as _InstanceType,
        MinCount: 1,
        MaxCount: 1,
        ...(desired.keyName ? { KeyName: desired.keyName } : {}),
        NetworkInterfaces: networkInterfaces,
        BlockDeviceMappings: [
          {
            DeviceName: image.rootDeviceName,
            Ebs: {
              // Without a size of its own the root volume is as big as the image's snapshot.
              ...((desired.rootVolumeSizeGiB ?? image.rootVolumeSizeGiB) ? { VolumeSize: desired.rootVolumeSizeGiB ?? image.rootVolumeSizeGiB } : {}),
              VolumeType: desired.rootVolumeType as VolumeType,
              Encrypted: desired.rootVolumeEncrypted,
              DeleteOnTermination: true,
            },
          },
        ],
        MetadataOptions: { HttpTokens: desired.metadataTokens, HttpEndpoint: 'enabled' },
        ...(userData ? { UserData: Buffer.from(userData, 'utf8').toString('base64') } : {}),
        TagSpecifications: tagSpecifications(desired.networkInterfaceId ? ['instance', 'volume'] : ['instance', 'volume', 'network-interface'], desired.tags),
        // The same token on the SDK's own retries makes AWS launch one instance, not two.
        ClientToken: `${desired.tags[stackTag]}-${name}-${Date.now()}`.slice(0, 64),
      }),
    );
    const id = out.Instances![0]!.InstanceId!;
    ctx.progress(t('launched {0}', id));
    // The running waiter's last answer already describes the instance: read its volume while the
    // status checks are awaited, instead of one more round trip after them.
    ctx.progress(t('waiting for {0} to be running', id));
    const running = await heartbeat(ctx, t('waiting for {0} to be running', id), waitUntilInstanceRunning(waiterOptions(ctx, 900), { InstanceIds: [id] }));
    const seen = (running.reason as DescribeInstancesCommandOutput | undefined)?.Reservations?.flatMap((r) => r.Instances ?? []).find((i) => i.InstanceId === id);
    ctx.progress(t('waiting for the status checks of {0} (2/2)', id));
    const [, now] = await Promise.all([
      heartbeat(ctx, t('waiting for the status checks of {0} (2/2)', id), waitUntilInstanceStatusOk(waiterOptions(ctx, 1200), { InstanceIds: [id] })),
      seen ? describe(ctx, [seen]).then((list) => list[0]) : instanceProvider.read(ctx, id),
    ]);
    if (!now) throw new AwsLayerError('InstanceVanished', t('{0} stopped existing right after its launch.', id));
    return withLocal(now, desired, image.imageName);
  },
  async update(ctx, current, desired, previousTags) {
    const attrs = current.attributes as InstanceAttributes;
    const id = current.id;
    if (desired.instanceType !== attrs.instanceType) {
      ctx.progress(t('stopping {0} to change its type to {1}', id, desired.instanceType));
      if (attrs.state !== 'stopped') {
        await ctx.ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
        await waitUntilInstanceStopped(waiterOptions(ctx, 900), { InstanceIds: [id] });
      }
      await ctx.ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: id, InstanceType: { Value: desired.instanceType } }));
      ctx.progress(t('starting {0} again', id));
      await ctx.ec2.send(new StartInstancesCommand({ InstanceIds: [id] }));
      await waitRunning(ctx, id, true);
    } else if (attrs.state === 'stopped' || attrs.state === 'stopping') {
      if (attrs.state === 'stopping') await waitUntilInstanceStopped(waiterOptions(ctx, 900), { InstanceIds: [id] });
      await ctx.ec2.send(new StartInstancesCommand({ InstanceIds: [id] }));
      await waitRunning(ctx, id, true);
    }
    if (attrs.rootVolumeId && ((desired.rootVolumeSizeGiB && desired.rootVolumeSizeGiB !== attrs.rootVolumeSizeGiB) || desired.rootVolumeType !== attrs.rootVolumeType)) {
      ctx.progress(t('modifying the root volume {0}', attrs.rootVolumeId));
      await ctx.ec2.send(
        new ModifyVolumeCommand({
          VolumeId: attrs.rootVolumeId,
          ...(desired.rootVolumeSizeGiB && desired.rootVolumeSizeGiB !== attrs.rootVolumeSizeGiB ? { Size: desired.rootVolumeSizeGiB } : {}),
          ...(desired.rootVolumeType !== attrs.rootVolumeType ? { VolumeType: desired.rootVolumeType as VolumeType } : {}),
        }),
      );
    }
    if (desired.metadataTokens !== attrs.metadataTokens)
      await ctx.ec2.send(new ModifyInstanceMetadataOptionsCommand({ InstanceId: id, HttpTokens: desired.metadataTokens, HttpEndpoint: 'enabled' }));
    await reconcileTags(ctx, [id], desired.tags, attrs.tags as Tags, previousTags);
    if (attrs.rootVolumeId) {
      const volume = await unlessNotFound(() => ctx.ec2.send(new DescribeVolumesCommand({ VolumeIds: [attrs.rootVolumeId!] })));
      await reconcileTags(ctx, [attrs.rootVolumeId], desired.tags, fromAwsTags(volume?.Volumes?.[0]?.Tags), previousTags);
    }
    const now = await instanceProvider.read(ctx, id);
    if (!now) throw new AwsLayerError('InstanceVanished', t('{0} disappeared while it was being changed.', id));
    return withLocal(now, desired, attrs.imageName);
  },
  async delete(ctx, current) {
    const out = await unlessNotFound(() => ctx.ec2.send(new TerminateInstancesCommand({ InstanceIds: [current.id] })));
    if (!out) return;
    ctx.progress(t('waiting for {0} to be terminated', current.id));
    await waitUntilInstanceTerminated(waiterOptions(ctx, 900), { InstanceIds: [current.id] });
  },
};

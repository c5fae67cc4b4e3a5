// Network interface (ENI): subnet, fixed private IP, security groups, description. Groups and
// description change in place; a new subnet or address means a new interface.
import {
  CreateNetworkInterfaceCommand,
  DeleteNetworkInterfaceCommand,
  DescribeNetworkInterfacesCommand,
  ModifyNetworkInterfaceAttributeCommand,
  type NetworkInterface,
} from '@aws-sdk/client-ec2';
import type { Attributes, Tags } from '../core/resource-model';
import { diffWith, fromAwsTags, need, observed, reconcileTags, retryWhileSettling, stackFilters, tagSpecifications, unlessNotFound, waitUntilGone, type Provider } from './provider';
import { t } from '@vscode/l10n';

type EniAttributes = Attributes<'networkInterface'>;

const toObserved = (n: NetworkInterface) =>
  observed('networkInterface', n.NetworkInterfaceId!, {
    subnetId: n.SubnetId,
    privateIp: n.PrivateIpAddress,
    groupIds: (n.Groups ?? []).map((g) => g.GroupId!),
    description: n.Description ?? '',
    tags: fromAwsTags(n.TagSet),
  });

export const networkInterfaceProvider: Provider<'networkInterface'> = {
  kind: 'networkInterface',
  calls: { apply: 1, delete: 2 },
  permissions: { read: ['DescribeNetworkInterfaces'], create: ['CreateNetworkInterface'], update: ['ModifyNetworkInterfaceAttribute'], delete: ['DeleteNetworkInterface'] },
  async list(ctx) {
    const out = await ctx.ec2.send(new DescribeNetworkInterfacesCommand({ Filters: stackFilters(ctx.stack) }));
    return (out.NetworkInterfaces ?? []).map(toObserved);
  },
  async read(ctx, id) {
    const out = await unlessNotFound(() => ctx.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [id] })));
    const eni = out?.NetworkInterfaces?.[0];
    return eni ? toObserved(eni) : undefined;
  },
  diff: diffWith('networkInterface'),
  async create(ctx, name, desired: EniAttributes) {
    const groups = desired.groupIds.map((g) => need(g, t('a security group of {0}', name)));
    const out = await ctx.ec2.send(
      new CreateNetworkInterfaceCommand({
        SubnetId: need(desired.subnetId, t('the subnet of {0}', name)),
        ...(desired.privateIp ? { PrivateIpAddress: desired.privateIp } : {}),
        ...(groups.length ? { Groups: groups } : {}),
        ...(desired.description ? { Description: desired.description } : {}),
        TagSpecifications: tagSpecifications(['network-interface'], desired.tags),
      }),
    );
    const eni = out.NetworkInterface!;
    return observed('networkInterface', eni.NetworkInterfaceId!, { ...desired, groupIds: groups, privateIp: eni.PrivateIpAddress ?? desired.privateIp });
  },
  async update(ctx, current, desired, previousTags) {
    const attrs = current.attributes as EniAttributes;
    const groups = desired.groupIds.map((g) => need(g, t('a security group of {0}', current.name)));
    if (groups.length !== attrs.groupIds.length || groups.some((g) => !attrs.groupIds.includes(g)))
      await ctx.ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: current.id, Groups: groups }));
    if ((desired.description ?? '') !== (attrs.description ?? ''))
      await ctx.ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: current.id, Description: { Value: desired.description } }));
    await reconcileTags(ctx, [current.id], desired.tags, attrs.tags as Tags, previousTags);
    return observed('networkInterface', current.id, { ...attrs, groupIds: groups, description: desired.description, tags: desired.tags });
  },
  async delete(ctx, current) {
    // Just after its instance is terminated the interface may still count as attached.
    await retryWhileSettling(ctx, current.name, () => unlessNotFound(() => ctx.ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: current.id }))));
    await waitUntilGone(ctx, current.id, () => networkInterfaceProvider.read(ctx, current.id));
  },
};

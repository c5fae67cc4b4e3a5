// Elastic IP: allocated in the VPC domain (in the blueprint's network border group) and associated
// with the network interface, never taken from another association. A destroy disassociates it,
// then releases it.
import { AllocateAddressCommand, AssociateAddressCommand, DescribeAddressesCommand, DisassociateAddressCommand, ReleaseAddressCommand, type Address } from '@aws-sdk/client-ec2';
import { natAddressTag, type Attributes, type Tags } from '../core/resource-model';
import { diffWith, fromAwsTags, observed, reconcileTags, retryWhileSettling, stackFilters, tagSpecifications, unlessNotFound, waitUntilGone, type Provider, type ProviderContext } from './provider';

type EipAttributes = Attributes<'elasticIp'>;

const toObserved = (a: Address) =>
  observed('elasticIp', a.AllocationId!, {
    publicIp: a.PublicIp,
    networkBorderGroup: a.NetworkBorderGroup || undefined,
    networkInterfaceId: a.NetworkInterfaceId || undefined,
    associationId: a.AssociationId || undefined,
    associate: !!a.NetworkInterfaceId,
    tags: fromAwsTags(a.Tags),
  });

async function associate(ctx: ProviderContext, allocationId: string, eniId: string): Promise<string | undefined> {
  try {
    // A fresh address or interface that AWS does not show yet is waited for by the client (settling.ts).
    const out = await ctx.ec2.send(new AssociateAddressCommand({ AllocationId: allocationId, NetworkInterfaceId: eniId, AllowReassociation: false }));
    return out.AssociationId;
  } catch (error) {
    // A resend after a lost answer meets its own association: that is success.
    const now = await elasticIpProvider.read(ctx, allocationId).catch(() => undefined);
    const attrs = now?.attributes as EipAttributes | undefined;
    if (attrs?.networkInterfaceId === eniId && attrs.associationId) return attrs.associationId;
    throw error;
  }
}

async function disassociate(ctx: ProviderContext, associationId: string) {
  await unlessNotFound(() => ctx.ec2.send(new DisassociateAddressCommand({ AssociationId: associationId })));
}

export const elasticIpProvider: Provider<'elasticIp'> = {
  kind: 'elasticIp',
  calls: { apply: 2, delete: 2 },
  permissions: { read: ['DescribeAddresses'], create: ['AllocateAddress', 'AssociateAddress'], update: ['AssociateAddress', 'DisassociateAddress'], delete: ['DisassociateAddress', 'ReleaseAddress'] },
  async list(ctx) {
    const out = await ctx.ec2.send(new DescribeAddressesCommand({ Filters: stackFilters(ctx.stack) }));
    // A NAT gateway's own address is part of it, not a component of the file.
    return (out.Addresses ?? []).filter((a) => !fromAwsTags(a.Tags)[natAddressTag]).map(toObserved);
  },
  async read(ctx, id) {
    const out = await unlessNotFound(() => ctx.ec2.send(new DescribeAddressesCommand({ AllocationIds: [id] })));
    const address = out?.Addresses?.[0];
    return address ? toObserved(address) : undefined;
  },
  diff: diffWith('elasticIp'),
  async create(ctx, name, desired: EipAttributes) {
    const out = await ctx.ec2.send(
      new AllocateAddressCommand({
        Domain: 'vpc',
        ...(desired.networkBorderGroup ? { NetworkBorderGroup: desired.networkBorderGroup } : {}),
        TagSpecifications: tagSpecifications(['elastic-ip'], desired.tags),
      }),
    );
    const id = out.AllocationId!;
    let associationId: string | undefined;
    if (desired.associate && desired.networkInterfaceId) {
      ctx.progress(`associating ${out.PublicIp} with ${desired.networkInterfaceId}`);
      try {
        associationId = await associate(ctx, id, desired.networkInterfaceId);
      } catch (error) {
        // A create that fails leaves nothing behind.
        await unlessNotFound(() => ctx.ec2.send(new ReleaseAddressCommand({ AllocationId: id }))).catch(() => undefined);
        throw error;
      }
    }
    return observed('elasticIp', id, {
      publicIp: out.PublicIp,
      networkBorderGroup: out.NetworkBorderGroup ?? desired.networkBorderGroup,
      networkInterfaceId: associationId ? desired.networkInterfaceId : undefined,
      associationId,
      associate: desired.associate,
      tags: desired.tags,
    });
  },
  async update(ctx, current, desired, previousTags) {
    const attrs = current.attributes as EipAttributes;
    let { networkInterfaceId, associationId } = attrs;
    const target = desired.associate ? desired.networkInterfaceId : undefined;
    if (!desired.natGateway && target !== networkInterfaceId) {
      if (associationId) await disassociate(ctx, associationId);
      associationId = target ? await associate(ctx, current.id, target) : undefined;
      networkInterfaceId = target;
    }
    await reconcileTags(ctx, [current.id], desired.tags, attrs.tags as Tags, previousTags);
    return observed('elasticIp', current.id, { ...attrs, networkInterfaceId, associationId, associate: desired.associate, tags: desired.tags });
  },
  async delete(ctx, current) {
    // A describe may not know a fresh address yet: fall back on what was observed, never skip.
    const now = (await elasticIpProvider.read(ctx, current.id)) ?? current;
    const attrs = now.attributes as EipAttributes;
    if (attrs.associationId) await disassociate(ctx, attrs.associationId);
    await retryWhileSettling(ctx, current.name, () =>
      unlessNotFound(() =>
        ctx.ec2.send(new ReleaseAddressCommand({ AllocationId: current.id, ...(attrs.networkBorderGroup ? { NetworkBorderGroup: attrs.networkBorderGroup } : {}) })),
      ),
      ['InvalidIPAddress.InUse', 'AuthFailure', 'DependencyViolation'],
    );
    await waitUntilGone(ctx, current.id, () => elasticIpProvider.read(ctx, current.id));
  },
};

// Internet gateway: created, then attached to the VPC; a destroy detaches it first.
import {
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  DeleteInternetGatewayCommand,
  DescribeInternetGatewaysCommand,
  DetachInternetGatewayCommand,
  type InternetGateway,
} from '@aws-sdk/client-ec2';
import type { Attributes, Tags } from '../core/resource-model';
import type { ObservedResource } from '../core/provider-contract';
import { diffWith, errorCode, fromAwsTags, need, observed, reconcileTags, retryWhileSettling, stackFilters, tagSpecifications, unlessNotFound, waitUntilGone, type Provider, type ProviderContext } from './provider';

const toObserved = (g: InternetGateway) =>
  observed('internetGateway', g.InternetGatewayId!, {
    vpcId: (g.Attachments ?? []).find((a) => (a.State as string) === 'available' || a.State === 'attached' || a.State === 'attaching')?.VpcId,
    tags: fromAwsTags(g.Tags),
  });

async function detach(ctx: ProviderContext, gatewayId: string, vpcId: string, name: string) {
  // Detaching fails while instances or Elastic IPs in the VPC still have public addresses mapped.
  await retryWhileSettling(ctx, name, () =>
    unlessNotFound(() => ctx.ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: gatewayId, VpcId: vpcId }))),
    ['DependencyViolation', 'IncorrectState'],
  );
}

async function attach(ctx: ProviderContext, gatewayId: string, vpcId: string) {
  try {
    // A fresh gateway or VPC that AWS does not show yet is waited for by the client (settling.ts).
    await ctx.ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: gatewayId, VpcId: vpcId }));
  } catch (error) {
    // The SDK resent a call whose answer was lost: "already attached" to this VPC is success.
    if (errorCode(error) !== 'Resource.AlreadyAssociated') throw error;
    const now = await internetGatewayProvider.read(ctx, gatewayId);
    if ((now?.attributes as Attributes<'internetGateway'> | undefined)?.vpcId !== vpcId) throw error;
  }
}

export const internetGatewayProvider: Provider<'internetGateway'> = {
  kind: 'internetGateway',
  calls: { apply: 2, delete: 2 },
  permissions: { read: ['DescribeInternetGateways'], create: ['CreateInternetGateway', 'AttachInternetGateway'], update: ['AttachInternetGateway', 'DetachInternetGateway'], delete: ['DetachInternetGateway', 'DeleteInternetGateway'] },
  async list(ctx) {
    const out = await ctx.ec2.send(new DescribeInternetGatewaysCommand({ Filters: stackFilters(ctx.stack) }));
    return (out.InternetGateways ?? []).map(toObserved);
  },
  async read(ctx, id) {
    const out = await unlessNotFound(() => ctx.ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [id] })));
    const gateway = out?.InternetGateways?.[0];
    return gateway ? toObserved(gateway) : undefined;
  },
  diff: diffWith('internetGateway'),
  async create(ctx, name, desired: Attributes<'internetGateway'>) {
    const vpcId = need(desired.vpcId, `the VPC of ${name}`);
    const out = await ctx.ec2.send(new CreateInternetGatewayCommand({ TagSpecifications: tagSpecifications(['internet-gateway'], desired.tags) }));
    const id = out.InternetGateway!.InternetGatewayId!;
    ctx.progress(`attaching ${id} to ${vpcId}`);
    await attach(ctx, id, vpcId);
    return observed('internetGateway', id, { vpcId, tags: desired.tags });
  },
  async update(ctx, current: ObservedResource, desired, previousTags) {
    const attrs = current.attributes as Attributes<'internetGateway'>;
    const vpcId = need(desired.vpcId, `the VPC of ${current.name}`);
    if (attrs.vpcId !== vpcId) {
      if (attrs.vpcId) await detach(ctx, current.id, attrs.vpcId, current.name);
      await attach(ctx, current.id, vpcId);
    }
    await reconcileTags(ctx, [current.id], desired.tags, attrs.tags as Tags, previousTags);
    return observed('internetGateway', current.id, { vpcId, tags: desired.tags });
  },
  async delete(ctx, current) {
    // A describe may not know a fresh gateway yet: fall back on what was observed, never skip.
    const now = (await internetGatewayProvider.read(ctx, current.id)) ?? current;
    const vpcId = (now.attributes as Attributes<'internetGateway'>).vpcId;
    if (vpcId) await detach(ctx, current.id, vpcId, current.name);
    await retryWhileSettling(ctx, current.name, () => unlessNotFound(() => ctx.ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: current.id }))));
    await waitUntilGone(ctx, current.id, () => internetGatewayProvider.read(ctx, current.id));
  },
};

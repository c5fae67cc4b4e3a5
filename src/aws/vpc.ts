// VPC: a CIDR and tags. Replaced when the CIDR changes.
import { CreateVpcCommand, DeleteVpcCommand, DescribeVpcsCommand, type Vpc } from '@aws-sdk/client-ec2';
import type { Attributes } from '../core/resource-model';
import { diffWith, fromAwsTags, observed, reconcileTags, retryWhileSettling, stackFilters, tagSpecifications, unlessNotFound, waitUntilGone, type Provider } from './provider';

const toObserved = (v: Vpc) => observed('vpc', v.VpcId!, { cidr: v.CidrBlock ?? '', tags: fromAwsTags(v.Tags) });

export const vpcProvider: Provider<'vpc'> = {
  kind: 'vpc',
  calls: { apply: 1, delete: 2 },
  permissions: { read: ['DescribeVpcs'], create: ['CreateVpc'], update: [], delete: ['DeleteVpc'] },
  async list(ctx) {
    const out = await ctx.ec2.send(new DescribeVpcsCommand({ Filters: stackFilters(ctx.stack) }));
    return (out.Vpcs ?? []).map(toObserved);
  },
  async read(ctx, id) {
    const out = await unlessNotFound(() => ctx.ec2.send(new DescribeVpcsCommand({ VpcIds: [id] })));
    const vpc = out?.Vpcs?.[0];
    return vpc ? toObserved(vpc) : undefined;
  },
  diff: diffWith('vpc'),
  async create(ctx, _name, desired: Attributes<'vpc'>) {
    const out = await ctx.ec2.send(new CreateVpcCommand({ CidrBlock: desired.cidr, TagSpecifications: tagSpecifications(['vpc'], desired.tags) }));
    return toObserved({ ...out.Vpc!, Tags: out.Vpc?.Tags?.length ? out.Vpc.Tags : tagSpecifications(['vpc'], desired.tags)[0]!.Tags });
  },
  async update(ctx, current, desired, previousTags) {
    await reconcileTags(ctx, [current.id], desired.tags, current.attributes.tags as Attributes<'vpc'>['tags'], previousTags);
    return observed('vpc', current.id, { ...(current.attributes as Attributes<'vpc'>), tags: desired.tags });
  },
  async delete(ctx, current) {
    await retryWhileSettling(ctx, current.name, () => unlessNotFound(() => ctx.ec2.send(new DeleteVpcCommand({ VpcId: current.id }))));
    await waitUntilGone(ctx, current.id, () => vpcProvider.read(ctx, current.id));
  },
};

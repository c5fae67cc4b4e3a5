// Subnet: a CIDR inside the VPC in one availability zone. Replaced when either changes.
import { CreateSubnetCommand, DeleteSubnetCommand, DescribeSubnetsCommand, type Subnet } from '@aws-sdk/client-ec2';
import type { Attributes, Tags } from '../core/resource-model';
import { diffWith, fromAwsTags, need, observed, reconcileTags, retryWhileSettling, stackFilters, tagSpecifications, unlessNotFound, waitUntilGone, type Provider } from './provider';

const toObserved = (s: Subnet, tags?: Tags) =>
  observed('subnet', s.SubnetId!, { vpcId: s.VpcId, cidr: s.CidrBlock ?? '', availabilityZone: s.AvailabilityZone ?? '', tags: tags ?? fromAwsTags(s.Tags) });

export const subnetProvider: Provider<'subnet'> = {
  kind: 'subnet',
  calls: { apply: 1, delete: 2 },
  permissions: { read: ['DescribeSubnets'], create: ['CreateSubnet'], update: [], delete: ['DeleteSubnet'] },
  async list(ctx) {
    const out = await ctx.ec2.send(new DescribeSubnetsCommand({ Filters: stackFilters(ctx.stack) }));
    return (out.Subnets ?? []).map((s) => toObserved(s));
  },
  async read(ctx, id) {
    const out = await unlessNotFound(() => ctx.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [id] })));
    const subnet = out?.Subnets?.[0];
    return subnet ? toObserved(subnet) : undefined;
  },
  diff: diffWith('subnet'),
  async create(ctx, name, desired: Attributes<'subnet'>) {
    const out = await ctx.ec2.send(
      new CreateSubnetCommand({
        VpcId: need(desired.vpcId, `the VPC of ${name}`),
        CidrBlock: desired.cidr,
        AvailabilityZone: desired.availabilityZone,
        TagSpecifications: tagSpecifications(['subnet'], desired.tags),
      }),
    );
    return toObserved(out.Subnet!, desired.tags);
  },
  async update(ctx, current, desired, previousTags) {
    await reconcileTags(ctx, [current.id], desired.tags, current.attributes.tags as Tags, previousTags);
    return observed('subnet', current.id, { ...(current.attributes as Attributes<'subnet'>), tags: desired.tags });
  },
  async delete(ctx, current) {
    await retryWhileSettling(ctx, current.name, () => unlessNotFound(() => ctx.ec2.send(new DeleteSubnetCommand({ SubnetId: current.id }))));
    await waitUntilGone(ctx, current.id, () => subnetProvider.read(ctx, current.id));
  },
};

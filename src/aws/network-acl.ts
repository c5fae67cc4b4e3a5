// Network ACL: numbered entries, and subnets taken from the VPC's default ACL by replacing their
// association. A destroy hands the subnets back to the default ACL before deleting.
import {
  CreateNetworkAclCommand,
  CreateNetworkAclEntryCommand,
  DeleteNetworkAclCommand,
  DeleteNetworkAclEntryCommand,
  DescribeNetworkAclsCommand,
  ReplaceNetworkAclAssociationCommand,
  ReplaceNetworkAclEntryCommand,
  type NetworkAcl,
  type NetworkAclEntry,
} from '@aws-sdk/client-ec2';
import { aclDifference, type AclEntry, type Association, type Attributes, type Tags } from '../core/resource-model';
import { diffWith, errorCode, fromAwsTags, need, observed, reconcileTags, retryWhileSettling, stackFilters, tagSpecifications, unlessNotFound, waitUntilGone, type Provider, type ProviderContext } from './provider';
import { AwsLayerError } from './aws-error';

type AclAttributes = Attributes<'networkAcl'>;

/** The implicit final deny AWS adds to every ACL; not the blueprint's business. */
const lastRule = 32767;

function fromEntry(e: NetworkAclEntry): AclEntry {
  const entry: AclEntry = { egress: !!e.Egress, rule: e.RuleNumber ?? 0, action: e.RuleAction === 'deny' ? 'deny' : 'allow', protocol: e.Protocol ?? '-1', cidr: e.CidrBlock ?? '' };
  if ((entry.protocol === '6' || entry.protocol === '17') && e.PortRange) {
    entry.fromPort = e.PortRange.From;
    entry.toPort = e.PortRange.To;
  }
  return entry;
}

function entryInput(aclId: string, e: AclEntry) {
  return {
    NetworkAclId: aclId,
    RuleNumber: e.rule,
    Egress: e.egress,
    RuleAction: e.action,
    Protocol: e.protocol,
    CidrBlock: e.cidr,
    ...(e.fromPort !== undefined ? { PortRange: { From: e.fromPort, To: e.toPort } } : {}),
    ...(e.protocol === '1' ? { IcmpTypeCode: { Type: -1, Code: -1 } } : {}),
  };
}

const toObserved = (a: NetworkAcl) =>
  observed('networkAcl', a.NetworkAclId!, {
    vpcId: a.VpcId,
    entries: (a.Entries ?? []).filter((e) => e.RuleNumber !== lastRule).map(fromEntry),
    associations: (a.Associations ?? []).filter((x) => x.SubnetId).map((x) => ({ subnetId: x.SubnetId!, associationId: x.NetworkAclAssociationId })),
    tags: fromAwsTags(a.Tags),
  });

async function reconcileEntries(ctx: ProviderContext, aclId: string, desired: AclEntry[], current: AclEntry[]) {
  const diff = aclDifference(desired, current);
  for (const e of diff.remove) await unlessNotFound(() => ctx.ec2.send(new DeleteNetworkAclEntryCommand({ NetworkAclId: aclId, RuleNumber: e.rule, Egress: e.egress })));
  for (const e of diff.replace) await ctx.ec2.send(new ReplaceNetworkAclEntryCommand(entryInput(aclId, e)));
  for (const e of diff.create) {
    try {
      await ctx.ec2.send(new CreateNetworkAclEntryCommand(entryInput(aclId, e)));
    } catch (error) {
      // A resend after a lost answer finds the rule number taken: write it as wanted.
      if (errorCode(error) !== 'NetworkAclEntryAlreadyExists') throw error;
      await ctx.ec2.send(new ReplaceNetworkAclEntryCommand(entryInput(aclId, e)));
    }
  }
}

/** Points the subnet's (only) ACL association at `aclId`; returns the new association. */
async function moveSubnet(ctx: ProviderContext, subnetId: string, aclId: string): Promise<Association> {
  const out = await ctx.ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'association.subnet-id', Values: [subnetId] }] }));
  const association = (out.NetworkAcls ?? []).flatMap((a) => a.Associations ?? []).find((a) => a.SubnetId === subnetId);
  // Our own code, not AWS's; it ends in NotFound, so a subnet that is gone counts as done (isNotFound).
  if (!association?.NetworkAclAssociationId) throw new AwsLayerError('NetworkAclAssociationNotFound', `subnet ${subnetId} has no network ACL association`);
  if (association.NetworkAclId === aclId) return { subnetId, associationId: association.NetworkAclAssociationId };
  const replaced = await ctx.ec2.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: association.NetworkAclAssociationId, NetworkAclId: aclId }));
  return { subnetId, associationId: replaced.NewAssociationId };
}

async function defaultAclOf(ctx: ProviderContext, vpcId: string): Promise<string> {
  const out = await ctx.ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'default', Values: ['true'] }] }));
  return out.NetworkAcls![0]!.NetworkAclId!;
}

async function reconcileAssociations(ctx: ProviderContext, aclId: string, vpcId: string | undefined, name: string, desired: Association[], current: Association[]): Promise<Association[]> {
  const out: Association[] = [];
  const have = new Map(current.map((a) => [a.subnetId, a]));
  for (const a of desired) {
    const subnetId = need(a.subnetId, `a subnet of ${name}`);
    out.push(have.get(subnetId) ?? (await moveSubnet(ctx, subnetId, aclId)));
  }
  const wanted = new Set(out.map((a) => a.subnetId));
  const leaving = current.filter((a) => !wanted.has(a.subnetId));
  if (leaving.length) {
    const defaultAcl = await defaultAclOf(ctx, need(vpcId, `the VPC of ${name}`));
    for (const a of leaving) await unlessNotFound(() => moveSubnet(ctx, a.subnetId, defaultAcl));
  }
  return out;
}

export const networkAclProvider: Provider<'networkAcl'> = {
  kind: 'networkAcl',
  calls: { apply: 4, delete: 2 },
  permissions: { read: ['DescribeNetworkAcls'], create: ['CreateNetworkAcl', 'CreateNetworkAclEntry', 'ReplaceNetworkAclAssociation'], update: ['CreateNetworkAclEntry', 'ReplaceNetworkAclEntry', 'DeleteNetworkAclEntry', 'ReplaceNetworkAclAssociation'], delete: ['ReplaceNetworkAclAssociation', 'DeleteNetworkAcl'] },
  async list(ctx) {
    const out = await ctx.ec2.send(new DescribeNetworkAclsCommand({ Filters: stackFilters(ctx.stack) }));
    return (out.NetworkAcls ?? []).map(toObserved);
  },
  async read(ctx, id) {
    const out = await unlessNotFound(() => ctx.ec2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [id] })));
    const acl = out?.NetworkAcls?.[0];
    return acl ? toObserved(acl) : undefined;
  },
  diff: diffWith('networkAcl'),
  async create(ctx, name, desired: AclAttributes) {
    const vpcId = need(desired.vpcId, `the VPC of ${name}`);
    const out = await ctx.ec2.send(new CreateNetworkAclCommand({ VpcId: vpcId, TagSpecifications: tagSpecifications(['network-acl'], desired.tags) }));
    const id = out.NetworkAcl!.NetworkAclId!;
    await reconcileEntries(ctx, id, desired.entries, []);
    const associations = await reconcileAssociations(ctx, id, vpcId, name, desired.associations, []);
    return observed('networkAcl', id, { vpcId, entries: desired.entries, associations, tags: desired.tags });
  },
  async update(ctx, current, desired, previousTags) {
    const attrs = current.attributes as AclAttributes;
    await reconcileEntries(ctx, current.id, desired.entries, attrs.entries ?? []);
    const associations = await reconcileAssociations(ctx, current.id, attrs.vpcId, current.name, desired.associations, attrs.associations ?? []);
    await reconcileTags(ctx, [current.id], desired.tags, attrs.tags as Tags, previousTags);
    return observed('networkAcl', current.id, { vpcId: attrs.vpcId, entries: desired.entries, associations, tags: desired.tags });
  },
  async delete(ctx, current) {
    // A describe may not know a fresh ACL yet: fall back on what was observed, never skip.
    const now = (await networkAclProvider.read(ctx, current.id)) ?? current;
    const attrs = now.attributes as AclAttributes;
    if (attrs.associations.length && attrs.vpcId) {
      const defaultAcl = await defaultAclOf(ctx, attrs.vpcId);
      for (const a of attrs.associations) await unlessNotFound(() => moveSubnet(ctx, a.subnetId, defaultAcl));
    }
    await retryWhileSettling(ctx, current.name, () => unlessNotFound(() => ctx.ec2.send(new DeleteNetworkAclCommand({ NetworkAclId: current.id }))));
    await waitUntilGone(ctx, current.id, () => networkAclProvider.read(ctx, current.id));
  },
};

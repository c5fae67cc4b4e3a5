// Security group: rules are compared as sets, so adding one rule sends exactly one authorize call.
// AWS gives a new group an allow-all egress rule; it is revoked only when the blueprint declares
// egress of its own. The description cannot change in place (replacement).
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  type IpPermission,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import { defaultEgress, ruleDifference, type Attributes, type SgRule, type Tags } from '../core/resource-model';
import { diffWith, errorCode, fromAwsTags, need, observed, reconcileTags, retryWhileSettling, stackFilters, tagSpecifications, unlessNotFound, waitUntilGone, type Provider, type ProviderContext } from './provider';
import { t } from '@vscode/l10n';

type GroupAttributes = Attributes<'securityGroup'>;

/** AWS groups rules by protocol and ports; flatten them to one source each. */
export function flattenPermissions(permissions: readonly IpPermission[] | undefined): SgRule[] {
  const out: SgRule[] = [];
  for (const p of permissions ?? []) {
    const protocol = p.IpProtocol === '6' ? 'tcp' : p.IpProtocol === '17' ? 'udp' : p.IpProtocol === '1' ? 'icmp' : (p.IpProtocol ?? '-1');
    const base = { protocol, fromPort: protocol === '-1' ? -1 : (p.FromPort ?? -1), toPort: protocol === '-1' ? -1 : (p.ToPort ?? -1) };
    for (const r of p.IpRanges ?? []) out.push({ ...base, cidr: r.CidrIp!, ...(r.Description ? { description: r.Description } : {}) });
    for (const g of p.UserIdGroupPairs ?? []) out.push({ ...base, groupId: g.GroupId!, ...(g.Description ? { description: g.Description } : {}) });
  }
  return out;
}

function toPermission(r: SgRule): IpPermission {
  const p: IpPermission = { IpProtocol: r.protocol };
  if (r.protocol !== '-1') {
    p.FromPort = r.fromPort;
    p.ToPort = r.toPort;
  }
  if (r.cidr) p.IpRanges = [{ CidrIp: r.cidr, ...(r.description ? { Description: r.description } : {}) }];
  if (r.groupId) p.UserIdGroupPairs = [{ GroupId: r.groupId, ...(r.description ? { Description: r.description } : {}) }];
  return p;
}

const toObserved = (g: SecurityGroup) =>
  observed('securityGroup', g.GroupId!, {
    vpcId: g.VpcId,
    groupName: g.GroupName ?? '',
    description: g.Description ?? '',
    ingress: flattenPermissions(g.IpPermissions),
    egress: flattenPermissions(g.IpPermissionsEgress),
    tags: fromAwsTags(g.Tags),
  });

function resolved(rules: SgRule[], name: string): SgRule[] {
  return rules.map((r) => (r.cidr || r.groupId ? r : { ...r, groupId: need(undefined, t('a security group named in a rule of {0}', name)) }));
}

async function reconcileRules(ctx: ProviderContext, groupId: string, name: string, desired: GroupAttributes, current: Pick<GroupAttributes, 'ingress' | 'egress'>) {
  const ingress = ruleDifference(resolved(desired.ingress, name), current.ingress);
  const egress = ruleDifference(resolved(desired.egress, name), current.egress);
  // Revoke first: a rule may come back with another description.
  if (ingress.remove.length) await unlessNotFound(() => ctx.ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: ingress.remove.map(toPermission) })));
  if (egress.remove.length) await unlessNotFound(() => ctx.ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: egress.remove.map(toPermission) })));
  if (ingress.add.length) await authorize(ctx, groupId, 'ingress', ingress.add);
  if (egress.add.length) await authorize(ctx, groupId, 'egress', egress.add);
}

async function authorize(ctx: ProviderContext, groupId: string, direction: 'ingress' | 'egress', rules: SgRule[]) {
  const send = (list: SgRule[]) =>
    direction === 'ingress'
      ? ctx.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: list.map(toPermission) }))
      : ctx.ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: list.map(toPermission) }));
  try {
    await send(rules);
  } catch (error) {
    // A resend after a lost answer finds the rules there: add only what is still missing.
    if (errorCode(error) !== 'InvalidPermission.Duplicate') throw error;
    const now = await securityGroupProvider.read(ctx, groupId);
    const missing = ruleDifference(rules, ((now?.attributes as GroupAttributes | undefined)?.[direction] ?? []) as SgRule[]).add;
    if (missing.length) await send(missing);
  }
}

/** The group's own name may appear as a source in its rules: give it its id once it has one. */
function withSelf(desired: GroupAttributes, groupId: string): GroupAttributes {
  const fix = (r: SgRule) => (r.cidr || r.groupId || r.groupName !== desired.groupName ? r : { ...r, groupId });
  return { ...desired, ingress: desired.ingress.map(fix), egress: desired.egress.map(fix) };
}

export const securityGroupProvider: Provider<'securityGroup'> = {
  kind: 'securityGroup',
  calls: { apply: 2, delete: 2 },
  permissions: { read: ['DescribeSecurityGroups'], create: ['CreateSecurityGroup', 'AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupEgress'], update: ['AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupIngress', 'RevokeSecurityGroupEgress'], delete: ['RevokeSecurityGroupIngress', 'RevokeSecurityGroupEgress', 'DeleteSecurityGroup'] },
  async list(ctx) {
    const out = await ctx.ec2.send(new DescribeSecurityGroupsCommand({ Filters: stackFilters(ctx.stack) }));
    return (out.SecurityGroups ?? []).map(toObserved);
  },
  async read(ctx, id) {
    const out = await unlessNotFound(() => ctx.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [id] })));
    const group = out?.SecurityGroups?.[0];
    return group ? toObserved(group) : undefined;
  },
  diff: diffWith('securityGroup'),
  async create(ctx, name, wanted: GroupAttributes) {
    const vpcId = need(wanted.vpcId, `the VPC of ${name}`);
    const out = await ctx.ec2.send(
      new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: wanted.groupName, Description: wanted.description, TagSpecifications: tagSpecifications(['security-group'], wanted.tags) }),
    );
    const id = out.GroupId!;
    const desired = withSelf(wanted, id);
    await reconcileRules(ctx, id, name, desired, { ingress: [], egress: [defaultEgress] });
    return observed('securityGroup', id, { ...desired, vpcId });
  },
  async update(ctx, current, wanted, previousTags) {
    const attrs = current.attributes as GroupAttributes;
    const desired = withSelf(wanted, current.id);
    await reconcileRules(ctx, current.id, current.name, desired, attrs);
    await reconcileTags(ctx, [current.id], desired.tags, attrs.tags as Tags, previousTags);
    return observed('securityGroup', current.id, { ...attrs, ingress: desired.ingress, egress: desired.egress, tags: desired.tags });
  },
  async delete(ctx, current) {
    // Right after the instance or interface using it goes, AWS may still say it is in use.
    await retryWhileSettling(ctx, current.name, () => unlessNotFound(() => ctx.ec2.send(new DeleteSecurityGroupCommand({ GroupId: current.id }))));
    await waitUntilGone(ctx, current.id, () => securityGroupProvider.read(ctx, current.id));
  },
};

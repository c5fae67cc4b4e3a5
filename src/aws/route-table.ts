// Route table: its routes (to the internet gateway or a NAT gateway) and its subnet associations. A subnet that is
// associated with another table is moved with ReplaceRouteTableAssociation.
import {
  AssociateRouteTableCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  DeleteRouteCommand,
  DeleteRouteTableCommand,
  DescribeRouteTablesCommand,
  DisassociateRouteTableCommand,
  ReplaceRouteCommand,
  ReplaceRouteTableAssociationCommand,
  type RouteTable,
} from '@aws-sdk/client-ec2';
import type { Association, Attributes, Tags } from '../core/resource-model';
import { diffWith, errorCode, fromAwsTags, need, observed, reconcileTags, retryWhileSettling, stackFilters, tagSpecifications, unlessNotFound, waitUntilGone, type Provider, type ProviderContext } from './provider';
import { t } from '@vscode/l10n';

type RouteTableAttributes = Attributes<'routeTable'>;

const toObserved = (r: RouteTable) =>
  observed('routeTable', r.RouteTableId!, {
    vpcId: r.VpcId,
    routes: (r.Routes ?? [])
      .filter((x) => x.DestinationCidrBlock && x.GatewayId !== 'local' && x.Origin !== 'CreateRouteTable')
      .map((x) => ({ destination: x.DestinationCidrBlock!, gatewayId: x.GatewayId ?? x.NatGatewayId })),
    associations: (r.Associations ?? []).filter((a) => !a.Main && a.SubnetId).map((a) => ({ subnetId: a.SubnetId!, associationId: a.RouteTableAssociationId })),
    tags: fromAwsTags(r.Tags),
  });

/** A route's target parameter: a NAT gateway's id goes in NatGatewayId, an internet gateway's in GatewayId. */
function targetOf(id: string): { GatewayId: string } | { NatGatewayId: string } {
  return id.startsWith('nat-') ? { NatGatewayId: id } : { GatewayId: id };
}

async function reconcileRoutes(ctx: ProviderContext, tableId: string, name: string, desired: RouteTableAttributes['routes'], current: RouteTableAttributes['routes']) {
  const have = new Map(current.map((r) => [r.destination, r.gatewayId]));
  for (const route of desired) {
    const gatewayId = need(route.gatewayId, t('the gateway of route {0} in {1}', route.destination, name));
    if (!have.has(route.destination)) {
      try {
        await ctx.ec2.send(new CreateRouteCommand({ RouteTableId: tableId, DestinationCidrBlock: route.destination, ...targetOf(gatewayId) }));
      } catch (error) {
        // A resend after a lost answer finds the route there: point it where it belongs.
        if (errorCode(error) !== 'RouteAlreadyExists') throw error;
        await ctx.ec2.send(new ReplaceRouteCommand({ RouteTableId: tableId, DestinationCidrBlock: route.destination, ...targetOf(gatewayId) }));
      }
    }
    else if (have.get(route.destination) !== gatewayId)
      await ctx.ec2.send(new ReplaceRouteCommand({ RouteTableId: tableId, DestinationCidrBlock: route.destination, ...targetOf(gatewayId) }));
  }
  const wanted = new Set(desired.map((r) => r.destination));
  for (const route of current)
    if (!wanted.has(route.destination))
      await unlessNotFound(() => ctx.ec2.send(new DeleteRouteCommand({ RouteTableId: tableId, DestinationCidrBlock: route.destination })));
}

/** Gives the subnet to this table: a fresh association, or, when another table of the VPC holds
 * the subnet, that association replaced (a subnet has one route table at a time). */
async function associate(ctx: ProviderContext, tableId: string, subnetId: string, attempt = 1): Promise<Association> {
  const found = await ctx.ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'association.subnet-id', Values: [subnetId] }] }));
  const existing = (found.RouteTables ?? []).flatMap((r) => (r.Associations ?? []).map((a) => ({ ...a, table: r.RouteTableId }))).find((a) => a.SubnetId === subnetId && !a.Main);
  if (existing?.table === tableId) return { subnetId, associationId: existing.RouteTableAssociationId };
  if (existing?.RouteTableAssociationId) {
    const out = await ctx.ec2.send(new ReplaceRouteTableAssociationCommand({ AssociationId: existing.RouteTableAssociationId, RouteTableId: tableId }));
    return { subnetId, associationId: out.NewAssociationId };
  }
  try {
    const out = await ctx.ec2.send(new AssociateRouteTableCommand({ RouteTableId: tableId, SubnetId: subnetId }));
    return { subnetId, associationId: out.AssociationId };
  } catch (error) {
    // Another table took the subnet between the look and the call, or a resend after a lost
    // answer found our own association: look again.
    if (errorCode(error) !== 'Resource.AlreadyAssociated' || attempt >= 3) throw error;
    return associate(ctx, tableId, subnetId, attempt + 1);
  }
}

async function reconcileAssociations(ctx: ProviderContext, tableId: string, name: string, desired: Association[], current: Association[]): Promise<Association[]> {
  const out: Association[] = [];
  const have = new Map(current.map((a) => [a.subnetId, a]));
  for (const a of desired) {
    const subnetId = need(a.subnetId, `a subnet of ${name}`);
    out.push(have.get(subnetId) ?? (await associate(ctx, tableId, subnetId)));
  }
  const wanted = new Set(out.map((a) => a.subnetId));
  for (const a of current)
    if (!wanted.has(a.subnetId) && a.associationId)
      await unlessNotFound(() => ctx.ec2.send(new DisassociateRouteTableCommand({ AssociationId: a.associationId! })));
  return out;
}

export const routeTableProvider: Provider<'routeTable'> = {
  kind: 'routeTable',
  calls: { apply: 3, delete: 2 },
  permissions: { read: ['DescribeRouteTables'], create: ['CreateRouteTable', 'CreateRoute', 'AssociateRouteTable'], update: ['CreateRoute', 'ReplaceRoute', 'DeleteRoute', 'AssociateRouteTable', 'DisassociateRouteTable', 'ReplaceRouteTableAssociation'], delete: ['DisassociateRouteTable', 'DeleteRouteTable'] },
  async list(ctx) {
    const out = await ctx.ec2.send(new DescribeRouteTablesCommand({ Filters: stackFilters(ctx.stack) }));
    return (out.RouteTables ?? []).map(toObserved);
  },
  async read(ctx, id) {
    const out = await unlessNotFound(() => ctx.ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [id] })));
    const table = out?.RouteTables?.[0];
    return table ? toObserved(table) : undefined;
  },
  diff: diffWith('routeTable'),
  async create(ctx, name, desired: RouteTableAttributes) {
    const vpcId = need(desired.vpcId, `the VPC of ${name}`);
    const out = await ctx.ec2.send(new CreateRouteTableCommand({ VpcId: vpcId, TagSpecifications: tagSpecifications(['route-table'], desired.tags) }));
    const id = out.RouteTable!.RouteTableId!;
    await reconcileRoutes(ctx, id, name, desired.routes, []);
    const associations = await reconcileAssociations(ctx, id, name, desired.associations, []);
    return observed('routeTable', id, { vpcId, routes: desired.routes, associations, tags: desired.tags });
  },
  async update(ctx, current, desired, previousTags) {
    const attrs = current.attributes as RouteTableAttributes;
    await reconcileRoutes(ctx, current.id, current.name, desired.routes, attrs.routes ?? []);
    const associations = await reconcileAssociations(ctx, current.id, current.name, desired.associations, attrs.associations ?? []);
    await reconcileTags(ctx, [current.id], desired.tags, attrs.tags as Tags, previousTags);
    return observed('routeTable', current.id, { vpcId: attrs.vpcId, routes: desired.routes, associations, tags: desired.tags });
  },
  async delete(ctx, current) {
    // A describe may not know a fresh table yet: fall back on what was observed, never skip.
    const now = (await routeTableProvider.read(ctx, current.id)) ?? current;
    for (const a of (now.attributes as RouteTableAttributes).associations)
      if (a.associationId) await unlessNotFound(() => ctx.ec2.send(new DisassociateRouteTableCommand({ AssociationId: a.associationId! })));
    await retryWhileSettling(ctx, current.name, () => unlessNotFound(() => ctx.ec2.send(new DeleteRouteTableCommand({ RouteTableId: current.id }))));
    await waitUntilGone(ctx, current.id, () => routeTableProvider.read(ctx, current.id));
  },
};

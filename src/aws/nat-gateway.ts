// NAT gateway: a public one in a public subnet, the way out for instances of private subnets. It
// uses the Elastic IP the blueprint names, or allocates one of its own (tagged with the stack and
// with its owner, never listed as a component). AWS takes minutes to make it available: the create
// waits, saying so, before the routes that use it are written. A delete waits until it is `deleted`
// (before that its address cannot be released nor its subnet deleted), then releases its own address.
import {
  AllocateAddressCommand,
  CreateNatGatewayCommand,
  DeleteNatGatewayCommand,
  DescribeAddressesCommand,
  DescribeNatGatewaysCommand,
  ReleaseAddressCommand,
  type NatGateway,
} from '@aws-sdk/client-ec2';
import { t } from '@vscode/l10n';
import { natAddressTag, stackTag, type Attributes, type Tags } from '../core/resource-model';
import {
  diffWith,
  fromAwsTags,
  need,
  observed,
  reconcileTags,
  retryWhileSettling,
  sleep,
  stackFilters,
  tagSpecifications,
  unlessNotFound,
  type Provider,
  type ProviderContext,
} from './provider';
import { AwsLayerError } from './aws-error';

type NatAttributes = Attributes<'natGateway'>;

/** States in which a NAT gateway no longer exists for the stack (AWS lists deleted ones for an hour). */
const gone = new Set(['deleted', 'failed']);

/** Between polls of a NAT gateway that is pending or deleting: AWS takes one to a few minutes. */
const pollMs = 5_000;
/** Give up waiting after this long (AWS documents "a few minutes"). */
const waitLimitMs = 15 * 60_000;

function toObserved(n: NatGateway, own: Set<string>) {
  const address = n.NatGatewayAddresses?.[0];
  const allocationId = address?.AllocationId || undefined;
  return observed('natGateway', n.NatGatewayId!, {
    subnetId: n.SubnetId,
    allocationId,
    ownAddress: allocationId !== undefined && own.has(allocationId),
    publicIp: address?.PublicIp || undefined,
    tags: fromAwsTags(n.Tags),
  });
}

/** The addresses NAT gateways of this stack allocated for themselves (allocation id → owner name). */
async function ownAddresses(ctx: ProviderContext): Promise<Map<string, { owner: string; associated: boolean }>> {
  const out = await ctx.ec2.send(new DescribeAddressesCommand({ Filters: [...stackFilters(ctx.stack), { Name: 'tag-key', Values: [natAddressTag] }] }));
  const map = new Map<string, { owner: string; associated: boolean }>();
  for (const a of out.Addresses ?? []) {
    const tags = fromAwsTags(a.Tags);
    // The filter is the contract; the check keeps a foreign address out where a filter is ignored.
    if (a.AllocationId && tags[stackTag] === ctx.stack && tags[natAddressTag]) map.set(a.AllocationId, { owner: tags[natAddressTag], associated: !!a.AssociationId });
  }
  return map;
}

async function describe(ctx: ProviderContext, id: string): Promise<NatGateway | undefined> {
  const out = await unlessNotFound(() => ctx.ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [id] })));
  return out?.NatGateways?.find((n) => n.NatGatewayId === id);
}

/** Polls until the NAT gateway reaches `target`, saying every 30 s that it is still waited for. */
async function waitForState(ctx: ProviderContext, id: string, name: string, target: 'available' | 'deleted'): Promise<NatGateway | undefined> {
  const started = Date.now();
  let lastSaid = -1;
  for (;;) {
    const n = await retryWhileSettling(ctx, name, () => describe(ctx, id), ['NatGatewayNotFound', 'InvalidNatGatewayID.NotFound']);
    const state = n?.State ?? 'deleted';
    if (state === target) return n;
    if (target === 'available' && gone.has(state))
      throw new AwsLayerError(n?.FailureCode ?? 'NatGatewayFailed', t('NAT gateway "{0}" failed: {1}', name, n?.FailureMessage ?? state));
    if (target === 'deleted' && state === 'failed') return n;
    const waited = Date.now() - started;
    if (waited > waitLimitMs) throw new AwsLayerError('NatGatewayTimeout', t('NAT gateway "{0}" is still {1} after {2} minutes.', name, state, Math.round(waited / 60_000)));
    const said = Math.floor(waited / 30_000);
    if (said !== lastSaid) {
      lastSaid = said;
      ctx.progress(
        target === 'available'
          ? t('waiting until NAT gateway {0} is available ({1}, {2} s so far; AWS takes a few minutes)', name, state, Math.round(waited / 1000))
          : t('waiting until NAT gateway {0} is deleted ({1}, {2} s so far)', name, state, Math.round(waited / 1000)),
      );
    }
    await sleep(pollMs, ctx.signal);
  }
}

async function releaseOwnAddresses(ctx: ProviderContext, name: string, only?: string): Promise<void> {
  for (const [allocationId, a] of await ownAddresses(ctx)) {
    if (a.owner !== name || (only && allocationId !== only)) continue;
    await retryWhileSettling(ctx, name, () => unlessNotFound(() => ctx.ec2.send(new ReleaseAddressCommand({ AllocationId: allocationId }))), ['InvalidIPAddress.InUse', 'AuthFailure', 'DependencyViolation']);
  }
}

export const natGatewayProvider: Provider<'natGateway'> = {
  kind: 'natGateway',
  calls: { apply: 3, delete: 2 },
  permissions: { read: ['DescribeNatGateways', 'DescribeAddresses'], create: ['AllocateAddress', 'CreateNatGateway'], update: [], delete: ['DeleteNatGateway', 'ReleaseAddress'] },
  async list(ctx) {
    const [out, own] = await Promise.all([ctx.ec2.send(new DescribeNatGatewaysCommand({ Filter: stackFilters(ctx.stack) })), ownAddresses(ctx)]);
    return (out.NatGateways ?? [])
      .filter((n) => !gone.has(n.State ?? '') && fromAwsTags(n.Tags)[stackTag] === ctx.stack)
      .map((n) => toObserved(n, new Set(own.keys())));
  },
  async read(ctx, id) {
    const n = await describe(ctx, id);
    if (!n || gone.has(n.State ?? '')) return undefined;
    return toObserved(n, new Set((await ownAddresses(ctx)).keys()));
  },
  diff: diffWith('natGateway'),
  async create(ctx, name, desired: NatAttributes) {
    const subnetId = need(desired.subnetId, t('the subnet of {0}', name));
    let allocationId = desired.ownAddress ? undefined : need(desired.allocationId, t('the Elastic IP of {0}', name));
    let allocated: string | undefined;
    if (!allocationId) {
      // An address a cut-off run allocated for this NAT gateway is used, not a second one.
      const left = [...(await ownAddresses(ctx))].find(([, a]) => a.owner === name && !a.associated);
      if (left) allocationId = left[0];
      else {
        const tags: Tags = { Name: name, [stackTag]: ctx.stack, [natAddressTag]: name };
        const out = await ctx.ec2.send(new AllocateAddressCommand({ Domain: 'vpc', TagSpecifications: tagSpecifications(['elastic-ip'], tags) }));
        allocationId = allocated = out.AllocationId!;
      }
    }
    try {
      const out = await retryWhileSettling(
        ctx,
        name,
        () =>
          ctx.ec2.send(
            new CreateNatGatewayCommand({
              SubnetId: subnetId,
              AllocationId: allocationId,
              ConnectivityType: 'public',
              // One token per create: the SDK's own resends of this request are not carried out twice.
              ClientToken: `${ctx.stack}-${name}-${Date.now()}`.slice(0, 64),
              TagSpecifications: tagSpecifications(['natgateway'], desired.tags),
            }),
          ),
        ['InvalidSubnetID.NotFound', 'InvalidAllocationID.NotFound'],
      );
      const id = out.NatGateway!.NatGatewayId!;
      const ready = await waitForState(ctx, id, name, 'available');
      const own = new Set(desired.ownAddress ? [allocationId] : []);
      return ready ? toObserved(ready, own) : observed('natGateway', id, { subnetId, allocationId, ownAddress: desired.ownAddress, tags: desired.tags });
    } catch (error) {
      // A create that fails leaves nothing behind: the address it allocated goes too.
      if (allocated) await unlessNotFound(() => ctx.ec2.send(new ReleaseAddressCommand({ AllocationId: allocated }))).catch(() => undefined);
      throw error;
    }
  },
  async update(ctx, current, desired, previousTags) {
    const attrs = current.attributes as NatAttributes;
    await reconcileTags(ctx, [current.id], desired.tags, attrs.tags, previousTags);
    return observed('natGateway', current.id, { ...attrs, tags: desired.tags });
  },
  async delete(ctx, current) {
    const attrs = current.attributes as NatAttributes;
    const now = await describe(ctx, current.id);
    if (now && !gone.has(now.State ?? '')) {
      if (now.State !== 'deleting') await unlessNotFound(() => ctx.ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: current.id })));
      await waitForState(ctx, current.id, current.name, 'deleted');
    }
    if (attrs.ownAddress) await releaseOwnAddresses(ctx, current.name);
  },
};

// Which availability zones offer an instance type (DescribeInstanceTypeOfferings), asked once per
// client and type. The preflight checks the subnet's zone with it; advice for AWS's `Unsupported`
// or capacity refusals can name the zones to pick instead.
import { DescribeInstanceTypeOfferingsCommand } from '@aws-sdk/client-ec2';
import type { ProviderContext } from './provider';

const asked = new WeakMap<object, Map<string, Promise<string[]>>>();

/** The zones of the client's region that offer `instanceType`, sorted. */
export function zonesOffering(ctx: Pick<ProviderContext, 'ec2'>, instanceType: string): Promise<string[]> {
  let known = asked.get(ctx.ec2);
  if (!known) asked.set(ctx.ec2, (known = new Map()));
  let answer = known.get(instanceType);
  if (!answer) {
    answer = listZones(ctx, instanceType);
    known.set(instanceType, answer);
    answer.catch(() => known.delete(instanceType));
  }
  return answer;
}

async function listZones(ctx: Pick<ProviderContext, 'ec2'>, instanceType: string): Promise<string[]> {
  const zones = new Set<string>();
  let NextToken: string | undefined;
  do {
    const out = await ctx.ec2.send(
      new DescribeInstanceTypeOfferingsCommand({ LocationType: 'availability-zone', Filters: [{ Name: 'instance-type', Values: [instanceType] }], ...(NextToken ? { NextToken } : {}) }),
    );
    for (const o of out.InstanceTypeOfferings ?? []) if (o.Location) zones.add(o.Location);
    NextToken = out.NextToken;
  } while (NextToken);
  return [...zones].sort();
}

// `reach --live`: what AWS really has, as input for the same pure walk (src/core/reach.ts). The VPC
// is read by the snapshot (Describe* only); this adds the facts the walk needs beside the
// blueprint: AWS ids, public addresses, which table is the VPC's main one, and instance states.
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import type { AwsTarget } from '../core/engine-api';
import type { ReachContext } from '../core/reach';
import type { Blueprint } from '../core/schema';
import { connectEc2 } from './client';
import { snapshotVpc, type SnapshotResource } from './snapshot';

export interface LiveReachInput {
  blueprint: Blueprint;
  ctx: ReachContext;
  /** What the snapshot saw but could not say in the format (a NAT route, …). */
  notes: string[];
}

export async function reachSnapshot(target: AwsTarget & { region: string }, vpcId: string): Promise<LiveReachInput> {
  const { ec2 } = connectEc2(target);
  try {
    const snapshot = await snapshotVpc(vpcId, { ec2, region: target.region });
    const ctx = reachContextOf(snapshot.ids);
    const missingStates = Object.entries(snapshot.ids).filter(([name, r]) => r.kind === 'instance' && !ctx.instanceStates?.[name]);
    if (missingStates.length > 0) {
      const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: missingStates.map(([, r]) => r.id) }));
      const byId = new Map((out.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => [i.InstanceId!, i.State?.Name]));
      for (const [name, r] of missingStates) {
        const state = byId.get(r.id);
        if (state) ctx.instanceStates![name] = state;
      }
    }
    return { blueprint: snapshot.blueprint, ctx, notes: snapshot.notes };
  } finally {
    ec2.destroy();
  }
}

/** Ids, public addresses, the main route table and instance states from the snapshot's records. */
export function reachContextOf(ids: Record<string, SnapshotResource>): ReachContext {
  const ctx: ReachContext = { ids: {}, publicAddresses: {}, instanceStates: {} };
  for (const [name, r] of Object.entries(ids)) {
    ctx.ids![name] = r.id;
    const publicIp = r.attributes.publicIp;
    if (typeof publicIp === 'string' && publicIp) ctx.publicAddresses![name] = publicIp;
    if (r.kind === 'routeTable' && r.attributes.main === true) ctx.mainRouteTable = name;
    const state = r.attributes.state ?? r.attributes.stateName;
    if (r.kind === 'instance' && typeof state === 'string') ctx.instanceStates![name] = state;
  }
  return ctx;
}

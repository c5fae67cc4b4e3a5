// Reads an existing VPC and everything in it that the blueprint format covers, and says it as a
// blueprint plus the AWS id of each resource by name. Read-only: Describe* calls only, no tags
// added, nothing changed. Used by `import` (a blueprint of a console-built VPC) and by
// `reach --live` (traffic analysis over what AWS really has). The calls are snapshot-fetch.ts,
// the translation (pure) snapshot-translate.ts.
import { DescribeVpcsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { t } from '@vscode/l10n';
import { BlueprintError } from '../core/errors';
import type { AwsTarget } from '../core/engine-api';
import { stackTag } from '../core/resource-model';
import { connectEc2 } from './client';
import { all, fetchVpc } from './snapshot-fetch';
import { tagOf, translateVpc, type VpcSnapshot } from './snapshot-translate';

export type { SnapshotResource, VpcSnapshot } from './snapshot-translate';

export interface SnapshotContext {
  ec2: EC2Client;
  /** The region the client talks to; it becomes the blueprint's region. */
  region: string;
}

/** A VPC as the quick pick of "Import Existing VPC…" lists it. */
export interface VpcSummary {
  id: string;
  name?: string;
  cidr?: string;
  isDefault: boolean;
  /** The blueprint:stack tag, when EC2 Blueprint made it. */
  stack?: string;
}

export async function listVpcs(ctx: Pick<SnapshotContext, 'ec2'>): Promise<VpcSummary[]> {
  const vpcs = await all((token) => ctx.ec2.send(new DescribeVpcsCommand({ NextToken: token })), (r) => r.Vpcs);
  return vpcs.map((v) => ({
    id: v.VpcId!,
    name: tagOf(v.Tags, 'Name'),
    cidr: v.CidrBlock,
    isDefault: v.IsDefault === true,
    stack: tagOf(v.Tags, stackTag),
  }));
}

/** `import` and the VS Code command, through the engine bundle: connects, reads, disconnects. */
export async function snapshotVpcAt(target: AwsTarget & { region: string }, vpcId: string): Promise<VpcSnapshot> {
  const { ec2 } = connectEc2(target);
  try {
    return await snapshotVpc(vpcId, { ec2, region: target.region });
  } finally {
    ec2.destroy();
  }
}

/** The VPCs of the account in a region, for a quick pick. */
export async function listVpcsAt(target: AwsTarget & { region: string }): Promise<VpcSummary[]> {
  const { ec2 } = connectEc2(target);
  try {
    return await listVpcs({ ec2 });
  } finally {
    ec2.destroy();
  }
}

/** Reads the VPC `vpcId` and what is in it. Throws BlueprintError('not-found') when there is none. */
export async function snapshotVpc(vpcId: string, ctx: SnapshotContext): Promise<VpcSnapshot> {
  const facts = await fetchVpc(ctx.ec2, vpcId);
  if (!facts) throw new BlueprintError('not-found', t('There is no VPC {0} in {1}.', vpcId, ctx.region));
  return translateVpc(facts, ctx.region);
}

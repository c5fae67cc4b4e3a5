// Stop and start an instance the blueprint created. The tutorial's reason for an Elastic IP is
// that the address survives a stop/start; these calls let the user see that happen.
import { DescribeInstancesCommand, StartInstancesCommand, StopInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { t } from '@vscode/l10n';
import type { AwsTarget } from '../core/engine-api';
import { BlueprintError } from '../core/errors';
import { connectEc2 } from './client';
import { sleep } from './provider';

export interface PowerOptions {
  instanceId: string;
  signal?: AbortSignal;
  /** Called with the instance state while waiting (stopping, stopped, pending, running). */
  onProgress?: (state: string) => void;
  /** Between polls. Default 3 s. */
  pollMs?: number;
  /** Give up after this long. Default 10 minutes. */
  timeoutMs?: number;
}

export interface PowerResult {
  state: string;
  /** The public address after the action (an Elastic IP stays; an automatic one changes). */
  publicIp?: string;
  /** The public address before the action. */
  publicIpBefore?: string;
}

export async function stopInstance(target: AwsTarget & { region: string }, options: PowerOptions): Promise<PowerResult> {
  const { ec2 } = connectEc2(target);
  try {
    const before = await describe(ec2, options);
    if (before.state !== 'stopped') {
      await ec2.send(new StopInstancesCommand({ InstanceIds: [options.instanceId] }), { abortSignal: options.signal });
    }
    const after = await waitFor(ec2, options, 'stopped');
    return { state: after.state, ...(after.publicIp ? { publicIp: after.publicIp } : {}), ...(before.publicIp ? { publicIpBefore: before.publicIp } : {}) };
  } finally {
    ec2.destroy();
  }
}

export async function startInstance(target: AwsTarget & { region: string }, options: PowerOptions): Promise<PowerResult> {
  const { ec2 } = connectEc2(target);
  try {
    const before = await describe(ec2, options);
    if (before.state !== 'running') {
      await ec2.send(new StartInstancesCommand({ InstanceIds: [options.instanceId] }), { abortSignal: options.signal });
    }
    const after = await waitFor(ec2, options, 'running');
    return { state: after.state, ...(after.publicIp ? { publicIp: after.publicIp } : {}), ...(before.publicIp ? { publicIpBefore: before.publicIp } : {}) };
  } finally {
    ec2.destroy();
  }
}

async function describe(ec2: EC2Client, options: PowerOptions): Promise<{ state: string; publicIp?: string }> {
  let out;
  try {
    out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [options.instanceId] }), { abortSignal: options.signal });
  } catch (error) {
    if ((error as { name?: string }).name === 'InvalidInstanceID.NotFound') throw new BlueprintError('not-found', t('Instance {0} no longer exists in AWS. Run "Refresh" to update the state file.', options.instanceId), { cause: error });
    throw new BlueprintError('aws', (error as Error).message, { cause: error });
  }
  const instance = out.Reservations?.flatMap((r) => r.Instances ?? []).find((i) => i.InstanceId === options.instanceId);
  if (!instance) throw new BlueprintError('not-found', t('Instance {0} no longer exists in AWS. Run "Refresh" to update the state file.', options.instanceId));
  const state = instance.State?.Name ?? 'unknown';
  if (state === 'terminated' || state === 'shutting-down') throw new BlueprintError('not-found', t('Instance {0} is {1}; it cannot be stopped or started any more.', options.instanceId, state));
  return { state, ...(instance.PublicIpAddress ? { publicIp: instance.PublicIpAddress } : {}) };
}

async function waitFor(ec2: EC2Client, options: PowerOptions, wanted: 'stopped' | 'running'): Promise<{ state: string; publicIp?: string }> {
  const deadline = Date.now() + (options.timeoutMs ?? 10 * 60_000);
  for (;;) {
    const now = await describe(ec2, options);
    options.onProgress?.(now.state);
    if (now.state === wanted) return now;
    if (Date.now() > deadline) throw new BlueprintError('aws', t('Instance {0} did not become {1} in time (it is {2}).', options.instanceId, wanted, now.state));
    await sleep(options.pollMs ?? 3000, options.signal).catch(() => {
      throw new BlueprintError('interrupted', t('Cancelled.'));
    });
  }
}

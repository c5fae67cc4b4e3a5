// Waits until an instance can take an SSH login: state "running" and both status checks passed
// (the tutorial's step 10, "2/2 checks passed"). Polls DescribeInstanceStatus itself rather than
// using the SDK waiters, so each phase can be reported and a stopped or terminated instance ends
// the wait at once with a reason instead of a timeout.
import { DescribeInstanceStatusCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { t } from '@vscode/l10n';
import { BlueprintError } from '../core/errors';
import type { AwsTarget } from '../core/engine-api';
import { connectEc2 } from './client';
import { pause } from '../core/pause';

export type SshWaitPhase = 'instance-state' | 'status-checks';

export interface SshWaitProgress {
  phase: SshWaitPhase;
  /** pending, running, … */
  state: string;
  /** Status checks passed so far, out of 2. */
  checksPassed: number;
  /** One line for a progress notification: what is being waited for. */
  message: string;
}

export interface SshWaitOptions {
  instanceId: string;
  /** Shown in messages (the blueprint name of the instance). */
  instanceName?: string;
  signal?: AbortSignal;
  onProgress?: (progress: SshWaitProgress) => void;
  /** Between polls. Default 5 s (AWS updates status checks about once a minute). */
  pollMs?: number;
  /** Give up after this long. Default 15 minutes. */
  timeoutMs?: number;
}

export interface SshReady {
  state: 'running';
  checksPassed: 2;
  /** Describe calls made. */
  polls: number;
}

/** With a client of its own (made by the one factory, connectEc2). */
export async function waitUntilSshReady(target: AwsTarget & { region: string }, options: SshWaitOptions): Promise<SshReady> {
  const { ec2 } = connectEc2(target);
  try {
    return await waitUntilSshReadyWith(ec2, options);
  } finally {
    ec2.destroy();
  }
}

export async function waitUntilSshReadyWith(ec2: EC2Client, options: SshWaitOptions): Promise<SshReady> {
  const name = options.instanceName ?? options.instanceId;
  const pollMs = options.pollMs ?? 5000;
  const deadline = Date.now() + (options.timeoutMs ?? 15 * 60 * 1000);
  let polls = 0;
  let last = '';
  for (;;) {
    if (options.signal?.aborted) throw new BlueprintError('interrupted', t('Stopped waiting for "{0}".', name));
    let response;
    try {
      response = await ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: [options.instanceId], IncludeAllInstances: true }), {
        ...(options.signal ? { abortSignal: options.signal } : {}),
      });
    } catch (error) {
      if (options.signal?.aborted) throw new BlueprintError('interrupted', t('Stopped waiting for "{0}".', name));
      const code = (error as { name?: string }).name ?? '';
      if (code === 'InvalidInstanceID.NotFound')
        throw new BlueprintError('not-found', t('AWS has no instance {0} ("{1}"). It was probably deleted; refresh and apply again.', options.instanceId, name), { cause: error });
      throw new BlueprintError('aws', t('Could not read the status of "{0}": {1}', name, (error as Error).message), { cause: error });
    }
    polls++;
    const status = response.InstanceStatuses?.find((s) => s.InstanceId === options.instanceId);
    const state = status?.InstanceState?.Name ?? 'pending';
    if (state === 'stopping' || state === 'stopped')
      throw new BlueprintError('runtime', t('"{0}" is {1}. Start it first; then SSH works again at the same Elastic IP.', name, state));
    if (state === 'shutting-down' || state === 'terminated')
      throw new BlueprintError('runtime', t('"{0}" is {1}. Apply the blueprint again to launch a new one.', name, state));
    const checksPassed = [status?.SystemStatus?.Status, status?.InstanceStatus?.Status].filter((s) => s === 'ok').length;
    const failed = [status?.SystemStatus?.Status, status?.InstanceStatus?.Status].some((s) => s === 'impaired');
    if (state === 'running' && checksPassed === 2) return { state: 'running', checksPassed: 2, polls };
    if (failed)
      throw new BlueprintError('runtime', t('A status check of "{0}" failed (impaired). Look at the instance in the AWS console (Status checks tab); stopping and starting it often helps.', name));
    const progress: SshWaitProgress =
      state === 'running'
        ? { phase: 'status-checks', state, checksPassed, message: t('Waiting for the status checks of "{0}": {1}/2 passed', name, checksPassed) }
        : { phase: 'instance-state', state, checksPassed, message: t('Waiting for "{0}" to be running (now {1})', name, state) };
    if (progress.message !== last) {
      options.onProgress?.(progress);
      last = progress.message;
    }
    if (Date.now() + pollMs > deadline)
      throw new BlueprintError('runtime', t('"{0}" was still not ready (state {1}, checks {2}/2) after waiting; try again in a minute.', name, state, checksPassed));
    await pause(pollMs, options.signal);
  }
}

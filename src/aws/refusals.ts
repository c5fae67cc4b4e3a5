// AWS's refusals the engine knows, each with what to do about it in the blueprint's terms: one
// table, used where an apply fails (and by the preflight, which asks the same questions before).
// Where a blueprint line is the thing to change, the entry says which (`place`); the caller turns
// that into FILE:LINE:COL in the CLI and a diagnostic in the editor.
import { t } from '@vscode/l10n';
import type { Ec2Connection } from './client';

/** What the caller knows when AWS refuses: the blueprint's values around the failed action. */
export interface RefusalFacts {
  region: string;
  instanceType?: string;
  /** The availability zone of the instance's subnet, and the subnet's name. */
  zone?: string;
  subnet?: string;
  image?: string;
  /** The zones of the region that offer `instanceType` (DescribeInstanceTypeOfferings). */
  zonesOffering?: string[];
  /** UnauthorizedOperation's encoded message, decoded by sts:DecodeAuthorizationMessage. */
  decoded?: string;
  /** The AWS action that was refused (RunInstances, AllocateAddress, …). */
  action?: string;
}

export interface RefusalAdvice {
  /** Which blueprint value to change: the instance's subnet's `availabilityZone`, its `image`. */
  place?: 'availabilityZone' | 'image';
  /** The advice needs the zones offering the instance type. */
  needsZones?: boolean;
  advice(facts: RefusalFacts): string;
}

const zonesLine = (f: RefusalFacts) =>
  f.zonesOffering === undefined
    ? ''
    : f.zonesOffering.length
      ? ' ' + t('Zones of {0} that offer {1}: {2}.', f.region, f.instanceType ?? '?', f.zonesOffering.join(', '))
      : ' ' + t('No zone of {0} offers {1}: choose another instance type.', f.region, f.instanceType ?? '?');

/** The table, by AWS error code. `InvalidAMIID.*` covers every InvalidAMIID code. */
export const refusals: Record<string, RefusalAdvice> = {
  Unsupported: {
    place: 'availabilityZone',
    needsZones: true,
    advice: (f) =>
      t('{0} is not offered in {1}, the availabilityZone of subnet "{2}". Move the subnet to a zone that offers it (the subnet and what is in it are replaced), or choose another instanceType.', f.instanceType ?? '?', f.zone ?? '?', f.subnet ?? '?') + zonesLine(f),
  },
  InsufficientInstanceCapacity: {
    place: 'availabilityZone',
    needsZones: true,
    advice: (f) =>
      t('AWS has no spare {0} capacity in {1} (subnet "{2}") right now. Try again in a few minutes, move the subnet to another zone, or choose another instanceType.', f.instanceType ?? '?', f.zone ?? '?', f.subnet ?? '?') + zonesLine(f),
  },
  AddressLimitExceeded: {
    advice: (f) =>
      t('The Elastic IP quota of {0} is used up (5 per region unless raised). Release an Elastic IP you no longer use (EC2 console → Elastic IPs), or ask for more in Service Quotas: Amazon EC2, "EC2-VPC Elastic IPs" (L-0263D0A3).', f.region),
  },
  VcpuLimitExceeded: {
    advice: (f) =>
      t('The vCPU quota of {0} for {1} is used up. Terminate instances you no longer need, or ask for more in Service Quotas: Amazon EC2, "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances" (L-1216C47A), or the quota of the instance family.', f.region, f.instanceType ?? '?'),
  },
  InstanceLimitExceeded: {
    advice: (f) =>
      t('The instance quota of {0} for {1} is used up. Terminate instances you no longer need, or ask for more in Service Quotas (Amazon EC2, "Running On-Demand … instances").', f.region, f.instanceType ?? '?'),
  },
  OptInRequired: {
    advice: (f) =>
      t('This account has not opted in: the region {0} is not enabled (AWS console → Account → AWS Regions), or the image needs a subscription accepted in AWS Marketplace. Enable it, or use another region or image.', f.region),
  },
  PendingVerification: {
    advice: () => t('AWS is still verifying this new account; until then it cannot launch in this region. That usually takes minutes, sometimes hours: wait for the email from AWS, then apply again.'),
  },
  'InvalidAMIID.*': {
    place: 'image',
    advice: (f) => t('The image {0} does not exist in {1}, or this account may not use it. Use an image alias (rhel-8, rhel-9, amazon-linux-2023, ubuntu-24.04) or an ami-… id of this region.', f.image ?? '?', f.region),
  },
  UnauthorizedOperation: {
    advice: (f) =>
      (f.decoded ? t('The credentials in use may not do {0}: {1}.', f.action ?? '?', f.decoded) : t('The credentials in use may not do {0}.', f.action ?? '?')) +
      ' ' +
      t('Add it to their IAM policy, or use a profile that has it (--profile).'),
  },
};

/** The entry for an AWS error code, if the engine knows it. */
export function refusalFor(code: string | undefined): RefusalAdvice | undefined {
  if (!code) return undefined;
  return refusals[code] ?? (code.startsWith('InvalidAMIID.') ? refusals['InvalidAMIID.*'] : undefined);
}

/** The encoded part of an UnauthorizedOperation message. */
export function encodedAuthorizationMessage(message: string): string | undefined {
  return /Encoded authorization failure message:\s*(\S+)/.exec(message)?.[1];
}

/** A decoded authorization message (JSON) in a few words: the action, the resource, and whether
 * an explicit deny matched. */
export function summarizeDecoded(json: string): string | undefined {
  try {
    const d = JSON.parse(json) as { allowed?: boolean; explicitDeny?: boolean; context?: { action?: string; resource?: string } };
    const parts = [d.context?.action, d.context?.resource && d.context.resource !== '*' ? d.context.resource : undefined].filter(Boolean);
    if (!parts.length) return undefined;
    return parts.join(' on ') + (d.explicitDeny ? ` (${t('an explicit Deny matched')})` : ` (${t('no policy allows it')})`);
  } catch {
    return undefined;
  }
}

/** Decodes UnauthorizedOperation's encoded message with sts:DecodeAuthorizationMessage, when the
 * credentials may (an optional line of the least-privilege policy). The STS client is loaded only
 * then. Undefined when there is nothing to decode or STS says no. */
export async function decodeAuthorization(connection: Ec2Connection, message: string): Promise<string | undefined> {
  const encoded = encodedAuthorizationMessage(message);
  if (!encoded) return undefined;
  const { STSClient, DecodeAuthorizationMessageCommand } = await import('@aws-sdk/client-sts');
  const { target } = connection;
  const sts = new STSClient({
    region: target.region,
    ...(target.profile ? { profile: target.profile } : {}),
    // A local emulator answers every service on one endpoint.
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    credentials: connection.ec2.config.credentials,
    maxAttempts: 2,
  });
  try {
    const out = await sts.send(new DecodeAuthorizationMessageCommand({ EncodedMessage: encoded }));
    return out.DecodedMessage ? summarizeDecoded(out.DecodedMessage) : undefined;
  } catch {
    return undefined;
  } finally {
    sts.destroy();
  }
}

// Image aliases → the image the alias means (src/core/image-choice.ts: generally available,
// pay-as-you-go, available, not deprecated, of the instance type's architecture, the newest such),
// always asked for by owner and name (an unfiltered DescribeImages lists every public image).
import { DescribeImagesCommand, type Image } from '@aws-sdk/client-ec2';
import { t } from '@vscode/l10n';
import { architectureOfInstanceType, chooseImage, type Architecture } from '../core/image-choice';
import { errorCode, type ProviderContext } from './provider';
import type { AwsTarget } from '../core/engine-api';
import { clientKey, connectEc2 } from './client';
import { AwsLayerError } from './aws-error';

export interface ImageAlias {
  owner: string;
  /** The name filter of the family; the choice rules then pick among what it returns. */
  namePattern(architecture: Architecture): string;
  /** The default SSH user of the family. */
  sshUser: string;
}

const redHat = '309956199498';
const amazon = '137112412989';
const canonical = '099720109477';

export const imageAliases: Record<string, ImageAlias> = {
  'rhel-8': { owner: redHat, namePattern: () => 'RHEL-8*', sshUser: 'ec2-user' },
  'rhel-9': { owner: redHat, namePattern: () => 'RHEL-9*', sshUser: 'ec2-user' },
  'amazon-linux-2023': { owner: amazon, namePattern: (a) => `al2023-ami-2023*-${a}`, sshUser: 'ec2-user' },
  al2023: { owner: amazon, namePattern: (a) => `al2023-ami-2023*-${a}`, sshUser: 'ec2-user' },
  'ubuntu-24.04': { owner: canonical, namePattern: (a) => `ubuntu/images/hvm-ssd*/ubuntu-noble-24.04-${a === 'arm64' ? 'arm64' : 'amd64'}-server-*`, sshUser: 'ubuntu' },
};

export interface ResolvedImage {
  imageId: string;
  imageName?: string;
  rootDeviceName: string;
  /** The size of the image's root snapshot, the smallest root volume it can have. */
  rootVolumeSizeGiB?: number;
  creationDate?: string;
  /** How AWS bills the image (Red Hat Enterprise Linux / RunInstances:0010), for its price. */
  platformDetails?: string;
  usageOperation?: string;
  architecture?: string;
  /** Which image an alias picked and why, in words (absent for an ami-… id). */
  why?: string;
}

function resolvedFrom(image: Image, why?: string): ResolvedImage {
  const rootDeviceName = image.RootDeviceName ?? '/dev/xvda';
  const rootVolumeSizeGiB = image.BlockDeviceMappings?.find((b) => b.DeviceName === rootDeviceName)?.Ebs?.VolumeSize;
  return {
    imageId: image.ImageId!,
    imageName: image.Name,
    rootDeviceName,
    ...(rootVolumeSizeGiB ? { rootVolumeSizeGiB } : {}),
    creationDate: image.CreationDate,
    ...(image.PlatformDetails ? { platformDetails: image.PlatformDetails } : {}),
    ...(image.UsageOperation ? { usageOperation: image.UsageOperation } : {}),
    ...(image.Architecture ? { architecture: image.Architecture } : {}),
    ...(why ? { why } : {}),
  };
}

const resolved = new WeakMap<object, Map<string, Promise<ResolvedImage>>>();

/** The image an alias means for this instance type, or the image an ami-… id names; asked once
 * per client (apply starts the question early, beside the network, and the launch picks up the
 * answer). */
export function resolveImage(ctx: ProviderContext, image: string, instanceType: string): Promise<ResolvedImage> {
  let known = resolved.get(clientKey(ctx.ec2));
  if (!known) resolved.set(clientKey(ctx.ec2), (known = new Map()));
  const architecture = architectureOfInstanceType(instanceType);
  const key = imageAliases[image] ? `${image}|${architecture}` : image;
  let answer = known.get(key);
  if (!answer) {
    answer = lookUpImage(ctx, image, instanceType);
    known.set(key, answer);
    // Whoever awaits it sees a failure; an early question nobody awaited must not crash the process.
    answer.catch(() => undefined);
  }
  return answer;
}

/** With AWS's answer as the cause, its code; without one (DescribeImages found nothing), the code
 * AWS answers a launch with that image. */
function imageNotFound(image: string, region: string, cause?: unknown): Error {
  const message = t('The image {0} does not exist in {1} (or is not shared with this account).', image, region);
  return new AwsLayerError(errorCode(cause) ?? 'InvalidAMIID.NotFound', message, cause ? { cause } : {});
}

async function lookUpImage(ctx: ProviderContext, image: string, instanceType: string): Promise<ResolvedImage> {
  const alias = imageAliases[image];
  if (!alias) {
    const out = await ctx.ec2.send(new DescribeImagesCommand({ ImageIds: [image] })).catch((error: unknown) => {
      const code = (error as { name?: string }).name;
      if (code === 'InvalidAMIID.NotFound' || code === 'InvalidAMIID.Malformed') throw imageNotFound(image, ctx.region, error);
      throw error;
    });
    const found = out.Images?.[0];
    if (!found) throw imageNotFound(image, ctx.region);
    return resolvedFrom(found);
  }
  const architecture = architectureOfInstanceType(instanceType);
  // Every image of the family (both architectures, betas included) so the answer can say what
  // was passed over; AWS itself leaves deprecated public images out unless asked for them.
  const out = await ctx.ec2.send(
    new DescribeImagesCommand({
      Owners: [alias.owner],
      Filters: [
        { Name: 'name', Values: [alias.namePattern(architecture)] },
        { Name: 'virtualization-type', Values: ['hvm'] },
      ],
    }),
  );
  const images = (out.Images ?? []).filter((i) => i.ImageId);
  const choice = chooseImage(
    image,
    images.map((i) => ({ imageId: i.ImageId!, name: i.Name, architecture: i.Architecture, state: i.State, creationDate: i.CreationDate, deprecationTime: i.DeprecationTime, source: i })),
    architecture,
    instanceType,
  );
  if (!choice.image) throw new AwsLayerError('ImageAliasNotFound', `${choice.why} (${t('owner {0}, name {1}, region {2}', alias.owner, alias.namePattern(architecture), ctx.region)})`);
  return resolvedFrom(choice.image.source, choice.why);
}

/** `export`: the image each alias of the blueprint means now, asked with read calls only (the
 * same choice apply makes). Rejects when EC2 cannot be reached or refuses. */
export async function resolveImagesFor(
  instances: readonly { name: string; image: string; instanceType: string }[],
  target: AwsTarget & { region: string },
): Promise<Record<string, ResolvedImage>> {
  const connection = connectEc2(target, true);
  try {
    const ctx: ProviderContext = { ec2: connection.ec2, stack: '', region: target.region, keyDir: '', progress: () => {} };
    const out: Record<string, ResolvedImage> = {};
    await Promise.all(instances.map(async (i) => (out[i.name] = await resolveImage(ctx, i.image, i.instanceType))));
    return out;
  } finally {
    connection.ec2.destroy();
  }
}

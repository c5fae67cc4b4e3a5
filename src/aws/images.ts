// Image aliases → the newest matching public image of its publisher, always asked for by owner and
// name (an unfiltered DescribeImages lists every public image in the region).
import { DescribeImagesCommand, type Image } from '@aws-sdk/client-ec2';
import { t } from '@vscode/l10n';
import type { ProviderContext } from './provider';

export interface ImageAlias {
  owner: string;
  namePattern: string;
  /** The default SSH user of the family. */
  sshUser: string;
}

export const imageAliases: Record<string, ImageAlias> = {
  'rhel-8': { owner: '309956199498', namePattern: 'RHEL-8*', sshUser: 'ec2-user' },
  'rhel-9': { owner: '309956199498', namePattern: 'RHEL-9*', sshUser: 'ec2-user' },
  'amazon-linux-2023': { owner: '137112412989', namePattern: 'al2023-ami-2023*', sshUser: 'ec2-user' },
  al2023: { owner: '137112412989', namePattern: 'al2023-ami-2023*', sshUser: 'ec2-user' },
  'ubuntu-24.04': { owner: '099720109477', namePattern: 'ubuntu/images/hvm-ssd*/ubuntu-noble-24.04-amd64-server-*', sshUser: 'ubuntu' },
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
}

function resolvedFrom(image: Image): ResolvedImage {
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
  };
}

const resolved = new WeakMap<object, Map<string, Promise<ResolvedImage>>>();

/** The newest x86_64 HVM image for an alias, or the image an ami-… id names; asked once per client
 * (apply starts the question early, beside the network, and the launch picks up the answer). */
export function resolveImage(ctx: ProviderContext, image: string): Promise<ResolvedImage> {
  let known = resolved.get(ctx.ec2);
  if (!known) resolved.set(ctx.ec2, (known = new Map()));
  let answer = known.get(image);
  if (!answer) {
    answer = lookUpImage(ctx, image);
    known.set(image, answer);
    // Whoever awaits it sees a failure; an early question nobody awaited must not crash the process.
    answer.catch(() => undefined);
  }
  return answer;
}

async function lookUpImage(ctx: ProviderContext, image: string): Promise<ResolvedImage> {
  const alias = imageAliases[image];
  if (!alias) {
    const out = await ctx.ec2.send(new DescribeImagesCommand({ ImageIds: [image] })).catch((error: unknown) => {
      if ((error as { name?: string }).name === 'InvalidAMIID.NotFound' || (error as { name?: string }).name === 'InvalidAMIID.Malformed')
        throw Object.assign(new Error(t('The image {0} does not exist in {1} (or is not shared with this account).', image, ctx.region)), { name: (error as { name: string }).name, cause: error });
      throw error;
    });
    const found = out.Images?.[0];
    if (!found) throw Object.assign(new Error(t('The image {0} does not exist in {1} (or is not shared with this account).', image, ctx.region)), { name: 'InvalidAMIID.NotFound' });
    return resolvedFrom(found);
  }
  const out = await ctx.ec2.send(
    new DescribeImagesCommand({
      Owners: [alias.owner],
      Filters: [
        { Name: 'name', Values: [alias.namePattern] },
        { Name: 'architecture', Values: ['x86_64'] },
        { Name: 'virtualization-type', Values: ['hvm'] },
        { Name: 'state', Values: ['available'] },
      ],
    }),
  );
  const newest = newestImage(out.Images ?? []);
  if (!newest) throw Object.assign(new Error(t('No image for "{0}" was found in {1} (owner {2}, name {3}).', image, ctx.region, alias.owner, alias.namePattern)), { name: 'ImageAliasNotFound' });
  return resolvedFrom(newest);
}

export function newestImage(images: readonly Image[]): Image | undefined {
  return [...images].filter((i) => i.ImageId).sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? ''))[0];
}

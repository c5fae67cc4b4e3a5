// Which published image an alias (`rhel-8`, `al2023`, `ubuntu-24.04`) means: pure, so the rules are
// tested without EC2. An alias means a generally available, pay-as-you-go image in state
// `available`, not deprecated, of the architecture the instance type runs; the newest such image.
import { t } from '@vscode/l10n';

export type Architecture = 'x86_64' | 'arm64';

/** AWS's Graviton families (a1, t4g, m6g, m7gd, c7gn, r8g, x2gd, im4gn, is4gen, g5g, hpc7g…) run
 * arm64: a `g` right after the generation digit. Everything else here runs x86_64. */
export function architectureOfInstanceType(instanceType: string): Architecture {
  return /^(a1|[a-z]+\d+g[a-z]*)\./.test(instanceType) ? 'arm64' : 'x86_64';
}

/** What DescribeImages tells about one image, as far as the choice needs it. */
export interface ImageFacts {
  imageId: string;
  name?: string;
  architecture?: string;
  state?: string;
  creationDate?: string;
  deprecationTime?: string;
}

export interface ImageChoice<T extends ImageFacts = ImageFacts> {
  image?: T;
  /** One sentence for the user: which image and why. */
  why: string;
  /** Images of the family passed over, each with its reason. */
  skipped: { name: string; reason: string }[];
}

/** Why an image of the family is not what the alias means, or undefined when it qualifies. */
export function disqualification(image: ImageFacts, architecture: Architecture, now: Date): string | undefined {
  const name = image.name ?? '';
  if (image.state && image.state !== 'available') return t('state {0}', image.state);
  if (/BETA|_Beta|-beta|\.rc\d|_RC\d/i.test(name)) return t('a beta');
  if (/Access2/.test(name)) return t('Cloud Access (bring your own subscription)');
  if (/minimal|daily|testing|nightly/i.test(name)) return t('not the standard image');
  if (image.deprecationTime && Date.parse(image.deprecationTime) <= now.getTime()) return t('deprecated since {0}', image.deprecationTime.slice(0, 10));
  if (image.architecture && image.architecture !== architecture) return t('{0}, not {1}', image.architecture, architecture);
  return undefined;
}

/** The newest image that qualifies, with the reason in words. */
export function chooseImage<T extends ImageFacts>(alias: string, images: readonly T[], architecture: Architecture, instanceType: string, now: Date = new Date()): ImageChoice<T> {
  const skipped: ImageChoice['skipped'] = [];
  const fitting: T[] = [];
  for (const image of images) {
    const reason = disqualification(image, architecture, now);
    if (reason) skipped.push({ name: image.name ?? image.imageId, reason });
    else fitting.push(image);
  }
  fitting.sort((a, b) => (b.creationDate ?? '').localeCompare(a.creationDate ?? ''));
  const image = fitting[0];
  const passedOver = skipped.filter((s) => !/, not /.test(s.reason)).map((s) => `${s.name} (${s.reason})`);
  const why = image
    ? t('"{0}" is {1} ({2}): the newest of {3} generally available, pay-as-you-go, non-deprecated {4} images, {4} because {5} runs {4}.', alias, image.name ?? image.imageId, image.imageId, fitting.length, architecture, instanceType) +
      (passedOver.length ? ' ' + t('Passed over: {0}.', passedOver.join(', ')) : '')
    : t('No generally available, pay-as-you-go, non-deprecated {0} image for "{1}" was found.', architecture, alias) + (passedOver.length ? ' ' + t('Passed over: {0}.', passedOver.join(', ')) : '');
  return { ...(image ? { image } : {}), why, skipped };
}

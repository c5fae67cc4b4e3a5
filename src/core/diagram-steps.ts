// The tutorial's pictures, from the blueprint alone: the final target, then the picture after each
// step of the build (part one, + security group, + network interface, + Elastic IP, + instance),
// so a beginner can follow the build before anything exists.
import { t } from '@vscode/l10n';
import type { Blueprint } from './schema';
import { components, type Kind } from './model';
import { buildDiagram, type Diagram, type DiagramOptions } from './diagram';

export interface DiagramStep {
  index: number;
  title: string;
  /** The components drawn in this picture. */
  names: string[];
  /** The components this step adds (highlighted). */
  added: string[];
}

/** The kinds each step adds, in the tutorial's order (step 0 is the final target: everything). */
const stepKinds: { title: () => string; kinds: Kind[] }[] = [
  { title: () => t('Part one: VPC, subnet, internet gateway, route table'), kinds: ['vpc', 'subnet', 'internetGateway', 'routeTable', 'networkAcl'] },
  { title: () => t('+ security group'), kinds: ['securityGroup'] },
  { title: () => t('+ network interface'), kinds: ['networkInterface'] },
  { title: () => t('+ Elastic IP'), kinds: ['elasticIp'] },
  { title: () => t('+ key pair and EC2 instance'), kinds: ['keyPair', 'instance'] },
];

export function tutorialSteps(bp: Blueprint): DiagramStep[] {
  const all = components(bp);
  const steps: DiagramStep[] = [{ index: 0, title: t('Final target'), names: all.map((c) => c.name), added: [] }];
  const so_far: string[] = [];
  for (const step of stepKinds) {
    const added = all.filter((c) => step.kinds.includes(c.kind)).map((c) => c.name);
    so_far.push(...added);
    steps.push({ index: steps.length, title: step.title(), names: [...so_far], added });
  }
  return steps;
}

/** The picture of one step (statuses still come from the state, when given). */
export function stepDiagram(bp: Blueprint, index: number, options: Omit<DiagramOptions, 'only' | 'added'> = {}): Diagram {
  const step = tutorialSteps(bp)[index];
  if (!step) throw new RangeError(`There is no step ${index}.`);
  return buildDiagram(bp, { ...options, only: new Set(step.names), added: new Set(step.added) });
}

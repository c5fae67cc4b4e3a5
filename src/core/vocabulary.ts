// The product's words for its own things, one table each: what a resource kind and a component's
// status are called, in the display language. Messages, views, the CLI and the diagram (whose
// webview gets them from the host) take their words from here, never the code names
// ("security group", not "securityGroup").
import { t } from '@vscode/l10n';
import type { Kind } from './model';
import type { ComponentStatus } from './state';
import type { ActionKind } from './plan';

export { statusSymbol } from '../shared/vocabulary';

const kindWords: Record<Kind, () => string> = {
  vpc: () => t('VPC'),
  subnet: () => t('subnet'),
  internetGateway: () => t('internet gateway'),
  routeTable: () => t('route table'),
  securityGroup: () => t('security group'),
  networkAcl: () => t('network ACL'),
  networkInterface: () => t('network interface'),
  elasticIp: () => t('Elastic IP'),
  natGateway: () => t('NAT gateway'),
  keyPair: () => t('key pair'),
  instance: () => t('EC2 instance'),
};

/** "security group" for `securityGroup`. */
export function kindWord(kind: Kind): string {
  return kindWords[kind]();
}

const actionWords: Record<ActionKind, () => string> = {
  create: () => t('create'),
  update: () => t('update'),
  replace: () => t('replace'),
  delete: () => t('delete'),
  keep: () => t('keep'),
};

/** "create" for a plan's `create`, in the display language (the CLI's plan and progress lines,
 * the engine's messages). */
export function actionWord(action: ActionKind): string {
  return actionWords[action]();
}

/** True for a resource kind's code name (a traffic hop's kind may also be "internet", "publicIp"). */
export function isKind(word: string): word is Kind {
  return Object.hasOwn(kindWords, word);
}

const statusWords: Record<ComponentStatus, () => string> = {
  planned: () => t('planned'),
  'in-progress': () => t('in progress'),
  created: () => t('created'),
  failed: () => t('failed'),
  drifted: () => t('drifted'),
};

/** The status's word. In a list of components (the resource view, the picks) a component not made
 * yet reads "not created": "planned" there would read as an action of the plan. */
export function statusWord(status: ComponentStatus, where: 'picture' | 'list' = 'picture'): string {
  return where === 'list' && status === 'planned' ? t('not created') : statusWords[status]();
}

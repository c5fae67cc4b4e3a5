// Apply All, Apply Component… and one command per kind (the tutorial's steps). Applying one
// component applies its missing dependencies first; the quick pick says which.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunResult } from '../../core/engine-api';
import { dependenciesOf, type Component, type Kind } from '../../core/model';
import { statusOf, type StateFile } from '../../core/state';
import { httpUrlOf } from '../../core/http-wait';
import { cancellationOf, runWithProgress } from '../run-engine';
import { statusIcon } from '../labels';
import { kindWord, statusWord } from '../../core/vocabulary';
import type { CommandContext, OpenBlueprint } from './command';

export async function applyAll(ctx: CommandContext, arg?: unknown, ...rest: unknown[]): Promise<RunResult | undefined> {
  const bp = await ctx.blueprint(arg);
  if (!bp) return undefined;
  const result = await runWithProgress(
    ctx,
    bp,
    vscode.l10n.t('Applying {0}', path.basename(bp.path)),
    (options) => ctx.loadEngine().apply({ path: bp.path, text: bp.text }, options),
    cancellationOf(rest),
  );
  if (result?.ok) waitForWebServers(ctx, bp, result);
  return result;
}

/** After an apply that launched an instance with user data: a progress step of its own (not
 * holding the apply) waits for its web page, then offers to open it. */
function waitForWebServers(ctx: CommandContext, bp: OpenBlueprint, result: RunResult): void {
  for (const instance of bp.blueprint.instances ?? []) {
    if (instance.userData === undefined && instance.userDataFile === undefined) continue;
    const launched = result.plan.actions.some((a) => a.name === instance.name && (a.action === 'create' || a.action === 'replace'));
    const address = result.state.resources[instance.name]?.attributes.publicIp;
    if (!launched || typeof address !== 'string') continue;
    const url = httpUrlOf(address);
    void import('./browser').then(async ({ waitForPage }) => {
      if (!(await waitForPage(ctx, instance.name, url))) return;
      const open = vscode.l10n.t('Open in Browser');
      const choice = await vscode.window.showInformationMessage(vscode.l10n.t('{0} answers: the web server of "{1}" is up.', url, instance.name), open);
      if (choice === open) await vscode.env.openExternal(vscode.Uri.parse(url));
    });
  }
}

/** The component name an argument carries: a string, or a resource-view node / object with `name`. */
export function nameOfArgument(arg: unknown): string | undefined {
  if (typeof arg === 'string' && !arg.includes('/') && !arg.includes('\\')) return arg;
  if (arg && typeof arg === 'object' && typeof (arg as { name?: unknown }).name === 'string' && !(arg instanceof vscode.Uri)) return (arg as { name: string }).name;
  return undefined;
}

export async function applyComponent(ctx: CommandContext, arg?: unknown, nameArg?: unknown, ...rest: unknown[]): Promise<RunResult | undefined> {
  return applyOne(ctx, undefined, arg, nameArg, rest);
}

async function applyOne(ctx: CommandContext, kind: Kind | undefined, arg: unknown, nameArg: unknown, rest: unknown[] = []): Promise<RunResult | undefined> {
  const bp = await ctx.blueprint(arg);
  if (!bp) return undefined;
  const state = await ctx.readState(bp.path);
  const candidates = kind ? bp.components.filter((c) => c.kind === kind) : bp.components;
  if (candidates.length === 0) {
    void vscode.window.showWarningMessage(vscode.l10n.t('{0} declares no {1}. Add one to the blueprint first.', path.basename(bp.path), kind ? kindWord(kind) : vscode.l10n.t('component')));
    return undefined;
  }
  const wanted = nameOfArgument(nameArg) ?? nameOfArgument(arg);
  let component: Component | undefined;
  if (wanted) {
    component = candidates.find((c) => c.name === wanted);
    if (!component) throw new Error(vscode.l10n.t('There is no {0} named "{1}" in {2}.', kind ? kindWord(kind) : vscode.l10n.t('component'), wanted, path.basename(bp.path)));
  } else if (candidates.length === 1 && kind) {
    component = candidates[0];
  } else {
    component = await pickComponent(bp, candidates, state, kind);
  }
  if (!component) return undefined;
  const missing = missingDependencies(bp, component, state);
  if (missing.length > 0) ctx.log.info(vscode.l10n.t('"{0}" needs {1} first; they are created too.', component.name, missing.join(', ')));
  const title = missing.length > 0
    ? vscode.l10n.t('Applying {0} {1} (and {2})', kindWord(component.kind), component.name, missing.join(', '))
    : vscode.l10n.t('Applying {0} {1}', kindWord(component.kind), component.name);
  const only = component.name;
  return runWithProgress(ctx, bp, title, (options) => ctx.loadEngine().apply({ path: bp.path, text: bp.text }, { ...options, only }), cancellationOf(rest));
}

function missingDependencies(bp: OpenBlueprint, component: Component, state: StateFile | undefined): string[] {
  return dependenciesOf(bp.components, component.name).filter((n) => !state?.resources[n]);
}

async function pickComponent(bp: OpenBlueprint, candidates: Component[], state: StateFile | undefined, kind: Kind | undefined): Promise<Component | undefined> {
  const items = candidates.map((c) => {
    const status = statusOf(state, c.name);
    const id = state?.resources[c.name]?.id;
    const missing = missingDependencies(bp, c, state);
    return {
      label: `$(${statusIcon(status)}) ${c.name}`,
      description: [kindWord(c.kind), statusWord(status, 'list'), id].filter(Boolean).join(' · '),
      ...(missing.length > 0 ? { detail: vscode.l10n.t('will also create: {0}', missing.join(', ')) } : {}),
      component: c,
    };
  });
  const picked = await vscode.window.showQuickPick(items, {
    placeHolder: kind ? vscode.l10n.t('Which {0}?', kindWord(kind)) : vscode.l10n.t('Which component? (in the order they are created)'),
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked?.component;
}

const perKind = (kind: Kind) => (ctx: CommandContext, arg?: unknown, nameArg?: unknown, ...rest: unknown[]) => applyOne(ctx, kind, arg, nameArg, rest);

export const createVpc = perKind('vpc');
export const createSubnet = perKind('subnet');
export const createInternetGateway = perKind('internetGateway');
export const createRouteTable = perKind('routeTable');
export const createSecurityGroup = perKind('securityGroup');
export const createNetworkAcl = perKind('networkAcl');
export const createNetworkInterface = perKind('networkInterface');
export const allocateElasticIp = perKind('elasticIp');
export const createKeyPair = perKind('keyPair');
export const launchInstance = perKind('instance');

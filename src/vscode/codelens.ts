// CodeLens above each resource: "Create" until it exists, then its id and status, "Update" when
// the last plan says it differs, and "Show in diagram". Cheap: state from disk, plans only on
// demand (never an AWS call per keystroke).
import * as vscode from 'vscode';
import { components, dependencyOrder } from '../core/model';
import type { Plan } from '../core/plan';
import { statusOf } from '../core/state';
import { isBlueprintPath, type ValidationCache } from './blueprint-files';
import { toRange } from './diagnostics';
import { statusWord } from '../core/vocabulary';
import type { StateStore } from './state-store';

export class BlueprintCodeLens implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly validation: ValidationCache,
    private readonly states: StateStore,
    private readonly plans: Map<string, Plan>,
  ) {
    this.subscription = states.onDidChange(() => this.changed.fire());
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (!isBlueprintPath(document.uri.path)) return [];
    const result = await this.validation.validate(document.uri.toString(), document.version, document.getText());
    if (!result.blueprint) return [];
    const state = await this.states.read(document.uri.fsPath);
    const plan = this.plans.get(document.uri.fsPath);
    const lenses: vscode.CodeLens[] = [];
    for (const c of dependencyOrder(components(result.blueprint))) {
      // Single resources (vpc:, internetGateway:) at their key; list items at their first line.
      const range = toRange(result.source.range(c.path, c.path.length === 1 ? 'key' : 'value'));
      const at = new vscode.Range(range.start, range.start);
      const args = [document.uri, c.name];
      const status = statusOf(state, c.name);
      const resource = state?.resources[c.name];
      const planned = plan?.actions.find((a) => a.name === c.name);
      if (!resource) {
        if (status === 'in-progress') lenses.push(new vscode.CodeLens(at, { title: `$(sync~spin) ${statusWord(status, 'list')}`, command: '' }));
        else if (status === 'failed') {
          lenses.push(new vscode.CodeLens(at, { title: `$(error) ${vscode.l10n.t('failed: {0}', shorten(state?.failures?.[c.name]?.message ?? ''))}`, command: 'ec2Blueprint.showLog' }));
          lenses.push(new vscode.CodeLens(at, { title: vscode.l10n.t('Retry'), command: 'ec2Blueprint.applyComponent', arguments: args }));
        } else lenses.push(new vscode.CodeLens(at, { title: `$(add) ${vscode.l10n.t('Create')}`, tooltip: vscode.l10n.t('Create {0} (and anything it needs first)', c.name), command: 'ec2Blueprint.applyComponent', arguments: args }));
      } else {
        lenses.push(new vscode.CodeLens(at, { title: `${resource.id} · ${statusWord(status, 'list')}`, tooltip: vscode.l10n.t('Show in the resource view'), command: 'ec2Blueprint.resources.focus' }));
        if (status === 'drifted' || (planned && (planned.action === 'update' || planned.action === 'replace'))) {
          const title = planned?.action === 'replace' ? vscode.l10n.t('Replace') : vscode.l10n.t('Update');
          lenses.push(new vscode.CodeLens(at, { title, tooltip: planned?.reason ?? (resource.drift ?? []).join('; '), command: 'ec2Blueprint.applyComponent', arguments: args }));
        }
      }
      // An instance that sets up a web server from its user data: the way to the page.
      const spec = c.kind === 'instance' ? result.blueprint.instances?.find((i) => i.name === c.name) : undefined;
      if (spec && (spec.userData !== undefined || spec.userDataFile !== undefined) && typeof resource?.attributes.publicIp === 'string')
        lenses.push(new vscode.CodeLens(at, { title: `$(globe) ${vscode.l10n.t('Open in Browser')}`, tooltip: `http://${resource.attributes.publicIp}/`, command: 'ec2Blueprint.openInBrowser', arguments: args }));
      lenses.push(new vscode.CodeLens(at, { title: vscode.l10n.t('Show in diagram'), command: 'ec2Blueprint.showDiagram', arguments: args }));
    }
    return lenses;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

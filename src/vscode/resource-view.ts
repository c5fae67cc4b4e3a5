// The Explorer's "Blueprint Resources" view: each blueprint's components in dependency order with
// their status icon and AWS id, read from the state file (no AWS call).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { components, dependencyOrder, type Kind } from '../core/model';
import { statusOf, type ComponentStatus } from '../core/state';
import { blueprintGlob, type ValidationCache } from './blueprint-files';
import { textOf } from './context';
import { statusColor, statusIcon } from './labels';
import { kindWord, statusWord } from '../core/vocabulary';
import type { StateStore } from './state-store';

export interface BlueprintNode {
  type: 'blueprint';
  blueprintUri: vscode.Uri;
  errors: number;
}

/** A component row. Commands receive it as their argument (name, blueprintUri, id, kind). */
export interface ComponentNode {
  type: 'component';
  blueprintUri: vscode.Uri;
  name: string;
  kind: Kind;
  status: ComponentStatus;
  id?: string;
  region: string;
  /** Path of the resource in the YAML document, for "Reveal in YAML". */
  yamlPath: readonly (string | number)[];
}

export type ResourceNode = BlueprintNode | ComponentNode;

export class ResourceView implements vscode.TreeDataProvider<ResourceNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ResourceNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly validation: ValidationCache,
    private readonly states: StateStore,
  ) {
    this.subscriptions.push(
      states.onDidChange(() => this.refresh()),
      vscode.workspace.onDidSaveTextDocument(() => this.refresh()),
      vscode.workspace.onDidCreateFiles(() => this.refresh()),
      vscode.workspace.onDidDeleteFiles(() => this.refresh()),
    );
  }

  /** Coalesces bursts (an apply fires many state changes; typing fires one per key). */
  refresh(delayMs = 100): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.changed.fire(undefined), delayMs);
  }

  async getChildren(element?: ResourceNode): Promise<ResourceNode[]> {
    if (!element) {
      const files = (await vscode.workspace.findFiles(blueprintGlob, '**/node_modules/**', 50)).sort((a, b) => a.fsPath.localeCompare(b.fsPath));
      const nodes = await Promise.all(files.map((uri) => this.blueprintNode(uri)));
      // One blueprint (the usual case): show its components at the top level.
      if (nodes.length === 1 && nodes[0]!.errors === 0) return this.componentsOf(nodes[0]!.blueprintUri);
      return nodes;
    }
    return element.type === 'blueprint' ? this.componentsOf(element.blueprintUri) : [];
  }

  private async blueprintNode(uri: vscode.Uri): Promise<BlueprintNode> {
    const { text, version } = await textOf(uri);
    const result = await this.validation.validate(uri.toString(), version, text);
    return { type: 'blueprint', blueprintUri: uri, errors: result.blueprint ? 0 : result.diagnostics.filter((d) => d.severity === 'error').length };
  }

  private async componentsOf(uri: vscode.Uri): Promise<ComponentNode[]> {
    const { text, version } = await textOf(uri);
    const result = await this.validation.validate(uri.toString(), version, text);
    if (!result.blueprint) return [];
    const bp = result.blueprint;
    const state = await this.states.read(uri.fsPath);
    return dependencyOrder(components(bp)).map((c) => {
      const id = state?.resources[c.name]?.id;
      return { type: 'component', blueprintUri: uri, name: c.name, kind: c.kind, status: statusOf(state, c.name), ...(id ? { id } : {}), region: state?.region ?? bp.region, yamlPath: c.path };
    });
  }

  getTreeItem(node: ResourceNode): vscode.TreeItem {
    if (node.type === 'blueprint') {
      const item = new vscode.TreeItem(path.basename(node.blueprintUri.fsPath), node.errors > 0 ? vscode.TreeItemCollapsibleState.None : vscode.TreeItemCollapsibleState.Expanded);
      item.resourceUri = node.blueprintUri;
      item.description = node.errors > 0 ? vscode.l10n.t('{0} error(s)', node.errors) : vscode.workspace.asRelativePath(path.dirname(node.blueprintUri.fsPath));
      item.iconPath = new vscode.ThemeIcon(node.errors > 0 ? 'error' : 'file-code');
      item.contextValue = 'blueprint';
      item.command = { command: 'vscode.open', title: vscode.l10n.t('Open'), arguments: [node.blueprintUri] };
      return item;
    }
    const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.None);
    item.id = `${node.blueprintUri.toString()}#${node.name}`;
    item.description = [kindWord(node.kind), node.id ?? statusWord(node.status, 'list')].join(' · ');
    item.iconPath = new vscode.ThemeIcon(statusIcon(node.status), statusColor(node.status));
    item.tooltip = new vscode.MarkdownString(
      `**${node.name}** — ${kindWord(node.kind)}\n\n${vscode.l10n.t('Status')}: ${statusWord(node.status, 'list')}${node.id ? `\n\n${vscode.l10n.t('AWS id')}: \`${node.id}\`` : ''}`,
    );
    item.contextValue = `component.${node.status}${node.id ? '.hasId' : ''}`;
    item.command = { command: 'ec2Blueprint.revealInYaml', title: vscode.l10n.t('Reveal in YAML'), arguments: [node] };
    return item;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.changed.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}

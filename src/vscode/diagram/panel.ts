// The diagram panel: one webview per blueprint. It draws from the blueprint (the editor's text,
// saved or not), the state file on disk (watched, so an apply from the CLI in a terminal shows up)
// and the engine's events (instant restyle, then a batched full picture). Every message from the
// webview is validated before anything acts on it.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { validateBlueprint } from '../../core/validate';
import { components } from '../../core/model';
import { statePathFor, type StateFile } from '../../core/state';
import { nodeId, type LiveStatus, type TrafficOverlay } from '../../core/diagram';
import { trafficOverlay } from '../../core/reach-overlay';
import type { Blueprint } from '../../core/schema';
import type { EngineEvent } from '../../core/events';
import type { SourceMap } from '../../core/diagnostics';
import { parseWebviewMessage, type HostToWebview, type PathToggles, type WebviewState, type WebviewToHost } from '../../shared/protocol';
import type { CommandContext } from '../commands/command';
import { diagramHtml } from './html';
import { diagramMessage, type DiagramMessage } from './message';
import { diagramViewType } from './serializer';
import { pricesByComponent } from '../../core/cost';
import { settingsSection } from '../settings';

const toolbarCommands = { apply: 'ec2Blueprint.applyAll', plan: 'ec2Blueprint.plan', refresh: 'ec2Blueprint.refresh' } as const;
/** Quiet time before a full picture is sent after edits or events (bursts draw once). */
const typingDelayMs = 300;
const eventDelayMs = 120;

export class DiagramPanel implements vscode.Disposable {
  static readonly viewType = diagramViewType;
  private static readonly open = new Map<string, DiagramPanel>();

  /** Opens (or brings forward) the diagram of a blueprint. */
  static show(ctx: CommandContext, blueprintUri: vscode.Uri, options: { paths?: PathToggles; select?: string } = {}): DiagramPanel {
    const existing = DiagramPanel.open.get(blueprintUri.toString());
    if (existing) {
      existing.panel.reveal(undefined, true);
      if (options.paths) existing.setPaths(options.paths);
      if (options.select) existing.select(options.select);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(DiagramPanel.viewType, DiagramPanel.titleOf(blueprintUri), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, DiagramPanel.webviewOptions(ctx));
    const created = new DiagramPanel(ctx, panel, blueprintUri, { step: null, paths: options.paths ?? { inbound: false, reply: false } });
    if (options.select) created.select(options.select);
    return created;
  }

  /** Restores a panel after a window reload (see serializer.ts, registered at activation with the
   * activation event onWebviewPanel:ec2Blueprint.diagram). */
  static restore(ctx: CommandContext, panel: vscode.WebviewPanel, saved: Partial<WebviewState> | undefined): DiagramPanel | undefined {
    if (!saved?.uri) {
      panel.dispose();
      return undefined;
    }
    panel.webview.options = DiagramPanel.webviewOptions(ctx);
    return new DiagramPanel(ctx, panel, vscode.Uri.parse(saved.uri), { step: saved.step ?? null, paths: saved.paths ?? { inbound: false, reply: false } });
  }

  private static webviewOptions(ctx: CommandContext): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      // Live updates arrive while the panel is in the background; keeping it avoids a full reload.
      retainContextWhenHidden: true,
      localResourceRoots: [vscode.Uri.joinPath(ctx.extension.extensionUri, 'dist', 'webview')],
    };
  }

  private static titleOf(uri: vscode.Uri): string {
    return vscode.l10n.t('Diagram: {0}', path.basename(uri.path));
  }

  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private blueprint: Blueprint | undefined;
  private source: SourceMap | undefined;
  private notice: string | undefined;
  private state: StateFile | undefined;
  private live: Record<string, LiveStatus> = {};
  private step: number | null;
  private paths: PathToggles;
  private readonly expanded = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastPosted: DiagramMessage | undefined;
  private pendingSelect: string | undefined;
  private disposed = false;

  private constructor(
    private readonly ctx: CommandContext,
    readonly panel: vscode.WebviewPanel,
    readonly blueprintUri: vscode.Uri,
    initial: { step: number | null; paths: PathToggles },
  ) {
    this.step = initial.step;
    this.paths = initial.paths;
    DiagramPanel.open.set(blueprintUri.toString(), this);
    panel.title = DiagramPanel.titleOf(blueprintUri);
    const webview = panel.webview;
    webview.html = diagramHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(ctx.extension.extensionUri, 'dist', 'webview', 'main.js')).toString(),
      title: panel.title,
    });
    this.disposables.push(
      webview.onDidReceiveMessage((raw) => this.receive(raw)),
      panel.onDidDispose(() => this.dispose()),
      ctx.events.event((event) => this.update(event)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.toString() === blueprintUri.toString()) this.schedule(typingDelayMs, true);
      }),
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (d.uri.toString() === blueprintUri.toString()) this.schedule(0, true);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => (e.affectsConfiguration(`${settingsSection}.diagram.showPrices`) ? this.schedule(0) : undefined)),
    );
    // The state file on disk: a CLI apply in a terminal updates the picture too.
    const statePath = statePathFor(blueprintUri.fsPath);
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(statePath)), path.basename(statePath)));
    const onState = () => void this.reloadState().then(() => this.schedule(eventDelayMs));
    this.disposables.push(watcher, watcher.onDidChange(onState), watcher.onDidCreate(onState), watcher.onDidDelete(onState));
    // The blueprint file changing on disk while not open in an editor.
    if (blueprintUri.scheme === 'file') {
      const fileWatcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(blueprintUri.fsPath)), path.basename(blueprintUri.fsPath)));
      this.disposables.push(fileWatcher, fileWatcher.onDidChange(() => this.schedule(typingDelayMs, true)));
    }
    void this.reload();
  }

  // ---- the entry point the VS Code surface calls on engine events ----------------------------

  /** Applies an engine event: the node restyles at once, the full picture follows shortly. */
  update(event: EngineEvent): void {
    if (this.disposed) return;
    const names = new Set(this.blueprint ? components(this.blueprint).map((c) => c.name) : []);
    const set = (name: string, live: LiveStatus) => {
      if (!names.has(name)) return;
      this.live[name] = live;
      this.post({ type: 'status', changes: [{ id: nodeId(name), name, status: live.status, ...(live.id ? { awsId: live.id } : {}) }] });
      this.schedule(eventDelayMs);
    };
    switch (event.type) {
      case 'started':
        if (event.action !== 'keep') set(event.name, { status: 'in-progress', ...(this.state?.resources[event.name]?.id ? { id: this.state.resources[event.name]!.id } : {}) });
        break;
      case 'done':
        set(event.name, event.action === 'delete' ? { status: 'planned' } : { status: 'created', ...(event.id ? { id: event.id } : {}) });
        break;
      case 'failed':
        set(event.name, { status: 'failed' });
        break;
      case 'finished':
        void this.reloadState().then(() => {
          this.live = {};
          this.schedule(0);
        });
        break;
      default:
        break;
    }
  }

  // ---- what the panel shows ------------------------------------------------------------------

  setPaths(paths: PathToggles): void {
    this.paths = paths;
    this.schedule(0);
  }

  setStep(step: number | null): void {
    this.step = step;
    this.schedule(0);
  }

  /** Highlights a component in the picture and shows its details. */
  select(name: string): void {
    this.pendingSelect = name;
    this.schedule(0);
  }

  /** Asks the webview for an SVG or PNG; the save dialog follows when it arrives. */
  export(format: 'svg' | 'png'): void {
    this.post({ type: 'export', format });
  }

  /** Re-reads the blueprint and the state and redraws now. */
  async reload(): Promise<void> {
    await Promise.all([this.reloadBlueprint(), this.reloadState()]);
    this.postPicture();
  }

  private async reloadBlueprint(): Promise<void> {
    let text: string;
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === this.blueprintUri.toString());
    try {
      text = doc ? doc.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(this.blueprintUri));
    } catch (error) {
      this.notice = vscode.l10n.t('{0} cannot be read: {1}', path.basename(this.blueprintUri.path), error instanceof Error ? error.message : String(error));
      return;
    }
    const result = validateBlueprint(text);
    if (result.blueprint) {
      this.blueprint = result.blueprint;
      this.source = result.source;
      this.notice = undefined;
    } else {
      const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
      this.notice = this.blueprint
        ? vscode.l10n.t('The blueprint has {0} error(s): the picture shows its last valid version.', errors)
        : vscode.l10n.t('The blueprint has {0} error(s); fix them to see the diagram.', errors);
    }
  }

  private async reloadState(): Promise<void> {
    this.state = await this.ctx.readState(this.blueprintUri.fsPath);
    // The state file now says what the events said; keep only runs still going.
    for (const [name, live] of Object.entries(this.live)) if (live.status !== 'in-progress') delete this.live[name];
  }

  private schedule(delayMs: number, blueprintChanged = false): void {
    if (this.disposed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (blueprintChanged) void this.reloadBlueprint().then(() => this.postPicture());
      else this.postPicture();
    }, delayMs);
  }

  private overlay(bp: Blueprint): TrafficOverlay {
    try {
      return trafficOverlay(bp, this.state ? { state: this.state } : {});
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.ctx.log.warn(`traffic analysis failed: ${reason}`);
      return { inbound: [], reply: [], blockedAt: { name: bp.vpc.name, reason: vscode.l10n.t('The traffic analysis failed: {0}', reason) } };
    }
  }

  private postPicture(): void {
    if (!this.ready || this.disposed) return;
    const bp = this.blueprint;
    if (!bp) {
      this.post(emptyPicture(this.blueprintUri, this.notice ?? vscode.l10n.t('Reading the blueprint…')));
      return;
    }
    const wantsPath = this.paths.inbound || this.paths.reply;
    const overlay = wantsPath ? this.overlay(bp) : undefined;
    const message = diagramMessage({
      blueprint: bp,
      uri: this.blueprintUri.toString(),
      title: `${path.basename(this.blueprintUri.path)} · ${bp.stack} · ${bp.region}`,
      ...(this.state ? { state: this.state } : {}),
      live: this.live,
      step: this.step,
      paths: this.paths,
      ...(overlay ? { overlay } : {}),
      expand: [...this.expanded],
      ...(this.notice ? { notice: this.notice } : {}),
      // The price toggle (off by default): each billed component's hourly price under its name.
      ...(vscode.workspace.getConfiguration(settingsSection).get<boolean>('diagram.showPrices')
        ? { prices: pricesByComponent(this.ctx.costs.get(this.blueprintUri.fsPath) ?? this.ctx.plans.get(this.blueprintUri.fsPath)?.cost) }
        : {}),
    });
    this.lastPosted = message;
    this.post(message);
    if (this.pendingSelect) {
      this.post({ type: 'select', name: this.pendingSelect });
      this.pendingSelect = undefined;
    }
  }

  private post(message: HostToWebview): void {
    if (!this.ready || this.disposed) return;
    void this.panel.webview.postMessage(message);
  }

  // ---- messages from the webview -------------------------------------------------------------

  private receive(raw: unknown): void {
    const message: WebviewToHost | undefined = parseWebviewMessage(raw);
    if (!message) {
      this.ctx.log.warn('diagram: ignored a malformed message from the webview');
      return;
    }
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.postPicture();
        break;
      case 'reveal':
        void this.reveal(message.name);
        break;
      case 'expand':
        if (this.expanded.has(message.name)) this.expanded.delete(message.name);
        else this.expanded.add(message.name);
        this.schedule(0);
        break;
      case 'command':
        void vscode.commands.executeCommand(toolbarCommands[message.command], this.blueprintUri);
        break;
      case 'paths':
        this.setPaths(message.paths);
        break;
      case 'step':
        this.setStep(message.step);
        break;
      case 'exported':
        void this.save(message.format, message.data);
        break;
      case 'rendered':
        if (this.lastPosted) this.ctx.diagramPainted?.({ uri: this.blueprintUri.toString(), message: this.lastPosted, ms: message.ms });
        break;
      case 'renderError':
        this.ctx.log.error(`diagram: ${message.message}`);
        break;
    }
  }

  /** Shows the component's lines in the YAML editor. */
  async reveal(name: string): Promise<void> {
    const bp = this.blueprint;
    const component = bp ? components(bp).find((c) => c.name === name) : undefined;
    if (!component || !this.source) return;
    const block = this.source.range(component.path);
    const nameRange = this.source.range([...component.path, 'name']);
    const toRange = (r: { line: number; column: number; endLine: number; endColumn: number }) => new vscode.Range(r.line - 1, r.column - 1, r.endLine - 1, r.endColumn - 1);
    const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === this.blueprintUri.toString());
    const editor = await vscode.window.showTextDocument(this.blueprintUri, {
      // Beside the picture, never over it.
      viewColumn: visible?.viewColumn ?? (this.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One),
      preserveFocus: false,
      selection: toRange(nameRange),
    });
    editor.revealRange(toRange(block), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private async save(format: 'svg' | 'png', data: string): Promise<void> {
    const base = path.basename(this.blueprintUri.path).replace(/\.ya?ml$/i, '');
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(this.blueprintUri, '..', `${base}.diagram.${format}`),
      filters: format === 'svg' ? { SVG: ['svg'] } : { PNG: ['png'] },
      title: vscode.l10n.t('Export the diagram'),
    });
    if (!target) return;
    const bytes = format === 'svg' ? new TextEncoder().encode(data) : Buffer.from(data.slice(data.indexOf(',') + 1), 'base64');
    await vscode.workspace.fs.writeFile(target, bytes);
    void vscode.window.showInformationMessage(vscode.l10n.t('Saved the diagram to {0}.', vscode.workspace.asRelativePath(target)));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.timer);
    DiagramPanel.open.delete(this.blueprintUri.toString());
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

function emptyPicture(uri: vscode.Uri, notice: string): DiagramMessage {
  return {
    type: 'diagram',
    uri: uri.toString(),
    mermaid: 'flowchart TB\n  empty["…"]\n',
    nodes: [],
    edges: [],
    title: path.basename(uri.path),
    steps: [],
    step: null,
    paths: { inbound: false, reply: false },
    notice,
    collapsed: false,
  };
}

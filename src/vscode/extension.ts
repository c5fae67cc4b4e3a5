// Activation: wires the parts together and registers everything through context.subscriptions.
// Nothing heavy loads here: the engine (AWS SDK) on first AWS command, the validator (zod, yaml)
// on the first blueprint document, mermaid only inside the diagram's webview.
import * as vscode from 'vscode';
import { config as configureL10n } from '@vscode/l10n';
import type { EngineEvent } from '../core/events';
import type { Plan } from '../core/plan';
import { loadEngine, loadEngineExports, setEngineL10n } from '../engine-loader';
import { ValidationCache, isBlueprintPath } from './blueprint-files';
import { BlueprintCodeLens } from './codelens';
import { commandTable } from './commands';
import { createCommandContext } from './context';
import { BlueprintDiagnostics } from './diagnostics';
import { checkIpAmazonaws } from './public-ip';
import { BlueprintQuickFixes, type PublicIpLookup } from './quick-fixes';
import { registerCommands } from './register';
import { ResourceView } from './resource-view';
import { readSettings } from './settings';
import { StateStore } from './state-store';
import { AwsStatusBar } from './status-bar';
import { CostWatch } from './cost';
import { WalkthroughProgress } from './walkthrough';
import { registerDiagramSerializer } from './diagram/serializer';
import type { CommandContext, DiagramPainted } from './commands/command';

/** What activate() returns: for other extensions and the in-host tests. */
export interface BlueprintExtensionApi {
  /** Every engine event of every run. */
  onEngineEvent: vscode.Event<EngineEvent>;
  /** Replaces the public IP lookup behind the "Restrict SSH" quick fix (tests need no internet). */
  setPublicIpLookup(lookup: PublicIpLookup): void;
  /** Milliseconds activate() took. */
  activationMs: number;
  /** Heavy modules (engine bundle, AWS SDK, mermaid, validator) already loaded when activate()
   * returned: none is the design. */
  heavyModulesAtActivation: string[];
  /** The resource view's rows as shown (blueprint rows, then their components), for tests. */
  resourceViewItems(): Promise<vscode.TreeItem[]>;
  /** The component kinds whose Getting Started step is complete (context ec2Blueprint.created.<kind>), after reading the state files again. */
  walkthroughProgress(): Promise<string[]>;
  /** Prices the stacks again and returns the cost status bar item as shown (undefined: hidden). */
  costStatus(): Promise<{ text: string; tooltip: string } | undefined>;
  /** Runs the running-stack reminder as if at `now`: the messages it showed. */
  costReminder(now?: Date): Promise<string[]>;
  /** Fires each time a diagram panel's webview has painted a picture. */
  onDiagramPainted: vscode.Event<DiagramPainted>;
}

const blueprintSelector: vscode.DocumentSelector = [
  { pattern: '**/*.blueprint.yaml' },
  { pattern: '**/*.blueprint.yml' },
  { pattern: '**/blueprint.yaml' },
];

export function activate(extension: vscode.ExtensionContext): BlueprintExtensionApi {
  const started = performance.now();
  // Core messages (reach, SSH, …) use @vscode/l10n; give it VS Code's bundle for the display language.
  if (vscode.l10n.bundle) {
    configureL10n({ contents: vscode.l10n.bundle });
    setEngineL10n(vscode.l10n.bundle);
  }
  const log = vscode.window.createOutputChannel('EC2 Blueprint', { log: true });
  const events = new vscode.EventEmitter<EngineEvent>();
  const validation = new ValidationCache();
  const states = new StateStore();
  const plans = new Map<string, Plan>();
  const diagramPainted = new vscode.EventEmitter<DiagramPainted>();
  const ctx: CommandContext = createCommandContext({ extension, log, settings: readSettings, loadEngine, loadEngineExports, events, validation, states, plans, diagramPainted: (painted) => diagramPainted.fire(painted) });

  let lookup: PublicIpLookup = () => checkIpAmazonaws();
  const diagnostics = new BlueprintDiagnostics(validation);
  const quickFixes = new BlueprintQuickFixes(diagnostics, () => lookup());
  const codeLens = new BlueprintCodeLens(validation, states, plans);
  const resources = new ResourceView(validation, states);
  const walkthrough = new WalkthroughProgress(states.onDidChange, events.event);
  const costWatch = new CostWatch(ctx, states.onDidChange, extension.workspaceState);
  const statusBar = new AwsStatusBar(readSettings, async (document) => (await validation.validate(document.uri.toString(), document.version, document.getText())).blueprint?.region);

  extension.subscriptions.push(
    log,
    events,
    diagramPainted,
    states,
    diagnostics,
    codeLens,
    resources,
    statusBar,
    costWatch,
    walkthrough,
    ...registerCommands(ctx, commandTable),
    registerDiagramSerializer(ctx),
    vscode.languages.registerCodeActionsProvider(blueprintSelector, quickFixes, { providedCodeActionKinds: BlueprintQuickFixes.kinds }),
    vscode.languages.registerCodeLensProvider(blueprintSelector, codeLens),
    vscode.window.createTreeView('ec2Blueprint.resources', { treeDataProvider: resources, showCollapseAll: false }),
    vscode.workspace.onDidChangeTextDocument((e) => (isBlueprintPath(e.document.uri.path) ? resources.refresh(600) : undefined)),
  );
  void vscode.commands.executeCommand('setContext', 'ec2Blueprint.active', true);

  const activationMs = performance.now() - started;
  const heavyModulesAtActivation = Object.keys(require.cache).filter((file) => /[\\/]dist[\\/](engine|validator)\.js$|@aws-sdk|mermaid|[\\/]zod[\\/]/.test(file));
  log.info(`activated in ${activationMs.toFixed(1)} ms`);
  return {
    onEngineEvent: events.event,
    onDiagramPainted: diagramPainted.event,
    setPublicIpLookup: (next) => {
      lookup = next;
    },
    activationMs,
    heavyModulesAtActivation,
    walkthroughProgress: () => walkthrough.rescan(),
    costStatus: async () => {
      await costWatch.refresh();
      const tooltip = costWatch.item.tooltip;
      return costWatch.visible ? { text: costWatch.item.text, tooltip: typeof tooltip === 'string' ? tooltip : (tooltip?.value ?? '') } : undefined;
    },
    costReminder: (now) => costWatch.remind(now),
    resourceViewItems: async () => {
      const out: vscode.TreeItem[] = [];
      const walk = async (nodes: Awaited<ReturnType<ResourceView['getChildren']>>) => {
        for (const node of nodes) {
          out.push(resources.getTreeItem(node));
          if (node.type === 'blueprint') await walk(await resources.getChildren(node));
        }
      };
      await walk(await resources.getChildren());
      return out;
    },
  };
}

export function deactivate(): void {}

// Builds the CommandContext the command table runs with: everything passed in, nothing global.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EngineApi, EngineOptions } from '../core/engine-api';
import type { EngineExports } from '../engine-loader';
import type { EngineEvent } from '../core/events';
import type { Plan } from '../core/plan';
import { components, dependencyOrder } from '../core/model';
import type { CommandContext, DiagramPainted, OpenBlueprint, Settings } from './commands/command';
import { blueprintGlob, isBlueprintPath, type ValidationCache } from './blueprint-files';
import type { StateStore } from './state-store';

export interface ContextParts {
  extension: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  settings: () => Settings;
  loadEngine: () => EngineApi;
  loadEngineExports: () => EngineExports;
  events: vscode.EventEmitter<EngineEvent>;
  validation: ValidationCache;
  states: StateStore;
  plans: Map<string, Plan>;
  diagramPainted?: (painted: DiagramPainted) => void;
}

export function createCommandContext(parts: ContextParts): CommandContext {
  return {
    extension: parts.extension,
    log: parts.log,
    settings: parts.settings,
    loadEngine: parts.loadEngine,
    loadEngineExports: parts.loadEngineExports,
    events: parts.events,
    blueprint: (arg) => resolveBlueprint(parts, arg),
    readState: (p) => parts.states.read(p),
    engineOptions: () => engineOptionsFrom(parts.settings(), parts.log),
    stateChanged: (p) => parts.states.notify(p),
    plans: parts.plans,
    costs: new Map(),
    ...(parts.diagramPainted ? { diagramPainted: parts.diagramPainted } : {}),
  };
}

export function engineOptionsFrom(settings: Settings, log: vscode.LogOutputChannel): EngineOptions {
  return {
    keyDir: settings.keyDirectory,
    parallelism: settings.parallelism,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.profile ? { profile: settings.profile } : {}),
    log: { info: (m) => log.info(m), warn: (m) => log.warn(m), error: (m) => log.error(m), debug: (m) => log.debug(m) },
  };
}

/** The Uri a command argument points at: a Uri, a path, a resource-view node, or an object
 * with `uri` / `blueprintUri`. */
export function uriOfArgument(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && (path.isAbsolute(arg) || arg.includes('://'))) return arg.includes('://') ? vscode.Uri.parse(arg) : vscode.Uri.file(arg);
  if (arg && typeof arg === 'object') {
    const o = arg as { blueprintUri?: unknown; uri?: unknown };
    if (o.blueprintUri instanceof vscode.Uri) return o.blueprintUri;
    if (o.uri instanceof vscode.Uri) return o.uri;
  }
  return undefined;
}

async function pickBlueprintUri(arg: unknown): Promise<vscode.Uri | undefined> {
  const given = uriOfArgument(arg);
  if (given) return given;
  const active = vscode.window.activeTextEditor?.document;
  if (active && isBlueprintPath(active.uri.path)) return active.uri;
  const found = await vscode.workspace.findFiles(blueprintGlob, '**/node_modules/**', 50);
  if (found.length === 0) {
    void vscode.window.showErrorMessage(vscode.l10n.t('No blueprint found. Open a file named *.blueprint.yaml first.'));
    return undefined;
  }
  if (found.length === 1) return found[0];
  const picked = await vscode.window.showQuickPick(
    found.map((uri) => ({ label: path.basename(uri.fsPath), description: vscode.workspace.asRelativePath(uri), uri })),
    { placeHolder: vscode.l10n.t('Which blueprint?') },
  );
  return picked?.uri;
}

export async function textOf(uri: vscode.Uri): Promise<{ text: string; version: number | string }> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return { text: open.getText(), version: open.version };
  const bytes = await vscode.workspace.fs.readFile(uri);
  return { text: new TextDecoder().decode(bytes), version: `disk:${Date.now()}` };
}

async function resolveBlueprint(parts: ContextParts, arg: unknown): Promise<OpenBlueprint | undefined> {
  const uri = await pickBlueprintUri(arg);
  if (!uri) return undefined;
  let text: string;
  let version: number | string;
  try {
    ({ text, version } = await textOf(uri));
  } catch {
    void vscode.window.showErrorMessage(vscode.l10n.t('Cannot read {0}.', uri.fsPath));
    return undefined;
  }
  const result = await parts.validation.validate(uri.toString(), version, text);
  if (!result.blueprint) {
    const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
    const showProblems = vscode.l10n.t('Show Problems');
    void vscode.window
      .showErrorMessage(vscode.l10n.t('{0} has {1} error(s). Fix them first; nothing was sent to AWS.', path.basename(uri.fsPath), errors), showProblems)
      .then((choice) => (choice === showProblems ? vscode.commands.executeCommand('workbench.actions.view.problems') : undefined));
    return undefined;
  }
  return {
    uri,
    path: uri.fsPath,
    text,
    blueprint: result.blueprint,
    components: dependencyOrder(components(result.blueprint)),
    source: result.source,
  };
}

// The contract every VS Code command is written against: a table entry (id + run) and the
// context the extension passes in at activation. No globals: everything a command needs is here.
import type * as vscode from 'vscode';
import type { EngineApi, EngineOptions } from '../../core/engine-api';
import type { EngineExports } from '../../engine-loader';
import type { EngineEvent } from '../../core/events';
import type { Blueprint } from '../../core/schema';
import type { Component } from '../../core/model';
import type { SourceMap } from '../../core/diagnostics';
import type { StateFile } from '../../core/state';
import type { Plan } from '../../core/plan';
import type { CostReport } from '../../core/cost';
import type { CommandId } from './ids';
import type { DiagramMessage } from '../diagram/message';

/** The extension's settings (ec2Blueprint.*), with `~` already expanded. */
export interface Settings {
  /** Where private keys are written and read. Default ~/.ssh. */
  keyDirectory: string;
  /** An EC2 endpoint such as http://127.0.0.1:4566 (a local emulator); undefined for AWS. */
  endpoint?: string;
  /** A profile from ~/.aws/config or ~/.aws/credentials; undefined for the default chain. */
  profile?: string;
  /** Actions the engine runs at once. */
  parallelism: number;
}

/** A valid blueprint a command acts on, from an editor (unsaved text included) or from disk. */
export interface OpenBlueprint {
  uri: vscode.Uri;
  /** File system path (the state file and key names derive from it). */
  path: string;
  text: string;
  blueprint: Blueprint;
  /** Its components in dependency order. */
  components: Component[];
  source: SourceMap;
}

export interface CommandContext {
  readonly extension: vscode.ExtensionContext;
  /** "EC2 Blueprint" log channel: every engine event goes here. Never log key material. */
  readonly log: vscode.LogOutputChannel;
  /** Current settings, read fresh on each call. */
  settings(): Settings;
  /** The engine (AWS SDK inside), loaded on first call. */
  loadEngine(): EngineApi;
  /** The engine bundle's other named exports (stopInstance, waitUntilSshReady, …), loaded on first call. */
  loadEngineExports(): EngineExports;
  /** Every EngineEvent of every run is fired here; the diagram panel subscribes to `.event`. */
  readonly events: vscode.EventEmitter<EngineEvent>;
  /** The blueprint to act on: a Uri / tree item / path argument, else the active editor, else
   * the only blueprint in the workspace, else a quick pick. undefined when there is none or it
   * has errors (the user has already been told). */
  blueprint(arg?: unknown): Promise<OpenBlueprint | undefined>;
  /** The state file of a blueprint path, or undefined when nothing was created yet. */
  readState(blueprintPath: string): Promise<StateFile | undefined>;
  /** Engine options from the settings (endpoint, profile, key directory, parallelism, logger). */
  engineOptions(): EngineOptions;
  /** Tell the CodeLens, the resource view and the status bar that state may have changed. */
  stateChanged(blueprintPath?: string): void;
  /** The last plan computed for each blueprint path (on demand only: plans call AWS). The
   * CodeLens shows "Update" from it. */
  readonly plans: Map<string, Plan>;
  /** The last cost computed for each blueprint path with a state file (the status bar's). */
  readonly costs: Map<string, CostReport>;
  /** Told each time a diagram panel's webview has painted a picture (the extension's API passes
   * it on to whoever listens: the in-host tests). */
  readonly diagramPainted?: (painted: DiagramPainted) => void;
}

/** A picture a diagram panel's webview has painted: the blueprint's Uri, the picture, how long
 * the webview took. */
export interface DiagramPainted {
  uri: string;
  message: DiagramMessage;
  ms: number;
}

/** Resolves when the command is done; the value (e.g. a RunResult) is for tests and other commands. */
export type CommandRun = (ctx: CommandContext, ...args: unknown[]) => Promise<unknown>;

/** One row of the command table (src/vscode/commands/index.ts). */
export interface CommandEntry {
  id: CommandId;
  run: CommandRun;
}

/** Loads a command's module on first use, so activation evaluates none of them. The module
 * exports the command's run function under `name`. */
export function lazy<K extends string, M extends Record<K, CommandRun>>(load: () => Promise<M>, name: K): CommandRun {
  return async (ctx, ...args) => (await load())[name](ctx, ...args);
}

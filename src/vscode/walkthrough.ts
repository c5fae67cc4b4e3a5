// The Getting Started walkthrough follows the tutorial: each component step completes when a
// component of its kind exists. This sets the context keys its completionEvents wait for
// (`onContext:ec2Blueprint.created.<kind>`), from the state files beside the blueprints and, for
// an immediate tick, from the engine's `done` events.
import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import type { EngineEvent } from '../core/events';
import type { Kind } from '../core/model';
import type { StateFile } from '../core/state';
import { parseStateFile } from '../core/state-file';

/** The tutorial's components in its order: one walkthrough step each; then part two's NAT gateway
 * (the private-subnet chapter). */
export const walkthroughKinds: readonly Kind[] = ['vpc', 'subnet', 'internetGateway', 'routeTable', 'securityGroup', 'networkInterface', 'elasticIp', 'keyPair', 'instance', 'natGateway'];

export const createdContextKey = (kind: Kind) => `ec2Blueprint.created.${kind}`;

/** The kinds of which at least one component exists in any of these state files. */
export function kindsCreated(states: readonly (StateFile | undefined)[]): Set<Kind> {
  const kinds = new Set<Kind>();
  for (const state of states) for (const resource of Object.values(state?.resources ?? {})) if (resource?.kind) kinds.add(resource.kind);
  return kinds;
}

export class WalkthroughProgress implements vscode.Disposable {
  private created = new Set<Kind>();
  private shown = new Map<Kind, boolean>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly disposables: vscode.Disposable[];

  constructor(onStateChange: vscode.Event<unknown>, onEngineEvent: vscode.Event<EngineEvent>) {
    this.disposables = [
      onStateChange(() => this.schedule()),
      onEngineEvent((event) => {
        if (event.type === 'done' && event.action !== 'delete') this.set(new Set([...this.created, event.kind]));
        if (event.type === 'finished') this.schedule();
      }),
    ];
    this.schedule(0);
  }

  /** The kinds whose walkthrough step is complete now. */
  kinds(): Kind[] {
    return walkthroughKinds.filter((k) => this.created.has(k));
  }

  /** Reads every state file of the workspace again. */
  async rescan(): Promise<Kind[]> {
    const files = await vscode.workspace.findFiles('**/*.state.json', '**/node_modules/**', 200);
    const states = await Promise.all(
      files.map(async (uri) => {
        try {
          const read = parseStateFile(await fs.readFile(uri.fsPath, 'utf8'));
          return read.status === 'ok' ? read.state : undefined;
        } catch {
          return undefined;
        }
      }),
    );
    this.set(kindsCreated(states));
    return this.kinds();
  }

  private schedule(delayMs = 150): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.rescan(), delayMs);
  }

  private set(kinds: Set<Kind>): void {
    this.created = kinds;
    for (const kind of walkthroughKinds) {
      const value = kinds.has(kind);
      if (this.shown.get(kind) === value) continue;
      this.shown.set(kind, value);
      void vscode.commands.executeCommand('setContext', createdContextKey(kind), value);
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}

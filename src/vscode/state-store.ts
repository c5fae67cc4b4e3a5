// The state files beside the blueprints, read from disk (cheap: no AWS call) and watched, so the
// CodeLens, the resource view and the diagram follow what the engine writes.
import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import { statePathFor, type StateFile } from '../core/state';
import { parseStateFile } from '../core/state-file';

export class StateStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<string | undefined>();
  /** Fires with the blueprint path whose state changed (undefined: maybe all). */
  readonly onDidChange = this.changed.event;
  private readonly watcher: vscode.FileSystemWatcher;

  constructor() {
    this.watcher = vscode.workspace.createFileSystemWatcher('**/*.state.json');
    const fire = (uri: vscode.Uri) => this.changed.fire(blueprintPathGuess(uri.fsPath));
    this.watcher.onDidChange(fire);
    this.watcher.onDidCreate(fire);
    this.watcher.onDidDelete(fire);
  }

  async read(blueprintPath: string): Promise<StateFile | undefined> {
    try {
      const read = parseStateFile(await fs.readFile(statePathFor(blueprintPath), 'utf8'));
      return read.status === 'ok' ? read.state : undefined;
    } catch {
      return undefined;
    }
  }

  notify(blueprintPath?: string): void {
    this.changed.fire(blueprintPath);
  }

  dispose(): void {
    this.watcher.dispose();
    this.changed.dispose();
  }
}

/** `x.blueprint.state.json` → `x.blueprint.yaml` (listeners compare loosely; .yml is rare). */
function blueprintPathGuess(statePath: string): string | undefined {
  return statePath.endsWith('.state.json') ? statePath.replace(/\.state\.json$/, '.yaml') : undefined;
}

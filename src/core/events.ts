// What the engine tells the UI while it works. One union; the VS Code surface, the diagram and
// the CLI's progress lines all read it.
import type { Kind } from './model';
import type { ActionKind, Plan } from './plan';
import type { PreflightCheck } from './preflight';

export type EngineEvent =
  | { type: 'plan'; plan: Plan }
  | { type: 'note'; message: string }
  | { type: 'started'; name: string; kind: Kind; action: ActionKind }
  | { type: 'progress'; name: string; kind: Kind; message: string }
  | { type: 'done'; name: string; kind: Kind; action: ActionKind; id?: string }
  | { type: 'failed'; name: string; kind: Kind; action: ActionKind; message: string; code?: string; advice?: Advice }
  | { type: 'preflight'; ok: boolean; checks: PreflightCheck[] }
  | { type: 'finished'; ok: boolean; calls: CallCount };

/** What to do about a refusal AWS gave (src/aws/refusals.ts), and the blueprint value to change
 * when there is one: 1-based line and column, end exclusive, as diagnostics have them. */
export interface Advice {
  message: string;
  range?: { line: number; column: number; endLine: number; endColumn: number };
}

export interface CallCount {
  mutating: number;
  read: number;
}

export type EventSink = (event: EngineEvent) => void;

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {}, debug() {} };

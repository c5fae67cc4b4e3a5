// Live diagnostics: the CLI's validator on every change (debounced), mapped 1:1 onto VS Code
// ranges. The core findings are kept so quick fixes can read their suggestion.
import * as vscode from 'vscode';
import type { Diagnostic as Finding } from '../core/diagnostics';
import { isBlueprintPath, type ValidationCache } from './blueprint-files';

export const diagnosticSource = 'EC2 Blueprint';
const debounceMs = 300;

export function toRange(f: { line: number; column: number; endLine: number; endColumn: number }): vscode.Range {
  const start = new vscode.Position(Math.max(0, f.line - 1), Math.max(0, f.column - 1));
  const end = new vscode.Position(Math.max(0, f.endLine - 1), Math.max(0, f.endColumn - 1));
  return new vscode.Range(start, end.isBefore(start) ? start : end);
}

/** The key a quick fix uses to find the finding behind a diagnostic VS Code hands back. */
export function findingKey(code: string, range: vscode.Range): string {
  return `${code}@${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;
}

export class BlueprintDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('ec2Blueprint');
  private readonly findings = new Map<string, Map<string, Finding>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly validation: ValidationCache) {
    this.subscriptions.push(
      vscode.workspace.onDidOpenTextDocument((d) => void this.check(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
    );
    for (const d of vscode.workspace.textDocuments) void this.check(d);
  }

  /** The finding behind a diagnostic, with its suggestion. */
  findingFor(uri: vscode.Uri, diagnostic: vscode.Diagnostic): Finding | undefined {
    const code = typeof diagnostic.code === 'object' ? String(diagnostic.code.value) : String(diagnostic.code ?? '');
    return this.findings.get(uri.toString())?.get(findingKey(code, diagnostic.range));
  }

  private schedule(document: vscode.TextDocument): void {
    if (!isBlueprintPath(document.uri.path)) return;
    const key = document.uri.toString();
    const pending = this.timers.get(key);
    if (pending) clearTimeout(pending);
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      void this.check(document);
    }, debounceMs));
  }

  async check(document: vscode.TextDocument): Promise<void> {
    if (!isBlueprintPath(document.uri.path) || document.isClosed) return;
    const version = document.version;
    const result = await this.validation.validate(document.uri.toString(), version, document.getText());
    if (document.isClosed || document.version !== version) return;
    const byKey = new Map<string, Finding>();
    const toDiagnostic = (f: Finding) => {
      const range = toRange(f);
      const d = new vscode.Diagnostic(range, f.message, f.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
      d.code = f.code;
      d.source = diagnosticSource;
      return d;
    };
    const list = result.diagnostics.filter((f) => !f.file).map((f) => {
      const d = toDiagnostic(f);
      byKey.set(findingKey(f.code, d.range), f);
      return d;
    });
    this.findings.set(document.uri.toString(), byKey);
    this.collection.set(document.uri, list);
    // Findings inside an instance's userDataFile go on that file, at its own lines.
    const others = new Map<string, { uri: vscode.Uri; list: vscode.Diagnostic[] }>();
    for (const f of result.diagnostics) {
      if (!f.file) continue;
      const uri = vscode.Uri.joinPath(document.uri, '..', f.file);
      const entry = others.get(uri.toString()) ?? { uri, list: [] };
      entry.list.push(toDiagnostic(f));
      others.set(uri.toString(), entry);
    }
    const key = document.uri.toString();
    for (const old of this.userDataFiles.get(key) ?? []) if (!others.has(old)) this.collection.delete(vscode.Uri.parse(old));
    for (const { uri, list: fileList } of others.values()) this.collection.set(uri, fileList);
    this.userDataFiles.set(key, [...others.keys()]);
  }

  /** Per blueprint: the user data files it put findings on, to clear them when they are fixed. */
  private readonly userDataFiles = new Map<string, string[]>();

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    const pending = this.timers.get(key);
    if (pending) clearTimeout(pending);
    this.timers.delete(key);
    this.validation.forget(key);
    this.findings.delete(key);
    for (const other of this.userDataFiles.get(key) ?? []) this.collection.delete(vscode.Uri.parse(other));
    this.userDataFiles.delete(key);
    // A closed file's problems stay useful only while it exists on disk; VS Code's Problems
    // panel shows open files' problems, so clear them on close as other linters do.
    this.collection.delete(uri);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const s of this.subscriptions) s.dispose();
    this.collection.dispose();
  }
}

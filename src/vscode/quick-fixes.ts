// Quick fixes for the validator's findings: nearest-match corrections, a free address instead of
// a reserved one, a description where one is missing, and SSH restricted to the user's own
// address (the lookup is passed in, so tests need no internet).
import * as vscode from 'vscode';
import type { BlueprintDiagnostics } from './diagnostics';

/** Returns the caller's public IPv4 address. */
export type PublicIpLookup = () => Promise<string>;

const replaceWithSuggestion = new Set(['unknown-key', 'unknown-reference', 'wrong-kind-reference', 'ip-reserved', 'invalid-cidr', 'border-group-not-region']);

const wellKnownPorts: Record<string, string> = { '22': 'SSH', '80': 'HTTP', '443': 'HTTPS', '3389': 'RDP', '3306': 'MySQL', '5432': 'PostgreSQL', '8080': 'HTTP (alternate)' };

export class BlueprintQuickFixes implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(
    private readonly diagnostics: BlueprintDiagnostics,
    private readonly lookupPublicIp: PublicIpLookup,
  ) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== 'EC2 Blueprint') continue;
      const finding = this.diagnostics.findingFor(document.uri, diagnostic);
      const code = finding?.code ?? String(typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code);
      if (finding?.suggestion !== undefined && replaceWithSuggestion.has(code)) {
        const action = new vscode.CodeAction(
          code === 'ip-reserved' ? vscode.l10n.t('Use {0} (the first address AWS lets you use)', finding.suggestion) : vscode.l10n.t('Change to "{0}"', finding.suggestion),
          vscode.CodeActionKind.QuickFix,
        );
        action.edit = new vscode.WorkspaceEdit();
        action.edit.replace(document.uri, diagnostic.range, finding.suggestion);
        action.diagnostics = [diagnostic];
        action.isPreferred = true;
        actions.push(action);
      } else if (code === 'missing-description') {
        const fix = describe(document, diagnostic);
        if (fix) actions.push(fix);
      } else if (code === 'ssh-open-to-world') {
        const action = new vscode.CodeAction(vscode.l10n.t('Restrict SSH to my current public IP'), vscode.CodeActionKind.QuickFix);
        action.diagnostics = [diagnostic];
        // The address is looked up only when the user picks the fix (resolveCodeAction).
        (action as RestrictAction).restrict = { uri: document.uri, range: diagnostic.range, version: document.version };
        actions.push(action);
      }
    }
    return actions;
  }

  async resolveCodeAction(action: vscode.CodeAction): Promise<vscode.CodeAction> {
    const restrict = (action as RestrictAction).restrict;
    if (!restrict) return action;
    const ip = (await this.lookupPublicIp()).trim();
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) throw new Error(vscode.l10n.t('Could not find out your public IP address (got "{0}").', ip));
    action.edit = new vscode.WorkspaceEdit();
    action.edit.replace(restrict.uri, restrict.range, `${ip}/32`);
    return action;
  }
}

type RestrictAction = vscode.CodeAction & { restrict?: { uri: vscode.Uri; range: vscode.Range; version: number } };

/** A `description:` for a security group (after its name) or for a rule (inside its mapping). */
function describe(document: vscode.TextDocument, diagnostic: vscode.Diagnostic): vscode.CodeAction | undefined {
  const text = document.getText(diagnostic.range);
  const edit = new vscode.WorkspaceEdit();
  if (text.startsWith('{') && text.endsWith('}')) {
    // A flow mapping rule: { protocol: tcp, port: 22, source: … }
    const port = /\bport:\s*['"]?([\d-]+)/.exec(text)?.[1];
    const protocol = /\bprotocol:\s*(\w+)/.exec(text)?.[1] ?? 'tcp';
    const words = port ? wellKnownPorts[port] ?? `${protocol.toUpperCase()} ${port}` : protocol.toUpperCase();
    const body = text.slice(0, -1).replace(/\s+$/, '');
    const closing = text.slice(body.length);
    edit.replace(document.uri, diagnostic.range, `${body}, description: ${words}${closing.startsWith(' ') ? closing : ` ${closing}`}`);
    return action(vscode.l10n.t('Add description "{0}"', words), edit, diagnostic);
  }
  const line = document.lineAt(diagnostic.range.start.line);
  const keyMatch = /^(\s*(?:-\s+)?)(\w+):/.exec(line.text);
  if (!keyMatch) return undefined;
  const indent = ' '.repeat(keyMatch[1]!.length);
  if (keyMatch[2] === 'name') {
    // A security group: its name is flagged; the description goes on the next line.
    const name = line.text.slice(line.text.indexOf(':') + 1).trim().replace(/^['"]|['"]$/g, '');
    const words = vscode.l10n.t('What {0} allows, and why', name);
    edit.insert(document.uri, line.range.end, `\n${indent}description: ${words}`);
    return action(vscode.l10n.t('Add a description'), edit, diagnostic);
  }
  // A block mapping rule: add the key at the rule's indentation, after its last line.
  const port = /\bport:\s*['"]?([\d-]+)/.exec(text)?.[1];
  const words = port ? wellKnownPorts[port] ?? `TCP ${port}` : vscode.l10n.t('what this rule is for');
  const last = document.lineAt(diagnostic.range.end.line);
  const lastLine = last.text.trim() === '' ? document.lineAt(Math.max(diagnostic.range.start.line, diagnostic.range.end.line - 1)) : last;
  edit.insert(document.uri, lastLine.range.end, `\n${indent}description: ${words}`);
  return action(vscode.l10n.t('Add description "{0}"', words), edit, diagnostic);
}

function action(title: string, edit: vscode.WorkspaceEdit, diagnostic: vscode.Diagnostic): vscode.CodeAction {
  const a = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
  a.edit = edit;
  a.diagnostics = [diagnostic];
  return a;
}

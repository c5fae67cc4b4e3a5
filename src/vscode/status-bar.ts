// The status bar item: which AWS profile, region and endpoint the commands will use; a sandbox
// endpoint is marked so nobody mistakes it for AWS.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Settings } from './commands/command';
import { isBlueprintPath } from './blueprint-files';
import { isSandboxEndpoint, settingsSection } from './settings';

export class AwsStatusBar implements vscode.Disposable {
  readonly item = vscode.window.createStatusBarItem('ec2Blueprint.aws', vscode.StatusBarAlignment.Left, 10);
  private readonly subscriptions: vscode.Disposable[] = [];
  private region: string | undefined;

  constructor(
    private readonly settings: () => Settings,
    private readonly regionOf: (document: vscode.TextDocument) => Promise<string | undefined>,
  ) {
    this.item.name = vscode.l10n.t('EC2 Blueprint: AWS target');
    this.item.command = 'ec2Blueprint.selectProfile';
    this.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((e) => (e.affectsConfiguration(settingsSection) ? this.render() : undefined)),
      vscode.window.onDidChangeActiveTextEditor(() => void this.update()),
      vscode.workspace.onDidSaveTextDocument(() => void this.update()),
    );
    void this.update();
  }

  async update(): Promise<void> {
    const document = vscode.window.activeTextEditor?.document;
    if (document && isBlueprintPath(document.uri.path)) this.region = await this.regionOf(document);
    this.render(document);
  }

  render(document = vscode.window.activeTextEditor?.document): void {
    const s = this.settings();
    const sandbox = isSandboxEndpoint(s.endpoint);
    const profile = s.profile ?? vscode.l10n.t('default');
    const parts = [sandbox ? `$(beaker) ${vscode.l10n.t('sandbox')}` : `$(cloud) ${profile}`];
    if (this.region) parts.push(this.region);
    if (s.endpoint && !sandbox) parts.push(`$(globe) ${s.endpoint}`);
    this.item.text = parts.join(' · ');
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown(`**EC2 Blueprint**\n\n`);
    tooltip.appendMarkdown(`${vscode.l10n.t('Profile')}: ${s.profile ?? vscode.l10n.t('default credential chain')}\n\n`);
    if (this.region) tooltip.appendMarkdown(`${vscode.l10n.t('Region')}: ${this.region}${document ? ` (${path.basename(document.uri.fsPath)})` : ''}\n\n`);
    tooltip.appendMarkdown(`${vscode.l10n.t('Endpoint')}: ${s.endpoint ? `${s.endpoint}${sandbox ? ` — ${vscode.l10n.t('a local sandbox, not AWS')}` : ''}` : vscode.l10n.t('AWS')}\n\n`);
    tooltip.appendMarkdown(vscode.l10n.t('Click to choose another AWS profile.'));
    this.item.tooltip = tooltip;
    this.item.backgroundColor = sandbox ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }
}

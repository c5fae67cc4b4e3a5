// What the running stacks cost, in the status bar ("$(credit-card) $0.19/h"), and a reminder when
// a stack has been running longer than a setting (default 24 hours): one notification with Stop
// Instance, Destroy… and Remind Me Tomorrow, when the workspace opens and once a day while it stays
// open. The figures come from the engine's `cost` (AWS's price list), loaded only when a state file
// records something: a workspace with nothing created never loads the engine for this.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { usd, type CostReport } from '../core/cost';
import type { CommandContext } from './commands/command';
import { settingsSection } from './settings';
import { blueprintGlob } from './blueprint-files';

export interface StackCost {
  blueprintPath: string;
  stack: string;
  report: CostReport;
}

const dayMs = 24 * 3600_000;

/** "3 days", "5 hours": how long a stack has been running, in words. */
export function runningFor(ms: number): string {
  const hours = Math.floor(ms / 3600_000);
  if (hours >= 48) return vscode.l10n.t('{0} days', Math.floor(hours / 24));
  if (hours >= 24) return vscode.l10n.t('1 day');
  return hours === 1 ? vscode.l10n.t('1 hour') : vscode.l10n.t('{0} hours', hours);
}

/** The reminder's settings: on unless turned off; after how many hours a running stack is named. */
export function reminderSettings(): { enabled: boolean; afterHours: number } {
  const config = vscode.workspace.getConfiguration(settingsSection);
  const afterHours = config.get<number>('costReminder.afterHours');
  return { enabled: config.get<boolean>('costReminder.enabled') !== false, afterHours: typeof afterHours === 'number' && afterHours > 0 ? afterHours : 24 };
}

export class CostWatch implements vscode.Disposable {
  readonly item = vscode.window.createStatusBarItem('ec2Blueprint.cost', vscode.StatusBarAlignment.Left, 9);
  private readonly subscriptions: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<StackCost[]> | undefined;
  /** Whether the item is shown (a stack has something created). */
  visible = false;

  constructor(
    private readonly ctx: CommandContext,
    onStateChange: vscode.Event<string | undefined>,
    private readonly memory: vscode.Memento,
  ) {
    this.item.name = vscode.l10n.t('EC2 Blueprint: cost of the running stacks');
    this.subscriptions.push(onStateChange(() => this.schedule(1_000)));
    // The reminder looks again every hour; it names a stack at most once a day.
    const hourly = setInterval(() => void this.remind(), 3600_000);
    this.subscriptions.push({ dispose: () => clearInterval(hourly) });
    this.schedule(3_000, true);
  }

  private schedule(delayMs: number, remind = false): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh().then(() => (remind ? this.remind() : undefined)), delayMs);
  }

  /** Prices every blueprint of the workspace whose state file records resources. */
  async refresh(): Promise<StackCost[]> {
    this.running ??= this.compute().finally(() => (this.running = undefined));
    return this.running;
  }

  private async compute(): Promise<StackCost[]> {
    const files = await vscode.workspace.findFiles(blueprintGlob, '**/node_modules/**', 50);
    const costs: StackCost[] = [];
    for (const uri of files) {
      const state = await this.ctx.readState(uri.fsPath);
      if (!state || Object.keys(state.resources).length === 0) {
        this.ctx.costs.delete(uri.fsPath);
        continue;
      }
      try {
        const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
        const report = await this.ctx.loadEngine().cost({ path: uri.fsPath, text }, this.ctx.engineOptions());
        this.ctx.costs.set(uri.fsPath, report);
        costs.push({ blueprintPath: uri.fsPath, stack: state.stack, report });
      } catch (error) {
        this.ctx.log.warn(`cost of ${uri.fsPath}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    this.render(costs);
    return costs;
  }

  private render(costs: StackCost[]): void {
    const live = costs.filter((c) => c.report.current);
    this.visible = live.length > 0;
    if (!this.visible) {
      this.item.hide();
      return;
    }
    const hourly = live.reduce((sum, c) => sum + c.report.current!.hourly, 0);
    const unknown = live.some((c) => c.report.unknown.length > 0);
    this.item.text = `$(credit-card) ${usd(hourly)}/h${unknown ? ' ?' : ''}`;
    const tooltip = new vscode.MarkdownString();
    for (const c of live) {
      const now = c.report.current!;
      tooltip.appendMarkdown(`**${c.stack}**: ${vscode.l10n.t('{0} per hour now', usd(now.hourly))}`);
      const stopped = now.items.filter((i) => i.state === 'stopped').map((i) => i.name);
      if (stopped.length) tooltip.appendMarkdown(` — ${vscode.l10n.t('{0} stopped: its volume and address still cost', stopped.join(', '))}`);
      tooltip.appendMarkdown(`\n\n${vscode.l10n.t('About {0} since {1} (an estimate).', usd(now.sinceCreated), (now.since ?? '').slice(0, 10))}\n\n`);
      for (const u of c.report.unknown) tooltip.appendMarkdown(`- ${u.name}: ${u.reason}\n`);
    }
    const asOf = live.map((c) => c.report.asOf).filter(Boolean).sort()[0];
    tooltip.appendMarkdown(`\n${vscode.l10n.t('On-demand prices from AWS\'s price list ({0}); data transfer not included.', asOf ?? '—')}`);
    this.item.tooltip = tooltip;
    this.item.show();
  }

  /** Names each stack that has run longer than the setting, unless it was named (or snoozed) in the
   * last day. Returns the messages shown (for tests). */
  async remind(now = new Date(), costs?: StackCost[]): Promise<string[]> {
    const settings = reminderSettings();
    if (!settings.enabled) return [];
    const shown: string[] = [];
    for (const c of costs ?? (await this.refresh())) {
      const current = c.report.current;
      if (!current?.since || !current.items.some((i) => i.state === 'running')) continue;
      const age = now.getTime() - new Date(current.since).getTime();
      const key = `costReminder.quietUntil:${c.blueprintPath}`;
      if (age < settings.afterHours * 3600_000 || (this.memory.get<number>(key) ?? 0) > now.getTime()) continue;
      await this.memory.update(key, now.getTime() + dayMs);
      const message = vscode.l10n.t('{0} has been running for {1}, about {2} so far, {3} an hour.', c.stack, runningFor(age), usd(current.sinceCreated), usd(current.hourly));
      shown.push(message);
      void this.ask(message, c, key);
    }
    return shown;
  }

  private async ask(message: string, c: StackCost, key: string): Promise<void> {
    const stop = vscode.l10n.t('Stop Instance');
    const destroy = vscode.l10n.t('Destroy…');
    const later = vscode.l10n.t('Remind Me Tomorrow');
    const choice = await vscode.window.showWarningMessage(message, stop, destroy, later);
    const uri = vscode.Uri.file(c.blueprintPath);
    if (choice === stop) await vscode.commands.executeCommand('ec2Blueprint.stopInstance', uri);
    else if (choice === destroy) await vscode.commands.executeCommand('ec2Blueprint.destroy', uri);
    else if (choice === later) await this.memory.update(key, Date.now() + dayMs);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }
}

/** "stopped, the volume and the address still cost $0.0089/h": what Stop Instance leaves billed. */
export function afterStopLine(report: CostReport | undefined): string | undefined {
  const now = report?.current;
  if (!now) return undefined;
  return vscode.l10n.t('Stopped, the volume and the address still cost {0}/h.', usd(now.hourly));
}

/** What Destroy ends: "it ends $0.19/h". */
export function destroyEndsLine(report: CostReport | undefined, blueprintPath: string): string | undefined {
  const now = report?.current;
  if (!now || now.hourly <= 0) return undefined;
  return vscode.l10n.t('Destroying {0} ends its cost of {1}/h.', path.basename(blueprintPath), usd(now.hourly));
}

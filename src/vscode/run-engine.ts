// Runs an engine action (apply, destroy, refresh) under a cancellable progress notification that
// names the component in progress; every event goes to the log and to the event bus.
import * as vscode from 'vscode';
import type { EngineOptions, RunResult } from '../core/engine-api';
import type { EngineEvent } from '../core/events';
import { BlueprintError } from '../core/errors';
import { isCredentialsProblem } from './credentials';
import { showCredentialsGuidance } from './errors';
import type { CommandContext, OpenBlueprint } from './commands/command';
import { kindWord } from '../core/vocabulary';
import { diagnosticSource, toRange } from './diagnostics';
import type { Range } from '../core/diagnostics';
import type { PreflightCheck } from '../core/preflight';

let awsDiagnostics: vscode.DiagnosticCollection | undefined;

/** What AWS refused, or would refuse, shown on the blueprint line it is about until the next run:
 * a refusal's advice (the subnet's availabilityZone for an instance type its zone does not offer)
 * and the preflight's failed checks (the instance type, the image, the component whose create the
 * credentials may not make). */
export function showAwsFindings(bp: OpenBlueprint, failures: RunResult['failures'], checks: readonly PreflightCheck[] = []): void {
  awsDiagnostics ??= vscode.languages.createDiagnosticCollection('ec2Blueprint.aws');
  const diagnostic = (range: Range, message: string, code: string | undefined) => {
    const d = new vscode.Diagnostic(toRange(range), message, vscode.DiagnosticSeverity.Error);
    if (code) d.code = code;
    d.source = diagnosticSource;
    return d;
  };
  const byName = new Map(bp.components.map((c) => [c.name, c]));
  awsDiagnostics.set(bp.uri, [
    ...failures.flatMap((f) => (f.advice?.range ? [diagnostic(f.advice.range, f.advice.message, f.code)] : [])),
    ...checks.flatMap((check) => {
      const c = !check.ok && check.name ? byName.get(check.name) : undefined;
      return c ? [diagnostic(bp.source.range(check.field ? [...c.path, check.field] : c.path), check.message, `preflight-${check.check}`)] : [];
    }),
  ]);
}

export function describeEvent(event: EngineEvent): string | undefined {
  switch (event.type) {
    case 'plan':
      return vscode.l10n.t('Plan: {0} to create, {1} to update, {2} to replace, {3} to delete, {4} unchanged.', event.plan.summary.create, event.plan.summary.update, event.plan.summary.replace, event.plan.summary.delete, event.plan.summary.keep);
    case 'note':
      return event.message;
    case 'started':
      return vscode.l10n.t('{0} {1} "{2}"…', actionWord(event.action), kindWord(event.kind), event.name);
    case 'progress':
      return `${event.name}: ${event.message}`;
    case 'done':
      return vscode.l10n.t('{0} {1} "{2}": done{3}', actionWord(event.action), kindWord(event.kind), event.name, event.id ? ` (${event.id})` : '');
    case 'failed':
      return vscode.l10n.t('{0} {1} "{2}" failed: {3}', actionWord(event.action), kindWord(event.kind), event.name, event.message) + (event.advice ? ` ${event.advice.message}` : '');
    case 'preflight':
      // The checks before the first change: each line when one failed (apply then stops there).
      return event.ok
        ? vscode.l10n.t('Preflight: {0} checks passed.', event.checks.length)
        : event.checks.map((c) => `${c.ok ? '✓' : '✗'} ${c.message}`).join('\n') + '\n' + vscode.l10n.t('Apply stopped before its first change: nothing was changed in AWS.');
    case 'finished':
      return vscode.l10n.t('Finished {0} ({1} changing and {2} reading AWS requests).', event.ok ? vscode.l10n.t('successfully') : vscode.l10n.t('with failures'), event.calls.mutating, event.calls.read);
  }
}

function actionWord(action: string): string {
  switch (action) {
    case 'create': return vscode.l10n.t('Creating');
    case 'update': return vscode.l10n.t('Updating');
    case 'replace': return vscode.l10n.t('Replacing');
    case 'delete': return vscode.l10n.t('Deleting');
    default: return vscode.l10n.t('Checking');
  }
}

/** A CancellationToken among a command's arguments (`{ cancellation: token }`): callers other
 * than the palette (other extensions, tests) cancel the way the notification's button does. */
export function cancellationOf(args: readonly unknown[]): vscode.CancellationToken | undefined {
  for (const arg of args) {
    const token = (arg as { cancellation?: vscode.CancellationToken } | undefined)?.cancellation;
    if (token && typeof token.onCancellationRequested === 'function') return token;
  }
  return undefined;
}

/** Runs `work` with progress and cancellation; reports failures as one notification. Returns the
 * result (also when some components failed), undefined when it threw. */
export async function runWithProgress(
  ctx: CommandContext,
  bp: OpenBlueprint,
  title: string,
  work: (options: EngineOptions) => Promise<RunResult>,
  cancellation?: vscode.CancellationToken,
): Promise<RunResult | undefined> {
  ctx.log.info(`${title} — ${bp.path}`);
  const running = new Set<string>();
  let cancelled = false;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const onCancel = () => {
        if (abort.signal.aborted) return;
        cancelled = true;
        ctx.log.warn(vscode.l10n.t('Cancelled by the user: finishing the action in flight, starting no new one.'));
        abort.abort();
      };
      const cancel = vscode.Disposable.from(token.onCancellationRequested(onCancel), ...(cancellation ? [cancellation.onCancellationRequested(onCancel)] : []));
      if (cancellation?.isCancellationRequested) onCancel();
      const onEvent = (event: EngineEvent) => {
        const line = describeEvent(event);
        if (line && event.type === 'failed') ctx.log.error(line);
        else if (line) ctx.log.info(line);
        if (event.type === 'started') running.add(event.name);
        if (event.type === 'done' || event.type === 'failed') running.delete(event.name);
        if (event.type === 'started' || event.type === 'progress' || event.type === 'done') {
          progress.report({ message: running.size > 0 ? [...running].join(', ') : line });
        }
        if (event.type === 'done' || event.type === 'failed') ctx.stateChanged(bp.path);
        ctx.events.fire(event);
      };
      try {
        return await work({ ...ctx.engineOptions(), signal: abort.signal, onEvent });
      } catch (error) {
        if (abort.signal.aborted && !(error instanceof BlueprintError && error.code !== 'interrupted')) {
          throw new BlueprintError('interrupted', vscode.l10n.t('Cancelled. What was already created stays; run the command again to continue.'), { cause: error });
        }
        throw error;
      } finally {
        cancel.dispose();
        // A plan made before this run no longer says what differs.
        ctx.plans.delete(bp.path);
        ctx.stateChanged(bp.path);
      }
    },
  );
  showAwsFindings(bp, result.failures, result.preflight?.checks);
  const failures = result.failures.filter((f) => f.name);
  if (cancelled) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Cancelled. What was already created stays; run the command again to continue.'));
  } else if (!result.ok && result.failures.some((f) => isCredentialsProblem(f))) {
    void showCredentialsGuidance(ctx.log);
  } else if (!result.ok && result.failures.length > 0) {
    const first = failures[0] ?? result.failures[0]!;
    const more = failures.length > 1 ? vscode.l10n.t(' (and {0} more)', failures.length - 1) : '';
    const showLog = vscode.l10n.t('Show Log');
    const told = first.advice ? `${first.message} ${first.advice.message}` : first.message;
    const message = first.name ? vscode.l10n.t('"{0}" failed: {1}{2}', first.name, told, more) : told;
    void vscode.window.showErrorMessage(message, showLog).then((c) => (c === showLog ? ctx.log.show(true) : undefined));
  }
  return result;
}

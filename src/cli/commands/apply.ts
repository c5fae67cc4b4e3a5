import { t } from '@vscode/l10n';
import type { CliCommand, CliIo } from '../command';
import type { Blueprint } from '../../core/schema';
import { defaultHttpWaitSeconds, httpUrlOf, waitForHttp } from '../../core/http-wait';
import { engineOptionsFrom } from '../command';
import { loadValidBlueprint } from '../blueprint-file';
import { loadEngine } from '../../engine-loader';
import type { RunResult } from '../../core/engine-api';
import { BlueprintError } from '../../core/errors';
import { preflightJson } from '../../core/preflight';
import { planJson, planLine, planSummaryLine, progressPrinter } from './plan';

/** The one JSON document apply and destroy print under --json. */
export function runJson(result: RunResult) {
  return { ok: result.ok, ...planJson(result.plan), failures: result.failures, calls: result.calls };
}

export function parallelismOf(value: unknown): void {
  if (value === undefined) return;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new BlueprintError('usage', t('--parallelism takes a whole number of 1 or more, not "{0}".', String(value)));
}

export const apply: CliCommand = {
  name: 'apply',
  get summary() {
    return t('create or update what the blueprint declares (--only NAME: one component and what it needs)');
  },
  usage: 'apply FILE [--only NAME] [--parallelism N] [--wait-http [--wait-http-timeout SECONDS]] [--no-preflight] [--json]',
  options: { only: { type: 'string' }, 'wait-http': { type: 'boolean' }, 'wait-http-timeout': { type: 'string' }, 'no-preflight': { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  async run([file], values, io) {
    const json = !!values.json;
    parallelismOf(values.parallelism);
    const waitSeconds = waitHttpSeconds(values);
    const { text, blueprint } = loadValidBlueprint(file!, io, { json });
    const only = typeof values.only === 'string' ? values.only : undefined;
    const printer = progressPrinter(io, file);
    const result = await loadEngine().apply({ path: file!, text }, {
      ...engineOptionsFrom(values, io),
      ...(only ? { only } : {}),
      ...(values['no-preflight'] ? { preflight: false } : {}),
      onEvent: (event) => {
        if (event.type === 'plan' && !json) for (const a of event.plan.actions) if (a.action !== 'keep') io.stderr(planLine(a));
        printer(event);
      },
    });
    if (result.preflight && !result.preflight.ok) {
      if (json) io.stdout(JSON.stringify({ ...runJson(result), preflight: preflightJson(result.preflight) }));
      else io.stderr(t('Apply stopped before its first change: the preflight failed (above). Nothing was changed in AWS.'));
      return 5;
    }
    if (!json) {
      io.stderr(planSummaryLine(result.plan));
      io.stderr(
        result.ok
          ? t('Done. AWS calls: {0} changing, {1} reading.', result.calls.mutating, result.calls.read)
          : t('Apply stopped: {0}', result.failures.map((f) => f.message + (f.code ? ` (${t('AWS error code')}: ${f.code})` : '')).join('; ')),
      );
    }
    const http = result.ok && waitSeconds !== undefined ? await waitForWebServers(blueprint!, result, only, waitSeconds, io) : undefined;
    if (json) io.stdout(JSON.stringify({ ...runJson(result), ...(http ? { http } : {}) }));
    return !result.ok || (http && http.some((h) => !h.ok)) ? 3 : 0;
  },
};

function waitHttpSeconds(values: Record<string, unknown>): number | undefined {
  const timeout = values['wait-http-timeout'];
  if (timeout !== undefined && !values['wait-http']) throw new BlueprintError('usage', t('--wait-http-timeout goes with --wait-http.'));
  if (!values['wait-http']) return undefined;
  if (timeout === undefined) return defaultHttpWaitSeconds;
  const n = Number(timeout);
  if (!/^\d+$/.test(String(timeout)) || n < 1) throw new BlueprintError('usage', t('--wait-http-timeout takes a number of seconds (1 or more), not "{0}".', String(timeout)));
  return n;
}

/** After apply: waits until http://<public address>/ of each instance applied answers with a page. */
async function waitForWebServers(bp: Blueprint, result: RunResult, only: string | undefined, seconds: number, io: CliIo) {
  const targets = (bp.instances ?? [])
    .filter((i) => !only || i.name === only || result.plan.actions.some((a) => a.name === i.name))
    .map((i) => ({ name: i.name, address: result.state.resources[i.name]?.attributes.publicIp }))
    .filter((x): x is { name: string; address: string } => typeof x.address === 'string');
  if (targets.length === 0) {
    io.stderr(t('--wait-http: no instance applied here has a public address, so there is no web server to wait for.'));
    return [];
  }
  return Promise.all(
    targets.map(async ({ name, address }) => {
      const url = httpUrlOf(address);
      io.stderr(t('Waiting for {0} ({1}) to answer, at most {2} s: an instance that installs its web server from user data answers only minutes after it is running.', url, name, seconds));
      let said = '';
      const outcome = await waitForHttp(url, {
        timeoutMs: seconds * 1000,
        onAttempt: (a) => {
          const now = a.status !== undefined ? `HTTP ${a.status}` : (a.error ?? '');
          if (now !== said) io.stderr(t('{0}: {1} after {2} s', url, now, Math.round(a.elapsedMs / 1000)));
          said = now;
        },
      });
      if (outcome.ok) io.stderr(t('{0} answers (HTTP {1}) after {2} s.', url, outcome.status, Math.round(outcome.elapsedMs / 1000)));
      else
        io.stderr(
          t('{0} did not answer with a page within {1} s (last: {2}). The instance may still be setting itself up: its log is /var/log/cloud-init-output.log (ec2-blueprint ssh FILE {3}).', url, seconds, outcome.last ?? '-', name),
        );
      return { name, url, ok: outcome.ok, ...(outcome.ok ? { status: outcome.status } : { last: outcome.last ?? null }), seconds: Math.round(outcome.elapsedMs / 1000) };
    }),
  );
}

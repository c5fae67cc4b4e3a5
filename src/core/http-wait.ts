// Waiting for a web server: after apply, an instance whose user data installs one (the WordPress
// example) answers HTTP only minutes after its status checks pass. Polls http://<address>/ until it
// answers with a page (2xx or a redirect), bounded and cancellable. A 4xx/5xx (Apache's test page
// answers 403 until WordPress is in place) or no connection counts as "not yet".
import { pause } from './pause';

export interface HttpWaitOptions {
  /** Give up after this long. */
  timeoutMs: number;
  /** Between attempts. */
  intervalMs?: number;
  /** One attempt's limit. */
  requestTimeoutMs?: number;
  signal?: AbortSignal;
  /** Each attempt's outcome: an HTTP status, or why there was none. */
  onAttempt?(attempt: { status?: number; error?: string; elapsedMs: number }): void;
  fetch?: typeof fetch;
}

export type HttpWaitResult =
  | { ok: true; url: string; status: number; elapsedMs: number }
  | { ok: false; url: string; reason: 'timeout' | 'cancelled'; last?: string; elapsedMs: number };

export const defaultHttpWaitSeconds = 900;

/** The page a browser opens for an instance's public address. */
export function httpUrlOf(address: string, port = 80): string {
  return port === 80 ? `http://${address}/` : `http://${address}:${port}/`;
}

export async function waitForHttp(url: string, options: HttpWaitOptions): Promise<HttpWaitResult> {
  const started = Date.now();
  const elapsed = () => Date.now() - started;
  const doFetch = options.fetch ?? fetch;
  let last: string | undefined;
  for (;;) {
    if (options.signal?.aborted) return { ok: false, url, reason: 'cancelled', ...(last ? { last } : {}), elapsedMs: elapsed() };
    const limit = AbortSignal.timeout(Math.min(options.requestTimeoutMs ?? 10_000, Math.max(1, options.timeoutMs - elapsed())));
    try {
      const response = await doFetch(url, { redirect: 'manual', signal: options.signal ? AbortSignal.any([options.signal, limit]) : limit });
      await response.body?.cancel().catch(() => undefined);
      options.onAttempt?.({ status: response.status, elapsedMs: elapsed() });
      if (response.status < 400) return { ok: true, url, status: response.status, elapsedMs: elapsed() };
      last = `HTTP ${response.status}`;
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      last = cause ?? (error as Error).name ?? 'error';
      options.onAttempt?.({ error: last, elapsedMs: elapsed() });
    }
    const wait = Math.min(options.intervalMs ?? 3000, options.timeoutMs - elapsed());
    if (wait <= 0) return { ok: false, url, reason: 'timeout', ...(last ? { last } : {}), elapsedMs: elapsed() };
    await pause(wait, options.signal);
  }
}

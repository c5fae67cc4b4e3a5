// What a preflight found: one check per line, each ok or the problem and what to do. Computed by
// the engine bundle (src/aws/preflight.ts); shown by the CLI (`preflight`, and `apply` before its
// first change) and by VS Code (notification, output channel, diagnostics on the line concerned).
import type { CallCount } from './events';
import type { Kind } from './model';

export type PreflightCheckId = 'permission' | 'elastic-ip-quota' | 'instance-type-offering' | 'image' | 'image-architecture' | 'root-volume-size' | 'dry-run';

export interface PreflightCheck {
  check: PreflightCheckId;
  ok: boolean;
  /** One line: ok, or the problem and what to do. */
  message: string;
  /** The IAM permission a refused DryRun names (`ec2:RunInstances`). */
  permission?: string;
  /** The component the check is about, and the key of it the finding belongs on. */
  name?: string;
  kind?: Kind;
  field?: string;
}

export interface PreflightResult {
  ok: boolean;
  checks: PreflightCheck[];
  calls: CallCount;
}

/** The `--json` shape (DESIGN.md section 4): exactly these keys. */
export function preflightJson(result: Pick<PreflightResult, 'ok' | 'checks'>) {
  return { ok: result.ok, checks: result.checks.map((c) => ({ check: c.check, ok: c.ok, message: c.message, ...(c.permission ? { permission: c.permission } : {}) })) };
}

/** `✓ message` / `✗ message`, one a line. */
export function preflightLine(check: PreflightCheck): string {
  return `${check.ok ? '✓' : '✗'} ${check.message}`;
}

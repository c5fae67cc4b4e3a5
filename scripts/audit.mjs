// Checks what ships (production dependencies only) for known high or critical vulnerabilities:
//   node scripts/audit.mjs          (npm run audit)
// Runs `npm audit --omit=dev --json` and exits 1 when it reports any high or critical advisory,
// naming each package. When the registry's audit endpoint cannot be reached (no network, or a
// registry mirror without the advisories API, which answers 405/404), there is nothing to judge:
// it says so plainly and exits 0 — unless EC2BP_AUDIT_STRICT=1, which makes that a failure too
// (for CI machines that do reach the registry). EC2BP_AUDIT_REPORT=FILE judges a saved
// `npm audit --json` report instead of running npm (to check this script itself).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const strict = process.env.EC2BP_AUDIT_STRICT === '1';
const failOn = new Set(['high', 'critical']);

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const saved = process.env.EC2BP_AUDIT_REPORT;
const result = saved
  ? { status: 0, stdout: readFileSync(saved, 'utf8'), stderr: '' }
  : spawnSync(npm, ['audit', '--omit=dev', '--json'], { cwd: root, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
if (result.error) {
  console.error(`audit: could not run npm audit: ${result.error.message}`);
  process.exit(1);
}

let report;
try {
  report = JSON.parse(result.stdout);
} catch {
  console.error(`audit: npm audit printed no JSON (exit ${result.status}):\n${(result.stdout + result.stderr).slice(0, 2000)}`);
  process.exit(1);
}

const counts = report?.metadata?.vulnerabilities;
if (!counts) {
  // npm's error document: { message, statusCode, uri, ... } or { error: { code, summary } }.
  const status = report?.statusCode;
  const code = report?.error?.code ?? report?.code;
  const message = report?.message ?? report?.error?.summary ?? 'no details';
  const unreachable =
    [404, 405, 501, 502, 503, 504].includes(status) ||
    /ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH|audit endpoint/i.test(`${code} ${message} ${result.stderr}`);
  if (unreachable) {
    const warning = `audit: WARNING: the registry's audit endpoint could not be used (${message}${report?.uri ? `; ${report.uri}` : ''}), so no vulnerability data was checked.`;
    console.error(warning);
    if (strict) {
      console.error('audit: EC2BP_AUDIT_STRICT=1: failing because nothing could be checked.');
      process.exit(1);
    }
    console.error('audit: passing with this warning only because the endpoint is unreachable; set EC2BP_AUDIT_STRICT=1 to make this a failure.');
    process.exit(0);
  }
  console.error(`audit: npm audit failed: ${message} (exit ${result.status})`);
  process.exit(1);
}

const bad = Object.entries(report.vulnerabilities ?? {})
  .filter(([, v]) => failOn.has(v.severity))
  .map(([name, v]) => {
    const via = (v.via ?? []).map((x) => (typeof x === 'string' ? x : `${x.title ?? x.name} (${x.url ?? x.source ?? ''})`)).join('; ');
    return `  ${v.severity.padEnd(8)} ${name} ${v.range ?? ''}${v.fixAvailable ? ' — a fix is available' : ''}\n           ${via}`;
  });
const summary = Object.entries(counts)
  .filter(([k]) => k !== 'total')
  .map(([k, n]) => `${n} ${k}`)
  .join(', ');
const shipped = report.metadata?.dependencies?.prod ?? report.metadata?.dependencies?.total;
console.error(`audit: ${shipped ?? '?'} production dependencies checked: ${summary || 'no advisories'}.`);
if (bad.length > 0) {
  console.error(`audit: ${bad.length} high or critical vulnerabilit${bad.length === 1 ? 'y' : 'ies'} in what ships:\n${bad.join('\n')}`);
  process.exit(1);
}
console.error('audit: no high or critical vulnerability in what ships.');

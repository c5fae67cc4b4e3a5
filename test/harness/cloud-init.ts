// Debian's cloud-init, for checking cloud-config documents offline with `cloud-init schema
// --config-file FILE` (the same schema cloud-init applies on the instance). Installed with
// scripts/tools.mjs when missing and running as root, as CI does; otherwise the test fails saying
// how to install it.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const candidates = ['/usr/bin/cloud-init', '/usr/local/bin/cloud-init'];
const installHint =
  'cloud-init is needed to check cloud-config documents. On Debian/Ubuntu run `node scripts/tools.mjs apt cloud-init` as root (or `sudo apt-get install -y cloud-init`); elsewhere `pip install cloud-init` provides the same `cloud-init schema` command.';

const find = () => candidates.find((p) => existsSync(p));

export async function ensureCloudInit(): Promise<string> {
  const found = find();
  if (found) return found;
  try {
    const toolsUrl = new URL('../../scripts/tools.mjs', import.meta.url).href;
    const tools = (await import(toolsUrl)) as { ensureAptPackages(names: string[]): Promise<string[]> };
    await tools.ensureAptPackages(['cloud-init']);
  } catch (error) {
    throw new Error(`cloud-init is not installed and could not be installed: ${(error as Error).message}\n${installHint}`);
  }
  const after = find();
  if (!after) throw new Error(`cloud-init is still missing after installing it.\n${installHint}`);
  return after;
}

/** Runs `cloud-init schema --config-file FILE`: its exit code and what it printed. */
export function cloudInitSchema(cloudInit: string, file: string): { code: number | null; output: string } {
  const r = spawnSync(cloudInit, ['schema', '--config-file', file], { encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw new Error(`cloud-init could not run: ${r.error.message}`);
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
}

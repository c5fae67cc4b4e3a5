// `npm run bench`: every scripts/bench-*.mjs in turn. Each reports medians and ratios against a
// baseline it measures in the same run.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
let failed = 0;
for (const name of readdirSync(here).filter((f) => /^bench-.+\.mjs$/.test(f) && f !== 'bench-lib.mjs').sort()) {
  if (only && !name.includes(only)) continue;
  console.log(`\n=== ${name}`);
  const r = spawnSync(process.execPath, [join(here, name)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;

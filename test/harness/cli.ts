// The built CLI (dist/cli.js) as a child process against the test emulator, the way a user or a
// script runs it: a clean environment with dummy credentials and only the flags given.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_CREDENTIALS, TEST_REGION, testEndpoint } from './moto';

export const builtCli = join(__dirname, '..', '..', 'dist', 'cli.js');

export interface BuiltCliRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/cli.js ARGS --endpoint <emulator>`; `env` adds variables (LANG, …). */
export function runBuiltCli(args: string[], env: NodeJS.ProcessEnv = {}): BuiltCliRun {
  assert.ok(existsSync(builtCli), `${builtCli} is missing: run \`npm run build\` first (npm run test:emulator does).`);
  const result = spawnSync(process.execPath, [builtCli, ...args, '--endpoint', testEndpoint()], {
    encoding: 'utf8',
    timeout: 300_000,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      AWS_REGION: TEST_REGION,
      // The runner's Price List stand-in and cache folder: never the real price list.
      ...(process.env.AWS_ENDPOINT_URL_PRICING ? { AWS_ENDPOINT_URL_PRICING: process.env.AWS_ENDPOINT_URL_PRICING } : {}),
      ...(process.env.EC2BP_CACHE_DIR ? { EC2BP_CACHE_DIR: process.env.EC2BP_CACHE_DIR } : {}),
      ...env,
    },
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

// The CLI in Japanese against the emulator: the engine is a bundle of its own (dist/engine.js,
// with its own copy of @vscode/l10n), so its words — plan reasons, progress, the private key
// note — must follow LANG too, not only the validator's.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resetEmulator, testEndpoint, TEST_CREDENTIALS, TEST_REGION } from '../harness/moto';

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'ec2bp-cli-ja-'));
const blueprint = join(dir, 'tutorial.blueprint.yaml');
const keyDir = join(dir, 'keys');

function run(args: string[], lang: string) {
  assert.ok(existsSync(cli), `${cli} is missing: run \`npm run build\` first (npm run test:emulator does).`);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: lang,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_REGION: TEST_REGION,
  };
  const r = spawnSync(process.execPath, [cli, ...args, blueprint, '--endpoint', testEndpoint(), '--key-dir', keyDir], { encoding: 'utf8', env, timeout: 300_000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

before(async () => {
  await resetEmulator();
  const text = readFileSync(join(root, 'examples', 'tutorial.blueprint.yaml'), 'utf8');
  writeFileSync(blueprint, text.replace('stack: wp-atsushi', 'stack: cli-ja').replaceAll('key-wp-RHEL', 'key-cli-ja'));
});

test('plan under LANG=ja_JP.UTF-8 gives the engine\'s reasons in Japanese', () => {
  const r = run(['plan'], 'ja_JP.UTF-8');
  assert.equal(r.status, 0, r.stderr);
  const out = r.stdout + r.stderr;
  assert.match(out, /まだ存在しません。/, out);
  assert.doesNotMatch(out, /It does not exist yet\./);
  const en = run(['plan'], 'en_US.UTF-8');
  assert.match(en.stdout + en.stderr, /It does not exist yet\./);
});

test('apply of the key pair under LANG=ja_JP.UTF-8 reports in Japanese where the private key went', () => {
  const r = run(['apply', '--only', 'key-cli-ja'], 'ja_JP.UTF-8');
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.stderr.includes(`プライベートキーを ${join(keyDir, 'key-cli-ja.pem')} に書き込みました (モード 0600)`), r.stderr);
  assert.ok(existsSync(join(keyDir, 'key-cli-ja.pem')));
  const destroyed = run(['destroy', '--yes'], 'ja_JP.UTF-8');
  assert.equal(destroyed.status, 0, destroyed.stderr);
  assert.match(destroyed.stderr, /[\u3040-\u30ff]/, destroyed.stderr);
});

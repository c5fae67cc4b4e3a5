// The CLI in Japanese against the emulator: the engine is a bundle of its own (dist/engine.js,
// with its own copy of @vscode/l10n), so its words — plan reasons, progress, the private key
// note — must follow LANG too, not only the validator's.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resetEmulator } from '../harness/moto';
import { runBuiltCli, type BuiltCliRun } from '../harness/cli';

const root = join(__dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'ec2bp-cli-ja-'));
const blueprint = join(dir, 'tutorial.blueprint.yaml');
const keyDir = join(dir, 'keys');

const run = (args: string[], lang: string): BuiltCliRun => runBuiltCli([...args, blueprint, '--key-dir', keyDir], { LANG: lang });

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

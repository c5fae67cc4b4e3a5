// Secrets against the real emulator: apply the tutorial with recognizable credentials and debug
// logging on, then look for the private key material (read back from the .pem the engine wrote) and
// the credentials in everything the product prints or writes: the output of apply, plan, diagram,
// ssh --print, reach, destroy and of failing runs, the state file, the diagram source. Key files are
// 0600, never overwritten, and a foreign file in their place is a clear error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { resetEmulator, testEndpoint } from '../harness/moto';

const root = resolve(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
const canary = { accessKeyId: 'AKIACANARY7Q3XW9SECRET', secretAccessKey: 'canary/Secret+Key/9f8e7d6c5b4a39281706ZZZ', sessionToken: 'CanarySessionToken0123456789abcdefTOKEN' };

let dir: string;
let blueprint: string;
let keyDir: string;
let pem: string;
/** Everything the product printed, by what printed it. */
const outputs: { what: string; text: string }[] = [];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_ACCESS_KEY_ID: canary.accessKeyId,
    AWS_SECRET_ACCESS_KEY: canary.secretAccessKey,
    AWS_SESSION_TOKEN: canary.sessionToken,
    AWS_REGION: 'ap-northeast-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    EC2BP_DEBUG: '1',
    ...extraEnv,
  };
  delete env.AWS_PROFILE;
  return new Promise((done) => {
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('close', (code) => {
      outputs.push({ what: args.slice(0, 1).concat(args.filter((a) => a.startsWith('--') && a !== '--endpoint' && a !== '--key-dir')).join(' '), text: stdout + '\n' + stderr });
      done({ code, stdout, stderr });
    });
  });
}

/** Pieces of a secret long enough to be unmistakable: every 24-character window of it. */
function fragments(secret: string, size = 24): string[] {
  const clean = secret.replace(/\s+/g, '');
  const out: string[] = [];
  for (let i = 0; i + size <= clean.length; i += 8) out.push(clean.slice(i, i + size));
  return out;
}

function leaks(text: string, secrets: Record<string, string[]>): string[] {
  const flat = text.replace(/\s+/g, '');
  const found: string[] = [];
  for (const [name, pieces] of Object.entries(secrets)) if (pieces.some((p) => flat.includes(p))) found.push(name);
  return found;
}

const common = () => ['--endpoint', testEndpoint(), '--key-dir', keyDir];

before(async () => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first (npm run test:emulator does).`);
  await resetEmulator();
  dir = mkdtempSync(join(tmpdir(), 'ec2bp-secrets-'));
  blueprint = join(dir, 'tutorial.blueprint.yaml');
  copyFileSync(join(root, 'examples', 'tutorial.blueprint.yaml'), blueprint);
  keyDir = join(dir, 'keys');
  pem = join(keyDir, 'key-wp-RHEL.pem');
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('apply writes the private key once, mode 0600, and a second apply leaves its bytes and mtime alone', { timeout: 120_000 }, async () => {
  const first = await run(['apply', blueprint, ...common(), '--json']);
  assert.equal(first.code, 0, first.stderr);
  const stat = statSync(pem);
  assert.equal(stat.mode & 0o777, 0o600, `mode ${(stat.mode & 0o777).toString(8)}`);
  const key = readFileSync(pem, 'utf8');
  assert.match(key, /-----BEGIN (RSA|OPENSSH) PRIVATE KEY-----/);

  await new Promise((r) => setTimeout(r, 1100)); // so a rewrite would show in the mtime
  const second = await run(['apply', blueprint, ...common(), '--json']);
  assert.equal(second.code, 0, second.stderr);
  const after = statSync(pem);
  assert.equal(readFileSync(pem, 'utf8'), key);
  assert.equal(after.mtimeMs, stat.mtimeMs);
  assert.equal(after.ino, stat.ino);
  assert.equal(after.mode & 0o777, 0o600);
});

test('neither the private key nor the credentials appear in any output, the state file or the diagram source', { timeout: 180_000 }, async () => {
  assert.ok(existsSync(pem), 'the apply test above must have written the key');
  const key = readFileSync(pem, 'utf8');
  const body = key.replace(/-----[A-Z ]+-----/g, '');
  const secrets = {
    'private key': fragments(body),
    'secret access key': [canary.secretAccessKey, canary.secretAccessKey.replace(/[/+]/g, (c) => encodeURIComponent(c))],
    'session token': [canary.sessionToken],
  };

  // The detector itself finds what it looks for, even re-wrapped.
  assert.deepEqual(leaks(`log: ${body.replace(/\n/g, '')}`, secrets), ['private key']);
  assert.deepEqual(leaks(`x-amz: ${canary.secretAccessKey}`, secrets), ['secret access key']);

  await run(['plan', blueprint, ...common()]);
  await run(['plan', blueprint, ...common(), '--json']);
  const diagram = await run(['diagram', blueprint, ...common()]);
  assert.equal(diagram.code, 0, diagram.stderr);
  assert.match(diagram.stdout, /flowchart|graph/);
  await run(['ssh', blueprint, '--print', ...common()]);
  await run(['ssh', blueprint, '--print', '--json', ...common()]);
  await run(['reach', blueprint, ...common()]);
  // Failing runs: an endpoint that does not answer, an unknown instance, a stack locked by another.
  await run(['apply', blueprint, '--endpoint', 'http://127.0.0.1:9', '--key-dir', keyDir], { AWS_MAX_ATTEMPTS: '1' });
  await run(['ssh', blueprint, 'no-such-instance', '--print', ...common()]);

  const state = readFileSync(join(dir, 'tutorial.blueprint.state.json'), 'utf8');
  const places = [...outputs, { what: 'state file', text: state }, { what: 'diagram source', text: diagram.stdout }];
  const found = places.flatMap((p) => leaks(p.text, secrets).map((s) => `${s} in ${p.what}`));
  assert.deepEqual(found, []);
  // The access key id is not a secret by itself, but nothing has a reason to print it either.
  const ids = places.filter((p) => p.text.includes(canary.accessKeyId)).map((p) => p.what);
  assert.deepEqual(ids, [], 'the access key id was printed');
  // The state records where the key file is, never what is in it.
  assert.doesNotMatch(state, /PRIVATE KEY/);
  assert.ok(outputs.length >= 8);
});

test('a key file this stack did not write is a clear error and is left untouched', { timeout: 120_000 }, async () => {
  // Another blueprint (its own stack and state) wants a key of the same name in the same folder.
  const otherDir = join(dir, 'other');
  mkdirSync(otherDir);
  const other = join(otherDir, 'other.blueprint.yaml');
  writeFileSync(other, readFileSync(blueprint, 'utf8').replace('stack: wp-atsushi', 'stack: wp-other').replace(/10\.0\./g, '10.1.'));
  const foreign = join(keyDir, 'key-wp-RHEL.pem');
  const before = readFileSync(foreign);
  const mtime = statSync(foreign).mtimeMs;
  const r = await run(['apply', other, ...common()]);
  assert.equal(r.code, 3, r.stderr);
  assert.ok(r.stderr.includes(foreign), `the message does not name the file:\n${r.stderr}`);
  assert.match(r.stderr, /never overwrites|already exists/i);
  assert.deepEqual(readFileSync(foreign), before);
  assert.equal(statSync(foreign).mtimeMs, mtime);
  // Its own resources are cleaned up by its destroy; the foreign key file stays.
  const bye = await run(['destroy', other, '--yes', ...common()]);
  assert.equal(bye.code, 0, bye.stderr);
  assert.deepEqual(readFileSync(foreign), before);
});

test('destroy removes the key pair and then the key file it wrote, printing neither key nor credentials', { timeout: 120_000 }, async () => {
  const key = readFileSync(pem, 'utf8');
  const r = await run(['destroy', blueprint, '--yes', ...common(), '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(existsSync(pem), false);
  assert.deepEqual(leaks(r.stdout + r.stderr, { 'private key': fragments(key.replace(/-----[A-Z ]+-----/g, '')), secret: [canary.secretAccessKey] }), []);
});

// `ec2-blueprint ssh FILE --print`: the command line from the blueprint and its state file, the
// same one Copy SSH Command gives, and nothing but one JSON document under --json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../../src/cli/main';
import type { CliIo } from '../../../../src/cli/command';
import { tutorialText } from '../../builders';
import { shellFor, sshCommandLine } from '../../../../src/core/ssh';
import { sshTarget } from '../../../../src/core/ssh-target';
import { validateBlueprint } from '../../../../src/core/validate';
import type { StateFile } from '../../../../src/core/state';

function io(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), interactive: false, confirm: async () => false, env: {}, cwd };
  return { io: value, out, err };
}

const state: StateFile = {
  version: 1,
  stack: 'wp-atsushi',
  region: 'ap-northeast-1',
  updatedAt: '2026-01-01T00:00:00Z',
  resources: {
    'eip-Atsushi': { kind: 'elasticIp', id: 'eipalloc-1', attributes: { publicIp: '127.0.0.77' }, createdAt: '', updatedAt: '' },
    'key-wp-RHEL': { kind: 'keyPair', id: 'key-1', attributes: {}, createdAt: '', updatedAt: '' },
    'ec2-wp-RHEL8': { kind: 'instance', id: 'i-0abc', attributes: { state: 'running' }, createdAt: '', updatedAt: '' },
  },
};

test('--print and --json give the same command line as Copy SSH Command, with the key in --key-dir', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ssh-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'tutorial.blueprint.yaml');
  writeFileSync(file, tutorialText);
  writeFileSync(join(dir, 'tutorial.blueprint.state.json'), JSON.stringify(state));
  const keyDir = join(dir, 'keys');

  const printed = io(dir);
  assert.equal(await main(['ssh', file, '--print', '--key-dir', 'keys'], printed.io), 0);
  assert.equal(printed.out.length, 1);
  const expectedTarget = sshTarget(validateBlueprint(tutorialText).blueprint!, state, undefined, { keyDir, homeDir: '/unused' });
  assert.ok(expectedTarget.ok);
  const expected = sshCommandLine(expectedTarget.target, shellFor(process.platform));
  assert.equal(printed.out[0], expected);
  assert.match(printed.out[0]!, new RegExp(` -p 22 ec2-user@127\\.0\\.0\\.77$`));
  assert.ok(printed.out[0]!.includes(join(keyDir, 'key-wp-RHEL.pem')), 'a relative --key-dir becomes absolute');
  // The key is not there: said on stderr, with the way out, but the command is still printed.
  assert.ok(printed.err.some((l) => /cannot be downloaded again/.test(l)));

  const json = io(dir);
  assert.equal(await main(['ssh', file, 'ec2-wp-RHEL8', '--json', '--key-dir', keyDir], json.io), 0);
  assert.equal(json.out.length, 1);
  const doc = JSON.parse(json.out[0]!) as { command: string; argv: string[] };
  assert.equal(doc.command, expected);
  assert.equal(doc.argv[0], 'ssh');
  assert.deepEqual(doc.argv.slice(-3), ['-p', '22', 'ec2-user@127.0.0.77']);
});

test('no state yet, an unknown instance: a reason and the contract\'s exit codes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ssh-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'tutorial.blueprint.yaml');
  writeFileSync(file, tutorialText);
  const fresh = io(dir);
  assert.equal(await main(['ssh', file, '--print'], fresh.io), 3);
  assert.deepEqual(fresh.out, []);
  assert.ok(fresh.err.some((l) => /has not been created yet/.test(l)));
  const unknown = io(dir);
  assert.equal(await main(['ssh', file, 'nope', '--json'], unknown.io), 2);
  assert.ok(unknown.err.some((l) => /no instance named "nope"/.test(l)));
});

test('connecting without ssh on PATH: exit 3 and how to install it (after the key was found usable)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ssh-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'tutorial.blueprint.yaml');
  writeFileSync(file, tutorialText);
  writeFileSync(join(dir, 'tutorial.blueprint.state.json'), JSON.stringify(state));
  mkdirSync(join(dir, 'keys'), { mode: 0o700 });
  writeFileSync(join(dir, 'keys', 'key-wp-RHEL.pem'), 'not a real key\n', { mode: 0o600 });
  const run = io(dir);
  run.io.env = { PATH: join(dir, 'no-bin') };
  assert.equal(await main(['ssh', file, '--key-dir', join(dir, 'keys')], run.io), 3);
  assert.ok(run.err.some((l) => /ssh program was not found on PATH/.test(l)), run.err.join('\n'));
});

test('connecting with a missing key: exit 3 and the way out, before anything else', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ssh-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'tutorial.blueprint.yaml');
  writeFileSync(file, tutorialText);
  writeFileSync(join(dir, 'tutorial.blueprint.state.json'), JSON.stringify(state));
  const run = io(dir);
  assert.equal(await main(['ssh', file, '--key-dir', join(dir, 'keys')], run.io), 3);
  assert.ok(run.err.some((l) => /AWS hands out a private key only once/.test(l)), run.err.join('\n'));
});

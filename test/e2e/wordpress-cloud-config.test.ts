// The WordPress example's cloud-config, checked by the real `cloud-init schema` (Debian's
// cloud-init, the schema cloud-init applies on the instance), and its setup script by bash's own
// parser. A broken cloud-config is refused by the same tool, so the check can fail.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { validateBlueprint } from '../../src/core/validate';
import { newBlueprintText } from '../../src/core/new-blueprint';
import { cloudInitSchema, ensureCloudInit } from '../harness/cloud-init';

const root = join(__dirname, '..', '..');
const example = readFileSync(join(root, 'examples', 'wordpress.blueprint.yaml'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'cloud-config-'));
let cloudInit = '';

before(async () => {
  cloudInit = await ensureCloudInit();
});

function userDataOf(text: string): string {
  const result = validateBlueprint(text);
  assert.ok(result.blueprint, JSON.stringify(result.diagnostics.filter((d) => d.severity === 'error')));
  return Object.values(result.userData ?? {})[0]!;
}

test('cloud-init schema accepts the example\'s cloud-config and the one New Blueprint writes', () => {
  for (const [name, text] of [
    ['example', example],
    ['new', newBlueprintText({ suffix: 'Hanako', region: 'ap-northeast-1', availabilityZone: 'ap-northeast-1a', template: 'wordpress' })],
  ] as const) {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, userDataOf(text));
    const run = cloudInitSchema(cloudInit, file);
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /Valid cloud-config/);
  }
});

test('cloud-init schema refuses a broken cloud-config (the check is real)', () => {
  const file = join(dir, 'broken.yaml');
  writeFileSync(file, userDataOf(example).replace('runcmd:\n  - [/usr/local/sbin/install-wordpress]', 'runcmd: /usr/local/sbin/install-wordpress\nwrite_files: 5'));
  const run = cloudInitSchema(cloudInit, file);
  assert.notEqual(run.code, 0, run.output);
  assert.match(run.output, /write_files/);
});

test('the setup script it writes is valid bash and runs from runcmd', () => {
  const config = parse(userDataOf(example)) as { write_files: { path: string; content: string; permissions: string }[]; runcmd: string[][] };
  const script = config.write_files.find((f) => f.path === '/usr/local/sbin/install-wordpress')!;
  assert.ok(script.content.startsWith('#!/bin/bash\n'));
  assert.equal(script.permissions, '0700');
  const file = join(dir, 'install-wordpress');
  writeFileSync(file, script.content);
  const check = spawnSync('bash', ['-n', file], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
  assert.deepEqual(config.runcmd, [['/usr/local/sbin/install-wordpress']]);
});

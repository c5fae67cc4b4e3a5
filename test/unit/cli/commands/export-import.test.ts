// The export and import commands' own contract: usage errors exit 2 and say what to type, the
// template goes to stdout alone, the state of an applied stack feeds the image parameter, and
// import refuses to overwrite before it ever calls AWS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { tutorialPath, tutorialText, tutorialWith } from '../../builders';
import { runCli } from '../../run-cli';

const run = runCli;

const dir = mkdtempSync(join(tmpdir(), 'ec2bp-cfn-cli-'));

test('export needs --format cloudformation, and says so', async () => {
  const missing = await run(['export', tutorialPath]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--format cloudformation/);
  assert.equal(missing.stdout, '');
  const other = await run(['export', tutorialPath, '--format', 'terraform']);
  assert.equal(other.code, 2);
  assert.match(other.stderr, /"terraform" is not an export format/);
  const badOutput = await run(['export', tutorialPath, '--format', 'cloudformation', '--output-format', 'xml']);
  assert.equal(badOutput.code, 2);
});

test('export prints only the template on stdout (YAML by default, JSON on request)', async () => {
  const yaml = await run(['export', tutorialPath, '--format', 'cloudformation', '--offline']);
  assert.equal(yaml.code, 0, yaml.stderr);
  const template = parse(yaml.stdout) as { AWSTemplateFormatVersion: string; Resources: Record<string, unknown> };
  assert.equal(template.AWSTemplateFormatVersion, '2010-09-09');
  assert.equal(Object.keys(template.Resources).length, 13);
  assert.match(yaml.stderr, /asks for it when it is deployed: pass --parameters ParameterKey=Ec2WpRHEL8ImageId,ParameterValue=ami-…/, 'the RHEL image parameter is explained on stderr');

  const json = await run(['export', tutorialPath, '--format', 'cloudformation', '--json', '--offline']);
  assert.equal(json.code, 0);
  assert.deepEqual(JSON.parse(json.stdout), template);
});

test('export where EC2 cannot be reached keeps the image parameter and says how to fill it', async () => {
  // Port 9 (discard) on loopback refuses at once: EC2 is not reachable.
  const r = await run(['export', tutorialPath, '--format', 'cloudformation', '--endpoint', 'http://127.0.0.1:9']);
  assert.equal(r.code, 0, r.stderr);
  const template = parse(r.stdout) as { Parameters: Record<string, { Default?: string }> };
  assert.equal(template.Parameters.Ec2WpRHEL8ImageId?.Default, undefined);
  assert.match(r.stderr, /EC2 was not asked which image "rhel-8" means \(.+\).*ParameterKey=Ec2WpRHEL8ImageId/);
});

test('export of an invalid blueprint exits 1 and prints no template', async () => {
  const path = join(dir, 'bad.blueprint.yaml');
  writeFileSync(path, tutorialWith(['cidr: 10.0.1.0/24', 'cidr: 10.1.1.0/24']));
  const r = await run(['export', path, '--format', 'cloudformation']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /nothing was sent to AWS|has errors/);
});

test('export uses the image recorded in the state file', async () => {
  const path = join(dir, 'applied.blueprint.yaml');
  writeFileSync(path, tutorialText);
  const now = new Date().toISOString();
  writeFileSync(
    join(dir, 'applied.blueprint.state.json'),
    JSON.stringify({
      version: 1,
      stack: 'wp-atsushi',
      region: 'ap-northeast-1',
      updatedAt: now,
      resources: { 'ec2-wp-RHEL8': { kind: 'instance', id: 'i-0123', attributes: { image: 'rhel-8', imageId: 'ami-0b2f6d8c4e1a7f802', rootDeviceName: '/dev/sda1' }, createdAt: now, updatedAt: now } },
    }),
  );
  const r = await run(['export', path, '--format', 'cloudformation', '--output-format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((JSON.parse(r.stdout) as { Parameters: Record<string, { Default?: string }> }).Parameters.Ec2WpRHEL8ImageId?.Default, 'ami-0b2f6d8c4e1a7f802');
  assert.doesNotMatch(r.stderr, /asks for the image id/);
});

test('export reads a publicKeyFile next to the blueprint into the key pair', async () => {
  const path = join(dir, 'imported-key.blueprint.yaml');
  writeFileSync(path, tutorialWith(['  - name: key-wp-RHEL\n', '  - name: key-wp-RHEL\n    publicKeyFile: ./me.pub\n']));
  writeFileSync(join(dir, 'me.pub'), 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample me@pc\n');
  const r = await run(['export', path, '--format', 'cloudformation', '--output-format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const key = (JSON.parse(r.stdout) as { Resources: Record<string, { Properties: Record<string, unknown> }> }).Resources.KeyWpRHEL!;
  assert.equal(key.Properties.PublicKeyMaterial, 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample me@pc');
});

test('import without --vpc-id or --out is a usage error; an existing file is refused before any AWS call', async () => {
  const missing = await run(['import', '--out', join(dir, 'x.blueprint.yaml')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--vpc-id/);
  const badId = await run(['import', '--vpc-id', 'subnet-123', '--out', join(dir, 'x.blueprint.yaml')]);
  assert.equal(badId.code, 2);
  assert.match(badId.stderr, /not a VPC id/);

  const existing = join(dir, 'mine.blueprint.yaml');
  writeFileSync(existing, '# mine\n');
  // No endpoint, no region, no credentials: the refusal comes first.
  const refused = await run(['import', '--vpc-id', 'vpc-0123456789abcdef0', '--out', existing]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /already exists; nothing was written/);
  assert.equal(readFileSync(existing, 'utf8'), '# mine\n');

  const noRegion = await run(['import', '--vpc-id', 'vpc-0123456789abcdef0', '--out', join(dir, 'new.blueprint.yaml')]);
  assert.equal(noRegion.code, 2);
  assert.match(noRegion.stderr, /--region/);
});

// Where SSH goes, from the blueprint and its state file: the address, user, port, key and
// known-hosts file, or a reason the user can act on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { validateBlueprint } from '../../../src/core/validate';
import { defaultSshUser, knownHostsPathFor, sshPortDiagnostics, sshTarget, type SshTargetResult } from '../../../src/core/ssh-target';
import { findOnPath, icaclsOthers, keyFileProblem, noSshMessage, readKeyFileFacts } from '../../../src/core/ssh-local';
import type { Blueprint } from '../../../src/core/schema';
import type { ResourceState, StateFile } from '../../../src/core/state';
import type { Kind } from '../../../src/core/model';
import { positionOf, tutorialText, tutorialWith } from '../builders';

const ctx = { keyDir: '/home/atsushi/.ssh', homeDir: '/home/atsushi' };

function blueprintOf(text: string): Blueprint {
  const result = validateBlueprint(text);
  assert.ok(result.blueprint, JSON.stringify(result.diagnostics));
  return result.blueprint;
}

function resource(kind: Kind, id: string, attributes: Record<string, unknown> = {}): ResourceState {
  return { kind, id, attributes, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' };
}

/** The tutorial's state after a full apply. */
function appliedState(overrides: Record<string, ResourceState | undefined> = {}): StateFile {
  const resources: Record<string, ResourceState | undefined> = {
    'eni-wp-Atsushi': resource('networkInterface', 'eni-0aaa', { privateIp: '10.0.1.11' }),
    'eip-Atsushi': resource('elasticIp', 'eipalloc-0bbb', { publicIp: '54.250.1.2' }),
    'key-wp-RHEL': resource('keyPair', 'key-0ccc', { keyFile: '/home/atsushi/.ssh/key-wp-RHEL.pem' }),
    'ec2-wp-RHEL8': resource('instance', 'i-0123456789abcdef0', { state: 'running', publicIp: '54.250.1.2' }),
    ...overrides,
  };
  return {
    version: 1,
    stack: 'wp-atsushi',
    region: 'ap-northeast-1',
    updatedAt: '2026-01-01T00:00:00Z',
    resources: Object.fromEntries(Object.entries(resources).filter((e): e is [string, ResourceState] => e[1] !== undefined)),
  };
}

function problem(result: SshTargetResult) {
  assert.equal(result.ok, false, 'expected no target');
  return (result as Extract<SshTargetResult, { ok: false }>).problem;
}

test('the tutorial: ec2-user at the Elastic IP, port 22, the downloaded key, host keys per stack under the instance id', () => {
  const result = sshTarget(blueprintOf(tutorialText), appliedState(), undefined, ctx);
  assert.ok(result.ok);
  assert.deepEqual(result.target, {
    instance: 'ec2-wp-RHEL8',
    instanceId: 'i-0123456789abcdef0',
    user: 'ec2-user',
    host: '54.250.1.2',
    port: 22,
    keyFile: '/home/atsushi/.ssh/key-wp-RHEL.pem',
    knownHostsFile: join('/home/atsushi/.ssh', 'ec2-blueprint-wp-atsushi.known_hosts'),
    hostAlias: 'ec2-wp-RHEL8.wp-atsushi',
    hostKeyAlias: 'i-0123456789abcdef0',
    addressSource: 'elastic-ip',
    elasticIp: 'eip-Atsushi',
    keyPair: 'key-wp-RHEL',
    instanceState: 'running',
  });
});

test('the Elastic IP wins over the public IP recorded on the instance; sshPort and sshUser are used', () => {
  const bp = blueprintOf(tutorialWith(['    sshUser: ec2-user', '    sshUser: admin\n    sshPort: 2222']));
  const state = appliedState({ 'ec2-wp-RHEL8': resource('instance', 'i-1', { state: 'running', publicIp: '3.3.3.3' }) });
  const result = sshTarget(bp, state, 'ec2-wp-RHEL8', ctx);
  assert.ok(result.ok);
  assert.equal(result.target.host, '54.250.1.2');
  assert.equal(result.target.port, 2222);
  assert.equal(result.target.user, 'admin');
});

test('without a recorded key file, the key is <key dir>/<key pair>.pem; an imported key uses its private half', () => {
  const state = appliedState({ 'key-wp-RHEL': resource('keyPair', 'key-0ccc') });
  const plain = sshTarget(blueprintOf(tutorialText), state, undefined, { ...ctx, keyDir: '/keys' });
  assert.ok(plain.ok);
  assert.equal(plain.target.keyFile, join('/keys', 'key-wp-RHEL.pem'));
  assert.equal(plain.target.knownHostsFile, knownHostsPathFor('/keys', 'wp-atsushi'));

  const imported = blueprintOf(tutorialWith(['  - name: key-wp-RHEL', '  - name: key-wp-RHEL\n    publicKeyFile: ~/.ssh/id_ed25519.pub']));
  const result = sshTarget(imported, state, undefined, ctx);
  assert.ok(result.ok);
  assert.equal(result.target.keyFile, join('/home/atsushi', '.ssh/id_ed25519'));
});

test('a key file recorded as a relative path (apply --key-dir keys) is not trusted: the key directory decides', () => {
  const state = appliedState({ 'key-wp-RHEL': resource('keyPair', 'key-0ccc', { keyFile: 'keys/key-wp-RHEL.pem' }) });
  const result = sshTarget(blueprintOf(tutorialText), state, undefined, { ...ctx, keyDir: '/work/keys' });
  assert.ok(result.ok);
  assert.equal(result.target.keyFile, join('/work/keys', 'key-wp-RHEL.pem'));
});

test('an instance with an automatic public IP and no Elastic IP connects to that public IP', () => {
  const text = tutorialWith(
    ['elasticIps:\n  - name: eip-Atsushi\n    networkBorderGroup: ap-northeast-1\n    networkInterface: eni-wp-Atsushi\n', ''],
    ['    networkInterface: eni-wp-Atsushi\n    rootVolume', '    subnet: public-subnet-1a-Atsushi\n    securityGroups: [seg-g_wp_Atsushi]\n    publicIp: true\n    rootVolume'],
  );
  const state = appliedState({ 'eip-Atsushi': undefined, 'ec2-wp-RHEL8': resource('instance', 'i-1', { state: 'running', publicIp: '3.3.3.3' }) });
  const result = sshTarget(blueprintOf(text), state, undefined, ctx);
  assert.ok(result.ok);
  assert.equal(result.target.host, '3.3.3.3');
  assert.equal(result.target.addressSource, 'public-ip');
});

test('no Elastic IP and no public IP: the reason says so and how to fix it', () => {
  const text = tutorialWith(['elasticIps:\n  - name: eip-Atsushi\n    networkBorderGroup: ap-northeast-1\n    networkInterface: eni-wp-Atsushi\n', '']);
  const p = problem(sshTarget(blueprintOf(text), appliedState({ 'eip-Atsushi': undefined }), undefined, ctx));
  assert.equal(p.code, 'no-public-address');
  assert.match(p.message, /no Elastic IP is associated with its network interface "eni-wp-Atsushi"/);
});

test('a subnet whose route table has no route to the gateway, or no route table at all, is explained', () => {
  const noRoute = tutorialWith(['    routes:\n      - { destination: 0.0.0.0/0, target: igw-Atsushi }\n', '']);
  const p1 = problem(sshTarget(blueprintOf(noRoute), appliedState(), undefined, ctx));
  assert.equal(p1.code, 'no-route-to-gateway');
  assert.match(p1.message, /route table "rtb-public-Atsushi" of subnet "public-subnet-1a-Atsushi" has no default route/);
  assert.match(p1.message, /\{ destination: 0\.0\.0\.0\/0, target: igw-Atsushi \}/);

  const noTable = tutorialWith(['    subnets: [public-subnet-1a-Atsushi]\n', '']);
  const p2 = problem(sshTarget(blueprintOf(noTable), appliedState(), undefined, ctx));
  assert.equal(p2.code, 'no-route-to-gateway');
  assert.match(p2.message, /main route table/);
});

test('stopped and terminated instances, and instances not created yet, are named as such', () => {
  const bp = blueprintOf(tutorialText);
  for (const [status, code] of [
    ['stopped', 'stopped'],
    ['stopping', 'stopped'],
    ['terminated', 'terminated'],
    ['shutting-down', 'terminated'],
  ] as const) {
    const p = problem(sshTarget(bp, appliedState({ 'ec2-wp-RHEL8': resource('instance', 'i-1', { state: status }) }), undefined, ctx));
    assert.equal(p.code, code);
    assert.match(p.message, new RegExp(`"ec2-wp-RHEL8" is ${status}`));
  }
  assert.equal(problem(sshTarget(bp, undefined, undefined, ctx)).code, 'not-created');
  assert.equal(problem(sshTarget(bp, appliedState({ 'ec2-wp-RHEL8': undefined }), undefined, ctx)).code, 'not-created');
  assert.equal(problem(sshTarget(bp, appliedState({ 'eip-Atsushi': undefined }), undefined, ctx)).code, 'address-unknown');
});

test('several instances: the caller must choose; an unknown name lists the real ones', () => {
  const two = tutorialText + '  - name: ec2-second\n    image: rhel-8\n    instanceType: t2.micro\n    subnet: public-subnet-1a-Atsushi\n    securityGroups: [seg-g_wp_Atsushi]\n    publicIp: true\n    keyPair: key-wp-RHEL\n';
  const bp = blueprintOf(two);
  const p = problem(sshTarget(bp, appliedState(), undefined, ctx));
  assert.equal(p.code, 'choose-instance');
  assert.deepEqual(p.choices, ['ec2-wp-RHEL8', 'ec2-second']);
  const unknown = problem(sshTarget(bp, appliedState(), 'ec2-nope', ctx));
  assert.equal(unknown.code, 'unknown-instance');
  assert.match(unknown.message, /ec2-wp-RHEL8, ec2-second/);
});

test('an instance without a key pair has nothing to log in with', () => {
  const bp = blueprintOf(tutorialWith(['    keyPair: key-wp-RHEL\n', '']));
  assert.equal(problem(sshTarget(bp, appliedState(), undefined, ctx)).code, 'no-key-pair');
});

test('the default user follows the image', () => {
  assert.equal(defaultSshUser('rhel-8'), 'ec2-user');
  assert.equal(defaultSshUser('amazon-linux-2023'), 'ec2-user');
  assert.equal(defaultSshUser('ubuntu-24.04'), 'ubuntu');
  assert.equal(defaultSshUser('ami-0123', 'debian-12-amd64-20240717'), 'admin');
  assert.equal(defaultSshUser('ami-0123'), 'ec2-user');
});

test('sshPort not allowed by the security groups: a warning at sshPort naming the missing rule', () => {
  const text = tutorialWith(['    sshUser: ec2-user', '    sshUser: ec2-user\n    sshPort: 2222']);
  const result = validateBlueprint(text);
  assert.ok(result.blueprint);
  const found = sshPortDiagnostics(result.blueprint, result.source);
  assert.equal(found.length, 1);
  const d = found[0]!;
  assert.equal(d.severity, 'warning');
  assert.equal(d.code, 'ssh-port-not-allowed');
  assert.match(d.message, /port 2222/);
  assert.match(d.message, /\{ protocol: tcp, port: 2222, source: <your IP>\/32 \}/);
  assert.match(d.message, /"seg-g_wp_Atsushi"/);
  const at = positionOf(text, '2222');
  assert.deepEqual([d.line, d.column], [at.line, at.column]);
});

test('no warning when a rule covers the port from the internet (a range, a /32, or all traffic)', () => {
  for (const rule of ['{ protocol: tcp, port: 2000-3000, source: 0.0.0.0/0 }', '{ protocol: tcp, port: 2222, source: 203.0.113.7/32 }', '{ protocol: all, source: 0.0.0.0/0 }']) {
    const text = tutorialWith(['    sshUser: ec2-user', '    sshUser: ec2-user\n    sshPort: 2222'], ['      - { protocol: tcp, port: 80,', `      - ${rule}\n      - { protocol: tcp, port: 80,`]);
    const result = validateBlueprint(text);
    assert.ok(result.blueprint, rule);
    assert.deepEqual(sshPortDiagnostics(result.blueprint, result.source), [], rule);
  }
  const tutorial = validateBlueprint(tutorialText);
  assert.deepEqual(sshPortDiagnostics(tutorial.blueprint!, tutorial.source), []);
});

test('a rule only from inside the VPC, or from another security group, does not let the user in', () => {
  const text = tutorialWith(['{ protocol: tcp, port: 22,  source: 0.0.0.0/0, description: SSH }', '{ protocol: tcp, port: 22, source: 10.0.0.0/16, description: SSH }']);
  const result = validateBlueprint(text);
  const found = sshPortDiagnostics(result.blueprint!, result.source);
  assert.equal(found.length, 1);
  assert.match(found[0]!.message, /port 22/);
  assert.deepEqual([found[0]!.line, found[0]!.column], [positionOf(text, 'ec2-wp-RHEL8').line, positionOf(text, 'ec2-wp-RHEL8').column]);
});

test('a network interface without security groups gets the default group: warned', () => {
  const text = tutorialWith(['    privateIp: 10.0.1.11\n    securityGroups: [seg-g_wp_Atsushi]\n', '    privateIp: 10.0.1.11\n']);
  const result = validateBlueprint(text);
  assert.ok(result.blueprint, JSON.stringify(result.diagnostics));
  const found = sshPortDiagnostics(result.blueprint, result.source);
  assert.equal(found.length, 1);
  assert.match(found[0]!.message, /default group/);
});

test('key file: missing → the way out; readable by others → chmod 600; 0600 and 0400 are fine', () => {
  const key = '/home/atsushi/.ssh/key-wp-RHEL.pem';
  const missing = keyFileProblem(key, 'key-wp-RHEL', { exists: false }, 'linux');
  assert.equal(missing?.code, 'key-missing');
  assert.match(missing!.message, /cannot be downloaded again/);
  assert.match(missing!.message, /give it a new name in the blueprint/);
  const open = keyFileProblem(key, 'key-wp-RHEL', { exists: true, isFile: true, mode: 0o644 }, 'linux');
  assert.equal(open?.code, 'key-permissions');
  assert.match(open!.message, /mode 0644/);
  assert.deepEqual(open!.code === 'key-permissions' && open!.fix, [{ program: 'chmod', args: ['600', key] }]);
  assert.equal(keyFileProblem(key, 'key-wp-RHEL', { exists: true, isFile: true, mode: 0o600 }, 'linux'), undefined);
  assert.equal(keyFileProblem(key, 'key-wp-RHEL', { exists: true, isFile: true, mode: 0o400 }, 'darwin'), undefined);
  assert.equal(keyFileProblem(key, 'key-wp-RHEL', { exists: true, isFile: false, mode: 0o700 }, 'linux')?.code, 'key-not-a-file');
});

test('Windows: icacls listing other accounts → the icacls fix; only the user, SYSTEM and Administrators → fine', () => {
  const key = 'C:\\Users\\Atsushi Sato\\.ssh\\key-wp-RHEL.pem';
  const inherited = [
    `${key} NT AUTHORITY\\SYSTEM:(I)(F)`,
    '                                       BUILTIN\\Administrators:(I)(F)',
    '                                       DESKTOP-1\\Atsushi Sato:(I)(F)',
    '                                       BUILTIN\\Users:(I)(RX)',
    '                                       NT AUTHORITY\\Authenticated Users:(I)(M)',
    '',
    'Successfully processed 1 files; Failed processing 0 files',
  ].join('\r\n');
  assert.deepEqual(icaclsOthers(inherited, key, 'Atsushi Sato'), ['BUILTIN\\Users', 'NT AUTHORITY\\Authenticated Users']);
  const problem = keyFileProblem(key, 'key-wp-RHEL', { exists: true, isFile: true, mode: 0o666, icacls: inherited, userName: 'Atsushi Sato' }, 'win32');
  assert.equal(problem?.code, 'key-permissions');
  assert.deepEqual(problem!.code === 'key-permissions' && problem!.fix, [{ program: 'icacls', args: [key, '/inheritance:r', '/grant:r', 'Atsushi Sato:R'] }]);
  const fixed = [`${key} DESKTOP-1\\Atsushi Sato:(R)`, '', 'Successfully processed 1 files; Failed processing 0 files'].join('\r\n');
  assert.equal(keyFileProblem(key, 'key-wp-RHEL', { exists: true, isFile: true, mode: 0o666, icacls: fixed, userName: 'Atsushi Sato' }, 'win32'), undefined);
});

test('ssh on PATH: found by its full path (with PATHEXT on Windows); not found → how to install it', () => {
  const files = new Set(['/usr/bin/ssh', 'C:\\Windows\\System32\\OpenSSH/ssh.exe']);
  const probe = { stat: (p: string) => (files.has(p) ? { isFile: true, mode: 0o755 } : undefined) };
  assert.equal(findOnPath('ssh', { PATH: '/usr/local/bin:/usr/bin' }, 'linux', probe), '/usr/bin/ssh');
  assert.equal(findOnPath('ssh', { PATH: '/opt/bin' }, 'linux', probe), undefined);
  assert.match(noSshMessage('linux'), /apt install openssh-client/);
  assert.match(noSshMessage('win32'), /OpenSSH Client/);
});

test('readKeyFileFacts reads the mode, and on Windows the ACL', () => {
  const probe = { stat: () => ({ isFile: true, mode: 0o100644 }), icacls: () => 'acl' };
  assert.deepEqual(readKeyFileFacts('/k', 'linux', probe), { exists: true, isFile: true, mode: 0o644 });
  assert.deepEqual(readKeyFileFacts('C:\\k', 'win32', probe, 'me'), { exists: true, isFile: true, mode: 0o644, icacls: 'acl', userName: 'me' });
  assert.deepEqual(readKeyFileFacts('/k', 'linux', { stat: () => undefined }), { exists: false });
});

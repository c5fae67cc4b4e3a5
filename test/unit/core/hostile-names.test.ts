// A blueprint is often someone else's file: every name in it that becomes a path, a command line,
// a config line or a terminal title is treated as hostile.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { basename, dirname, join, relative, isAbsolute } from 'node:path';
import { keyFileIn, keyFileName } from '../../../src/core/key-file';
import { hostAliasFor, managedBlockId, sshArgs, sshConfigBlock, terminalName } from '../../../src/core/ssh';
import { knownHostsPathFor, keyFileOf } from '../../../src/core/ssh-target';
import { statePathFor } from '../../../src/core/state';
import { validateBlueprint } from '../../../src/core/validate';
import { keyFilePath } from '../../../src/aws/key-pair';

const hostile = ['../../x', '../x', '..', '.', '/etc/passwd', '..\\..\\x', 'a/../../b', 'x\nHost *\n  ProxyCommand evil', 'key with space', '鍵-日本語', '%h%%', '-oProxyCommand=touch /tmp/p', '\u001b]0;title\u0007', '.hidden', ''.padEnd(300, '/')];
const keyDir = '/home/u/.ssh';

const inside = (dir: string, path: string) => {
  const r = relative(dir, path);
  return r !== '' && !r.startsWith('..') && !isAbsolute(r) && !r.includes('/') && !r.includes('\\');
};

test('a key file is always a plain file directly inside the key directory', () => {
  for (const name of hostile) {
    assert.ok(inside(keyDir, keyFileIn(keyDir, name)), `${JSON.stringify(name)} → ${keyFileIn(keyDir, name)}`);
    assert.ok(inside(keyDir, keyFilePath(keyDir, name)), JSON.stringify(name));
    assert.doesNotMatch(keyFileName(name), /^\./, 'no hidden file, no ..');
    assert.ok(keyFileName(name).length <= 204);
  }
  assert.equal(keyFileName('key-wp-RHEL'), 'key-wp-RHEL.pem', 'usual names keep their name');
  assert.equal(keyFileName('../../x'), '___.._x.pem');
});

test('ssh config Host, marker, known-hosts file, ssh arguments and terminal title hold no injected line or path', () => {
  for (const name of hostile) {
    const alias = hostAliasFor('wp-atsushi', name);
    assert.match(alias, /^[A-Za-z0-9._-]+$/, JSON.stringify(name));
    assert.doesNotMatch(terminalName(name), /[\u0000-\u001f\u007f]/);
    const target = { user: 'ec2-user', host: '203.0.113.1', port: 22, keyFile: keyFileIn(keyDir, name), knownHostsFile: knownHostsPathFor(keyDir, 'wp-atsushi'), hostAlias: alias };
    const block = sshConfigBlock(target, managedBlockId('wp-atsushi', name), 'linux');
    assert.equal(block.split('\n').filter((l) => /^\s*Host\s/i.test(l)).length, 1, block);
    assert.equal(block.split('\n').filter((l) => /^\s*ProxyCommand/i.test(l)).length, 0, block);
    const args = sshArgs(target);
    assert.equal(args.filter((a) => a.startsWith('-oProxy')).length, 0);
  }
  assert.equal(dirname(knownHostsPathFor(keyDir, 'wp-atsushi')), keyDir);
});

test('the key file the SSH helper uses is the one the engine writes', () => {
  const bp = validateBlueprint(
    'version: 1\nstack: s\nregion: ap-northeast-1\nvpc: { name: v, cidr: 10.0.0.0/16 }\nkeyPairs: [{ name: "../../x" }]\n',
  ).blueprint!;
  assert.equal(keyFileOf(bp, undefined, '../../x', { keyDir, homeDir: '/home/u' } as never), keyFilePath(keyDir, '../../x'));
});

test('stack names cannot reach a path (known-hosts file), and the state file follows the blueprint file, not a name', () => {
  for (const stack of ['../x', 'a/b', 'x\ny', '.']) {
    const result = validateBlueprint(`version: 1\nstack: ${JSON.stringify(stack)}\nregion: ap-northeast-1\nvpc: { name: v, cidr: 10.0.0.0/16 }\n`);
    assert.ok(result.diagnostics.some((d) => d.severity === 'error' && d.code === 'invalid-format'), stack);
  }
  assert.equal(statePathFor(join('/w', 'tutorial.blueprint.yaml')), join('/w', 'tutorial.blueprint.state.json'));
  assert.equal(basename(statePathFor('/w/x.blueprint.yml')), 'x.blueprint.state.json');
});

test('an SSH user that would inject config lines is a finding with its place', () => {
  const result = validateBlueprint(
    'version: 1\nstack: s\nregion: ap-northeast-1\nvpc: { name: v, cidr: 10.0.0.0/16 }\ninstances:\n  - name: i\n    image: rhel-8\n    instanceType: t2.micro\n    subnet: x\n    sshUser: "ec2-user\\n  ProxyCommand evil"\n',
  );
  const finding = result.diagnostics.find((d) => d.code === 'invalid-format');
  assert.ok(finding, JSON.stringify(result.diagnostics));
  assert.equal(finding.line, 10);
});

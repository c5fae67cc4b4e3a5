// The managed Host block in ~/.ssh/config: the block's text, and inserting or updating it with
// every other byte of the file kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, statSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { findSshConfigBlock, hostAliasFor, managedBlockId, sshConfigBlock, sshConfigPath, upsertSshConfigBlock, type SshEndpoint } from '../../../../src/core/ssh';
import { addToSshConfigFile } from '../../../../src/vscode/ssh/config-file';

const target: SshEndpoint = {
  user: 'ec2-user',
  host: '54.250.1.2',
  port: 22,
  keyFile: '/home/atsushi/.ssh/key-wp-RHEL.pem',
  knownHostsFile: '/home/atsushi/.ssh/ec2-blueprint-wp-atsushi.known_hosts',
  hostAlias: hostAliasFor('wp-atsushi', 'ec2-wp-RHEL8'),
  hostKeyAlias: 'i-0123456789abcdef0',
};
const id = managedBlockId('wp-atsushi', 'ec2-wp-RHEL8');
const block = sshConfigBlock(target, id, 'linux');

const userConfig = [
  '# my settings',
  'ServerAliveInterval 30',
  '',
  '# work bastion',
  'Host bastion',
  '    HostName 203.0.113.9',
  '    User me',
  '',
  'Host *',
  '    IdentityFile ~/.ssh/id_rsa   ',
  '',
].join('\n');

test('the block is a Host entry between markers naming the stack and instance', () => {
  assert.equal(
    block,
    [
      '# >>> ec2-blueprint wp-atsushi/ec2-wp-RHEL8 >>>',
      '# Written by EC2 Blueprint ("Add to SSH Config"); it replaces this block on the next run.',
      'Host ec2-wp-RHEL8.wp-atsushi',
      '    HostName 54.250.1.2',
      '    User ec2-user',
      '    Port 22',
      '    IdentityFile /home/atsushi/.ssh/key-wp-RHEL.pem',
      '    IdentitiesOnly yes',
      '    StrictHostKeyChecking accept-new',
      '    UserKnownHostsFile /home/atsushi/.ssh/ec2-blueprint-wp-atsushi.known_hosts',
      '    HostKeyAlias i-0123456789abcdef0',
      '# <<< ec2-blueprint wp-atsushi/ec2-wp-RHEL8 <<<',
    ].join('\n'),
  );
});

test('ssh itself reads the block as the same connection the command line makes', () => {
  // `ssh -G` prints the configuration ssh would use, without connecting.
  const dir = mkdtempSync(join(tmpdir(), 'ssh-config-'));
  try {
    const file = join(dir, 'config');
    writeFileSync(file, upsertSshConfigBlock(userConfig, block, id).text);
    const out = execFileSync('ssh', ['-G', '-F', file, target.hostAlias]).toString('utf8');
    const lines = new Set(out.split('\n'));
    for (const expected of [
      'hostname 54.250.1.2',
      'user ec2-user',
      'port 22',
      'identitiesonly yes',
      'stricthostkeychecking accept-new',
      'hostkeyalias i-0123456789abcdef0',
      `userknownhostsfile ${target.knownHostsFile}`,
    ])
      assert.ok(lines.has(expected), `ssh -G lacks "${expected}":\n${out}`);
    // Ours is read before `Host *`, so it is the first identity ssh tries.
    const identities = out.split('\n').filter((l) => l.startsWith('identityfile '));
    assert.equal(identities[0], `identityfile ${target.keyFile}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('added before the first Host section (and the comment above it); every other byte stays', () => {
  const edit = upsertSshConfigBlock(userConfig, block, id);
  assert.equal(edit.action, 'added');
  const at = userConfig.indexOf('# work bastion');
  assert.equal(edit.text, userConfig.slice(0, at) + block + '\n\n' + userConfig.slice(at));
});

test('a file without Host sections gets the block at the end, after one blank line', () => {
  assert.equal(upsertSshConfigBlock('ServerAliveInterval 30', block, id).text, 'ServerAliveInterval 30\n\n' + block + '\n');
  assert.equal(upsertSshConfigBlock('ServerAliveInterval 30\n', block, id).text, 'ServerAliveInterval 30\n\n' + block + '\n');
  assert.equal(upsertSshConfigBlock('ServerAliveInterval 30\n\n', block, id).text, 'ServerAliveInterval 30\n\n' + block + '\n');
  assert.equal(upsertSshConfigBlock('', block, id).text, block + '\n');
});

test('running it again changes nothing', () => {
  const once = upsertSshConfigBlock(userConfig, block, id).text;
  const twice = upsertSshConfigBlock(once, block, id);
  assert.equal(twice.changed, false);
  assert.equal(twice.action, 'unchanged');
  assert.equal(twice.text, once);
});

test('a new address updates the block in place, even where the user moved it', () => {
  const moved = userConfig + '\n' + block + '\n# after\n';
  const newBlock = sshConfigBlock({ ...target, host: '13.112.9.9' }, id, 'linux');
  const edit = upsertSshConfigBlock(moved, newBlock, id);
  assert.equal(edit.action, 'updated');
  assert.equal(edit.text, userConfig + '\n' + newBlock + '\n# after\n');
  assert.equal(findSshConfigBlock(edit.text, id), newBlock);
});

test('other instances\' blocks are separate; CRLF files stay CRLF; a BOM stays', () => {
  const crlf = '\uFEFF' + userConfig.replace(/\n/g, '\r\n');
  const first = upsertSshConfigBlock(crlf, block, id).text;
  const otherId = managedBlockId('wp-atsushi', 'ec2-web');
  const other = sshConfigBlock({ ...target, hostAlias: hostAliasFor('wp-atsushi', 'ec2-web'), host: '1.1.1.1' }, otherId, 'linux');
  const both = upsertSshConfigBlock(first, other, otherId).text;
  assert.ok(both.startsWith('\uFEFF# my settings\r\n'));
  assert.ok(!/[^\r]\n/.test(both), 'every line break is CRLF');
  assert.equal(findSshConfigBlock(both, id), block.replace(/\n/g, '\r\n'));
  assert.equal(findSshConfigBlock(both, otherId), other.replace(/\n/g, '\r\n'));
  // Removing our two blocks gives back the user's file exactly.
  const stripped = both.replace(block.replace(/\n/g, '\r\n') + '\r\n\r\n', '').replace(other.replace(/\n/g, '\r\n') + '\r\n\r\n', '');
  assert.equal(stripped, crlf);
});

test('a start marker without its end line is an error, not a guess', () => {
  const broken = userConfig + '# >>> ec2-blueprint wp-atsushi/ec2-wp-RHEL8 >>>\nHost x\n';
  assert.throws(() => upsertSshConfigBlock(broken, block, id), /no end line/);
});

test('paths in the config: quoted with spaces, forward slashes on Windows, % doubled', () => {
  assert.equal(sshConfigPath('/home/a b/.ssh/k.pem', 'linux'), '"/home/a b/.ssh/k.pem"');
  assert.equal(sshConfigPath('C:\\Users\\Atsushi\\.ssh\\k.pem', 'win32'), 'C:/Users/Atsushi/.ssh/k.pem');
  assert.equal(sshConfigPath('/tmp/100%/k', 'linux'), '/tmp/100%%/k');
  assert.throws(() => sshConfigPath('/tmp/a"b', 'linux'));
});

test('host aliases hold no spaces or pattern characters', () => {
  assert.equal(hostAliasFor('wp atsushi', 'web*1?'), 'web-1.wp-atsushi');
});

test('writing the file: created with 0600, a backup of the previous text kept, nothing written when unchanged', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ssh-config-'));
  try {
    const file = join(dir, 'sub', 'config');
    const first = addToSshConfigFile(file, block, id);
    assert.equal(first.action, 'added');
    assert.equal(first.backup, undefined);
    assert.equal(readFileSync(file, 'utf8'), block + '\n');
    if (process.platform !== 'win32') assert.equal(statSync(file).mode & 0o777, 0o600);

    writeFileSync(file, userConfig);
    const second = addToSshConfigFile(file, block, id);
    assert.equal(second.action, 'added');
    assert.ok(second.backup && existsSync(second.backup));
    assert.equal(readFileSync(second.backup!, 'utf8'), userConfig);
    const written = readFileSync(file, 'utf8');

    const third = addToSshConfigFile(file, block, id);
    assert.equal(third.action, 'unchanged');
    assert.equal(readFileSync(file, 'utf8'), written);
    assert.equal(readFileSync(second.backup!, 'utf8'), userConfig, 'the backup of the user\'s own file is not overwritten by an unchanged run');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// The ssh command line: the argument vector, and how it is quoted for pasting into a shell.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { formatCommandLine, proxyCommandFor, quotePosix, quotePowerShell, shellFor, sshArgs, sshArgv, sshCommandLine, sshConfigBlocks, type SshEndpoint } from '../../../src/core/ssh';

const tutorial: SshEndpoint = {
  user: 'ec2-user',
  host: '54.250.1.2',
  port: 22,
  keyFile: '/home/atsushi/.ssh/key-wp-RHEL.pem',
  knownHostsFile: '/home/atsushi/.ssh/ec2-blueprint-wp-atsushi.known_hosts',
  hostAlias: 'ec2-wp-RHEL8.wp-atsushi',
  hostKeyAlias: 'i-0123456789abcdef0',
};

test('the argument vector logs in with the downloaded key only, records host keys per stack, and names the port', () => {
  assert.deepEqual(sshArgv(tutorial), [
    'ssh',
    '-i',
    '/home/atsushi/.ssh/key-wp-RHEL.pem',
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'StrictHostKeyChecking=accept-new',
    '-o',
    'UserKnownHostsFile=/home/atsushi/.ssh/ec2-blueprint-wp-atsushi.known_hosts',
    '-o',
    'HostKeyAlias=i-0123456789abcdef0',
    '-p',
    '22',
    'ec2-user@54.250.1.2',
  ]);
});

test('a remote command goes after the destination; without a host key alias there is no HostKeyAlias option', () => {
  const { hostKeyAlias: _ignored, ...plain } = tutorial;
  const argv = sshArgv({ ...plain, port: 2222 }, ['echo', 'connected']);
  assert.deepEqual(argv.slice(-5), ['-p', '2222', 'ec2-user@54.250.1.2', 'echo', 'connected']);
  assert.ok(!argv.some((a) => a.startsWith('HostKeyAlias')));
});

test('a % in a path is doubled, because ssh expands %-tokens in key and known-hosts paths', () => {
  const argv = sshArgv({ ...tutorial, keyFile: '/tmp/100%/k.pem', knownHostsFile: '/tmp/100%/kh' });
  assert.equal(argv[2], '/tmp/100%%/k.pem');
  assert.equal(argv[8], 'UserKnownHostsFile=/tmp/100%%/kh');
});

test('the tutorial command line needs no quotes in either shell', () => {
  const expected =
    'ssh -i /home/atsushi/.ssh/key-wp-RHEL.pem -o IdentitiesOnly=yes -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=/home/atsushi/.ssh/ec2-blueprint-wp-atsushi.known_hosts -o HostKeyAlias=i-0123456789abcdef0 -p 22 ec2-user@54.250.1.2';
  assert.equal(sshCommandLine(tutorial, 'posix'), expected);
  assert.equal(sshCommandLine(tutorial, 'powershell'), expected);
});

test('Windows paths with spaces are single-quoted for PowerShell', () => {
  const line = sshCommandLine({ ...tutorial, keyFile: 'C:\\Users\\Atsushi Sato\\.ssh\\key-wp-RHEL.pem', knownHostsFile: 'C:\\Users\\Atsushi Sato\\.ssh\\kh' }, 'powershell');
  assert.match(line, / -i 'C:\\Users\\Atsushi Sato\\\.ssh\\key-wp-RHEL\.pem' /);
  assert.match(line, / -o 'UserKnownHostsFile=C:\\Users\\Atsushi Sato\\\.ssh\\kh' /);
});

test('PowerShell quoting: what PowerShell would read as syntax is quoted, quotes are doubled', () => {
  assert.equal(quotePowerShell('a,b'), "'a,b'");
  assert.equal(quotePowerShell('$HOME'), "'$HOME'");
  assert.equal(quotePowerShell('@splat'), "'@splat'");
  assert.equal(quotePowerShell('x;y'), "'x;y'");
  assert.equal(quotePowerShell("O'Brien"), "'O''Brien'");
  assert.equal(quotePowerShell('it\u2019s'), "'it\u2019\u2019s'");
  assert.equal(quotePowerShell('--%'), "'--%'");
  assert.equal(quotePowerShell(''), "''");
  assert.equal(quotePowerShell('ec2-user@1.2.3.4'), 'ec2-user@1.2.3.4');
});

test('POSIX quoting survives a real shell: sh reads back exactly the arguments', () => {
  const args = ['plain', 'with space', "it's", '$HOME', '`id`', 'a"b', 'tab\there', '*', '', 'new\nline', '~/x', '100%'];
  const line = formatCommandLine(args, 'posix');
  const out = execFileSync('sh', ['-c', `printf '%s\\0' ${line}`]).toString('utf8');
  assert.deepEqual(out.split('\0').slice(0, -1), args);
  assert.equal(quotePosix('ec2-user@1.2.3.4'), 'ec2-user@1.2.3.4');
});

test('the quoting follows the terminal\'s shell: PowerShell by default on Windows, POSIX elsewhere', () => {
  assert.equal(shellFor('win32'), 'powershell');
  assert.equal(shellFor('linux'), 'posix');
  assert.equal(shellFor('darwin'), 'posix');
  assert.equal(shellFor('win32', 'C:\\Program Files\\PowerShell\\7\\pwsh.exe'), 'powershell');
  assert.equal(shellFor('win32', 'C:\\Windows\\System32\\cmd.exe'), 'cmd');
  assert.equal(shellFor('win32', 'C:\\Program Files\\Git\\bin\\bash.exe'), 'posix');
  assert.equal(shellFor('linux', '/usr/bin/zsh'), 'posix');
});

test('cmd.exe quoting: double quotes around paths with spaces', () => {
  assert.equal(
    formatCommandLine(['ssh', '-i', 'C:\\Users\\Atsushi Sato\\.ssh\\k.pem', 'ec2-user@1.2.3.4'], 'cmd'),
    'ssh -i "C:\\Users\\Atsushi Sato\\.ssh\\k.pem" ec2-user@1.2.3.4',
  );
});

test('through a jump host: a ProxyCommand with the same key options on the jump hop, and ProxyJump in the config block', () => {
  const jump = { user: 'ec2-user', host: '203.0.113.10', port: 22, keyFile: '/keys/my key%.pem', knownHostsFile: '/keys/kh', hostAlias: 'bastion.stack', hostKeyAlias: 'i-0jump' };
  const target = { user: 'ec2-user', host: '10.0.2.11', port: 22, keyFile: '/keys/my key%.pem', knownHostsFile: '/keys/kh', hostAlias: 'app.stack', hostKeyAlias: 'i-0app', jump };
  const args = sshArgs(target, ['echo', 'connected']);
  assert.deepEqual(args.slice(-4), ['22', 'ec2-user@10.0.2.11', 'echo', 'connected']);
  const proxy = args[args.indexOf('-p') - 1]!;
  assert.equal(proxy, `ProxyCommand=${proxyCommandFor(jump)}`);
  // %-tokens are expanded twice (ProxyCommand, then the inner IdentityFile), and /bin/sh reads it.
  assert.equal(proxyCommandFor(jump), "ssh -i '/keys/my key%%%%.pem' -o IdentitiesOnly=yes -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=/keys/kh -o HostKeyAlias=i-0jump -W '[%h]:%p' -p 22 ec2-user@203.0.113.10");
  const blocks = sshConfigBlocks(target, 'stack', 'app', 'bastion', 'linux');
  assert.deepEqual(blocks.map((b) => b.id), ['stack/bastion', 'stack/app']);
  assert.match(blocks[0]!.block, /Host bastion\.stack\n {4}HostName 203\.0\.113\.10/);
  assert.match(blocks[1]!.block, /HostName 10\.0\.2\.11[\s\S]*ProxyJump bastion\.stack/);
});

// The first-boot script for sshPort ≠ 22, run for real by bash against a copy of a stock
// sshd_config, with semanage, firewall-cmd and systemctl replaced by recorders (the script's
// absolute paths are pointed into a temp folder; nothing else is changed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sshPortUserData } from '../../../src/core/user-data';

// The lines of RHEL 8's stock /etc/ssh/sshd_config that matter here.
const stockConfig = [
  '#\t$OpenBSD: sshd_config,v 1.103 2018/04/09 20:41:22 tj Exp $',
  '',
  '#Port 22',
  '#AddressFamily any',
  '#ListenAddress 0.0.0.0',
  '',
  'HostKey /etc/ssh/ssh_host_rsa_key',
  'PermitRootLogin no',
  'PasswordAuthentication no',
  'Subsystem sftp /usr/libexec/openssh/sftp-server',
  '',
].join('\n');

interface Run {
  config: string;
  calls: string[];
  root: string;
}

/** Runs the script with `tools` present on PATH (each records its arguments and succeeds). */
function runScript(script: string, tools: string[], options: { firewalldRunning?: boolean; sshSocket?: boolean } = {}): Run {
  const root = mkdtempSync(join(tmpdir(), 'user-data-'));
  const bin = join(root, 'bin');
  mkdirSync(bin);
  mkdirSync(join(root, 'etc', 'ssh'), { recursive: true });
  writeFileSync(join(root, 'etc', 'ssh', 'sshd_config'), stockConfig);
  const log = join(root, 'calls.log');
  for (const tool of tools) {
    let body = `echo "${tool} $*" >> '${log}'`;
    if (tool === 'firewall-cmd' && options.firewalldRunning === false) body += `\n[ "$1" = "--state" ] && exit 252`;
    if (tool === 'systemctl') body += `\n[ "$1" = "is-enabled" ] && [ "$2" = "ssh.socket" ] && exit ${options.sshSocket ? 0 : 1}`;
    writeFileSync(join(bin, tool), `#!/bin/bash\n${body}\nexit 0\n`);
    chmodSync(join(bin, tool), 0o755);
  }
  const rooted = script.replaceAll('/etc/', `${root}/etc/`);
  writeFileSync(join(root, 'user-data.sh'), rooted);
  // Only the stubs and the basic tools (sed, grep, printf, mkdir) on PATH.
  execFileSync('/bin/bash', [join(root, 'user-data.sh')], { env: { PATH: `${bin}:/usr/bin:/bin` } });
  const calls = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
  return { config: readFileSync(join(root, 'etc', 'ssh', 'sshd_config'), 'utf8'), calls, root };
}

function activePorts(config: string): string[] {
  return config.split('\n').filter((l) => /^Port\s/.test(l));
}

test('port 22 needs no script', () => {
  assert.equal(sshPortUserData(22, 'rhel-8'), undefined);
});

test('RHEL: sshd moves to the port, SELinux labels it ssh_port_t, firewalld opens it, sshd restarts', (t) => {
  const script = sshPortUserData(2222, 'rhel-8')!;
  execFileSync('/bin/bash', ['-n'], { input: script }); // valid bash
  const run = runScript(script, ['semanage', 'firewall-cmd', 'systemctl']);
  t.after(() => rmSync(run.root, { recursive: true, force: true }));
  assert.deepEqual(activePorts(run.config), ['Port 2222']);
  assert.ok(run.calls.includes('semanage port -a -t ssh_port_t -p tcp 2222'), run.calls.join('\n'));
  assert.ok(run.calls.includes('firewall-cmd --permanent --add-port=2222/tcp'), run.calls.join('\n'));
  assert.ok(run.calls.includes('firewall-cmd --reload'));
  const restart = run.calls.findIndex((c) => c.startsWith('systemctl restart ssh'));
  assert.ok(restart > run.calls.findIndex((c) => c.startsWith('semanage')), 'the port is labelled before sshd restarts');
  assert.ok(restart > run.calls.findIndex((c) => c === 'firewall-cmd --reload'), 'the firewall is open before sshd restarts');
});

test('RHEL without firewalld running, or without the tools at all: no firewall call, sshd still moves', (t) => {
  const script = sshPortUserData(2222, 'rhel-9')!;
  const stopped = runScript(script, ['semanage', 'firewall-cmd', 'systemctl'], { firewalldRunning: false });
  t.after(() => rmSync(stopped.root, { recursive: true, force: true }));
  assert.ok(!stopped.calls.some((c) => c.includes('--add-port')));
  const bare = runScript(script, ['systemctl']);
  t.after(() => rmSync(bare.root, { recursive: true, force: true }));
  assert.deepEqual(activePorts(bare.config), ['Port 2222']);
  assert.ok(bare.calls.some((c) => c.startsWith('systemctl restart ssh')));
});

test('running the script twice leaves one Port line', (t) => {
  const script = sshPortUserData(2222, 'rhel-8')!;
  const run = runScript(script + script, ['systemctl']);
  t.after(() => rmSync(run.root, { recursive: true, force: true }));
  assert.deepEqual(activePorts(run.config), ['Port 2222']);
});

test('Ubuntu 24.04: the ssh.socket listens on the new port', (t) => {
  const run = runScript(sshPortUserData(2222, 'ubuntu-24.04')!, ['systemctl'], { sshSocket: true });
  t.after(() => rmSync(run.root, { recursive: true, force: true }));
  assert.deepEqual(activePorts(run.config), ['Port 2222']);
  const dropIn = readFileSync(join(run.root, 'etc', 'systemd', 'system', 'ssh.socket.d', 'port.conf'), 'utf8');
  assert.equal(dropIn, '[Socket]\nListenStream=\nListenStream=2222\n');
  assert.ok(run.calls.includes('systemctl restart ssh.socket'));
});

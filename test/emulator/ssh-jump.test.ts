// SSH through a jump host with two real sshd. The private-subnet example is applied on the
// emulator; the test then wires two network namespaces the way the VPC is: the jump host's sshd
// listens on the bastion's public address in namespace J (reachable from here over a veth pair),
// the application's sshd on its private address 10.0.2.11 in namespace T, reachable only from J.
// The command `ssh --print` prints logs in through the jump host and runs `echo connected`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { resetEmulator } from '../harness/moto';
import { startSshd, type Sshd } from '../harness/sshd';
import { workspace } from './engine-workspace';
import { runCli } from '../unit/run-cli';
import type { StateFile } from '../../src/core/state';

const ws = workspace('private-jump');
const example = readFileSync(join(__dirname, '..', '..', 'examples', 'private-subnet.blueprint.yaml'), 'utf8');
const tag = String(process.pid % 100000);
const nsJump = `ec2bp-j${tag}`;
const nsPrivate = `ec2bp-t${tag}`;
const links = { root: `ebr${tag}`, jumpOut: `ebj${tag}`, jumpIn: `ebk${tag}`, private: `ebp${tag}` };
const sshds: Sshd[] = [];
let jumpAddress = '';
let pemFile = '';

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${r.stderr.trim()} (the SSH jump test needs root and iproute2's network namespaces)`);
}

function sh(command: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('sh', ['-c', command], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(async () => {
  await resetEmulator();
  ws.edit([readFileSync(ws.blueprint, 'utf8'), example.replace('stack: private-atsushi', `stack: ${ws.stack}`).replaceAll('key-private-RHEL', ws.keyName)]);
  const apply = await ws.cli(['apply', '--json']);
  assert.equal(apply.code, 0, apply.stderr);
  const state = JSON.parse(readFileSync(ws.statePath, 'utf8')) as StateFile;
  jumpAddress = String(state.resources['ec2-bastion-Atsushi']!.attributes.publicIp);
  assert.match(jumpAddress, /^\d+\.\d+\.\d+\.\d+$/, 'the emulator gave the bastion a public address');
  assert.equal(state.resources['ec2-app-Atsushi']!.attributes.privateIp, '10.0.2.11');

  // You ⇄ J over one veth pair (only the bastion's public address is routed there); J ⇄ T over
  // another, 10.0.2.0/24, which this namespace has no route to.
  ip('netns', 'add', nsJump);
  ip('netns', 'add', nsPrivate);
  ip('link', 'add', links.root, 'type', 'veth', 'peer', 'name', links.jumpOut);
  ip('link', 'set', links.jumpOut, 'netns', nsJump);
  ip('link', 'add', links.jumpIn, 'type', 'veth', 'peer', 'name', links.private);
  ip('link', 'set', links.jumpIn, 'netns', nsJump);
  ip('link', 'set', links.private, 'netns', nsPrivate);
  ip('addr', 'add', '192.168.253.1/30', 'dev', links.root);
  ip('link', 'set', links.root, 'up');
  ip('route', 'add', `${jumpAddress}/32`, 'dev', links.root);
  ip('-n', nsJump, 'link', 'set', 'lo', 'up');
  ip('-n', nsJump, 'addr', 'add', '192.168.253.2/30', 'dev', links.jumpOut);
  ip('-n', nsJump, 'addr', 'add', `${jumpAddress}/32`, 'dev', links.jumpOut);
  ip('-n', nsJump, 'link', 'set', links.jumpOut, 'up');
  ip('-n', nsJump, 'addr', 'add', '10.0.2.5/24', 'dev', links.jumpIn);
  ip('-n', nsJump, 'link', 'set', links.jumpIn, 'up');
  ip('-n', nsPrivate, 'link', 'set', 'lo', 'up');
  ip('-n', nsPrivate, 'addr', 'add', '10.0.2.11/24', 'dev', links.private);
  ip('-n', nsPrivate, 'link', 'set', links.private, 'up');

  pemFile = join(ws.keyDir, readdirSync(ws.keyDir).find((f) => f.endsWith('.pem'))!);
  sshds.push(await startSshd({ address: jumpAddress, privateKeyFile: pemFile, netns: nsJump }));
  sshds.push(await startSshd({ address: '10.0.2.11', privateKeyFile: pemFile, netns: nsPrivate }));
});

after(async () => {
  for (const s of sshds) await s.stop();
  spawnSync('ip', ['link', 'del', links.root]);
  spawnSync('ip', ['netns', 'del', nsJump]);
  spawnSync('ip', ['netns', 'del', nsPrivate]);
  await ws.cli(['destroy', '--yes']);
  ws.dispose();
});

test('the printed command logs in through the jump host to the private address and runs a command there', async () => {
  const printed = await runCli(['ssh', ws.blueprint, 'ec2-app-Atsushi', '--print', '--key-dir', ws.keyDir]);
  assert.equal(printed.code, 0, printed.stderr);
  const command = printed.stdout.trim();
  assert.match(command, /ec2-user@10\.0\.2\.11$/);
  assert.match(command, new RegExp(`ProxyCommand=.*-W .*ec2-user@${jumpAddress.replace(/\./g, '\\.')}`));
  assert.equal((command.match(/IdentitiesOnly=yes/g) ?? []).length, 2, 'the same key options on both hops');

  // The private address is not reachable from here, only through the jump host.
  const direct = sh(`ssh -i ${pemFile} -o IdentitiesOnly=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=3 -o BatchMode=yes ec2-user@10.0.2.11 echo connected`);
  assert.notEqual(direct.status, 0, `without the jump host it must not connect: ${direct.stdout}`);

  const r = sh(`${command} -o BatchMode=yes echo connected`);
  assert.equal(r.status, 0, `${r.stderr}\n--- jump sshd ---\n${sshds[0]!.log()}\n--- private sshd ---\n${sshds[1]!.log()}`);
  assert.equal(r.stdout.trim(), 'connected');
  assert.match(sshds[1]!.log(), /Accepted publickey for ec2-user from 10\.0\.2\.5/, 'the private sshd saw the login come from the jump host');
  // Both host keys are kept in the stack's own known-hosts file.
  const knownHosts = readFileSync(join(ws.keyDir, `ec2-blueprint-${ws.stack}.known_hosts`), 'utf8');
  assert.equal(knownHosts.trim().split('\n').length, 2);
});

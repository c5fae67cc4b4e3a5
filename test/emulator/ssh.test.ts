// One-click SSH, end to end: the CLI applies the tutorial against the emulator, a real OpenSSH
// sshd listens on exactly the Elastic IP the emulator handed out (an address in 127.0.0.0/8) on
// port 22 with the public half of the downloaded key, and the exact argv that `ssh FILE --print
// --json` returns, with `echo connected` appended, logs in. Nothing in that command is patched.
// CI runs as root (port 22, the local account ec2-user is created when missing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, type ExecFileException } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, writeFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeAddressesCommand, DescribeInstanceAttributeCommand, DescribeInstancesCommand, EC2Client, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { resetEmulator, testClientConfig, testEndpoint, TEST_REGION } from '../harness/moto';
import { startSshd } from '../harness/sshd';
import { waitUntilSshReady } from '../../src/aws/instance-wait';

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
const tutorial = join(root, 'examples', 'tutorial.blueprint.yaml');

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function run(program: string, args: string[], timeoutMs = 60_000): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(program, args, { timeout: timeoutMs, encoding: 'utf8' }, (error: ExecFileException | null, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

function runWithInput(program: string, args: string[], input: string, timeoutMs = 60_000): Promise<Ran> {
  return new Promise((resolve) => {
    const child = execFile(program, args, { timeout: timeoutMs, encoding: 'utf8' }, (error: ExecFileException | null, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
    child.stdin?.end(input);
  });
}

function node(args: string[]): Promise<Ran> {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: build first (npm run build), or run the suite with npm run test:emulator.`);
  return run(process.execPath, [cli, ...args]);
}

function fingerprint(file: string): string | undefined {
  return existsSync(file) ? `${statSync(file).mtimeMs}:${readFileSync(file, 'utf8').length}` : undefined;
}

test('the sshd harness logs in a key it was given, on a loopback address of its own', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ssh-harness-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const key = join(dir, 'key.pem');
  const made = await run('ssh-keygen', ['-q', '-t', 'rsa', '-m', 'PEM', '-N', '', '-f', key]);
  assert.equal(made.code, 0, made.stderr);
  const sshd = await startSshd({ address: '127.0.0.55', privateKeyFile: key });
  t.after(() => sshd.stop());
  const known = join(dir, 'known_hosts');
  const args = ['-i', key, '-o', 'IdentitiesOnly=yes', '-o', 'StrictHostKeyChecking=accept-new', '-o', `UserKnownHostsFile=${known}`, '-o', 'BatchMode=yes', '-p', '22', 'ec2-user@127.0.0.55', 'echo', 'connected'];
  const ok = await run('ssh', args, 20_000);
  assert.equal(ok.stdout.trim(), 'connected', `${ok.stderr}\n${sshd.log()}`);
  // A key it was not given is refused.
  const other = join(dir, 'other.pem');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
  const refused = await run('ssh', args.map((a) => (a === key ? other : a)), 20_000);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /Permission denied/);
});

test('apply the tutorial, then the exact `ssh --print --json` command logs in to sshd on the Elastic IP', async (t) => {
  const endpoint = testEndpoint();
  await resetEmulator(endpoint);
  const dir = mkdtempSync(join(tmpdir(), 'ssh-e2e-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'tutorial.blueprint.yaml');
  copyFileSync(tutorial, file);
  const keyDir = join(dir, 'keys');

  const applied = await node(['apply', file, '--endpoint', endpoint, '--key-dir', keyDir, '--json']);
  assert.equal(applied.code, 0, `apply failed:\n${applied.stderr}\n${applied.stdout}`);

  // The Elastic IP as the emulator reports it.
  const ec2 = new EC2Client(testClientConfig(endpoint));
  t.after(() => ec2.destroy());
  const { Addresses: addresses = [] } = await ec2.send(new DescribeAddressesCommand({ Filters: [{ Name: 'tag:Name', Values: ['eip-Atsushi'] }] }));
  assert.equal(addresses.length, 1);
  const elasticIp = addresses[0]!.PublicIp!;
  assert.match(elasticIp, /^127\.\d+\.\d+\.\d+$/, 'the emulator hands out Elastic IPs in 127.0.0.0/8');

  const pem = join(keyDir, 'key-wp-RHEL.pem');
  assert.ok(existsSync(pem), 'apply downloaded the private key into --key-dir');
  assert.equal(statSync(pem).mode & 0o777, 0o600);

  const sshd = await startSshd({ address: elasticIp, port: 22, user: 'ec2-user', privateKeyFile: pem });
  t.after(() => sshd.stop());

  const printed = await node(['ssh', file, '--print', '--json', '--key-dir', keyDir]);
  assert.equal(printed.code, 0, printed.stderr);
  const { command, argv } = JSON.parse(printed.stdout) as { command: string; argv: string[] };
  assert.equal(argv[0], 'ssh');
  assert.ok(argv.includes(`ec2-user@${elasticIp}`), command);
  assert.deepEqual(argv.slice(argv.indexOf('-p'), argv.indexOf('-p') + 2), ['-p', '22']);
  // --print prints the same line.
  const plain = await node(['ssh', file, '--print', '--key-dir', keyDir]);
  assert.equal(plain.stdout.trim(), command);

  const userKnownHosts = join(homedir(), '.ssh', 'known_hosts');
  const before = fingerprint(userKnownHosts);
  const login = await run(argv[0]!, [...argv.slice(1), 'echo', 'connected'], 30_000);
  assert.equal(login.stdout.trim(), 'connected', `ssh said:\n${login.stderr}\nsshd log:\n${sshd.log()}`);

  // The host key went into the stack's own known-hosts file, under the instance id; the user's
  // own ~/.ssh/known_hosts was not touched. A second login goes through without a question.
  const stackKnownHosts = join(keyDir, 'ec2-blueprint-wp-atsushi.known_hosts');
  assert.ok(existsSync(stackKnownHosts));
  const { Reservations: reservations = [] } = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Name', Values: ['ec2-wp-RHEL8'] }] }));
  const instanceId = reservations[0]!.Instances![0]!.InstanceId!;
  const hostKey = sshd.hostPublicKey.split(' ').slice(0, 2).join(' ');
  const recorded = readFileSync(stackKnownHosts, 'utf8');
  assert.ok(recorded.includes(hostKey), recorded);
  const lookup = await run('ssh-keygen', ['-F', instanceId, '-f', stackKnownHosts]);
  assert.equal(lookup.code, 0, `the host key is recorded under ${instanceId}:\n${recorded}`);
  assert.equal(fingerprint(userKnownHosts), before, '~/.ssh/known_hosts is left alone');
  const again = await run(argv[0]!, [...argv.slice(1), 'echo', 'connected'], 30_000);
  assert.equal(again.stdout.trim(), 'connected', again.stderr);

  // Without --print the CLI checks the key, waits for running + 2/2 through the engine bundle,
  // and runs ssh itself (here with the remote shell reading commands from stdin).
  const session = await runWithInput(process.execPath, [cli, 'ssh', file, '--endpoint', endpoint, '--key-dir', keyDir], 'echo connected-from-cli\nexit\n');
  assert.equal(session.code, 0, session.stderr);
  assert.match(session.stdout, /^connected-from-cli$/m);
  // A key others can read is refused before ssh runs, with the fix.
  chmodSync(pem, 0o644);
  const open = await node(['ssh', file, '--endpoint', endpoint, '--key-dir', keyDir]);
  chmodSync(pem, 0o600);
  assert.equal(open.code, 3);
  assert.match(open.stderr, /can be read by other users \(mode 0644\)/);
  assert.ok(open.stderr.includes(`chmod 600 ${pem}`), open.stderr);

  // The waiter says running 2/2 for this instance, and a stopped instance is named as such.
  const ready = await waitUntilSshReady({ region: TEST_REGION, endpoint }, { instanceId, instanceName: 'ec2-wp-RHEL8', pollMs: 100 });
  assert.deepEqual([ready.state, ready.checksPassed], ['running', 2]);
  await ec2.send(new StopInstancesCommand({ InstanceIds: [instanceId] }));
  await assert.rejects(
    waitUntilSshReady({ region: TEST_REGION, endpoint }, { instanceId, instanceName: 'ec2-wp-RHEL8', pollMs: 100 }),
    /"ec2-wp-RHEL8" is (stopping|stopped)\. Start it first/,
  );
});

test('sshPort 2222 with a rule for it: the first-boot script is sent, and the printed command logs in on that port', async (t) => {
  const endpoint = testEndpoint();
  await resetEmulator(endpoint);
  const dir = mkdtempSync(join(tmpdir(), 'ssh-port-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'tutorial.blueprint.yaml');
  const text = readFileSync(tutorial, 'utf8')
    .replace('      - { protocol: tcp, port: 22,  source: 0.0.0.0/0, description: SSH }', '      - { protocol: tcp, port: 2222, source: 0.0.0.0/0, description: SSH }')
    .replace('    sshUser: ec2-user', '    sshUser: ec2-user\n    sshPort: 2222');
  assert.ok(text.includes('port: 2222') && text.includes('sshPort: 2222'), 'the fixture edits applied');
  writeFileSync(file, text);
  const keyDir = join(dir, 'keys');
  const applied = await node(['apply', file, '--endpoint', endpoint, '--key-dir', keyDir, '--json']);
  assert.equal(applied.code, 0, `apply failed:\n${applied.stderr}`);

  const ec2 = new EC2Client(testClientConfig(endpoint));
  t.after(() => ec2.destroy());
  const { Reservations: reservations = [] } = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Name', Values: ['ec2-wp-RHEL8'] }] }));
  const instanceId = reservations[0]!.Instances![0]!.InstanceId!;
  const attribute = await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: instanceId, Attribute: 'userData' }));
  const userData = Buffer.from(attribute.UserData?.Value ?? '', 'base64').toString('utf8');
  assert.match(userData, /Port 2222/, 'the instance got the script that moves sshd');
  assert.match(userData, /semanage port -a -t ssh_port_t -p tcp 2222/);
  assert.match(userData, /firewall-cmd --permanent --add-port=2222\/tcp/);

  const { Addresses: addresses = [] } = await ec2.send(new DescribeAddressesCommand({ Filters: [{ Name: 'tag:Name', Values: ['eip-Atsushi'] }] }));
  const elasticIp = addresses[0]!.PublicIp!;
  const sshd = await startSshd({ address: elasticIp, port: 2222, privateKeyFile: join(keyDir, 'key-wp-RHEL.pem') });
  t.after(() => sshd.stop());
  const printed = await node(['ssh', file, '--print', '--json', '--key-dir', keyDir]);
  assert.equal(printed.code, 0, printed.stderr);
  const { argv } = JSON.parse(printed.stdout) as { argv: string[] };
  assert.deepEqual(argv.slice(-3), ['-p', '2222', `ec2-user@${elasticIp}`]);
  const login = await run(argv[0]!, [...argv.slice(1), 'echo', 'connected'], 30_000);
  assert.equal(login.stdout.trim(), 'connected', `ssh said:\n${login.stderr}\nsshd log:\n${sshd.log()}`);
});

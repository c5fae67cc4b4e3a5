// SSH from the palette in a real VS Code: after Apply All against the emulator, SSH to Instance
// opens a terminal named after the instance running the system's ssh with the expected
// arguments, and that ssh really logs in to an sshd listening on the Elastic IP (CI runs as root).
// Copy SSH Command gives the same line; Add to SSH Config writes the managed block.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DescribeAddressesCommand, DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { RunResult } from '../../../src/core/engine-api';
import { formatCommandLine, shellFor } from '../../../src/core/ssh';
import { startSshd, type Sshd } from '../../harness/sshd';
import { extensionApi, waitFor, workspaceBlueprint, endpoint } from './helpers';

const REGION = 'ap-northeast-1';
const INSTANCE = 'ec2-wp-RHEL8';

suite('SSH to Instance', function () {
  this.timeout(180_000);
  const uri = workspaceBlueprint();
  const statePath = uri.fsPath.replace(/\.yaml$/, '.state.json');
  let keyDir: string;
  let sshConfig: string;
  let ec2: EC2Client;
  let sshd: Sshd | undefined;
  let elasticIp: string;
  let instanceId: string;
  let expectedArgs: string[] | undefined;

  suiteSetup(async () => {
    await extensionApi();
    const response = await fetch(`${endpoint()}/moto-api/reset`, { method: 'POST' });
    assert.ok(response.ok, `resetting the emulator answered HTTP ${response.status}`);
    ec2 = new EC2Client({ region: REGION, endpoint: endpoint(), credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } });
    keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ec2bp-ssh-keys-'));
    sshConfig = path.join(keyDir, 'ssh_config');
    fs.rmSync(statePath, { force: true });
    const config = vscode.workspace.getConfiguration('ec2Blueprint');
    await config.update('endpoint', endpoint(), vscode.ConfigurationTarget.Global);
    await config.update('keyDirectory', keyDir, vscode.ConfigurationTarget.Global);
    // Keeps the test away from the real ~/.ssh/config.
    await config.update('sshConfigFile', sshConfig, vscode.ConfigurationTarget.Global);
  });

  /** Apply All once, and what the terminal should then run. */
  async function applied(): Promise<void> {
    if (expectedArgs) return;
    const result = await vscode.commands.executeCommand<RunResult | undefined>('ec2Blueprint.applyAll', uri);
    assert.ok(result?.ok, `apply all failed: ${JSON.stringify(result?.failures)}`);
    const { Addresses: addresses = [] } = await ec2.send(new DescribeAddressesCommand({ Filters: [{ Name: 'tag:Name', Values: ['eip-Atsushi'] }] }));
    elasticIp = addresses[0]!.PublicIp!;
    const { Reservations: reservations = [] } = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Name', Values: [INSTANCE] }] }));
    instanceId = reservations[0]!.Instances![0]!.InstanceId!;
    expectedArgs = [
      '-i',
      path.join(keyDir, 'key-wp-RHEL.pem'),
      '-o',
      'IdentitiesOnly=yes',
      '-o',
      'StrictHostKeyChecking=accept-new',
      '-o',
      `UserKnownHostsFile=${path.join(keyDir, 'ec2-blueprint-wp-atsushi.known_hosts')}`,
      '-o',
      `HostKeyAlias=${instanceId}`,
      '-p',
      '22',
      `ec2-user@${elasticIp}`,
    ];
  }

  suiteTeardown(async () => {
    // Each step on its own, so one failing cannot leave the others undone.
    const steps: [string, () => unknown][] = [
      ['close the terminal', () => vscode.window.terminals.filter((t) => t.name === INSTANCE).forEach((t) => t.dispose())],
      ['stop sshd', () => sshd?.stop()],
      ['destroy', () => vscode.commands.executeCommand('ec2Blueprint.destroy', uri, { confirmed: true })],
      ['reset settings', async () => {
        const config = vscode.workspace.getConfiguration('ec2Blueprint');
        for (const key of ['endpoint', 'keyDirectory', 'sshConfigFile']) await config.update(key, undefined, vscode.ConfigurationTarget.Global);
      }],
    ];
    for (const [what, step] of steps) {
      try {
        await step();
      } catch (error) {
        console.error(`teardown: ${what}: ${String(error)}`);
      }
    }
    fs.rmSync(statePath, { force: true });
    fs.rmSync(keyDir, { recursive: true, force: true });
    ec2?.destroy();
  });

  test('before the instance exists: says so (offering Apply), opens no terminal, and returns at once', async () => {
    const started = Date.now();
    const result = await vscode.commands.executeCommand('ec2Blueprint.sshToInstance', uri, INSTANCE);
    assert.equal(result, undefined);
    assert.ok(Date.now() - started < 5000, 'the command does not wait for the notification to be clicked');
    assert.equal(vscode.window.terminals.filter((t) => t.name === INSTANCE).length, 0);
  });

  test('opens a terminal named after the instance that runs ssh and logs in on the Elastic IP', async () => {
    await applied();
    sshd = await startSshd({ address: elasticIp, port: 22, user: 'ec2-user', privateKeyFile: path.join(keyDir, 'key-wp-RHEL.pem') });
    await vscode.commands.executeCommand('ec2Blueprint.sshToInstance', uri, INSTANCE);
    const terminal = await waitFor('a terminal named ' + INSTANCE, () => vscode.window.terminals.find((t) => t.name === INSTANCE));
    const options = terminal.creationOptions as vscode.TerminalOptions;
    assert.equal(path.basename(options.shellPath ?? '').replace(/\.exe$/i, ''), 'ssh', `shellPath ${options.shellPath}`);
    assert.ok(path.isAbsolute(options.shellPath!), 'the ssh found on PATH, by its full path');
    assert.deepEqual(options.shellArgs, expectedArgs!);
    // The terminal's ssh really logged in: sshd says so.
    await waitFor('sshd to accept the terminal\'s login', () => (/Accepted publickey for ec2-user/.test(sshd!.log()) ? true : undefined), 20_000);
    assert.equal(terminal.exitStatus, undefined, 'the session is still open');
  });

  test('Copy SSH Command gives the same command line, quoted for the terminal\'s shell', async () => {
    await applied();
    const command = await vscode.commands.executeCommand<string | undefined>('ec2Blueprint.copySshCommand', uri, INSTANCE);
    assert.equal(command, formatCommandLine(['ssh', ...expectedArgs!], shellFor(process.platform, vscode.env.shell)));
  });

  test('Add to SSH Config writes the managed Host block once, and leaves the rest of the file alone', async () => {
    await applied();
    const mine = '# my own settings\nHost bastion\n    HostName 203.0.113.9\n';
    fs.writeFileSync(sshConfig, mine, { mode: 0o600 });
    const alias = await vscode.commands.executeCommand<string | undefined>('ec2Blueprint.addToSshConfig', uri, INSTANCE);
    assert.equal(alias, `${INSTANCE}.wp-atsushi`);
    const written = fs.readFileSync(sshConfig, 'utf8');
    assert.ok(written.includes(`Host ${alias}\n    HostName ${elasticIp}\n    User ec2-user\n    Port 22\n`), written);
    assert.ok(written.startsWith(`# >>> ec2-blueprint wp-atsushi/${INSTANCE} >>>\n`), written);
    assert.ok(written.endsWith('\n\n' + mine), 'the user\'s lines follow the block, byte for byte');
    assert.equal(fs.readFileSync(`${sshConfig}.ec2-blueprint.bak`, 'utf8'), mine, 'a backup of the previous file');
    await vscode.commands.executeCommand('ec2Blueprint.addToSshConfig', uri, INSTANCE);
    assert.equal(fs.readFileSync(sshConfig, 'utf8'), written, 'running it again changes nothing');
  });
});

// Open in Browser in a real VS Code: after Apply All against the emulator, with a real web server
// listening on the Elastic IP's address (an address in 127.0.0.0/8, port 80; CI runs as root), the
// command waits for the instance's checks and for the page, then opens http://<Elastic IP>/ (the
// smoke-test workbench refuses the link-protection prompt a real one shows; the command then says
// where the page is, and still returns the address it opened).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createServer, type Server } from 'node:http';
import * as vscode from 'vscode';
import { DescribeAddressesCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { RunResult } from '../../../src/core/engine-api';
import { extensionApi, workspaceBlueprint, endpoint } from './helpers';

const INSTANCE = 'ec2-wp-RHEL8';

suite('Open in Browser', function () {
  this.timeout(180_000);
  const uri = workspaceBlueprint();
  const statePath = uri.fsPath.replace(/\.yaml$/, '.state.json');
  let keyDir: string;
  let server: Server | undefined;
  const requests: string[] = [];

  suiteSetup(async () => {
    await extensionApi();
    const response = await fetch(`${endpoint()}/moto-api/reset`, { method: 'POST' });
    assert.ok(response.ok);
    keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ec2bp-browser-keys-'));
    fs.rmSync(statePath, { force: true });
    const config = vscode.workspace.getConfiguration('ec2Blueprint');
    await config.update('endpoint', endpoint(), vscode.ConfigurationTarget.Global);
    await config.update('keyDirectory', keyDir, vscode.ConfigurationTarget.Global);
  });

  suiteTeardown(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    try {
      await vscode.commands.executeCommand('ec2Blueprint.destroy', uri, { confirmed: true });
    } catch (error) {
      console.error(`teardown: destroy: ${String(error)}`);
    }
    const config = vscode.workspace.getConfiguration('ec2Blueprint');
    for (const key of ['endpoint', 'keyDirectory']) await config.update(key, undefined, vscode.ConfigurationTarget.Global);
    fs.rmSync(statePath, { force: true });
    fs.rmSync(keyDir, { recursive: true, force: true });
  });

  test('waits for the web server on the Elastic IP to answer, then opens http://<Elastic IP>/', async () => {
    const result = await vscode.commands.executeCommand<RunResult | undefined>('ec2Blueprint.applyAll', uri);
    assert.ok(result?.ok, `apply all failed: ${JSON.stringify(result?.failures)}`);
    const ec2 = new EC2Client({ region: 'ap-northeast-1', endpoint: endpoint(), credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } });
    const { Addresses: addresses = [] } = await ec2.send(new DescribeAddressesCommand({ Filters: [{ Name: 'tag:Name', Values: ['eip-Atsushi'] }] }));
    ec2.destroy();
    const elasticIp = addresses[0]!.PublicIp!;
    const opening = vscode.commands.executeCommand<string | undefined>('ec2Blueprint.openInBrowser', uri, INSTANCE);
    // The server comes up only after the command has started waiting for it.
    await new Promise((r) => setTimeout(r, 2000));
    server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url} ${req.headers.host}`);
      res.writeHead(200, { 'Content-Type': 'text/html' }).end('<h1>WordPress</h1>');
    });
    await new Promise<void>((resolve, reject) => server!.once('error', reject).listen(80, elasticIp, resolve));
    const opened = await opening;
    assert.equal(opened, `http://${elasticIp}/`);
    assert.ok(requests.includes(`GET / ${elasticIp}`), JSON.stringify(requests));
  });
});

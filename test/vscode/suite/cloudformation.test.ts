// "Export as CloudFormation Template" and "Import Existing VPC…" from the palette: the template
// opens in an editor; a VPC built by hand comes in as a blueprint with its state file.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EC2Client } from '@aws-sdk/client-ec2';
import { validateBlueprint } from '../../../src/core/validate';
import type { StateFile } from '../../../src/core/state';
import { buildTutorialByHand } from '../../emulator/console-built';
import { extensionApi, workspaceBlueprint, endpoint } from './helpers';

const REGION = 'ap-northeast-1';
/** The newest x86_64 RHEL 8 image of test/harness/amis.json. */
const RHEL8 = 'ami-0b2f6d8c4e1a7f802';

suite('CloudFormation export and VPC import', function () {
  this.timeout(120_000);
  let dir: string;

  suiteSetup(async () => {
    await extensionApi();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ec2bp-import-'));
    await vscode.workspace.getConfiguration('ec2Blueprint').update('endpoint', endpoint(), vscode.ConfigurationTarget.Global);
  });

  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration('ec2Blueprint').update('endpoint', undefined, vscode.ConfigurationTarget.Global);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('Export as CloudFormation Template opens the template beside the blueprint', async () => {
    const uri = workspaceBlueprint();
    await vscode.window.showTextDocument(uri);
    const text = await vscode.commands.executeCommand<string | undefined>('ec2Blueprint.exportCloudFormation', uri);
    assert.ok(text, 'the command returned no template (see the EC2 Blueprint log)');
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'an editor is open');
    assert.equal(editor.document.isUntitled, true, 'a new, unsaved editor');
    assert.equal(editor.document.languageId, 'yaml');
    const shown = editor.document.getText();
    assert.equal(shown, text);
    for (const type of ['VPC', 'Subnet', 'InternetGateway', 'VPCGatewayAttachment', 'RouteTable', 'Route', 'SubnetRouteTableAssociation', 'SecurityGroup', 'NetworkInterface', 'EIP', 'EIPAssociation', 'KeyPair', 'Instance'])
      assert.match(shown, new RegExp(`Type: AWS::EC2::${type}$`, 'm'), type);
    assert.match(shown, /\/ec2\/keypair\//);
  });

  test('Import Existing VPC… writes a blueprint and a state file adopting a VPC built by hand', async () => {
    const response = await fetch(`${endpoint()}/moto-api/reset`, { method: 'POST' });
    assert.ok(response.ok, `resetting the emulator answered HTTP ${response.status}`);
    const ec2 = new EC2Client({ region: REGION, endpoint: endpoint(), credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } });
    const built = await buildTutorialByHand(ec2, RHEL8);
    ec2.destroy();

    const file = path.join(dir, 'by-hand.blueprint.yaml');
    const written = await vscode.commands.executeCommand<string | undefined>('ec2Blueprint.importVpc', { vpcId: built.vpcId, region: REGION, file });
    assert.equal(written, file, 'the command returned no file (see the EC2 Blueprint log)');
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, file, 'the blueprint is opened');

    const { blueprint, diagnostics } = validateBlueprint(fs.readFileSync(file, 'utf8'));
    assert.deepEqual(diagnostics.filter((d) => d.severity === 'error'), []);
    assert.equal(blueprint?.networkInterfaces?.[0]?.privateIp, '10.0.1.11');
    assert.equal(blueprint?.instances?.[0]?.image, RHEL8);
    const state = JSON.parse(fs.readFileSync(path.join(dir, 'by-hand.blueprint.state.json'), 'utf8')) as StateFile;
    assert.equal(state.resources['vpc-Atsushi']?.id, built.vpcId);
    assert.equal(state.resources['ec2-wp-RHEL8']?.id, built.instanceId);
    assert.equal(state.resources['eip-Atsushi']?.id, built.allocationId);
  });
});

// The Getting Started walkthrough completes step by step as the tutorial's components are
// created against the emulator (the context keys its completionEvents wait for), and New
// Blueprint writes a working file with the reader's names.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunResult } from '../../../src/core/engine-api';
import { extensionApi, repoPath, waitFor, workspaceBlueprint, endpoint } from './helpers';

/** The tutorial's order and the command of each walkthrough step's button. */
const steps: [kind: string, command: string][] = [
  ['vpc', 'ec2Blueprint.createVpc'],
  ['subnet', 'ec2Blueprint.createSubnet'],
  ['internetGateway', 'ec2Blueprint.createInternetGateway'],
  ['routeTable', 'ec2Blueprint.createRouteTable'],
  ['securityGroup', 'ec2Blueprint.createSecurityGroup'],
  ['networkInterface', 'ec2Blueprint.createNetworkInterface'],
  ['elasticIp', 'ec2Blueprint.allocateElasticIp'],
  ['keyPair', 'ec2Blueprint.createKeyPair'],
  ['instance', 'ec2Blueprint.launchInstance'],
];

suite('Getting Started walkthrough', function () {
  this.timeout(240_000);
  const uri = workspaceBlueprint();
  const statePath = uri.fsPath.replace(/\.yaml$/, '.state.json');
  let keyDir: string;

  suiteSetup(async () => {
    await extensionApi();
    const response = await fetch(`${endpoint()}/moto-api/reset`, { method: 'POST' });
    assert.ok(response.ok, `resetting the emulator answered HTTP ${response.status}`);
    fs.rmSync(statePath, { force: true });
    keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ec2bp-walkthrough-keys-'));
    const config = vscode.workspace.getConfiguration('ec2Blueprint');
    await config.update('endpoint', endpoint(), vscode.ConfigurationTarget.Global);
    await config.update('keyDirectory', keyDir, vscode.ConfigurationTarget.Global);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('ec2Blueprint.destroy', uri, { confirmed: true });
    fs.rmSync(statePath, { force: true });
    fs.rmSync(keyDir, { recursive: true, force: true });
    const config = vscode.workspace.getConfiguration('ec2Blueprint');
    await config.update('endpoint', undefined, vscode.ConfigurationTarget.Global);
    await config.update('keyDirectory', undefined, vscode.ConfigurationTarget.Global);
  });

  test('the manifest contributes the walkthrough with the step buttons of the tutorial', () => {
    const manifest = JSON.parse(fs.readFileSync(repoPath('package.json'), 'utf8'));
    const walkthrough = manifest.contributes.walkthroughs[0];
    assert.deepEqual(
      walkthrough.steps.filter((s: { completionEvents: string[] }) => s.completionEvents[0]!.startsWith('onContext:')).map((s: { completionEvents: string[] }) => s.completionEvents[0]),
      // Part two's NAT gateway step (the private-subnet chapter) after the tutorial's nine.
      [...steps.map(([kind]) => kind), 'natGateway'].map((kind) => `onContext:ec2Blueprint.created.${kind}`),
    );
  });

  test('each step completes when its component is created, one by one in the tutorial\'s order', async () => {
    const api = await extensionApi();
    // The walkthrough page itself, as the user opens it from Help > Get Started.
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', 'ec2-blueprint.ec2-blueprint#tutorial', false);
    assert.deepEqual(await api.walkthroughProgress(), [], 'nothing is created yet, so no step is complete');
    const done: string[] = [];
    for (const [kind, command] of steps) {
      const result = await vscode.commands.executeCommand<RunResult | undefined>(command, uri);
      assert.ok(result?.ok, `${command} failed: ${JSON.stringify(result?.failures)}`);
      done.push(kind);
      // Exactly the steps so far: the button of one step creates that component and nothing after it.
      const progress = await waitFor(`the ${kind} step to complete`, async () => {
        const now = await api.walkthroughProgress();
        return now.length === done.length ? now : undefined;
      });
      assert.deepEqual(progress, done);
    }
  });

  test('Destroy takes the context keys back down', async () => {
    const api = await extensionApi();
    const destroyed = await vscode.commands.executeCommand<RunResult | undefined>('ec2Blueprint.destroy', uri, { confirmed: true });
    assert.ok(destroyed?.ok, `destroy failed: ${JSON.stringify(destroyed?.failures)}`);
    assert.deepEqual(await waitFor('no created component', async () => ((await api.walkthroughProgress()).length === 0 ? [] : undefined)), []);
  });

  test('New Blueprint writes <suffix>.blueprint.yaml with the tutorial\'s structure and opens it without errors', async () => {
    const created = await vscode.commands.executeCommand<vscode.Uri | undefined>('ec2Blueprint.newBlueprint', { suffix: 'Hanako', region: 'ap-northeast-3', availabilityZone: 'ap-northeast-3b' });
    assert.ok(created, 'New Blueprint returned nothing (see the EC2 Blueprint log)');
    try {
      assert.equal(path.basename(created.fsPath), 'Hanako.blueprint.yaml');
      assert.equal(path.dirname(created.fsPath), path.dirname(uri.fsPath), 'written into the workspace folder');
      assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, created.fsPath, 'opened in the editor');
      const text = fs.readFileSync(created.fsPath, 'utf8');
      for (const name of ['vpc-Hanako', 'public-subnet-1b-Hanako', 'igw-Hanako', 'seg-g_wp_Hanako', 'eni-wp-Hanako', 'eip-Hanako', 'ec2-wp-RHEL8-Hanako']) assert.ok(text.includes(`name: ${name}`), name);
      assert.match(text, /^region: ap-northeast-3$/m);
      assert.match(text, /availabilityZone: ap-northeast-3b/);
      // The extension's own validation finds nothing to complain about but the tutorial's open SSH.
      const diagnostics = await waitFor('the validation of the new file', () => {
        const d = vscode.languages.getDiagnostics(created).filter((x) => x.source === undefined || /blueprint/i.test(String(x.source)));
        return d.length > 0 ? d : undefined;
      });
      assert.deepEqual(diagnostics.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).map((d) => d.message), []);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      fs.rmSync(created.fsPath, { force: true });
    }
  });
});

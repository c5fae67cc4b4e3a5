// Provisioning from the palette against the EC2 emulator (moto): what the user would check in the
// AWS console, in the CodeLens and in the resource view.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeInternetGatewaysCommand,
  DescribeKeyPairsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import type { RunResult } from '../../../src/core/engine-api';
import type { Plan } from '../../../src/core/plan';
import type { StateFile } from '../../../src/core/state';
import type { PowerResult } from '../../../src/aws/instance-power';
import { codeLensTitles, extensionApi, waitFor, workspaceBlueprint, endpoint } from './helpers';

const STACK = 'wp-atsushi';
const REGION = 'ap-northeast-1';

function emulator(): EC2Client {
  return new EC2Client({ region: REGION, endpoint: endpoint(), credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } });
}

const stackFilter = [{ Name: 'tag:blueprint:stack', Values: [STACK] }];

/** Everything of the stack the emulator still has, by kind (terminated instances do not count). */
async function whatExists(ec2: EC2Client): Promise<Record<string, string[]>> {
  const [vpcs, subnets, igws, rtbs, sgs, enis, eips, keys, instances] = await Promise.all([
    ec2.send(new DescribeVpcsCommand({ Filters: stackFilter })),
    ec2.send(new DescribeSubnetsCommand({ Filters: stackFilter })),
    ec2.send(new DescribeInternetGatewaysCommand({ Filters: stackFilter })),
    ec2.send(new DescribeRouteTablesCommand({ Filters: stackFilter })),
    ec2.send(new DescribeSecurityGroupsCommand({ Filters: stackFilter })),
    ec2.send(new DescribeNetworkInterfacesCommand({ Filters: stackFilter })),
    ec2.send(new DescribeAddressesCommand({ Filters: stackFilter })),
    ec2.send(new DescribeKeyPairsCommand({ Filters: stackFilter })),
    ec2.send(new DescribeInstancesCommand({ Filters: [...stackFilter, { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] }] })),
  ]);
  return {
    vpc: (vpcs.Vpcs ?? []).map((v) => v.VpcId!),
    subnet: (subnets.Subnets ?? []).map((s) => s.SubnetId!),
    internetGateway: (igws.InternetGateways ?? []).map((g) => g.InternetGatewayId!),
    routeTable: (rtbs.RouteTables ?? []).map((r) => r.RouteTableId!),
    securityGroup: (sgs.SecurityGroups ?? []).map((g) => g.GroupId!),
    networkInterface: (enis.NetworkInterfaces ?? []).map((n) => n.NetworkInterfaceId!),
    elasticIp: (eips.Addresses ?? []).map((a) => a.AllocationId!),
    keyPair: (keys.KeyPairs ?? []).map((k) => k.KeyPairId!),
    instance: (instances.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId!),
  };
}

suite('Provisioning against the emulator', function () {
  this.timeout(180_000);
  const uri = workspaceBlueprint();
  const statePath = uri.fsPath.replace(/\.yaml$/, '.state.json');
  let keyDir: string;
  let ec2: EC2Client;

  suiteSetup(async () => {
    await extensionApi();
    const response = await fetch(`${endpoint()}/moto-api/reset`, { method: 'POST' });
    assert.ok(response.ok, `resetting the emulator answered HTTP ${response.status}`);
    ec2 = emulator();
    keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ec2bp-keys-'));
    fs.rmSync(statePath, { force: true });
    const config = vscode.workspace.getConfiguration('ec2Blueprint');
    await config.update('endpoint', endpoint(), vscode.ConfigurationTarget.Global);
    await config.update('keyDirectory', keyDir, vscode.ConfigurationTarget.Global);
  });

  suiteTeardown(async () => {
    fs.rmSync(statePath, { force: true });
    fs.rmSync(keyDir, { recursive: true, force: true });
    const config = vscode.workspace.getConfiguration('ec2Blueprint');
    await config.update('endpoint', undefined, vscode.ConfigurationTarget.Global);
    await config.update('keyDirectory', undefined, vscode.ConfigurationTarget.Global);
    ec2?.destroy();
  });

  test('Plan opens a readable plan: nine components to create', async () => {
    const plan = await vscode.commands.executeCommand<Plan | undefined>('ec2Blueprint.plan', uri);
    assert.ok(plan, 'Plan returned nothing: the command failed (see the EC2 Blueprint log)');
    assert.equal(plan.summary.create, 9);
    const shown = await waitFor('the plan document', () => vscode.workspace.textDocuments.find((d) => d.languageId === 'markdown' && d.getText().startsWith('# Plan for tutorial.blueprint.yaml')));
    assert.match(shown.getText(), /\| seg-g_wp_Atsushi \| security group \| create \|/);
    assert.match(shown.getText(), /9 to create, 0 to update/);
  });

  test('Apply Component… for the security group creates the VPC and the group and shows their ids', async () => {
    const api = await extensionApi();
    await vscode.window.showTextDocument(uri);
    const result = await vscode.commands.executeCommand<RunResult | undefined>('ec2Blueprint.applyComponent', uri, 'seg-g_wp_Atsushi');
    assert.ok(result, 'Apply Component returned nothing: the command failed (see the EC2 Blueprint log)');
    assert.ok(result.ok, `apply failed: ${JSON.stringify(result.failures)}`);

    const exists = await whatExists(ec2);
    assert.equal(exists.vpc!.length, 1, 'one VPC of the stack in the emulator');
    assert.equal(exists.securityGroup!.length, 1, 'one security group of the stack in the emulator');
    assert.deepEqual([...exists.subnet!, ...exists.internetGateway!, ...exists.instance!, ...exists.keyPair!], [], 'only the group and what it needs');
    const vpcId = exists.vpc![0]!;
    const groupId = exists.securityGroup![0]!;

    const document = await vscode.workspace.openTextDocument(uri);
    const lineOf = (pattern: RegExp) => document.getText().split('\n').findIndex((l) => pattern.test(l)) + 1;
    const lenses = await waitFor('CodeLenses with the new ids', async () => {
      const l = await codeLensTitles(uri);
      return l.some((x) => x.title.startsWith(groupId)) ? l : undefined;
    });
    assert.ok(lenses.some((l) => l.line === lineOf(/^vpc:/) && l.title === `${vpcId} · created`), `VPC lens: ${JSON.stringify(lenses)}`);
    assert.ok(lenses.some((l) => l.line === lineOf(/- name: seg-g_wp_Atsushi/) && l.title === `${groupId} · created`), `group lens: ${JSON.stringify(lenses)}`);
    assert.ok(lenses.some((l) => l.line === lineOf(/- name: public-subnet-1a-Atsushi/) && /Create$/.test(l.title)), 'the subnet is still to be created');

    const items = await waitFor('the resource view with the ids', async () => {
      const rows = await api.resourceViewItems();
      return rows.some((r) => String(r.description).includes(groupId)) ? rows : undefined;
    });
    const row = (name: string) => items.find((r) => r.label === name);
    assert.match(String(row('vpc-Atsushi')?.description), new RegExp(vpcId));
    assert.match(String(row('seg-g_wp_Atsushi')?.description), new RegExp(groupId));
    assert.match(String(row('ec2-wp-RHEL8')?.description), /not created/);
    assert.equal((row('vpc-Atsushi')?.iconPath as vscode.ThemeIcon).id, 'pass-filled');
    assert.deepEqual(items.map((r) => r.label), ['vpc-Atsushi', 'public-subnet-1a-Atsushi', 'igw-Atsushi', 'rtb-public-Atsushi', 'seg-g_wp_Atsushi', 'eni-wp-Atsushi', 'eip-Atsushi', 'key-wp-RHEL', 'ec2-wp-RHEL8'].filter((n) => items.some((r) => r.label === n)), 'dependency order');
    // The context menu: copy the id, reveal the resource's lines in the YAML.
    const groupNode = row('seg-g_wp_Atsushi')?.command?.arguments?.[0];
    assert.equal(await vscode.commands.executeCommand('ec2Blueprint.copyId', groupNode), groupId);
    assert.equal(await vscode.env.clipboard.readText(), groupId);
    await vscode.commands.executeCommand('ec2Blueprint.revealInYaml', row('eni-wp-Atsushi')?.command?.arguments?.[0]);
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.getText(editor.selection), 'eni-wp-Atsushi');
    assert.equal(editor?.selection.start.line, lineOf(/- name: eni-wp-Atsushi/) - 1);
  });

  test('a rule removed in the console shows as drift after Refresh, with an "Update" lens that puts it back', async () => {
    const groupId = (await whatExists(ec2)).securityGroup![0]!;
    await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
    const state = await vscode.commands.executeCommand<StateFile | undefined>('ec2Blueprint.refresh', uri);
    assert.ok(state?.resources['seg-g_wp_Atsushi']?.drift?.length, `no drift recorded: ${JSON.stringify(state?.resources['seg-g_wp_Atsushi'])}`);
    const document = await vscode.workspace.openTextDocument(uri);
    const groupLine = document.getText().split('\n').findIndex((l) => /- name: seg-g_wp_Atsushi/.test(l)) + 1;
    const lenses = await waitFor('the drifted lens', async () => {
      const l = (await codeLensTitles(uri)).filter((x) => x.line === groupLine);
      return l.some((x) => x.title === 'Update') ? l : undefined;
    });
    assert.ok(lenses.some((l) => l.title === `${groupId} · drifted`), JSON.stringify(lenses));

    const result = await vscode.commands.executeCommand<RunResult | undefined>('ec2Blueprint.applyComponent', uri, 'seg-g_wp_Atsushi');
    assert.ok(result?.ok, `apply failed: ${JSON.stringify(result?.failures)}`);
    const group = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }))).SecurityGroups?.[0];
    assert.ok(group?.IpPermissions?.some((p) => p.FromPort === 80), 'the HTTP rule is back');
    await waitFor('the lens without Update', async () => {
      const l = (await codeLensTitles(uri)).filter((x) => x.line === groupLine);
      return l.some((x) => x.title === `${groupId} · created`) && !l.some((x) => x.title === 'Update') ? l : undefined;
    });
  });

  test('cancelling Apply All lets the action in flight finish, starts nothing new, and keeps what was done', async () => {
    const api = await extensionApi();
    const source = new vscode.CancellationTokenSource();
    const done: string[] = [];
    const listening = api.onEngineEvent((event) => {
      if (event.type !== 'done' || event.action !== 'create') return;
      done.push(event.name);
      source.cancel();
    });
    let result: RunResult | undefined;
    try {
      result = await vscode.commands.executeCommand<RunResult | undefined>('ec2Blueprint.applyAll', uri, { cancellation: source.token });
    } finally {
      listening.dispose();
      source.dispose();
    }
    assert.ok(result, 'Apply All returned nothing');
    assert.equal(result.ok, false, 'a cancelled run does not report success');
    assert.ok(done.length >= 1);
    const exists = await whatExists(ec2);
    assert.deepEqual(exists.instance, [], 'the instance, four steps later, was never started');
    const state = JSON.parse(fs.readFileSync(statePath, 'utf8')) as StateFile;
    for (const name of done) assert.ok(state.resources[name]?.id, `${name} finished and is in the state file`);
  });

  test('Apply All then Destroy leave the emulator empty of the stack', async () => {
    const applied = await vscode.commands.executeCommand<RunResult | undefined>('ec2Blueprint.applyAll', uri);
    assert.ok(applied?.ok, `apply all failed: ${JSON.stringify(applied?.failures)}`);
    const during = await whatExists(ec2);
    for (const kind of ['vpc', 'subnet', 'internetGateway', 'securityGroup', 'networkInterface', 'elasticIp', 'keyPair', 'instance']) {
      assert.equal(during[kind]!.length, 1, `one ${kind} after Apply All`);
    }
    assert.ok(fs.existsSync(path.join(keyDir, 'key-wp-RHEL.pem')), 'the private key was downloaded to the key directory');

    // The tutorial's reason for an Elastic IP: the address survives a stop and start.
    const stopped = await vscode.commands.executeCommand<PowerResult | undefined>('ec2Blueprint.stopInstance', uri, 'ec2-wp-RHEL8');
    assert.equal(stopped?.state, 'stopped');
    const started = await vscode.commands.executeCommand<PowerResult | undefined>('ec2Blueprint.startInstance', uri, 'ec2-wp-RHEL8');
    assert.equal(started?.state, 'running');
    const eip = (await ec2.send(new DescribeAddressesCommand({ Filters: stackFilter }))).Addresses?.[0]?.PublicIp;
    assert.ok(eip, 'the Elastic IP exists');
    assert.equal(started?.publicIp, eip, 'after a stop and start the instance still answers on its Elastic IP');

    const destroyed = await vscode.commands.executeCommand<RunResult | undefined>('ec2Blueprint.destroy', uri, { confirmed: true });
    assert.ok(destroyed?.ok, `destroy failed: ${JSON.stringify(destroyed?.failures)}`);
    const after = await whatExists(ec2);
    assert.deepEqual(Object.entries(after).filter(([, ids]) => ids.length > 0), [], 'nothing of the stack is left');
    assert.ok(!fs.existsSync(path.join(keyDir, 'key-wp-RHEL.pem')), 'the key file the engine wrote is gone');
    const lenses = await waitFor('Create lenses again', async () => {
      const l = await codeLensTitles(uri);
      return l.filter((x) => /Create$/.test(x.title)).length === 9 ? l : undefined;
    });
    assert.ok(lenses.length > 0);
  });
});

// Check Before Apply in a real VS Code: an instance type the subnet's zone does not offer (found
// from the emulator's own offerings) is a diagnostic on the instanceType line, and Apply All stops
// at the same check having created nothing.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DescribeInstanceTypeOfferingsCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { RunResult } from '../../../src/core/engine-api';
import type { PreflightResult } from '../../../src/core/preflight';
import { extensionApi, waitFor, workspaceBlueprint, endpoint } from './helpers';

suite('Check Before Apply (Preflight)', function () {
  this.timeout(120_000);
  const uri = vscode.Uri.joinPath(workspaceBlueprint(), '..', 'preflight-zone.blueprint.yaml');
  let keyDir: string;
  const ec2 = new EC2Client({ region: 'ap-northeast-1', endpoint: endpoint(), credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } });

  suiteSetup(async () => {
    await extensionApi();
    assert.ok((await fetch(`${endpoint()}/moto-api/reset`, { method: 'POST' })).ok);
    keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ec2bp-preflight-keys-'));
    const config = vscode.workspace.getConfiguration('ec2Blueprint');
    await config.update('endpoint', endpoint(), vscode.ConfigurationTarget.Global);
    await config.update('keyDirectory', keyDir, vscode.ConfigurationTarget.Global);
  });

  suiteTeardown(async () => {
    const config = vscode.workspace.getConfiguration('ec2Blueprint');
    for (const key of ['endpoint', 'keyDirectory']) await config.update(key, undefined, vscode.ConfigurationTarget.Global);
    fs.rmSync(uri.fsPath, { force: true });
    fs.rmSync(uri.fsPath.replace(/\.yaml$/, '.state.json'), { force: true });
    fs.rmSync(keyDir, { recursive: true, force: true });
    ec2.destroy();
  });

  test('a type the zone does not offer is an error on the instanceType line; Apply All stops there and creates nothing', async () => {
    const offered = async (zone: string) =>
      new Set(((await ec2.send(new DescribeInstanceTypeOfferingsCommand({ LocationType: 'availability-zone', Filters: [{ Name: 'location', Values: [zone] }] }))).InstanceTypeOfferings ?? []).map((o) => o.InstanceType!));
    const [inA, inC] = await Promise.all([offered('ap-northeast-1a'), offered('ap-northeast-1c')]);
    const type = [...inC].find((t) => !inA.has(t) && /^[tmc]\d/.test(t)) ?? [...inC].find((t) => !inA.has(t));
    assert.ok(type, 'the emulator offers some type in 1c and not in 1a');
    const tutorial = fs.readFileSync(workspaceBlueprint().fsPath, 'utf8');
    const text = tutorial.replace(/^stack: .*$/m, 'stack: preflight-zone').replace(/instanceType: t2\.large/, `instanceType: ${type}`);
    assert.notEqual(text, tutorial);
    fs.writeFileSync(uri.fsPath, text);
    const line = text.split('\n').findIndex((l) => l.includes(`instanceType: ${type}`));

    const result = await vscode.commands.executeCommand<PreflightResult | undefined>('ec2Blueprint.preflight', uri);
    assert.equal(result?.ok, false, JSON.stringify(result?.checks));
    const findings = await waitFor('the preflight diagnostic', () => {
      const list = vscode.languages.getDiagnostics(uri).filter((d) => d.code === 'preflight-instance-type-offering');
      return list.length ? list : undefined;
    });
    assert.equal(findings[0]!.range.start.line, line, 'on the instanceType line');
    assert.equal(findings[0]!.severity, vscode.DiagnosticSeverity.Error);
    assert.match(findings[0]!.message, new RegExp(`${type!.replace('.', '\\.')} is not offered in ap-northeast-1a\\. Pick [^.]*ap-northeast-1c`));

    const applied = await vscode.commands.executeCommand<RunResult | undefined>('ec2Blueprint.applyAll', uri);
    assert.equal(applied?.ok, false, 'Apply All stops at the preflight');
    assert.equal(applied?.calls.mutating ?? 0, 0, 'no changing call was sent');
    const vpcs = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'tag:blueprint:stack', Values: ['preflight-zone'] }] }));
    assert.equal(vpcs.Vpcs?.length ?? 0, 0, 'nothing of the stack exists');
    assert.ok(vscode.languages.getDiagnostics(uri).some((d) => d.code === 'preflight-instance-type-offering' && d.range.start.line === line), 'Apply All leaves the same finding on the line');
  });
});

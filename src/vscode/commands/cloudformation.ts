// "Export as CloudFormation Template" and "Import Existing VPC…": the way out to AWS's own engine,
// and the way in for a VPC built by hand in the console.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { optionsFromState, templateText, toCloudFormation, type TemplateFormat } from '../../core/cloudformation';
import { importedBlueprint } from '../../core/adopt';
import { BlueprintError } from '../../core/errors';
import { statePathFor } from '../../core/state';
import { writeStateFile } from '../../core/state-file';
import type { CommandContext } from './command';

/** Opens the template of a blueprint in a new editor. Returns the template text (for tests). */
export async function exportCloudFormation(ctx: CommandContext, arg?: unknown, formatArg?: unknown): Promise<string | undefined> {
  const format: TemplateFormat = formatArg === 'json' ? 'json' : 'yaml';
  const bp = await ctx.blueprint(arg);
  if (!bp) return undefined;
  const state = await ctx.readState(bp.path);
  const publicKeys: Record<string, string> = {};
  for (const key of bp.blueprint.keyPairs ?? []) {
    if (!key.publicKeyFile) continue;
    const file = key.publicKeyFile.startsWith('~/') ? path.join(homedir(), key.publicKeyFile.slice(2)) : path.resolve(path.dirname(bp.path), key.publicKeyFile);
    try {
      publicKeys[key.name] = readFileSync(file, 'utf8').trim();
    } catch {
      ctx.log.warn(`export: ${key.publicKeyFile} cannot be read; the template asks for the public key of ${key.name} instead`);
    }
  }
  const template = toCloudFormation(bp.blueprint, { ...optionsFromState(bp.blueprint, state), publicKeys, source: path.basename(bp.path) });
  const text = templateText(template, format);
  const doc = await vscode.workspace.openTextDocument({ language: format, content: text });
  await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.Beside });
  ctx.log.info(`export ${bp.path}: CloudFormation template with ${Object.keys(template.Resources).length} resources`);
  const asked = Object.entries(template.Parameters ?? {}).filter(([, p]) => p.Default === undefined);
  if (asked.length > 0) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'The template asks for {0} when it is deployed: AWS publishes no parameter for the newest Red Hat image. Apply the blueprint once and export again to use the image it chose.',
        asked.map(([name]) => name).join(', '),
      ),
    );
  }
  return text;
}

/** What the import asks for; tests (and other commands) may pass it to skip the questions. */
export interface ImportRequest {
  vpcId?: string;
  region?: string;
  /** The blueprint file to write (an absolute path). */
  file?: string;
  /** Replace an existing state file without asking. */
  force?: boolean;
}

/** Writes a blueprint of an existing VPC and its state file, and opens the blueprint. Returns the
 * blueprint's path. Changes nothing in AWS. */
export async function importVpc(ctx: CommandContext, arg?: unknown): Promise<string | undefined> {
  const request = (arg && typeof arg === 'object' && !(arg instanceof vscode.Uri) ? arg : {}) as ImportRequest;
  const exports = ctx.loadEngineExports();
  const { listVpcsAt, snapshotVpcAt } = exports;
  if (!listVpcsAt || !snapshotVpcAt) throw new BlueprintError('runtime', vscode.l10n.t('This build of the extension cannot import a VPC yet.'));
  const options = ctx.engineOptions();

  const region = request.region ?? (await askRegion());
  if (!region) return undefined;
  const target = { ...options, region };

  let vpcId = request.vpcId;
  if (!vpcId) {
    const vpcs = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Listing the VPCs in {0}…', region) },
      () => listVpcsAt(target),
    );
    if (vpcs.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('There is no VPC in {0}.', region));
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      vpcs.map((v) => ({
        label: v.name ?? v.id,
        description: [v.id, v.cidr].filter(Boolean).join('  '),
        detail: v.isDefault ? vscode.l10n.t('the default VPC of the region') : v.stack ? vscode.l10n.t('made by EC2 Blueprint (stack {0})', v.stack) : undefined,
        vpcId: v.id,
      })),
      { title: vscode.l10n.t('Import Existing VPC ({0})', region), placeHolder: vscode.l10n.t('The VPC to describe as a blueprint') },
    );
    if (!picked) return undefined;
    vpcId = picked.vpcId;
  }

  let file = request.file;
  if (!file) {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const suggested = `${vpcId}.blueprint.yaml`;
    const uri = await vscode.window.showSaveDialog({
      title: vscode.l10n.t('Save the blueprint of {0}', vpcId),
      saveLabel: vscode.l10n.t('Import'),
      filters: { [vscode.l10n.t('Blueprint')]: ['yaml', 'yml'] },
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, suggested) } : {}),
    });
    if (!uri) return undefined;
    file = uri.fsPath;
  }
  if (!/\.blueprint\.ya?ml$|(^|[\\/])blueprint\.yaml$/i.test(file)) file = file.replace(/(\.ya?ml)?$/i, '.blueprint.yaml');
  const statePath = statePathFor(file);
  if (existsSync(statePath) && !request.force) {
    const replace = vscode.l10n.t('Replace');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('{0} already exists. Replacing it makes EC2 Blueprint forget what it recorded there (nothing in AWS changes).', path.basename(statePath)),
      { modal: true },
      replace,
    );
    if (answer !== replace) return undefined;
  }

  const snapshot = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Reading {0} (nothing is changed in AWS)…', vpcId) },
    () => snapshotVpcAt(target, vpcId!),
  );
  const result = importedBlueprint(snapshot, { vpcId, file: path.basename(file), now: new Date() });
  const uri = vscode.Uri.file(file);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(result.text));
  writeStateFile(statePath, result.state);
  for (const note of snapshot.notes) ctx.log.info(`import ${vpcId}: ${note}`);
  ctx.log.info(`import ${vpcId}: wrote ${file} and ${statePath} (${Object.keys(result.state.resources).length} resources)`);
  ctx.stateChanged(file);
  await vscode.window.showTextDocument(uri);

  const planAction = vscode.l10n.t('Plan');
  const message =
    snapshot.notes.length > 0
      ? vscode.l10n.t('Imported {0} resources of {1}; {2} thing(s) a blueprint cannot describe were left out (see the comments at the top). Nothing was changed in AWS.', Object.keys(result.state.resources).length, vpcId, snapshot.notes.length)
      : vscode.l10n.t('Imported {0} resources of {1}. Nothing was changed in AWS.', Object.keys(result.state.resources).length, vpcId);
  void vscode.window.showInformationMessage(message, planAction).then((choice) => {
    if (choice === planAction) void vscode.commands.executeCommand('ec2Blueprint.plan', uri);
  });
  return file;
}

async function askRegion(): Promise<string | undefined> {
  const fromEditor = (() => {
    const text = vscode.window.activeTextEditor?.document.getText() ?? '';
    return /^region:\s*([a-z]{2}(-[a-z]+)+-\d)\s*$/m.exec(text)?.[1];
  })();
  const value = fromEditor ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? '';
  const region = await vscode.window.showInputBox({
    title: vscode.l10n.t('Import Existing VPC'),
    prompt: vscode.l10n.t('The AWS region the VPC is in'),
    value,
    placeHolder: 'ap-northeast-1',
    validateInput: (text) => (/^[a-z]{2}(-[a-z]+)+-\d$/.test(text.trim()) ? undefined : vscode.l10n.t('A region looks like ap-northeast-1.')),
  });
  return region?.trim() || undefined;
}

// Select AWS Profile (from the shared config files) and Use Local Sandbox Endpoint.
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { profileNames } from '../aws-profiles';
import { settingsSection } from '../settings';
import type { CommandContext } from './command';

async function readIfExists(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch {
    return '';
  }
}

export async function selectProfile(ctx: CommandContext, arg?: unknown): Promise<string | undefined> {
  const config = vscode.workspace.getConfiguration(settingsSection);
  let chosen: string | undefined;
  if (typeof arg === 'string') chosen = arg;
  else {
    const home = os.homedir();
    const configFile = process.env.AWS_CONFIG_FILE || path.join(home, '.aws', 'config');
    const credentialsFile = process.env.AWS_SHARED_CREDENTIALS_FILE || path.join(home, '.aws', 'credentials');
    const names = profileNames(await readIfExists(configFile), await readIfExists(credentialsFile));
    const current = ctx.settings().profile;
    const defaultChain = vscode.l10n.t('Default credential chain');
    const items: (vscode.QuickPickItem & { profile: string })[] = [
      { label: `$(key) ${defaultChain}`, description: vscode.l10n.t('environment variables, the default profile, SSO'), profile: '' },
      ...names.map((n) => ({ label: `$(account) ${n}`, description: n === current ? vscode.l10n.t('current') : '', profile: n })),
    ];
    if (names.length === 0) {
      items.push({ label: vscode.l10n.t('No profiles in {0} or {1}', configFile, credentialsFile), description: vscode.l10n.t('run "aws configure" to create one'), profile: '' });
    }
    const picked = await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('Which AWS profile should EC2 Blueprint use?') });
    if (!picked) return undefined;
    chosen = picked.profile;
  }
  await config.update('profile', chosen, vscode.ConfigurationTarget.Global);
  ctx.log.info(chosen ? `profile: ${chosen}` : 'profile: default credential chain');
  return chosen;
}

export async function useSandboxEndpoint(ctx: CommandContext, arg?: unknown): Promise<string | undefined> {
  const config = vscode.workspace.getConfiguration(settingsSection);
  let endpoint: string | undefined;
  if (typeof arg === 'string') endpoint = arg;
  else {
    const items: (vscode.QuickPickItem & { value?: string })[] = [
      { label: 'http://127.0.0.1:4566', description: vscode.l10n.t('LocalStack'), value: 'http://127.0.0.1:4566' },
      { label: 'http://127.0.0.1:5000', description: vscode.l10n.t('moto server'), value: 'http://127.0.0.1:5000' },
      { label: vscode.l10n.t('Enter a URL…') },
      { label: vscode.l10n.t('Use real AWS'), description: vscode.l10n.t('clear the endpoint setting'), value: '' },
    ];
    const picked = await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('Where is the local EC2 sandbox?') });
    if (!picked) return undefined;
    endpoint = picked.value;
    if (endpoint === undefined) {
      endpoint = await vscode.window.showInputBox({
        prompt: vscode.l10n.t('EC2 endpoint URL of the sandbox'),
        value: ctx.settings().endpoint ?? 'http://127.0.0.1:4566',
        validateInput: (v) => (/^https?:\/\/[^\s]+$/.test(v.trim()) ? undefined : vscode.l10n.t('Write a URL such as http://127.0.0.1:4566')),
      });
      if (endpoint === undefined) return undefined;
      endpoint = endpoint.trim();
    }
  }
  await config.update('endpoint', endpoint, vscode.ConfigurationTarget.Global);
  ctx.log.info(endpoint ? `endpoint: ${endpoint}` : 'endpoint: AWS');
  if (endpoint) void vscode.window.showInformationMessage(vscode.l10n.t('EC2 Blueprint now talks to the sandbox at {0}, not to AWS.', endpoint));
  return endpoint;
}

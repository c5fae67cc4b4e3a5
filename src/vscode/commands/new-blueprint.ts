// New Blueprint: asks for a suffix of the reader's own (the tutorial used "Atsushi"), a region
// and an availability zone, writes `<suffix>.blueprint.yaml` with the tutorial's structure into
// the workspace and opens it, so a beginner starts from a working file.
import * as vscode from 'vscode';
import { newBlueprintFileName, newBlueprintText, regionWords, regionZones, suffixProblem, type NewBlueprintAnswers } from '../../core/new-blueprint';
import type { CommandContext } from './command';

/** Answers given as an argument skip the questions (tests, other extensions). */
function answersOf(arg: unknown): Partial<NewBlueprintAnswers> {
  if (!arg || typeof arg !== 'object') return {};
  const a = arg as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const template = a.template === 'wordpress' || a.template === 'tutorial' || a.template === 'private' ? { template: a.template as 'wordpress' | 'tutorial' | 'private' } : {};
  return { ...template, ...(str(a.suffix) ? { suffix: str(a.suffix) } : {}), ...(str(a.region) ? { region: str(a.region) } : {}), ...(str(a.availabilityZone) ? { availabilityZone: str(a.availabilityZone) } : {}) };
}

export async function newBlueprint(ctx: CommandContext, arg?: unknown): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Open a folder first: the new blueprint is written into the workspace.'));
    return undefined;
  }
  const given = answersOf(arg);
  // Asked only when nothing was given: callers passing answers get the tutorial unless they say.
  const template =
    given.template ??
    (arg === undefined
      ? (
          await vscode.window.showQuickPick(
            [
              { label: vscode.l10n.t('The tutorial'), description: vscode.l10n.t('the network and an EC2 instance you log in to with SSH'), template: 'tutorial' as const },
              { label: vscode.l10n.t('The tutorial + WordPress'), description: vscode.l10n.t('the same, and the instance installs Apache, PHP, MariaDB and WordPress at its first boot'), template: 'wordpress' as const },
              { label: vscode.l10n.t('The next chapter: a private subnet'), description: vscode.l10n.t('an instance with no public address, out through a NAT gateway (billed hourly), in through a jump host'), template: 'private' as const },
            ],
            { title: vscode.l10n.t('New Blueprint'), placeHolder: vscode.l10n.t('Which blueprint?'), ignoreFocusOut: true, matchOnDescription: true },
          )
        )?.template
      : 'tutorial');
  if (!template) return undefined;

  const suffix =
    given.suffix ??
    (await vscode.window.showInputBox({
      title: vscode.l10n.t('New Blueprint (1/3)'),
      prompt: vscode.l10n.t('A word of your own that goes into every name, as the tutorial used "Atsushi" (vpc-Atsushi, igw-Atsushi, …).'),
      placeHolder: 'Atsushi',
      validateInput: (value) => suffixProblem(value.trim()),
      ignoreFocusOut: true,
    }))?.trim();
  if (!suffix) return undefined;
  const problem = suffixProblem(suffix);
  if (problem) throw new Error(problem);

  const region =
    given.region ??
    (
      await vscode.window.showQuickPick(
        Object.keys(regionZones).map((r) => ({ label: r, description: regionWords(r) })),
        { title: vscode.l10n.t('New Blueprint (2/3)'), placeHolder: vscode.l10n.t('Which AWS region? (the tutorial uses ap-northeast-1, Tokyo)'), ignoreFocusOut: true, matchOnDescription: true },
      )
    )?.label;
  if (!region) return undefined;

  const zones = (regionZones[region] ?? ['a', 'b', 'c']).map((letter) => `${region}${letter}`);
  const availabilityZone =
    given.availabilityZone ??
    (
      await vscode.window.showQuickPick(
        zones.map((z) => ({ label: z })),
        { title: vscode.l10n.t('New Blueprint (3/3)'), placeHolder: vscode.l10n.t('Which availability zone for the subnet? (the tutorial uses ap-northeast-1a)'), ignoreFocusOut: true },
      )
    )?.label;
  if (!availabilityZone) return undefined;

  const fileName = newBlueprintFileName(suffix, template);
  const uri = vscode.Uri.joinPath(folder.uri, fileName);
  let exists = true;
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    exists = false;
  }
  if (exists) {
    // Never overwrite: the file may hold the reader's own changes; open it instead.
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} already exists; it is opened as it is.', fileName));
  } else {
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(newBlueprintText({ suffix, region, availabilityZone, template })));
    ctx.log.info(vscode.l10n.t('Wrote {0}', uri.fsPath));
  }
  await vscode.window.showTextDocument(uri);
  return uri;
}

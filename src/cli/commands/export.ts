// `export FILE --format cloudformation`: prints the blueprint as a CloudFormation template. The
// image of an alias AWS publishes no parameter for (rhel-8) comes from the state file when there is
// one; otherwise EC2 is asked (read calls only, the same choice apply makes) and the image id
// becomes the parameter's default, so the template deploys as it is. Offline (or --offline) the
// template takes it as a parameter without a default, and export says how to fill it.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { t } from '@vscode/l10n';
import type { CliCommand, CliIo } from '../command';
import { engineOptionsFrom } from '../command';
import { loadEngineExports } from '../../engine-loader';
import { loadValidBlueprint } from '../blueprint-file';
import { BlueprintError } from '../../core/errors';
import { needsResolvedImage, optionsFromState, templateText, toCloudFormation, type CloudFormationOptions, type TemplateFormat } from '../../core/cloudformation';
import { statePathFor, type StateFile } from '../../core/state';
import { stateOrUndefined } from '../../core/state-file';

export const exportCommand: CliCommand = {
  name: 'export',
  get summary() {
    return t('print an equivalent CloudFormation template');
  },
  usage: 'export FILE --format cloudformation [--output-format yaml|json] [--offline]',
  options: {
    format: { type: 'string' },
    'output-format': { type: 'string' },
    offline: { type: 'boolean' },
  },
  positionals: { min: 1, max: 1 },
  async run([file], values, io) {
    const format = values.format;
    if (format !== 'cloudformation') {
      io.stderr(format === undefined ? t('Say which format to export: --format cloudformation.') : t('"{0}" is not an export format; the one there is: cloudformation.', String(format)));
      io.stderr(`${t('Usage')}: ec2-blueprint ${this.usage}`);
      return 2;
    }
    const outputFormat = values['output-format'] ?? (values.json ? 'json' : 'yaml');
    if (outputFormat !== 'yaml' && outputFormat !== 'json') {
      io.stderr(t('--output-format is yaml or json, not "{0}".', String(outputFormat)));
      return 2;
    }
    // loadValidBlueprint throws on errors, so there is a blueprint past this line.
    const loaded = loadValidBlueprint(file!, io, { json: Boolean(values.json) });
    const blueprint = loaded.blueprint!;
    const statePath = typeof values.state === 'string' ? values.state : statePathFor(file!);
    const state = readState(statePath);
    const publicKeys = readPublicKeys(blueprint.keyPairs ?? [], dirname(resolve(io.cwd, file!)), io);
    const options: CloudFormationOptions = { ...optionsFromState(blueprint, state), publicKeys, source: basename(file!), ...(loaded.userData ? { userData: loaded.userData } : {}) };
    const unresolved = (blueprint.instances ?? []).filter((inst) => needsResolvedImage(inst.image) && !options.images?.[inst.name]?.imageId);
    let offlineWhy = values.offline ? t('--offline') : '';
    if (unresolved.length && !values.offline) {
      try {
        const target = engineOptionsFrom(values, io);
        const found = await loadEngineExports().resolveImagesFor!(unresolved, { region: target.region ?? blueprint.region, ...(target.profile ? { profile: target.profile } : {}), ...(target.endpoint ? { endpoint: target.endpoint } : {}) });
        for (const [name, image] of Object.entries(found)) {
          options.images = { ...options.images, [name]: { imageId: image.imageId, rootDeviceName: image.rootDeviceName, ...(image.imageName ? { imageName: image.imageName } : {}) } };
          io.stderr(t('{0}: {1} It is the default of the template\'s image parameter.', name, image.why ?? image.imageId));
        }
      } catch (error) {
        offlineWhy = error instanceof Error ? error.message : String(error);
      }
    }
    const template = toCloudFormation(blueprint, options);
    for (const inst of unresolved) {
      if (options.images?.[inst.name]?.imageId) continue;
      const parameter = Object.entries(template.Parameters ?? {}).find(([key, p]) => key.endsWith('ImageId') && String((p as { Description?: string }).Description ?? '').includes(`The image of ${inst.name}:`))?.[0] ?? 'ImageId';
      io.stderr(
        t('{0}: EC2 was not asked which image "{1}" means ({2}), so the template asks for it when it is deployed: pass --parameters ParameterKey={3},ParameterValue=ami-… (a {1} image id in {4}), or run export again where AWS can be reached.', inst.name, inst.image, offlineWhy, parameter, blueprint.region),
      );
    }
    io.stdout(templateText(template, outputFormat as TemplateFormat).replace(/\n$/, ''));
    return 0;
  },
};

/** The state, or undefined without one; a corrupt one is an error (its ids cannot be trusted). */
function readState(path: string): StateFile | undefined {
  return stateOrUndefined(path, (bad) => {
    throw new BlueprintError('state-corrupt', bad.notJson !== undefined ? t('The state file {0} is not valid JSON ({1}).', path, bad.notJson) : t('The state file {0} cannot be read ({1}).', path, bad.why));
  });
}

/** The text of each key pair's publicKeyFile (`~` and paths relative to the blueprint work). */
function readPublicKeys(keyPairs: { name: string; publicKeyFile?: string }[], baseDir: string, io: CliIo): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of keyPairs) {
    if (!key.publicKeyFile) continue;
    const path = key.publicKeyFile.startsWith('~/') ? join(homedir(), key.publicKeyFile.slice(2)) : isAbsolute(key.publicKeyFile) ? key.publicKeyFile : join(baseDir, key.publicKeyFile);
    try {
      out[key.name] = readFileSync(path, 'utf8').trim();
    } catch {
      io.stderr(t('{0}: {1} cannot be read, so the template asks for the public key when it is deployed.', key.name, key.publicKeyFile));
    }
  }
  return out;
}

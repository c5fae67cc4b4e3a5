// `export FILE --format cloudformation`: prints the blueprint as a CloudFormation template. No AWS
// call: the image the engine resolved comes from the state file when there is one, otherwise the
// template takes it as a parameter.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { t } from '@vscode/l10n';
import type { CliCommand, CliIo } from '../command';
import { loadValidBlueprint } from '../blueprint-file';
import { BlueprintError } from '../../core/errors';
import { optionsFromState, templateText, toCloudFormation, type CloudFormationOptions, type TemplateFormat } from '../../core/cloudformation';
import { statePathFor, type StateFile } from '../../core/state';

export const exportCommand: CliCommand = {
  name: 'export',
  get summary() {
    return t('print an equivalent CloudFormation template');
  },
  usage: 'export FILE --format cloudformation [--output-format yaml|json]',
  options: {
    format: { type: 'string' },
    'output-format': { type: 'string' },
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
    const blueprint = loadValidBlueprint(file!, io, { json: Boolean(values.json) }).blueprint!;
    const statePath = typeof values.state === 'string' ? values.state : statePathFor(file!);
    const state = readState(statePath);
    const publicKeys = readPublicKeys(blueprint.keyPairs ?? [], dirname(resolve(io.cwd, file!)), io);
    const options: CloudFormationOptions = { ...optionsFromState(blueprint, state), publicKeys, source: basename(file!) };
    for (const inst of blueprint.instances ?? []) {
      if (!inst.image.startsWith('ami-') && !options.images?.[inst.name]?.imageId && /^rhel/.test(inst.image))
        io.stderr(t('{0}: AWS publishes no parameter for the newest {1} image, so the template asks for the image id when it is deployed (apply once to record one).', inst.name, inst.image));
    }
    io.stdout(templateText(toCloudFormation(blueprint, options), outputFormat as TemplateFormat).replace(/\n$/, ''));
    return 0;
  },
};

function readState(path: string): StateFile | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as StateFile;
  } catch (error) {
    throw new BlueprintError('state-corrupt', t('The state file {0} is not valid JSON ({1}).', path, (error as Error).message));
  }
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

// `import --vpc-id ID --out FILE`: writes a blueprint of an existing VPC and what is in it, and its
// state file adopting those resources by id, so the next `plan` has nothing to do. Read-only in
// AWS: Describe* calls only, no tag added.
import { existsSync, writeFileSync, renameSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { t } from '@vscode/l10n';
import type { CliCommand } from '../command';
import { diagnosticJson, engineOptionsFrom } from '../command';
import { BlueprintError } from '../../core/errors';
import { loadEngineExports } from '../../engine-loader';
import { importedBlueprint } from '../../core/adopt';
import { statePathFor } from '../../core/state';
import { writeStateFile } from '../../core/state-file';

export const importCommand: CliCommand = {
  name: 'import',
  get summary() {
    return t('write a blueprint of an existing VPC, with a state file adopting it');
  },
  usage: 'import --vpc-id ID --out FILE [--force] [--region R]',
  options: {
    'vpc-id': { type: 'string' },
    out: { type: 'string' },
    force: { type: 'boolean' },
  },
  positionals: { min: 0, max: 0 },
  async run(_positionals, values, io) {
    const vpcId = typeof values['vpc-id'] === 'string' ? values['vpc-id'] : undefined;
    const out = typeof values.out === 'string' ? values.out : undefined;
    if (!vpcId || !out) {
      io.stderr(t('Say which VPC to import and where to write the blueprint: --vpc-id vpc-… --out FILE.blueprint.yaml'));
      io.stderr(`${t('Usage')}: ec2-blueprint ${this.usage}`);
      return 2;
    }
    if (!/^vpc-[0-9a-f]+$/.test(vpcId)) throw new BlueprintError('usage', t('"{0}" is not a VPC id (they look like vpc-0123456789abcdef0).', vpcId));
    const file = resolve(io.cwd, out);
    const statePath = typeof values.state === 'string' ? resolve(io.cwd, values.state) : statePathFor(file);
    if (!values.force) {
      for (const path of [file, statePath])
        if (existsSync(path)) throw new BlueprintError('usage', t('{0} already exists; nothing was written. Choose another --out, or add --force to replace it.', path));
    }
    const options = engineOptionsFrom(values, io);
    const region = options.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
    if (!region) throw new BlueprintError('usage', t('Say which region the VPC is in: --region ap-northeast-1 (or set AWS_REGION).'));
    const snapshotVpcAt = loadEngineExports().snapshotVpcAt;
    if (!snapshotVpcAt) throw new BlueprintError('runtime', t('The engine bundle cannot import yet; rebuild it (npm run build).'));
    const snapshot = await snapshotVpcAt({ ...options, region }, vpcId);
    const result = importedBlueprint(snapshot, { vpcId, file: basename(file), now: new Date() });

    writeAtomically(file, result.text);
    writeStateFile(statePath, result.state);
    const written = Object.entries(result.state.resources).map(([name, r]) => ({ name, kind: r.kind, id: r.id }));
    if (values.json) {
      io.stdout(JSON.stringify({ file, state: statePath, stack: result.blueprint.stack, resources: written, notes: snapshot.notes, diagnostics: result.diagnostics.map(diagnosticJson) }));
    } else {
      for (const note of snapshot.notes) io.stderr(t('note: {0}', note));
      for (const d of result.diagnostics) io.stderr(`${out}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}`);
      io.stderr(t('Wrote {0} ({1} resources of VPC {2}) and {3}. Nothing was changed in AWS.', out, written.length, vpcId, statePath));
      io.stderr(t('Next: ec2-blueprint plan {0}', out));
    }
    return result.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
  },
};

function writeAtomically(path: string, text: string): void {
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, text, { encoding: 'utf8', mode: 0o644 });
  renameSync(temp, path);
}

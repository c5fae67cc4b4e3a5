// `diagram FILE [--paths] [--step N] [--collapse auto|never|always] [--json]`: the mermaid source
// of the architecture diagram, with each component's live status when the state file exists.
// --json prints {"mermaid": "..."}. `--svg OUT` / `--png OUT` write the picture as the panel draws
// it (its webview in headless Chromium, light theme). No AWS call.
import { writeFileSync } from 'node:fs';
import { t } from '@vscode/l10n';
import type { CliCommand } from '../command';
import { loadValidBlueprint } from '../blueprint-file';
import { BlueprintError } from '../../core/errors';
import { statePathFor, type StateFile } from '../../core/state';
import { stateOrUndefined } from '../../core/state-file';
import { buildDiagram } from '../../core/diagram';
import { tutorialSteps } from '../../core/diagram-steps';
import { diagramMessage } from '../../vscode/diagram/message';
import { drawPicture } from '../diagram-picture';
import { trafficOverlay } from '../../core/reach-overlay';

export const diagram: CliCommand = {
  name: 'diagram',
  get summary() {
    return t('print the mermaid source of the architecture diagram (with live status when a state file exists)');
  },
  usage: 'diagram FILE [--paths] [--step N] [--collapse auto|never|always] [--json] [--svg OUT.svg | --png OUT.png]',
  options: {
    paths: { type: 'boolean' },
    svg: { type: 'string' },
    png: { type: 'string' },
    step: { type: 'string' },
    collapse: { type: 'string' },
  },
  positionals: { min: 1, max: 1 },
  async run([file], values, io) {
    const json = values.json === true;
    const collapse = typeof values.collapse === 'string' ? values.collapse : 'auto';
    if (collapse !== 'auto' && collapse !== 'never' && collapse !== 'always') throw new BlueprintError('usage', t('--collapse is auto, never or always, not "{0}".', collapse));
    const { blueprint } = loadValidBlueprint(file!, io, { json });
    const bp = blueprint!;
    const steps = tutorialSteps(bp);
    let step: number | undefined;
    if (typeof values.step === 'string') {
      step = Number(values.step);
      if (!Number.isInteger(step) || !steps[step]) throw new BlueprintError('usage', t('--step is a number from 0 (the final target) to {0}.', steps.length - 1));
    }
    const statePath = typeof values.state === 'string' ? values.state : statePathFor(file!);
    const state = readState(statePath, (m) => io.stderr(m));
    const picture = step === undefined ? undefined : steps[step]!;
    const overlay = values.paths === true ? trafficOverlay(bp, state ? { state } : {}) : undefined;
    const out = typeof values.svg === 'string' ? { format: 'svg' as const, file: values.svg } : typeof values.png === 'string' ? { format: 'png' as const, file: values.png } : undefined;
    if (typeof values.svg === 'string' && typeof values.png === 'string') throw new BlueprintError('usage', t('Give --svg or --png, not both.'));
    if (out) {
      const paths = { inbound: values.paths === true, reply: values.paths === true };
      const message = diagramMessage({ blueprint: bp, uri: 'file:///blueprint', title: file!, step: step ?? null, paths, ...(state ? { state } : {}), ...(overlay ? { overlay } : {}), collapse });
      writeFileSync(out.file, await drawPicture(message, out.format));
      if (json) io.stdout(JSON.stringify({ written: out.file, format: out.format }));
      else io.stderr(t('Wrote {0}', out.file));
      return 0;
    }
    const d = buildDiagram(bp, {
      ...(state ? { state } : {}),
      ...(overlay ? { overlay } : {}),
      ...(picture ? { only: new Set(picture.names), added: new Set(picture.added) } : {}),
      collapse,
    });
    if (json) io.stdout(JSON.stringify({ mermaid: d.mermaid }));
    else io.stdout(d.mermaid.replace(/\n$/, ''));
    if (!json && picture) io.stderr(t('Step {0}: {1}', picture.index, picture.title));
    return 0;
  },
};

function readState(path: string, warn: (message: string) => void): StateFile | undefined {
  return stateOrUndefined(path, () => warn(t('Note: {0} is not a readable state file; every component is shown as planned.', path)));
}

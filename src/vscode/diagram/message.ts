// The picture the panel sends: blueprint + state + live statuses + step + path toggles → one
// `diagram` message. Pure (no vscode import): the panel, the rendering test and the benchmark share it.
import type { Blueprint } from '../../core/schema';
import type { StateFile } from '../../core/state';
import type { LiveStatus, TrafficOverlay } from '../../core/diagram';
import { trafficOverlay } from '../../core/reach-overlay';
import { buildPicture, type DiagramOptions, type PictureBox } from '../../core/diagram-model';
import { mermaidOf } from '../../core/diagram-mermaid';
import type { LayoutBox } from '../../shared/diagram-layout';
import { tutorialSteps } from '../../core/diagram-steps';
import type { DiagramNodeInfo, HostToWebview, PathToggles } from '../../shared/protocol';
import { webviewStrings } from './webview-strings';

export type DiagramMessage = Extract<HostToWebview, { type: 'diagram' }>;

export interface DiagramViewInput {
  blueprint: Blueprint;
  uri: string;
  title: string;
  state?: StateFile;
  live?: Readonly<Record<string, LiveStatus>>;
  /** A tutorial step (0 = final target), or null for the live picture. */
  step: number | null;
  paths: PathToggles;
  /** The traffic analysis' result; default: the simple built-in check. */
  overlay?: TrafficOverlay;
  expand?: readonly string[];
  notice?: string;
  collapse?: 'auto' | 'never' | 'always';
  /** Each billed component's hourly price, when the price toggle is on. */
  prices?: Readonly<Record<string, string>>;
}

export function diagramMessage(input: DiagramViewInput): DiagramMessage {
  const steps = tutorialSteps(input.blueprint);
  const step = input.step === null ? undefined : steps[input.step];
  const wantsPath = input.paths.inbound || input.paths.reply;
  // The path is drawn over the whole picture only (a partial step has no instance to reach).
  const showPath = wantsPath && (!step || step.names.length === steps[0]!.names.length);
  const overlay = showPath ? (input.overlay ?? trafficOverlay(input.blueprint, input.state ? { state: input.state } : {})) : undefined;
  const options: DiagramOptions = {
    ...(input.state ? { state: input.state } : {}),
    ...(input.live ? { live: input.live } : {}),
    ...(overlay ? { overlay, paths: input.paths } : {}),
    ...(step ? { added: new Set(step.added) } : {}),
    ...(input.expand ? { expand: input.expand } : {}),
    ...(input.collapse ? { collapse: input.collapse } : {}),
    ...(input.prices ? { prices: input.prices } : {}),
    // The webview draws AWS icons on the boxes instead of the emoji the plain text carries.
    icons: 'none',
  };
  // The webview lays out the whole blueprint and draws the step's boxes where the whole has them.
  const whole = buildPicture(input.blueprint, options);
  const shown = step ? buildPicture(input.blueprint, { ...options, only: new Set(step.names), collapse: whole.collapsed ? 'always' : 'never' }) : whole;
  const d = mermaidOf(shown);
  const stepKeys = new Set(d.nodes.map((n) => n.key));
  return {
    type: 'diagram',
    uri: input.uri,
    mermaid: d.mermaid,
    picture: { boxes: whole.boxes.map(layoutBox), edges: whole.edges.map(({ from, to, arrow, role, label, hop }) => ({ from, to, arrow, role, ...(label ? { label } : {}), ...(hop ? { hop } : {}) })) },
    // What each drawn box stands for, as the whole picture has it (a step's boxes sit where they will stay).
    nodes: step ? infoOf(whole.boxes).filter((n) => stepKeys.has(n.key)) : d.nodes,
    edges: d.edges,
    title: input.title,
    steps: steps.map((s) => ({ index: s.index, title: s.title })),
    step: step ? step.index : null,
    paths: input.paths,
    ...(overlay?.blockedAt ? { blocked: overlay.blockedAt } : {}),
    ...(input.notice ? { notice: input.notice } : {}),
    collapsed: d.collapsed,
    strings: webviewStrings(),
  };
}

/** A box as the layout needs it (what the details pane shows travels in `nodes`). */
function layoutBox(box: PictureBox): LayoutBox {
  return { id: box.id, name: box.name, kind: box.kind, title: box.title, lines: box.lines, classes: box.classes, ...(box.children ? { children: box.children.map(layoutBox) } : {}) };
}

function infoOf(boxes: PictureBox[]): DiagramNodeInfo[] {
  return boxes.flatMap((b) => [b.info, ...infoOf(b.children ?? [])]);
}

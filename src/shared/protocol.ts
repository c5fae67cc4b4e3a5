// The messages between the extension host and the diagram webview: two unions keyed on `type`,
// in the one module both sides share. The webview speaks first (`ready`); the host validates every
// message that comes from the webview with `parseWebviewMessage` before acting on it.

import type { LayoutPicture } from './diagram-layout';

export type DiagramStatus = 'planned' | 'in-progress' | 'created' | 'failed' | 'drifted';
export const diagramStatuses: readonly DiagramStatus[] = ['planned', 'in-progress', 'created', 'failed', 'drifted'];

/** The look of each status: the diagram's classDefs and the webview's instant restyle share it.
 * Fills are translucent so they read on light and dark backgrounds alike. */
export const statusStyles: Record<DiagramStatus, Record<string, string>> = {
  planned: { fill: '#8882', stroke: '#888', 'stroke-width': '1.5px', 'stroke-dasharray': '6 4' },
  'in-progress': { fill: '#f5a62333', stroke: '#d48806', 'stroke-width': '2.5px', 'stroke-dasharray': '0' },
  created: { fill: '#2ea04326', stroke: '#2ea043', 'stroke-width': '2px', 'stroke-dasharray': '0' },
  failed: { fill: '#f8514933', stroke: '#e5534b', 'stroke-width': '3px', 'stroke-dasharray': '0' },
  drifted: { fill: '#a371f733', stroke: '#a371f7', 'stroke-width': '2.5px', 'stroke-dasharray': '2 3' },
};

/** Colours of the traffic paths (the tutorial's blue in, orange back; teal for a private instance's way out through a NAT gateway). */
export const pathColours = { inbound: '#1f6feb', reply: '#e8710a', outbound: '#0b7a75' } as const;

/** The mermaid class of each status (mermaid class names avoid the hyphen). */
export const statusClassNames: Record<DiagramStatus, string> = {
  planned: 'planned',
  'in-progress': 'inProgress',
  created: 'created',
  failed: 'failed',
  drifted: 'drifted',
};

/** What a drawn node stands for: a component kind, or one of the diagram's own nodes. */
export type DiagramNodeKind =
  | 'vpc'
  | 'subnet'
  | 'internetGateway'
  | 'routeTable'
  | 'securityGroup'
  | 'networkAcl'
  | 'networkInterface'
  | 'elasticIp'
  | 'natGateway'
  | 'keyPair'
  | 'instance'
  | 'internet'
  | 'pc'
  | 'region'
  | 'availabilityZone'
  | 'group'
  | 'note';

/** One drawn node (or subgraph): its mermaid id and what the details pane shows. */
export interface DiagramNodeInfo {
  /** The mermaid id, stable and derived from the component name (see nodeId in core/diagram). */
  id: string;
  /** The component name ('' for the diagram's own nodes). */
  name: string;
  /** The picture model's name of the box: the component name, `region:<region>`, `az:<zone>`,
   * `internet`, `pc`, `note:<n>` or `group:<what>` (the SVG's `data-name`). */
  key: string;
  /** The `key` of the container the box is drawn in (absent at the top level). */
  parent?: string;
  kind: DiagramNodeKind;
  /** Absent for nodes that are not components (internet, your PC, region, zone, notes). */
  status?: DiagramStatus;
  /** The AWS id once known. */
  awsId?: string;
  /** The kind in words ("security group"). */
  title: string;
  /** Attributes for the details pane, already stringified; never secrets. */
  details: { label: string; value: string }[];
  /** Rules or routes in short form. */
  rules?: string[];
  /** For a collapsed group: the component names it stands for. */
  members?: string[];
  /** Drawn as a subgraph (VPC, subnet, zone, region). */
  container?: boolean;
  /** Drawn on its container's top edge, half in and half out (the internet gateway on the VPC). */
  onEdge?: boolean;
  /** Newly added in the tutorial step on show. */
  added?: boolean;
}

/** `outbound`: an instance's own way out to the internet through a NAT gateway. */
export type PathRole = 'structure' | 'inbound' | 'reply' | 'outbound' | 'note' | 'layout';

export interface DiagramEdgeInfo {
  /** The edge's index in the mermaid text (what `linkStyle` counts). */
  index: number;
  from: string;
  to: string;
  role: PathRole;
  label?: string;
}

export interface DiagramStepInfo {
  index: number;
  title: string;
}

export interface PathToggles {
  inbound: boolean;
  reply: boolean;
}

export type HostToWebview =
  | {
      type: 'diagram';
      /** The blueprint's URI, kept by the webview so the panel can be restored after a reload. */
      uri: string;
      /** The mermaid flowchart source of the picture shown (what `diagram FILE` prints). */
      mermaid: string;
      /** The whole picture the webview lays out and draws (src/shared/diagram-layout.ts): always
       * the full blueprint, so that a tutorial step draws only the boxes in `nodes` where the final
       * picture has them. Absent from older hosts: the webview then draws `nodes` alone. */
      picture?: LayoutPicture;
      nodes: DiagramNodeInfo[];
      edges: DiagramEdgeInfo[];
      /** Title shown above the picture (blueprint file name and stack). */
      title: string;
      /** The tutorial steps the step control offers; `step` is the one shown, null for live. */
      steps: DiagramStepInfo[];
      step: number | null;
      paths: PathToggles;
      /** When the traffic path is blocked: where and why. */
      blocked?: { name: string; reason: string };
      /** A remark shown above the picture (e.g. "the file has errors: showing the last valid version"). */
      notice?: string;
      /** Whether large parts are drawn collapsed. */
      collapsed: boolean;
      /** The webview's own words in the display language (the host translates; absent: English). */
      strings?: WebviewStrings;
    }
  | {
      /** Fast path: restyle these nodes at once, before the next full picture arrives. */
      type: 'status';
      changes: { id: string; name: string; status: DiagramStatus; awsId?: string }[];
    }
  | { type: 'busy'; busy: boolean; message?: string }
  /** Highlight a component and show its details ("Show in diagram"). */
  | { type: 'select'; name: string }
  | { type: 'export'; format: 'svg' | 'png' };

/** The words of the webview's toolbar, legend and details pane. The webview cannot translate: the
 * host sends them in the display language (src/vscode/diagram/webview-strings.ts), English here is
 * what the webview shows until then. `{0}` and `{1}` are filled in by the webview. */
export const englishWebviewStrings = {
  apply: 'Apply',
  applyTitle: 'Create or update everything in the blueprint',
  plan: 'Plan',
  planTitle: 'Show what Apply would do',
  refresh: 'Refresh',
  refreshTitle: 'Read what AWS really has (drift)',
  inboundPath: 'Inbound path',
  replyPath: 'Reply path',
  stepTitle: 'The picture after each step of the tutorial',
  zoomOut: 'Zoom out',
  zoomIn: 'Zoom in',
  fit: 'Fit',
  fitTitle: 'Fit the picture to the panel',
  exportSvg: 'Export as SVG',
  exportPng: 'Export as PNG',
  working: 'Working…',
  planned: 'planned',
  inProgress: 'in progress',
  created: 'created',
  failed: 'failed',
  drifted: 'drifted',
  legendInbound: 'inbound path',
  legendReply: 'reply path',
  legendOutbound: 'way out (outbound)',
  blockedAt: 'Blocked at {0}: {1}',
  largeBlueprint: 'Large blueprint: each subnet is drawn as one box. Click a subnet to draw it in full.',
  live: 'Live (as it is now)',
  stepPrefix: 'Step {0}: ',
  rulesAndRoutes: 'Rules and routes',
  components: '{0} components',
  drawError: 'The diagram could not be drawn:\n{0}',
};

export type WebviewStrings = typeof englishWebviewStrings;

/** What the webview keeps with vscode.setState (and the serializer receives on restore). */
export interface WebviewState {
  uri?: string;
  step: number | null;
  paths: PathToggles;
  scale?: number;
  scrollLeft?: number;
  scrollTop?: number;
}

export type ToolbarCommand = 'apply' | 'plan' | 'refresh';

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'reveal'; name: string }
  /** Draw a collapsed subnet in full (or collapse it again). */
  | { type: 'expand'; name: string }
  | { type: 'command'; command: ToolbarCommand }
  | { type: 'paths'; paths: PathToggles }
  | { type: 'step'; step: number | null }
  | { type: 'exported'; format: 'svg' | 'png'; data: string }
  | { type: 'rendered'; ms: number; nodes: number }
  | { type: 'renderError'; message: string };

/** Largest export accepted from the webview (a 500-resource PNG is a few MB). */
export const maxExportChars = 64 * 1024 * 1024;

const toolbarCommands: readonly ToolbarCommand[] = ['apply', 'plan', 'refresh'];

/** Checks a message from the webview; returns it typed, or undefined when it is malformed. */
export function parseWebviewMessage(value: unknown): WebviewToHost | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const m = value as Record<string, unknown>;
  const str = (v: unknown, max = 1024): v is string => typeof v === 'string' && v.length <= max;
  const bool = (v: unknown): v is boolean => typeof v === 'boolean';
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'reveal':
      return str(m.name, 255) && m.name.length > 0 ? { type: 'reveal', name: m.name } : undefined;
    case 'expand':
      return str(m.name, 255) && m.name.length > 0 ? { type: 'expand', name: m.name } : undefined;
    case 'command':
      return typeof m.command === 'string' && (toolbarCommands as readonly string[]).includes(m.command)
        ? { type: 'command', command: m.command as ToolbarCommand }
        : undefined;
    case 'paths': {
      const p = m.paths as Record<string, unknown> | null | undefined;
      return p && typeof p === 'object' && bool(p.inbound) && bool(p.reply) ? { type: 'paths', paths: { inbound: p.inbound, reply: p.reply } } : undefined;
    }
    case 'step':
      return m.step === null || (typeof m.step === 'number' && Number.isInteger(m.step) && m.step >= 0 && m.step < 100)
        ? { type: 'step', step: m.step as number | null }
        : undefined;
    case 'exported':
      if (m.format === 'svg' && str(m.data, maxExportChars) && /^\s*(<\?xml[^>]*>\s*)?<svg[\s>]/.test(m.data)) return { type: 'exported', format: 'svg', data: m.data };
      if (m.format === 'png' && str(m.data, maxExportChars) && /^data:image\/png;base64,[A-Za-z0-9+/=]+$/.test(m.data)) return { type: 'exported', format: 'png', data: m.data };
      return undefined;
    case 'rendered':
      return typeof m.ms === 'number' && Number.isFinite(m.ms) && typeof m.nodes === 'number' && Number.isInteger(m.nodes)
        ? { type: 'rendered', ms: m.ms, nodes: m.nodes }
        : undefined;
    case 'renderError':
      return str(m.message, 4096) ? { type: 'renderError', message: m.message } : undefined;
    default:
      return undefined;
  }
}

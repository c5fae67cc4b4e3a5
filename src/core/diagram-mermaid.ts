// The picture's model (diagram-model.ts) written as mermaid flowchart text: nested boxes become
// subgraphs, statuses become classDefs, traffic paths a linkStyle per path. Only syntax lives here.
import type { ComponentStatus } from './state';
import type { Picture, PictureBox, Shape } from './diagram-model';
import { wrapText } from './diagram-text';
import { pathColours, statusClassNames, statusStyles, type DiagramEdgeInfo, type DiagramNodeInfo } from '../shared/protocol';

export interface Diagram {
  mermaid: string;
  nodes: DiagramNodeInfo[];
  edges: DiagramEdgeInfo[];
  collapsed: boolean;
}

/** The mermaid class of each status (mermaid class names avoid the hyphen). */
export const statusClass: Record<ComponentStatus, string> = statusClassNames;

export { pathColours };

const classDefs = [
  ...(Object.keys(statusStyles) as ComponentStatus[]).map(
    (s) => `classDef ${statusClass[s]} ${Object.entries(statusStyles[s]).map(([k, v]) => `${k}:${v}`).join(',')}`,
  ),
  'classDef outside fill:#58a6ff1f,stroke:#58a6ff,stroke-width:1.5px',
  'classDef zone fill:#8881,stroke:#8889,stroke-width:1px,stroke-dasharray:3 3',
  'classDef region fill:none,stroke:#888b,stroke-width:1px',
  'classDef note fill:#f2cc6026,stroke:#d4a72c,stroke-width:1px,font-size:12px',
  'classDef added stroke:#1f6feb,stroke-width:4px',
  'classDef blocked stroke:#e5534b,stroke-width:5px',
];

/** Text safe inside a quoted mermaid label: mermaid's own entity codes for the special characters. */
export function escapeLabel(text: string): string {
  return text.replace(/[#"<>&`|{}[\]]/g, (c) => `#${c.charCodeAt(0)};`).replace(/\r?\n/g, ' ');
}

/** A node's label: the title in bold, each further line below it. */
function label(title: string, lines: string[]): string {
  return [...(title ? [`<b>${escapeLabel(title)}</b>`] : []), ...lines.map(escapeLabel)].join('<br/>');
}

/** A subgraph's title: the name in bold, then the rest on one line under it. */
function oneLine(title: string, lines: string[]): string {
  return [`<b>${escapeLabel(title)}</b>`, ...(lines.length ? [lines.map(escapeLabel).join(' · ')] : [])].join('<br/>');
}

function shaped(id: string, shape: Shape, text: string): string {
  switch (shape) {
    case 'rect':
      return `${id}["${text}"]`;
    case 'round':
      return `${id}("${text}")`;
    case 'stadium':
      return `${id}(["${text}"])`;
    case 'subroutine':
      return `${id}[["${text}"]]`;
    case 'hexagon':
      return `${id}{{"${text}"}}`;
    case 'parallelogram':
      return `${id}[/"${text}"/]`;
    case 'asymmetric':
      return `${id}>"${text}"]`;
    case 'cloud':
      return `${id}@{ shape: cloud, label: "${text}" }`;
  }
}

/** The mermaid text of a picture, with what each node and edge stands for. */
export function mermaidOf(picture: Picture): Diagram {
  const out = [`%% ${picture.heading.replace(/[\r\n]/g, ' ')}`, `flowchart ${picture.direction}`];
  const nodes: DiagramNodeInfo[] = [];
  const classes = new Map<string, string[]>();
  const write = (box: PictureBox, depth: number) => {
    const indent = '  '.repeat(depth + 1);
    nodes.push(box.info);
    if (box.classes.length) classes.set(box.id, box.classes.map((c) => statusClass[c as ComponentStatus] ?? c));
    if (!box.children) {
      out.push(indent + shaped(box.id, box.shape, label(box.title, box.lines)));
      return;
    }
    out.push(`${indent}subgraph ${box.id}["${oneLine(box.title, box.lines)}"]`);
    for (const child of box.children) write(child, depth + 1);
    // An empty box still needs a body: the layout would otherwise give it no height.
    if (!box.children.length) out.push(`${indent}  ${box.id}__empty[" "]`, `${indent}  style ${box.id}__empty fill:none,stroke:none`);
    out.push(`${indent}end`);
  };
  for (const box of picture.boxes) write(box, 0);

  const edges: DiagramEdgeInfo[] = [];
  const styled: Record<keyof typeof pathColours, number[]> = { inbound: [], reply: [], outbound: [] };
  for (const e of picture.edges) {
    const index = edges.length;
    // A hop's number as (1) … (n): the same form however long the path is.
    const mark = e.hop ? `(${e.hop}) ` : '';
    const text = e.label || mark ? `${mark}${e.label ?? ''}`.trim() : undefined;
    const lines = e.label ? wrapText(e.label, 34).map(escapeLabel) : [];
    const labelled = text && e.arrow !== '~~~' ? `${e.arrow}|"${mark}${lines.join('<br/>')}"|` : e.arrow;
    out.push(`  ${e.from} ${labelled} ${e.to}`);
    edges.push({ index, from: e.from, to: e.to, role: e.role, ...(text ? { label: text } : {}) });
    if (e.role === 'inbound' || e.role === 'reply' || e.role === 'outbound') styled[e.role].push(index);
  }
  for (const role of ['inbound', 'reply', 'outbound'] as const) {
    if (styled[role].length) out.push(`  linkStyle ${styled[role].join(',')} stroke:${pathColours[role]},stroke-width:3px,color:${pathColours[role]}`);
  }

  out.push(...classDefs.map((d) => `  ${d}`));
  // One `class` line per class keeps the text short at 500 resources.
  const byClass = new Map<string, string[]>();
  for (const [id, list] of classes) for (const c of list) byClass.set(c, [...(byClass.get(c) ?? []), id]);
  const order = ['outside', 'region', 'zone', 'note', ...Object.values(statusClass), 'added', 'blocked'];
  for (const c of order) {
    const ids = byClass.get(c);
    if (ids?.length) out.push(`  class ${ids.join(',')} ${c}`);
  }
  return { mermaid: out.join('\n') + '\n', nodes, edges, collapsed: picture.collapsed };
}

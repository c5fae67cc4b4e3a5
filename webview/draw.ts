// Draws a laid-out picture (src/shared/diagram-layout.ts) as SVG, in the AWS architecture-diagram
// style: group frames with their icon inside the top-left corner, public subnets green, private
// blue, zones dashed, security groups red dashed; cards with an icon, a name and one short line.
// Every component and container is one <g> carrying data-name (the model's name); containers are
// `cluster`s, components `node`s, edges `flowchart-link`s (what the geometry test reads). The SVG
// carries its own <style>, so an export reads the same outside the editor.
import { pathColours, statusClassNames, statusStyles, type DiagramNodeInfo, type DiagramStatus } from '../src/shared/protocol';
import { fontSize, type PictureLayout, type PlacedBox, type PlacedEdge } from '../src/shared/diagram-layout';
import { statusSymbol } from '../src/shared/vocabulary';
import { awsIcons } from './aws-icons.generated';

export interface DrawTheme {
  foreground: string;
  background: string;
  border: string;
  font: string;
  highContrast: boolean;
}

const svgNs = 'http://www.w3.org/2000/svg';
/** Colours of further path roles, in order, after the inbound blue and reply orange. */
const morePathColours = ['#8957e5', '#1a7f37', '#bf3989', '#0598bc'];

export function pathColour(role: string, order: string[]): string {
  return (pathColours as Record<string, string>)[role] ?? morePathColours[Math.max(0, order.indexOf(role)) % morePathColours.length]!;
}

/** AWS architecture-diagram group colours. */
const groupColours = { region: '#00a4a6', vpc: '#8c4fff', public: '#7aa116', private: '#147eba', zone: '#147eba', securityGroup: '#dd344c' };

function styleSheet(theme: DrawTheme, roles: string[]): string {
  const statusRules = (Object.keys(statusStyles) as DiagramStatus[]).map(
    (s) => `.node.${statusClassNames[s]} > .shape { ${Object.entries(statusStyles[s]).map(([k, v]) => `${k}:${v}`).join(';')} }`,
  );
  const frameStatus = [
    `.cluster.planned > .frame { stroke-dasharray: 7 4 }`,
    `.cluster.${statusClassNames['in-progress']} > .frame { stroke: #d48806; stroke-width: 2.5px }`,
    `.cluster.failed > .frame { stroke: #e5534b; stroke-width: 3px }`,
    `.cluster.drifted > .frame { stroke: #a371f7; stroke-dasharray: 2 3 }`,
  ];
  return [
    `text { font-family: ${theme.font}; font-size: ${fontSize}px; fill: ${theme.foreground}; }`,
    `.t { font-weight: 600; }`,
    `.node > .shape { fill: ${theme.background}; stroke: ${theme.border}; stroke-width: 1.5px; }`,
    `.node > .under { fill: ${theme.background}; stroke: none; }`,
    ...statusRules,
    `.cluster > .frame { fill: none; stroke: ${theme.border}; stroke-width: 1.5px; }`,
    `.cluster.k-region > .frame { stroke: ${groupColours.region}; }`,
    `.cluster.k-vpc > .frame { stroke: ${groupColours.vpc}; stroke-width: 2px; }`,
    `.cluster.k-subnet.public > .frame { stroke: ${groupColours.public}; fill: ${groupColours.public}14; }`,
    `.cluster.k-subnet.private > .frame { stroke: ${groupColours.private}; fill: ${groupColours.private}14; }`,
    `.cluster.k-availabilityZone > .frame { stroke: ${groupColours.zone}; stroke-dasharray: 6 4; }`,
    ...frameStatus,
    // A security group is always a red dashed boundary (its status still shows in colour words).
    `.cluster.k-securityGroup > .frame { stroke: ${groupColours.securityGroup}; stroke-dasharray: 6 4; stroke-width: 2px; }`,
    `.cluster.k-securityGroup.failed > .frame { stroke-width: 3.5px; }`,
    `.outside > .shape { fill: #58a6ff1f; stroke: #58a6ff; stroke-width: 1.5px; stroke-dasharray: 0; }`,
    `.note > .shape { fill: #f2cc60; stroke: #d4a72c; }`,
    `.note text { fill: #1f1f1f; font-weight: 700; }`,
    `.badge rect { fill: ${theme.background}; stroke: ${theme.border}; }`,
    `.badge.k-securityGroup rect { fill: ${groupColours.securityGroup}; stroke: none; }`,
    `.badge.k-securityGroup text { fill: #ffffff; }`,
    `.aws-icon-chip { fill: #ffffff; fill-opacity: 0.92; stroke: #8886; stroke-width: 0.5px; }`,
    `.flowchart-link { fill: none; stroke: ${theme.highContrast ? theme.foreground : '#8a8a8a'}; stroke-width: 1.5px; }`,
    `.flowchart-link.dashed { stroke-dasharray: 5 4; }`,
    `.flowchart-link.role-note { stroke: #d4a72c; stroke-dasharray: 2 3; }`,
    ...roles.map((r) => `.flowchart-link.role-${r} { stroke: ${pathColour(r, roles)}; stroke-width: 3px; }`),
    `.edge-label rect { fill: ${theme.background}; }`,
    `.hop circle { stroke: ${theme.background}; stroke-width: 1.5px; }`,
    `.hop text { fill: #ffffff; font-weight: 700; }`,
    `.arrowhead { fill: ${theme.highContrast ? theme.foreground : '#8a8a8a'}; }`,
    // New in this step, or where a path is blocked: over any kind's own frame colour.
    `.added > .shape, .added > .frame { stroke: #1f6feb !important; stroke-width: 4px !important; }`,
    `.blocked > .shape, .blocked > .frame { stroke: #e5534b !important; stroke-width: 5px !important; }`,
  ].join('\n');
}

function make<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(svgNs, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

export interface DrawOptions {
  theme: DrawTheme;
  /** What each drawn box stands for (by box id): the details pane and the data-* attributes. */
  nodes: ReadonlyMap<string, DiagramNodeInfo>;
  statusWords: Record<DiagramStatus, string>;
  selected?: string;
  id: string;
}

/** The picture as an SVG element. */
export function drawPicture(layout: PictureLayout, options: DrawOptions): SVGSVGElement {
  const roles = [...new Set(layout.edges.map((e) => e.role).filter((r) => r !== 'structure' && r !== 'note' && r !== 'layout'))];
  const svg = make('svg', { xmlns: svgNs, id: options.id, class: 'bp-picture', viewBox: `0 0 ${layout.width} ${layout.height}`, width: layout.width, height: layout.height, role: 'img' });
  svg.append(make('style', {}, styleSheet(options.theme, roles)));
  const defs = make('defs');
  const arrow = make('marker', { id: `${options.id}-arrow`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
  arrow.append(make('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrowhead' }));
  defs.append(arrow);
  for (const r of roles) {
    const m = make('marker', { id: `${options.id}-arrow-${r}`, viewBox: '0 0 10 10', refX: 8, refY: 5, markerWidth: 5, markerHeight: 5, orient: 'auto-start-reverse' });
    m.append(make('path', { d: 'M0,0 L10,5 L0,10 z', fill: pathColour(r, roles) }));
    defs.append(m);
  }
  svg.append(defs);

  const clusters = make('g', { class: 'clusters' });
  const structure = make('g', { class: 'edgePaths' });
  const nodes = make('g', { class: 'nodes' });
  const paths = make('g', { class: 'edgePaths traffic' });
  const labels = make('g', { class: 'edge-labels' });
  const hops = make('g', { class: 'hops' });
  for (const box of layout.boxes) (box.container ? clusters : nodes).append(drawBox(box, options));
  for (const edge of layout.edges) {
    const path = edge.role !== 'structure' && edge.role !== 'note';
    const [line, label] = drawEdge(edge, options.id);
    (path ? paths : structure).append(line);
    if (label) labels.append(label);
    if (edge.marker) {
      const g = make('g', { class: `hop role-${edge.role}` });
      g.append(make('title', {}, edge.label ?? ''));
      g.append(make('circle', { cx: edge.marker.x, cy: edge.marker.y, r: 10, fill: pathColour(edge.role, roles) }));
      g.append(make('text', { x: edge.marker.x, y: edge.marker.y + 0.5, 'text-anchor': 'middle', 'dominant-baseline': 'central' }, edge.marker.text));
      hops.append(g);
    }
  }
  svg.append(clusters, structure, nodes, paths, labels, hops);
  return svg;
}

function classesOf(box: PlacedBox): string[] {
  return box.classes.map((c) => statusClassNames[c as DiagramStatus] ?? c);
}

function drawBox(box: PlacedBox, options: DrawOptions): SVGGElement {
  const info = options.nodes.get(box.id);
  const g = make('g', { class: [box.container ? 'cluster' : 'node', `k-${box.kind}`, ...classesOf(box)].join(' ') });
  g.setAttribute('data-node-id', box.id);
  g.setAttribute('data-name', box.key);
  g.setAttribute('data-kind', box.kind);
  if (info?.name) {
    g.setAttribute('data-component', info.name);
    // Reachable from the keyboard: Tab to a component, Enter to open it.
    g.setAttribute('tabindex', '0');
    g.setAttribute('role', 'button');
    g.setAttribute('aria-label', `${info.name}, ${info.title}${info.status ? `, ${options.statusWords[info.status]}` : ''}${info.awsId ? `, ${info.awsId}` : ''}`);
    if (info.name === options.selected) g.classList.add('selected');
  }
  if (info?.status) g.setAttribute('data-status', info.status);
  if (info?.awsId) g.setAttribute('data-aws-id', info.awsId);
  g.append(make('title', {}, box.tooltip));
  if (box.container) {
    g.append(make('rect', { class: 'frame', x: box.x, y: box.y, width: box.w, height: box.h, rx: 2 }));
    if (box.icon) icon(g, box.icon, box.x + 8, box.y + 5, 22);
    const label = make('g', { class: 'cluster-label' });
    const text = make('text', { x: box.x + (box.icon ? 38 : 12), y: box.y + 21 });
    text.append(make('tspan', { class: 't' }, box.title));
    if (box.secondary) text.append(make('tspan', { class: 's', dx: 10 }, box.secondary));
    label.append(text);
    g.append(label);
    badges(g, box);
    return g;
  }
  if (box.kind === 'note') {
    g.append(make('circle', { class: 'shape', cx: box.x + box.w / 2, cy: box.y + box.h / 2, r: box.w / 2 }));
    const label = make('g', { class: 'label' });
    label.append(make('text', { x: box.x + box.w / 2, y: box.y + box.h / 2 + 0.5, 'text-anchor': 'middle', 'dominant-baseline': 'central' }, box.title));
    g.append(label);
    return g;
  }
  const rounded = box.kind === 'internet' || box.kind === 'pc' ? 18 : box.kind === 'instance' ? 8 : 4;
  // An opaque card under the status's translucent fill: frames and lines behind it stay hidden.
  g.append(make('rect', { class: 'under', x: box.x, y: box.y, width: box.w, height: box.h, rx: rounded }));
  g.append(make('rect', { class: 'shape', x: box.x, y: box.y, width: box.w, height: box.h, rx: rounded }));
  const body = box.h - box.badges.length * 20;
  if (box.icon) icon(g, box.icon, box.x + 8, box.y + (body - 24) / 2, 24);
  const label = make('g', { class: 'label' });
  if (box.secondary) {
    label.append(make('text', { class: 't', x: box.x + 40, y: box.y + 20 }, box.title));
    label.append(make('text', { class: 's', x: box.x + 40, y: box.y + 38 }, box.secondary));
  } else {
    label.append(make('text', { class: 't', x: box.x + 40, y: box.y + body / 2 + 5 }, box.title));
  }
  g.append(label);
  badges(g, box);
  return g;
}

/** Small tags naming what protects or serves the box: a security group (red), a shared route table, ACL or key. */
function badges(g: SVGGElement, box: PlacedBox): void {
  for (const b of box.badges) {
    const badge = make('g', { class: `badge k-${b.kind}` });
    badge.append(make('rect', { x: b.x, y: b.y, width: b.w, height: b.h, rx: 3 }));
    badge.append(make('text', { x: b.x + 6, y: b.y + b.h - 4 }, b.text));
    g.append(badge);
  }
}

/** An AWS architecture icon on a light chip (the icons are drawn for white backgrounds). */
function icon(g: SVGGElement, kind: string, x: number, y: number, size: number): void {
  const href = awsIcons[kind];
  if (!href) return;
  g.append(make('rect', { class: 'aws-icon-chip', x: x - 2, y: y - 2, width: size + 4, height: size + 4, rx: 4 }));
  const image = make('image', { href, x, y, width: size, height: size, class: 'aws-icon', 'aria-hidden': 'true' });
  g.append(image);
}

/** An edge's line, and its label (drawn above every line, so a path over it keeps it legible). */
function drawEdge(edge: PlacedEdge, id: string): [SVGElement, SVGElement | undefined] {
  const d = edge.points.map(([x, y], i) => `${i ? 'L' : 'M'}${x},${y}`).join(' ');
  const dashed = edge.arrow.startsWith('-.') || edge.role === 'note';
  const path = make('path', { d, class: `flowchart-link role-${edge.role}${dashed ? ' dashed' : ''}`, 'data-from': edge.from, 'data-to': edge.to });
  const traffic = edge.role !== 'structure' && edge.role !== 'note';
  if (traffic) path.setAttribute('marker-end', `url(#${id}-arrow-${edge.role})`);
  else if (edge.arrow.endsWith('>')) path.setAttribute('marker-end', `url(#${id}-arrow)`);
  if (edge.label) path.append(make('title', {}, edge.label));
  if (!edge.labelBox) return [path, undefined];
  const g = make('g', { class: 'edge-label' });
  const b = edge.labelBox;
  g.append(make('rect', { x: b.x, y: b.y, width: b.w, height: b.h, rx: 3 }));
  g.append(make('text', { x: b.x + 4, y: b.y + 15 }, b.text));
  return [path, g];
}

/** The status symbol and word of a box's secondary line, after a status change (the fast path). */
export function restatus(g: Element, status: DiagramStatus): void {
  const s = g.querySelector(':scope > .label > .s, :scope > .cluster-label .s');
  if (s?.textContent && /^[○◐●✖⚠]/.test(s.textContent)) s.textContent = `${statusSymbol[status]}${s.textContent.slice(1)}`;
}

/** Breaks a text into lines no wider than `width` (at spaces where it can, else anywhere: Japanese). */
function wrapLines(text: string, width: number, measure: (text: string) => number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const ch of text) {
    if (measure(line + ch) <= width || !line) {
      line += ch;
      continue;
    }
    const space = line.lastIndexOf(' ');
    if (ch !== ' ' && space > 0) {
      lines.push(line.slice(0, space));
      line = line.slice(space + 1) + ch;
    } else {
      lines.push(line);
      line = ch === ' ' ? '' : ch;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** A copy of the drawn picture with the numbered list of what each hop means (and the notes) as SVG
 * text under it: what the panel shows under the picture, for an export that stands on its own. */
export function pictureWithSteps(svg: SVGSVGElement, layout: PictureLayout, measure: (text: string, bold: boolean) => number): { svg: SVGSVGElement; width: number; height: number } {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  if (!layout.explanations.length) return { svg: copy, width: layout.width, height: layout.height };
  const roles = [...new Set(layout.edges.map((e) => e.role).filter((r) => r !== 'structure' && r !== 'note' && r !== 'layout'))];
  const width = Math.max(layout.width, 480);
  const textX = 12 + 28;
  const lineH = 18;
  const list = make('g', { class: 'path-steps' });
  let y = layout.height + 8;
  for (const x of layout.explanations) {
    const item = make('g', { class: `step role-${x.role}` });
    const note = x.role === 'note';
    item.append(make('circle', { cx: 12 + 10, cy: y + 10, r: 10, fill: note ? '#f2cc60' : pathColour(x.role, roles) }));
    item.append(make('text', { x: 22, y: y + 10.5, 'text-anchor': 'middle', 'dominant-baseline': 'central', style: `font-weight:700;fill:${note ? '#1f1f1f' : '#ffffff'}` }, x.mark));
    const lines = wrapLines(x.text, width - textX - 12, (t) => measure(t, false));
    lines.forEach((l, i) => item.append(make('text', { class: 'step-text', x: textX, y: y + 15 + i * lineH }, l)));
    list.append(item);
    y += Math.max(24, lines.length * lineH + 6);
  }
  copy.append(list);
  const height = Math.ceil(y + 8);
  copy.setAttribute('viewBox', `0 0 ${width} ${height}`);
  copy.setAttribute('width', String(width));
  copy.setAttribute('height', String(height));
  return { svg: copy, width, height };
}

// The drawn picture's geometry, read from the webview's SVG in Chromium: every box named by the
// picture model (`data-name`), its frame, its label, and the drawn edges. Checks what a reader
// would notice: a box outside its container, siblings on top of each other, a component on
// another, a label spilling out of its box; and counts edge crossings and edges through boxes.
import type { Page } from 'playwright-core';
import type { DiagramNodeInfo } from '../../src/shared/protocol';

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface DrawnBox {
  name: string;
  kind: string;
  container: boolean;
  frame: Rect;
  /** The label's box (every text line of it). */
  labels: Rect[];
  /** Smallest font size of the label's text, in CSS pixels at the current zoom. */
  fontPx: number;
}

export interface DrawnPicture {
  boxes: DrawnBox[];
  /** Each drawn edge as a polyline (sampled along its path). */
  edges: { from: string; to: string; points: [number, number][] }[];
}

/** Reads the picture from the page (page-side code as a string: no DOM types here). */
export async function readPicture(page: Page): Promise<DrawnPicture> {
  return page.evaluate<DrawnPicture>(`(() => {
    const svg = document.querySelector('#diagram svg');
    const rect = (r) => ({ x: r.left, y: r.top, w: r.width, h: r.height });
    const union = (list) => {
      const rs = list.map((e) => e.getBoundingClientRect()).filter((r) => r.width > 0 || r.height > 0);
      if (!rs.length) return null;
      const x = Math.min(...rs.map((r) => r.left)), y = Math.min(...rs.map((r) => r.top));
      return { x, y, w: Math.max(...rs.map((r) => r.right)) - x, h: Math.max(...rs.map((r) => r.bottom)) - y };
    };
    const boxes = [];
    for (const g of svg.querySelectorAll('[data-name]')) {
      const container = g.classList.contains('cluster');
      const shapes = [...g.children].filter((c) => !c.classList.contains('label') && !c.classList.contains('cluster-label') && !c.classList.contains('aws-icon') && !c.classList.contains('aws-icon-chip') && c.tagName !== 'title');
      const frame = union(container ? shapes.filter((c) => c.tagName === 'rect') : shapes) ?? rect(g.getBoundingClientRect());
      const labelEls = [...g.querySelectorAll('.label p, .label span.nodeLabel, .cluster-label span, .label text, .cluster-label text')];
      const labels = [];
      let fontPx = Infinity;
      const scale = svg.getBoundingClientRect().width / (svg.viewBox.baseVal.width || svg.getBoundingClientRect().width);
      for (const l of labelEls) {
        if (!l.textContent.trim()) continue;
        // The text's own extent (a range), not the label element's (which may be wider).
        const range = document.createRange();
        range.selectNodeContents(l);
        const r = range.getBoundingClientRect();
        if (r.width > 0) labels.push(rect(r));
        const size = parseFloat(getComputedStyle(l).fontSize) * scale;
        if (size < fontPx) fontPx = size;
      }
      boxes.push({ name: g.getAttribute('data-name'), kind: g.getAttribute('data-kind'), container, frame, labels, fontPx });
    }
    const edges = [];
    for (const p of svg.querySelectorAll('.edgePaths path, path.flowchart-link')) {
      if (!p.getTotalLength || p.getAttribute('style')?.includes('display:none')) continue;
      const id = p.id || '';
      const len = p.getTotalLength();
      if (!(len > 0)) continue;
      const m = p.getScreenCTM();
      const points = [];
      const n = Math.min(60, Math.max(8, Math.ceil(len / 15)));
      for (let i = 0; i <= n; i++) {
        const q = p.getPointAtLength((len * i) / n);
        points.push([m.a * q.x + m.c * q.y + m.e, m.b * q.x + m.d * q.y + m.f]);
      }
      edges.push({ from: p.getAttribute('data-from') ?? '', to: p.getAttribute('data-to') ?? '', id, points });
    }
    return { boxes, edges };
  })()`);
}

/** The panel at its default size: a 1400×900 VS Code window with the diagram beside the editor
 * leaves the webview about this much room (toolbar, legend and picture). */
export const panelBesideEditor = { width: 680, height: 800 } as const;

/** The smallest text a reader reads without zooming, in CSS pixels as drawn. */
export const readablePx = 11;

/** Every text of the picture and of the list under it, with its size as drawn (font size × zoom). */
export async function drawnTextSizes(page: Page): Promise<{ text: string; px: number }[]> {
  return page.evaluate<{ text: string; px: number }[]>(`(() => {
    const out = [];
    for (const t of document.querySelectorAll('#diagram svg text')) {
      if (!t.textContent.trim()) continue;
      const m = t.getScreenCTM();
      out.push({ text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b) });
    }
    for (const li of document.querySelectorAll('#path-steps li')) out.push({ text: li.textContent, px: parseFloat(getComputedStyle(li).fontSize) });
    return out;
  })()`);
}

const slack = 1;
const inside = (a: Rect, b: Rect, tolerance = slack) => a.x >= b.x - tolerance && a.y >= b.y - tolerance && a.x + a.w <= b.x + b.w + tolerance && a.y + a.h <= b.y + b.h + tolerance;
const overlap = (a: Rect, b: Rect) => Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x) > slack && Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y) > slack;
const show = (r: Rect) => `(${Math.round(r.x)},${Math.round(r.y)} ${Math.round(r.w)}×${Math.round(r.h)})`;

/** What is wrong with the drawn picture, in words (empty: nothing). `nodes` says what contains what. */
export function geometryProblems(picture: DrawnPicture, nodes: readonly DiagramNodeInfo[]): string[] {
  const problems: string[] = [];
  const byName = new Map(picture.boxes.map((b) => [b.name, b]));
  for (const n of nodes) if (!byName.has(n.key)) problems.push(`${n.key} is not drawn (no data-name)`);
  const parentOf = new Map(nodes.map((n) => [n.key, n.parent]));
  for (const n of nodes) {
    const box = byName.get(n.key);
    const parent = n.parent ? byName.get(n.parent) : undefined;
    if (!box || !parent) continue;
    if (n.onEdge) {
      // A door on its container's top edge (the internet gateway on the VPC): half in, half out,
      // within the container's width, and inside the container's own container.
      const f = box.frame;
      const p = parent.frame;
      if (!(f.y < p.y && f.y + f.h > p.y && f.x >= p.x - slack && f.x + f.w <= p.x + p.w + slack)) problems.push(`${n.key} ${show(f)} is not on the top edge of ${n.parent} ${show(p)}`);
      const grand = parentOf.get(n.parent!);
      const outer = grand ? byName.get(grand) : undefined;
      if (outer && !inside(f, outer.frame)) problems.push(`${n.key} ${show(f)} sticks out of ${grand} ${show(outer.frame)}`);
    } else if (!inside(box.frame, parent.frame)) problems.push(`${n.key} ${show(box.frame)} sticks out of ${n.parent} ${show(parent.frame)}`);
  }
  // Siblings: boxes with the same container.
  const groups = new Map<string, DiagramNodeInfo[]>();
  // (A note's letter is pinned at the box it is about, like a hop's number: markProblems checks it.)
  for (const n of nodes) if (n.kind !== 'note') groups.set(n.parent ?? '', [...(groups.get(n.parent ?? '') ?? []), n]);
  for (const [parent, list] of groups) {
    for (let i = 0; i < list.length; i++)
      for (let j = i + 1; j < list.length; j++) {
        const a = byName.get(list[i]!.key);
        const b = byName.get(list[j]!.key);
        if (a && b && overlap(a.frame, b.frame)) problems.push(`${a.name} ${show(a.frame)} overlaps ${b.name} ${show(b.frame)} (both in ${parent || 'the picture'})`);
      }
  }
  // Components (leaf boxes) anywhere: none on another.
  const leaves = picture.boxes.filter((b) => !b.container);
  for (let i = 0; i < leaves.length; i++)
    for (let j = i + 1; j < leaves.length; j++) {
      const a = leaves[i]!;
      const b = leaves[j]!;
      if (overlap(a.frame, b.frame) && !problems.some((p) => p.startsWith(`${a.name} `) && p.includes(` overlaps ${b.name} `)))
        problems.push(`${a.name} ${show(a.frame)} overlaps ${b.name} ${show(b.frame)}`);
    }
  for (const b of picture.boxes) for (const l of b.labels) if (!inside(l, b.frame, 2)) problems.push(`the label of ${b.name} ${show(l)} spills out of its box ${show(b.frame)}`);
  // A container's title stays clear of what it contains.
  for (const n of nodes) {
    const parent = n.parent ? byName.get(n.parent) : undefined;
    const box = byName.get(n.key);
    if (!parent || !box) continue;
    for (const l of parent.labels) if (overlap(l, box.frame)) problems.push(`the title of ${parent.name} ${show(l)} runs into ${n.key} ${show(box.frame)}`);
  }
  return problems;
}

function segmentsCross(p1: [number, number], p2: [number, number], p3: [number, number], p4: [number, number]): boolean {
  const d = (a: [number, number], b: [number, number], c: [number, number]) => (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
  const d1 = d(p3, p4, p1);
  const d2 = d(p3, p4, p2);
  const d3 = d(p1, p2, p3);
  const d4 = d(p1, p2, p4);
  return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0));
}

/** Edge crossings (pairs of edges that cross, counted per crossing point) and edges drawn through a
 * component box that is neither of their ends. */
export function edgeQuality(picture: DrawnPicture): { crossings: number; throughBoxes: number } {
  let crossings = 0;
  const edges = picture.edges;
  const bounds = edges.map((e) => {
    const xs = e.points.map((p) => p[0]);
    const ys = e.points.map((p) => p[1]);
    return { x: Math.min(...xs), y: Math.min(...ys), w: Math.max(...xs) - Math.min(...xs), h: Math.max(...ys) - Math.min(...ys) };
  });
  const touch = (a: Rect, b: Rect) => a.x <= b.x + b.w && b.x <= a.x + a.w && a.y <= b.y + b.h && b.y <= a.y + a.h;
  for (let i = 0; i < edges.length; i++)
    for (let j = i + 1; j < edges.length; j++) {
      if (!touch(bounds[i]!, bounds[j]!)) continue;
      const a = edges[i]!.points;
      const b = edges[j]!.points;
      // Edges that share an end meet there: ignore the first and last few samples.
      for (let s = 2; s + 3 < a.length; s++) for (let u = 2; u + 3 < b.length; u++) if (segmentsCross(a[s]!, a[s + 1]!, b[u]!, b[u + 1]!)) crossings++;
    }
  let throughBoxes = 0;
  const leaves = picture.boxes.filter((b) => !b.container);
  for (const e of edges) {
    const first = e.points[0]!;
    const last = e.points[e.points.length - 1]!;
    const within = (r: Rect, p: [number, number], pad = 0) => p[0] > r.x + pad && p[0] < r.x + r.w - pad && p[1] > r.y + pad && p[1] < r.y + r.h - pad;
    for (const box of leaves) {
      if (within(box.frame, first, -4) || within(box.frame, last, -4)) continue; // one of its ends
      if (e.points.some((p) => within(box.frame, p, 2))) throughBoxes++;
    }
  }
  return { crossings, throughBoxes };
}

/** The traffic pictures' own marks, as drawn: each hop's numbered marker, every text of the picture
 * (titles, card labels, edge labels, badges, notes) and each traffic line, sampled. */
export interface DrawnMarks {
  markers: { text: string; rect: Rect }[];
  texts: { text: string; rect: Rect }[];
  titles: { name: string; rect: Rect }[];
  cards: { name: string; rect: Rect }[];
  paths: { from: string; to: string; points: [number, number][] }[];
}

export async function readMarks(page: Page): Promise<DrawnMarks> {
  return page.evaluate<DrawnMarks>(`(() => {
    const svg = document.querySelector('#diagram svg');
    const rect = (r) => ({ x: r.left, y: r.top, w: r.width, h: r.height });
    const textRect = (t) => { const range = document.createRange(); range.selectNodeContents(t); return rect(range.getBoundingClientRect()); };
    const markers = [...svg.querySelectorAll('.hop, .node.k-note')].map((g) => ({ text: g.querySelector('text').textContent, rect: rect(g.querySelector('circle').getBoundingClientRect()) }));
    const texts = [...svg.querySelectorAll('text')].filter((t) => !t.closest('.hop') && !t.closest('.k-note') && t.textContent.trim()).map((t) => ({ text: t.textContent, rect: textRect(t) }));
    const titles = [...svg.querySelectorAll('.cluster')].map((g) => ({ name: g.getAttribute('data-name'), rect: textRect(g.querySelector('.cluster-label text')) }));
    const cards = [...svg.querySelectorAll('.node:not(.k-note)')].map((g) => ({ name: g.getAttribute('data-name'), rect: rect(g.querySelector('.shape').getBoundingClientRect()) }));
    const paths = [];
    for (const p of svg.querySelectorAll('.traffic path')) {
      const len = p.getTotalLength();
      const m = p.getScreenCTM();
      const points = [];
      for (let d = 0; d <= len; d += 2) { const q = p.getPointAtLength(d); points.push([m.a * q.x + m.c * q.y + m.e, m.b * q.x + m.d * q.y + m.f]); }
      paths.push({ from: p.getAttribute('data-from'), to: p.getAttribute('data-to'), points });
    }
    return { markers, texts, titles, cards, paths };
  })()`);
}

/** What a reader of a traffic picture would find wrong with its marks: a hop's number over a text
 * or another number, half on a card's edge; a traffic line drawn across a container's title. */
export function markProblems(marks: DrawnMarks): string[] {
  const problems: string[] = [];
  marks.markers.forEach((m, i) => {
    for (const t of marks.texts) if (overlap(m.rect, t.rect)) problems.push(`marker ${m.text} ${show(m.rect)} covers the text "${t.text}" ${show(t.rect)}`);
    for (const o of marks.markers.slice(i + 1)) if (overlap(m.rect, o.rect)) problems.push(`marker ${m.text} ${show(m.rect)} covers marker ${o.text} ${show(o.rect)}`);
    for (const c of marks.cards) if (overlap(m.rect, c.rect) && !inside(m.rect, c.rect, 0)) problems.push(`marker ${m.text} ${show(m.rect)} sits half on the edge of ${c.name} ${show(c.rect)}`);
  });
  for (const p of marks.paths)
    for (const t of marks.titles) {
      const through = p.points.filter(([x, y]) => x > t.rect.x + 1 && x < t.rect.x + t.rect.w - 1 && y > t.rect.y + 1 && y < t.rect.y + t.rect.h - 1);
      if (through.length) problems.push(`the traffic line ${p.from} → ${p.to} runs across the title of ${t.name} ${show(t.rect)}`);
    }
  return problems;
}

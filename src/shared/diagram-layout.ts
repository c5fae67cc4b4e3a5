// The diagram's own layout: the picture's model (boxes inside boxes, and edges) in, geometry out.
// Pure and deterministic (no DOM): the webview draws from it, the unit tests check it. Containment
// holds by construction: every container is sized from its laid-out children plus padding and a
// title band, and siblings are placed in rows, so nothing overlaps or sticks out. Text widths come
// from a measuring function (the webview's canvas), or a conservative estimate.
// Lines are routed in diagram-routes.ts, hop numbers and notes placed in diagram-marks.ts.
import { overlaps, pointAlong, titleBand, laneH, type Rect } from './diagram-geometry';
import { noteSize, noteSpot, placeMarkers } from './diagram-marks';
import { inward, route } from './diagram-routes';
import type { DiagramNodeKind, PathRole } from './protocol';

/** One box of the picture's model, as the host sends it (src/core/diagram-model.ts builds it). */
export interface LayoutBox {
  id: string;
  /** The model's name (the SVG's data-name). */
  name: string;
  kind: DiagramNodeKind;
  title: string;
  lines: string[];
  classes: string[];
  /** Present on containers. */
  children?: LayoutBox[];
}

export interface LayoutEdge {
  /** Box ids. */
  from: string;
  to: string;
  arrow: string;
  role: PathRole;
  label?: string;
  /** A traffic path's hop number, drawn on its marker (the label goes to the list). */
  hop?: number;
}

export interface LayoutPicture {
  boxes: LayoutBox[];
  edges: LayoutEdge[];
}

/** The width of a line of text in CSS pixels at `fontSize`. */
export type Measure = (text: string, bold: boolean) => number;

/** Every text of the picture is drawn at this size (readable at Fit in the panel: see README). */
export const fontSize = 13;

/** A generous estimate of a text's width, for tests and when no canvas is at hand. */
export function estimateWidth(text: string, bold: boolean): number {
  let w = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    w += c >= 0x2e80 ? 1.0 : /[A-Z0-9@#%&mwMW]/.test(ch) ? 0.72 : /[iljtf.,:;|!' ]/.test(ch) ? 0.36 : 0.62;
  }
  return w * fontSize * (bold ? 1.1 : 1);
}

export interface PlacedBox extends Rect {
  id: string;
  key: string;
  kind: DiagramNodeKind;
  /** The key of the container it is drawn in. */
  parent?: string;
  container: boolean;
  depth: number;
  title: string;
  /** One short line under (or, on a container, beside) the title: status symbol and one fact. */
  secondary: string;
  /** Everything else, for the hover. */
  tooltip: string;
  classes: string[];
  /** The AWS icon to draw (a key of webview/aws-icons.generated.ts), if any. */
  icon?: string;
  /** On its container's top edge (the internet gateway). */
  onEdge: boolean;
  /** Names of the security groups protecting it, drawn as small red tags at its foot. */
  badges: (Rect & { text: string; kind: DiagramNodeKind })[];
  /** Height of a container's title band. */
  band: number;
}

export interface PlacedEdge {
  from: string;
  to: string;
  role: PathRole;
  arrow: string;
  label?: string;
  points: [number, number][];
  labelBox?: Rect & { text: string };
  /** The hop's number on a traffic path, drawn as a marker on the line. */
  marker?: { text: string; x: number; y: number };
}

export interface PictureLayout {
  width: number;
  height: number;
  boxes: PlacedBox[];
  edges: PlacedEdge[];
  /** The numbered explanations of the traffic paths and notes, in order (for the list beside). */
  explanations: { role: PathRole; mark: string; text: string }[];
}

const pad = 10;
const gap = 24;
const margin = 12;
const iconSize = 24;
const card = { padX: 8, textX: 40, minW: 110, h: 48, badgeH: 20 };
const secondaryMax = 200;
const statusMark = /^([○◐●✖⚠]) (.*)$/;
const outsideKinds = new Set<DiagramNodeKind>(['internet', 'pc']);
/** Kinds whose links to many boxes (associations, keys) become badges past `maxLines` of them. */
const sharedKinds = new Set<DiagramNodeKind>(['routeTable', 'networkAcl', 'keyPair']);
const maxLines = 3;
/** Kinds whose card shows a fact (address, type) rather than the kind's name. */
const factKinds = new Set<DiagramNodeKind>(['networkInterface', 'instance', 'elasticIp', 'natGateway', 'subnet', 'group']);
/** Cards drawn in their container's first rows, before what the container holds. */
const headKinds = new Set<DiagramNodeKind>(['routeTable', 'networkAcl', 'natGateway', 'securityGroup', 'group']);

interface Node {
  box: LayoutBox;
  parent?: Node;
  children: Node[];
  depth: number;
  /** Relative to the parent's top-left until `absolute` runs, then absolute. */
  x: number;
  y: number;
  w: number;
  h: number;
  /** How far it reaches above its own frame (an on-edge child). */
  overTop: number;
  band: number;
  onEdge: boolean;
  secondary: string;
  badges: { text: string; kind: DiagramNodeKind }[];
}

/** Lays the whole picture out. `shown`: the keys to draw (a tutorial step); positions never depend on it. */
export function layoutPicture(picture: LayoutPicture, options: { measure?: Measure; shown?: ReadonlySet<string> } = {}): PictureLayout {
  const measureRaw = options.measure ?? estimateWidth;
  const cache = new Map<string, number>();
  const measure: Measure = (text, bold) => {
    const k = (bold ? 'b' : 'n') + text;
    let w = cache.get(k);
    if (w === undefined) cache.set(k, (w = Math.ceil(measureRaw(text, bold))));
    return w;
  };

  // The tree, and which edges become badges or are not drawn at all.
  const byId = new Map<string, Node>();
  const build = (box: LayoutBox, parent: Node | undefined, depth: number): Node => {
    const node: Node = { box, children: [], depth, x: 0, y: 0, w: 0, h: 0, overTop: 0, band: 0, onEdge: false, secondary: '', badges: [], ...(parent ? { parent } : {}) };
    node.onEdge = box.kind === 'internetGateway' && parent?.box.kind === 'vpc';
    byId.set(box.id, node);
    node.children = (box.children ?? []).map((c) => build(c, node, depth + 1));
    return node;
  };
  const roots = picture.boxes.map((b) => build(b, undefined, 0));
  const isAncestor = (a: Node, b: Node) => {
    for (let p = b.parent; p; p = p.parent) if (p === a) return true;
    return false;
  };
  const edges: { e: LayoutEdge; a: Node; b: Node }[] = [];
  const fanOut = new Map<string, number>();
  for (const e of picture.edges) if (e.role === 'structure' && e.arrow === '-.-' && sharedKinds.has(byId.get(e.from)?.box.kind as DiagramNodeKind)) fanOut.set(e.from, (fanOut.get(e.from) ?? 0) + 1);
  const shared = new Set([...fanOut].filter(([, n]) => n > maxLines).map(([id]) => id));
  for (const e of picture.edges) {
    const a = byId.get(e.from);
    const b = byId.get(e.to);
    if (!a || !b || a === b || e.role === 'layout') continue;
    // A box and its own container: only a traffic path's hop is drawn (into or out of a boundary).
    if ((isAncestor(a, b) || isAncestor(b, a)) && (e.role === 'structure' || e.role === 'note')) continue;
    if (e.role === 'structure' && a.box.kind === 'securityGroup' && (b.box.kind === 'networkInterface' || b.box.kind === 'instance')) {
      b.badges.push({ text: a.box.title, kind: 'securityGroup' });
      continue;
    }
    // One route table, ACL or key pair shared by many boxes: its name on each of them, not a line to each.
    if (e.role === 'structure' && e.arrow === '-.-' && shared.has(e.from)) {
      b.badges.push({ text: a.box.title, kind: a.box.kind });
      continue;
    }
    // An Elastic IP drawn on its interface: its association and its address are the tab itself.
    if (e.role === 'structure' && a.box.kind === 'elasticIp' && a.parent?.box.kind !== 'region') continue;
    edges.push({ e, a, b });
  }

  // ---- sizes, bottom up -------------------------------------------------------------------------
  const pickSecondary = (box: LayoutBox, container: boolean): string => {
    let mark = '';
    const facts: string[] = [];
    for (const line of box.lines) {
      const m = statusMark.exec(line);
      if (m) mark = m[1]!;
      else if (!line.startsWith('💲')) facts.push(line);
    }
    // A component's first line is its kind; the fact after it (an address, a type) where it is short
    // and telling, else the kind.
    const component = !container && facts.length > 1;
    const order = component ? (factKinds.has(box.kind) ? [...facts.slice(1), facts[0]!] : [facts[0]!]) : facts;
    const fact = order.find((f) => measure(f, false) <= secondaryMax) ?? (component ? facts[0]! : '');
    return [mark, fact].filter(Boolean).join(' ');
  };

  const measureLeaf = (n: Node) => {
    const box = n.box;
    if (box.kind === 'note') {
      n.w = 30;
      n.h = 30;
      return;
    }
    n.secondary = outsideKinds.has(box.kind) ? '' : pickSecondary(box, false);
    const textW = Math.max(measure(box.title, true), n.secondary ? measure(n.secondary, false) : 0);
    const badgeW = n.badges.length ? Math.max(...n.badges.map((b) => measure(b.text, false) + 12)) + card.padX * 2 : 0;
    n.w = Math.max(card.minW, card.textX + textW + 12, badgeW);
    n.h = (n.secondary ? card.h : 40) + n.badges.length * card.badgeH;
  };

  /** Units placed as one: an interface with the Elastic IP on it (a tab under it). */
  interface Unit {
    nodes: Node[];
    w: number;
    h: number;
    overTop: number;
  }
  const unitsOf = (children: Node[]): Unit[] => {
    const units: Unit[] = [];
    for (const c of children) {
      const last = units[units.length - 1];
      const head = last?.nodes[last.nodes.length - 1];
      if (last && c.box.kind === 'elasticIp' && (head?.box.kind === 'networkInterface' || head?.box.kind === 'elasticIp')) {
        c.x = 0;
        c.y = last.h;
        last.nodes.push(c);
        last.w = Math.max(last.w, c.w);
        last.h += c.h;
        continue;
      }
      c.x = 0;
      c.y = 0;
      units.push({ nodes: [c], w: c.w, h: c.h, overTop: c.overTop });
    }
    // The tab spans its interface's width.
    for (const u of units) if (u.nodes.length > 1) for (const n of u.nodes) n.w = u.w;
    return units;
  };

  /** Places units in rows no wider than `target`; returns the content's size. */
  const flow = (units: Unit[], originX: number, originY: number, target: number): { w: number; h: number } => {
    let x = 0;
    let y = 0;
    let rowH = 0;
    let rowOver = 0;
    let width = 0;
    let row: Unit[] = [];
    const finish = () => {
      for (const u of row) for (const n of u.nodes) n.y += originY + y + rowOver;
      y += rowOver + rowH + gap;
      row = [];
      x = 0;
      rowH = 0;
      rowOver = 0;
    };
    for (const u of units) {
      if (row.length && x + u.w > target) finish();
      for (const n of u.nodes) n.x += originX + x;
      x += u.w + gap;
      width = Math.max(width, x - gap);
      rowH = Math.max(rowH, u.h);
      rowOver = Math.max(rowOver, u.overTop);
      row.push(u);
    }
    if (row.length) finish();
    return { w: width, h: Math.max(0, y - gap) };
  };

  const targetWidth = (units: Unit[], allContainers: boolean): number => {
    const widest = Math.max(0, ...units.map((u) => u.w));
    const oneRow = units.reduce((s, u) => s + u.w, 0) + gap * Math.max(0, units.length - 1);
    if (oneRow <= 460 || (allContainers && units.length <= 3 && oneRow <= 1400)) return oneRow;
    const area = units.reduce((s, u) => s + (u.w + gap) * (u.h + gap), 0);
    return Math.max(widest, Math.sqrt(area * 1.6));
  };

  /** Items beside a main block, each level with what it is linked to (a key pair with its instance). */
  const sideColumn = (items: Node[], x: number, top: number, anchorY: (n: Node) => number | undefined): number => {
    const wanted = items.map((n, i) => ({ n, i, y: anchorY(n) ?? -1 }));
    const anchored = wanted.filter((w) => w.y >= 0).sort((a, b) => a.y - b.y || a.i - b.i);
    const rest = wanted.filter((w) => w.y < 0);
    let bottom = top;
    for (const w of [...rest, ...anchored]) {
      w.n.x = x;
      w.n.y = Math.max(w.y, bottom);
      bottom = w.n.y + w.n.h + 12;
    }
    return bottom - 12;
  };

  /** y of `n` relative to `ancestor`'s top (positions are still relative here). */
  const yWithin = (n: Node, ancestor: Node): number | undefined => {
    let y = 0;
    for (let p: Node | undefined = n; p; p = p.parent) {
      if (p === ancestor) return y;
      y += p.y;
    }
    return undefined;
  };
  const linkedInside = (n: Node, block: Node[], origin: Node): number | undefined => {
    let best: number | undefined;
    for (const { a, b } of edges) {
      const other = a === n ? b : b === n ? a : undefined;
      if (!other || !block.some((m) => m === other || isAncestor(m, other))) continue;
      const y = yWithin(other, origin);
      if (y !== undefined && (best === undefined || y < best)) best = y;
    }
    return best;
  };

  const measureContainer = (n: Node) => {
    for (const c of n.children) measureNode(c);
    const box = n.box;
    n.secondary = pickSecondary(box, true);
    const titleW = iconSize + 12 + measure(box.title, true) + (n.secondary ? 10 + measure(n.secondary, false) : 0) + pad + n.badges.reduce((s, b) => s + measure(b.text, false) + 20, 0);
    const edgeKids = n.children.filter((c) => c.onEdge);
    const inner = n.children.filter((c) => !c.onEdge);
    const edgeW = edgeKids.reduce((s, c) => s + c.w + 16, 0);
    // The title, and under it a lane where traffic lines run clear of it.
    n.band = Math.max(titleBand + laneH, ...edgeKids.map((c) => c.h / 2 + 8));
    let content = { w: 0, h: 0 };
    const top = n.band;
    const mainBlock = inner.filter((c) => c.children.length > 0 || c.box.children);
    if (box.kind === 'region' && mainBlock.length > 0 && mainBlock.length < inner.length) {
      // The region: the VPC, and beside it what is regional (key pairs, Elastic IPs).
      const units = unitsOf(mainBlock);
      const main = flow(units, pad, top, targetWidth(units, true));
      const side = inner.filter((c) => !mainBlock.includes(c));
      const sideW = Math.max(...side.map((c) => c.w));
      const bottom = sideColumn(side, pad + main.w + gap, top, (c) => {
        const y = linkedInside(c, mainBlock, n);
        return y === undefined ? undefined : y;
      });
      content = { w: main.w + gap + sideW, h: Math.max(main.h, bottom - top) };
    } else if (inner.length) {
      // Route tables, ACLs and the like first, then the zones, subnets or attachments below them.
      const head = inner.filter((c) => !c.box.children && headKinds.has(c.box.kind));
      const body = inner.filter((c) => !head.includes(c));
      let y = top;
      for (const part of [head, body]) {
        if (!part.length) continue;
        const units = unitsOf(part);
        const size = flow(units, pad, y, targetWidth(units, part.every((c) => !!c.box.children)));
        content = { w: Math.max(content.w, size.w), h: y - top + size.h };
        y += size.h + gap;
      }
    }
    n.w = Math.max(content.w + 2 * pad, titleW + edgeW + 8, 140);
    n.h = top + content.h + pad + (inner.length ? 0 : 8);
    // The gateway sits on the top edge at the right, half outside.
    let ex = n.w - 16;
    for (const c of edgeKids) {
      ex -= c.w;
      c.x = ex;
      c.y = -c.h / 2;
      ex -= 16;
    }
    n.overTop = Math.max(0, ...edgeKids.map((c) => c.h / 2));
  };

  const measureNode = (n: Node) => (n.box.children ? measureContainer(n) : measureLeaf(n));
  for (const r of roots) measureNode(r);

  // ---- the top level: the internet and your PC above, the region, notes beside -----------------
  const outside = roots.filter((r) => outsideKinds.has(r.box.kind));
  const notes = roots.filter((r) => r.box.kind === 'note');
  const main = roots.filter((r) => !outside.includes(r) && !notes.includes(r));
  const outsideH = Math.max(0, ...outside.map((o) => o.h));
  const mainTop = outside.length ? outsideH + 48 : 0;
  const mainUnits = unitsOf(main);
  const mainSize = flow(mainUnits, 0, mainTop, targetWidth(mainUnits, true));
  // Absolute positions.
  const absolute = (n: Node, ox: number, oy: number) => {
    n.x += ox;
    n.y += oy;
    for (const c of n.children) absolute(c, n.x, n.y);
  };
  for (const r of main) absolute(r, 0, 0);
  const igw = [...byId.values()].find((n) => n.onEdge);
  const internet = outside.find((o) => o.box.kind === 'internet');
  const pc = outside.find((o) => o.box.kind === 'pc');
  const centre = igw ? igw.x + igw.w / 2 : mainSize.w / 2;
  if (internet) {
    internet.x = centre - internet.w / 2;
    internet.y = (outsideH - internet.h) / 2;
  }
  let left = internet ? internet.x - 48 : centre;
  for (const o of outside) {
    if (o === internet) continue;
    o.x = left - o.w;
    o.y = (outsideH - o.h) / 2;
    left = o.x - 48;
  }
  void pc;

  // Normalize: the picture starts at the margin. Notes are placed after, at the box each is about.
  const all = [...byId.values()].filter((n) => n.box.kind !== 'note');
  // Nothing to draw (a blueprint with errors shows its notice over an empty picture).
  if (!all.length) return { width: 2 * margin, height: 2 * margin, boxes: [], edges: [], explanations: [] };
  const minX = Math.min(...all.map((n) => n.x), ...all.map((n) => n.x));
  const minY = Math.min(...all.map((n) => n.y));
  for (const n of all) {
    n.x = Math.round(n.x - minX + margin);
    n.y = Math.round(n.y - minY + margin);
    n.w = Math.round(n.w);
    n.h = Math.round(n.h);
  }
  const width = Math.max(...all.map((n) => n.x + n.w)) + margin;
  const height = Math.max(...all.map((n) => n.y + n.h)) + margin;

  // ---- boxes out ----------------------------------------------------------------------------------
  const shown = options.shown;
  const visible = (n: Node) => !shown || shown.has(n.box.name);
  // Container titles: lines may cross them, at a price; labels and marks keep off them.
  const titles: Rect[] = all.filter((n) => n.box.children && visible(n)).map((n) => ({ x: n.x, y: n.y, w: Math.min(n.w, iconSize + 20 + measure(n.box.title, true) + (n.secondary ? 10 + measure(n.secondary, false) : 0)), h: titleBand }));
  for (const note of notes) note.w = note.h = noteSize;
  const iconOf = (box: LayoutBox): string | undefined => {
    if (box.kind === 'availabilityZone' || box.kind === 'note') return undefined;
    if (box.kind === 'subnet' && box.classes.includes('private')) return 'privateSubnet';
    return box.kind;
  };
  const placed: PlacedBox[] = [];
  const walk = (n: Node) => {
    if (visible(n)) {
      const container = !!n.box.children;
      const badgeTop = n.y + n.h - n.badges.length * card.badgeH;
      // On a container the badges follow its title in the band; on a card they stack at its foot.
      let bandX = n.x + (iconOf(n.box) ? 38 : 12) + measure(n.box.title, true) + (n.secondary ? 10 + measure(n.secondary, false) : 0) + 10;
      const badges = n.badges.map((b, i) => {
        const w = measure(b.text, false) + 12;
        if (!container) return { ...b, x: n.x + card.padX, y: badgeTop + i * card.badgeH + 1, w, h: card.badgeH - 2 };
        const at = { ...b, x: bandX, y: n.y + 6, w, h: card.badgeH - 2 };
        bandX += w + 8;
        return at;
      });
      placed.push({
        id: n.box.id,
        key: n.box.name,
        kind: n.box.kind,
        ...(n.parent ? { parent: n.parent.box.name } : {}),
        container,
        depth: n.depth,
        x: n.x,
        y: n.y,
        w: n.w,
        h: n.h,
        title: n.box.kind === 'note' ? noteMark(n) : n.box.title,
        secondary: n.secondary,
        tooltip: [n.box.title, ...n.box.lines].filter(Boolean).join('\n'),
        classes: n.box.classes,
        ...(iconOf(n.box) ? { icon: iconOf(n.box)! } : {}),
        onEdge: n.onEdge,
        badges,
        band: n.band,
      });
    }
    for (const c of n.children) walk(c);
  };
  const noteMark = (n: Node) => String.fromCharCode(65 + notes.indexOf(n));
  for (const r of roots) walk(r);

  // ---- edges, orthogonal, in the gaps -----------------------------------------------------------------
  // (Notes are not in `all`: they are placed last, at their boxes.)
  const obstacles = all.filter((n) => !n.box.children && visible(n));
  /** The drawn containers around `n` that are not around `other` (the frames a line into `n` enters). */
  const framesAround = (n: Node, other: Node): Rect[] => {
    const out: Rect[] = [];
    for (let p = n.parent; p; p = p.parent) if (visible(p) && !isAncestor(p, other) && p !== other) out.push(p);
    return out;
  };
  const routed: PlacedEdge[] = [];
  const explanations: PictureLayout['explanations'] = [];
  let hop = 0;
  for (const { e, a, b } of edges) {
    // A note's letter sits at its box: no line to it.
    if (!visible(a) || !visible(b) || e.role === 'note') continue;
    const path = e.role !== 'structure';
    const titleOf = (n: Node) => titles[all.filter((m) => m.box.children && visible(m)).indexOf(n)];
    // A door on an edge is reached from inside or outside, not along the edge: its half on the line's side.
    const end = (n: Node, other: Node): Rect => (n.onEdge ? (other.y + other.h / 2 < n.y + n.h / 2 ? { x: n.x, y: n.y, w: n.w, h: n.h / 2 } : { x: n.x, y: n.y + n.h / 2, w: n.w, h: n.h / 2 }) : n);
    let points = isAncestor(a, b) ? inward(a, b, titleOf(a)) : isAncestor(b, a) ? inward(b, a, titleOf(b)).reverse() : route(end(a, b), end(b, a), obstacles, titles, framesAround(b, a), framesAround(a, b));
    let marker: PlacedEdge['marker'];
    const label = e.label;
    if (path) {
      hop++;
      // The model numbers the hops: the number goes on the marker, the words to the list.
      const number = String(e.hop ?? hop);
      // Each path in its own lane, so a way back drawn over the way in stays visible.
      const d = e.role === 'inbound' ? -4 : e.role === 'reply' ? 4 : 0;
      points = points.map(([x, y]) => [x + d, y + d] as [number, number]);
      // Placed once every line and label is known (placeMarkers, below).
      marker = { text: number, x: 0, y: 0 };
      explanations.push({ role: e.role, mark: number, text: label ?? '' });
    }
    const edge: PlacedEdge = { from: e.from, to: e.to, role: e.role, arrow: e.arrow, ...(label ? { label } : {}), points, ...(marker ? { marker } : {}) };
    if (!path && e.role === 'structure' && e.arrow === '-.->' && e.label) {
      const w = measure(e.label, false) + 8;
      const at = (f: number): Rect => {
        const [x, y] = pointAlong(points, f);
        return { x: x - w / 2, y: y - 10, w, h: 20 };
      };
      const clear = (r: Rect) => ![...titles, ...obstacles].some((o) => overlaps(r, o));
      const spot = [0.5, 0.35, 0.65, 0.2, 0.8].map(at).find(clear) ?? at(0.5);
      edge.labelBox = { text: e.label, ...spot };
    }
    routed.push(edge);
  }
  // Each note's letter at the box it is about: just outside it, clear of every card, title, label,
  // line and other letter.
  const labels = routed.flatMap((e) => (e.labelBox ? [e.labelBox] : []));
  const lines = routed.flatMap((e) => e.points.slice(1).map((q, i): Rect => {
    const p = e.points[i]!;
    return { x: Math.min(p[0], q[0]) - 3, y: Math.min(p[1], q[1]) - 3, w: Math.abs(q[0] - p[0]) + 6, h: Math.abs(q[1] - p[1]) + 6 };
  }));
  const noteRects: Rect[] = [];
  for (const note of notes) {
    if (!visible(note)) continue;
    const target = edges.find(({ a, b }) => a === note || b === note);
    const about = target ? (target.a === note ? target.b : target.a) : undefined;
    const spot = about ? noteSpot(about, [...obstacles, ...titles, ...labels, ...noteRects], lines, width, height) : undefined;
    const at = spot ?? { x: margin, y: margin };
    noteRects.push({ x: at.x - 2, y: at.y - 2, w: noteSize + 4, h: noteSize + 4 });
    const box = placed.find((b) => b.id === note.box.id);
    if (box) Object.assign(box, at);
  }
  placeMarkers(routed, [...obstacles, ...titles, ...noteRects, ...labels], width, height);
  for (const n of notes) if (visible(n)) explanations.push({ role: 'note', mark: noteMark(n), text: n.box.lines.join(' ') });
  return { width, height, boxes: placed, edges: routed, explanations };
}

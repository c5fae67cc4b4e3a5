// The diagram's own layout: the picture's model (boxes inside boxes, and edges) in, geometry out.
// Pure and deterministic (no DOM): the webview draws from it, the unit tests check it. Containment
// holds by construction: every container is sized from its laid-out children plus padding and a
// title band, and siblings are placed in rows, so nothing overlaps or sticks out. Text widths come
// from a measuring function (the webview's canvas), or a conservative estimate.
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

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
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
/** A container's title band, and the lane under it for lines. */
const titleBand = 30;
const laneH = 14;
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

type Point = [number, number];

const noteSize = 24;

/** Where a note's letter goes: just outside the box it is about (beside its top-right corner first),
 * on no card, title or other letter, inside the picture. */
function noteSpot(box: Rect, hard: Rect[], soft: Rect[], width: number, height: number): { x: number; y: number } | undefined {
  const s = noteSize;
  const spots: [number, number][] = [];
  for (const f of [0, 0.5, 1, 0.25, 0.75]) {
    spots.push([box.x + box.w + 4, box.y + 4 + f * Math.max(0, box.h - s - 8)]);
    spots.push([box.x + box.w - s - 4 - f * Math.max(0, box.w - s - 8), box.y - s - 4]);
    spots.push([box.x + box.w - s - 4 - f * Math.max(0, box.w - s - 8), box.y + box.h + 4]);
    spots.push([box.x - s - 4, box.y + 4 + f * Math.max(0, box.h - s - 8)]);
  }
  // Inside a container, under its title, at the right.
  spots.push([box.x + box.w - s - 6, box.y + titleBand + 2]);
  // Further out, all around it.
  const cx = box.x + box.w / 2 - s / 2;
  const cy = box.y + box.h / 2 - s / 2;
  for (const d of [8, 20, 32, 44, 56])
    for (const [dx, dy] of [[1, 0], [-1, 0], [0, -1], [0, 1], [1, -1], [-1, -1], [1, 1], [-1, 1]] as const) spots.push([cx + dx * (box.w / 2 + s / 2 + d), cy + dy * (box.h / 2 + s / 2 + d)]);
  // Clear of lines too where it can be; of every text and letter always.
  for (const avoid of [[...hard, ...soft], hard])
    for (const [x, y] of spots.map(([x, y]) => [Math.round(x), Math.round(y)] as const)) {
      const r = { x: x - 2, y: y - 2, w: s + 4, h: s + 4 };
      if (r.x < 0 || r.y < 0 || r.x + r.w > width || r.y + r.h > height) continue;
      if (!avoid.some((t) => overlaps(r, t))) return { x, y };
    }
  return undefined;
}

const markerR = 10;
/** A marker's room: its circle, its outline and a pixel more. */
const markerBox = (x: number, y: number): Rect => ({ x: x - markerR - 2, y: y - markerR - 2, w: 2 * markerR + 4, h: 2 * markerR + 4 });

/** Each hop's number on its line, where it covers no text (card, title, edge label) and no other
 * number: the first clear spot from the line's middle outwards, on the line or just beside it. */
function placeMarkers(edges: PlacedEdge[], texts: Rect[], width: number, height: number): void {
  const taken: Rect[] = [];
  const fractions = [0.5, 0.45, 0.55, 0.4, 0.6, 0.35, 0.65, 0.3, 0.7, 0.25, 0.75, 0.2, 0.8, 0.15, 0.85, 0.1, 0.9, 0.05, 0.95];
  for (const e of edges) {
    if (!e.marker) continue;
    // Inbound prefers one side of its line, the reply the other, so both numbers show.
    const prefer = e.role === 'reply' ? 1 : e.role === 'inbound' ? -1 : 0;
    const sides = [prefer * 12, 0, -prefer * 12, 14, -14].filter((v, i, all) => all.indexOf(v) === i);
    let best: { x: number; y: number; score: number } | undefined;
    for (const side of sides) {
      for (const f of e.role === 'reply' ? fractions.map((v) => 1 - v) : fractions) {
        const [px, py, vertical] = pointAlong(e.points, f);
        const x = Math.round(vertical ? px + side : px);
        const y = Math.round(vertical ? py : py + side);
        const r = markerBox(x, y);
        if (r.x < 0 || r.y < 0 || r.x + r.w > width || r.y + r.h > height) continue;
        const score = texts.filter((t) => overlaps(r, t)).length * 10 + taken.filter((t) => overlaps(r, t)).length * 10;
        if (!best || score < best.score) best = { x, y, score };
        if (score === 0) break;
      }
      if (best?.score === 0) break;
    }
    // A short line with no room along it: the nearest clear spot around its middle.
    if (best && best.score > 0) {
      const [mx, my] = pointAlong(e.points, 0.5);
      search: for (const r of [24, 32, 40, 48, 60, 72, 84, 96, 120]) {
        for (const [dx, dy] of [[0, -1], [0, 1], [1, 0], [-1, 0], [1, -1], [-1, -1], [1, 1], [-1, 1], [0.5, -1], [-0.5, -1], [0.5, 1], [-0.5, 1], [1, 0.5], [-1, 0.5], [1, -0.5], [-1, -0.5]] as const) {
          const x = Math.round(mx + dx * r);
          const y = Math.round(my + dy * r);
          const rect = markerBox(x, y);
          if (rect.x < 0 || rect.y < 0 || rect.x + rect.w > width || rect.y + rect.h > height) continue;
          if (![...texts, ...taken].some((t) => overlaps(rect, t))) {
            best = { x, y, score: 0 };
            break search;
          }
        }
      }
    }
    const at = best ?? { x: e.points[0]![0], y: e.points[0]![1] };
    e.marker = { ...e.marker, x: at.x, y: at.y };
    taken.push(markerBox(at.x, at.y));
  }
}

const contains = (outer: Rect, inner: Rect) => inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.w <= outer.x + outer.w && inner.y + inner.h <= outer.y + outer.h;
const overlaps = (a: Rect, b: Rect) => Math.min(a.x + a.w, b.x + b.w) > Math.max(a.x, b.x) && Math.min(a.y + a.h, b.y + b.h) > Math.max(a.y, b.y);

/** A hop from a container into a box inside it: down from the container's top edge, clear of its
 * title; or, where the title is in the way, in from the container's left edge. */
function inward(outer: Rect, inner: Rect, title: Rect | undefined): Point[] {
  const x = Math.round(Math.max(inner.x + inner.w * 0.6, (title ? title.x + title.w : 0) + 12));
  if (x < inner.x + inner.w - 12)
    return [
      [x, outer.y],
      [x, inner.y],
    ];
  const y = Math.round(inner.y + inner.h / 2);
  return [
    [outer.x, y],
    [inner.x, y],
  ];
}


/** Whether an axis-aligned segment passes through the inside of a rectangle. */
function cuts(p: Point, q: Point, r: Rect): boolean {
  const x1 = Math.min(p[0], q[0]);
  const x2 = Math.max(p[0], q[0]);
  const y1 = Math.min(p[1], q[1]);
  const y2 = Math.max(p[1], q[1]);
  return x2 > r.x + 1 && x1 < r.x + r.w - 1 && y2 > r.y + 1 && y1 < r.y + r.h - 1;
}

/** An orthogonal route from box a to box b: the candidate (straight, Z or L) through the fewest boxes, then the shortest. */
/** Routes from `a` down (or up) into `b` that enter each frame around `b` from its side, along the
 * lane under its title, rather than across the title: out of `a`, along a lane (or midway), down the
 * gap beside the frame, into its lane, and into `b`. */
function viaLanes(a: Rect, b: Rect, frames: Rect[], titles: Rect[]): Point[][] {
  const below = b.y >= a.y + a.h;
  if (!below && b.y + b.h > a.y) return [];
  const ay = below ? a.y + a.h : a.y;
  const by = below ? b.y : b.y + b.h;
  const acx = a.x + a.w / 2;
  const bcx = b.x + b.w / 2;
  const between = (y: number, lo: number, hi: number) => y > Math.min(lo, hi) + 4 && y < Math.max(lo, hi) - 4;
  const out: Point[][] = [];
  for (const f of frames) {
    const lane2 = f.y + titleBand + laneH / 2;
    if (!between(lane2, ay, by)) continue;
    const edge = below ? f.y : f.y + f.h;
    const firsts = [(ay + edge) / 2, ...titles.map((t) => t.y + titleBand + laneH / 2).filter((y) => between(y, ay, edge))];
    for (const lane1 of firsts)
      for (const xg of [f.x - 7, f.x + f.w + 7])
        out.push([
          [acx, ay],
          [acx, lane1],
          [xg, lane1],
          [xg, lane2],
          [bcx, lane2],
          [bcx, by],
        ]);
  }
  return out;
}

function route(a: Rect, b: Rect, obstacles: Rect[], titles: Rect[], aroundB: Rect[] = [], aroundA: Rect[] = []): Point[] {
  const A = a;
  const B = b;
  const acx = A.x + A.w / 2;
  const acy = A.y + A.h / 2;
  const bcx = B.x + B.w / 2;
  const bcy = B.y + B.h / 2;
  const candidates: Point[][] = [];
  const below = B.y >= A.y + A.h;
  const above = B.y + B.h <= A.y;
  const right = B.x >= A.x + A.w;
  const leftOf = B.x + B.w <= A.x;
  const ox1 = Math.max(A.x, B.x);
  const ox2 = Math.min(A.x + A.w, B.x + B.w);
  const oy1 = Math.max(A.y, B.y);
  const oy2 = Math.min(A.y + A.h, B.y + B.h);
  if (below || above) {
    const ay = below ? A.y + A.h : A.y;
    const by = below ? B.y : B.y + B.h;
    if (ox2 - ox1 > 8) {
      const x = (ox1 + ox2) / 2;
      candidates.push([[x, ay], [x, by]]);
    }
    const ym = (ay + by) / 2;
    candidates.push([[acx, ay], [acx, ym], [bcx, ym], [bcx, by]]);
    // Along the lane under a container's title, between the two ends.
    for (const t of titles) {
      const lane = t.y + titleBand + laneH / 2;
      if (lane > Math.min(ay, by) + 4 && lane < Math.max(ay, by) - 4) candidates.push([[acx, ay], [acx, lane], [bcx, lane], [bcx, by]]);
    }
    candidates.push([[acx, ay], [acx, bcy], [bcx < acx ? B.x + B.w : B.x, bcy]]);
    // Into b from above or below at other points of its side, clear of titles on the way.
    for (const f of [0.2, 0.8]) {
      const x = B.x + B.w * f;
      if (x < A.x || x > A.x + A.w) candidates.push([[x < acx ? A.x : A.x + A.w, acy], [x, acy], [x, by]]);
    }
  }
  if (right || leftOf) {
    const ax = right ? A.x + A.w : A.x;
    const bx = right ? B.x : B.x + B.w;
    if (oy2 - oy1 > 8) {
      const y = (oy1 + oy2) / 2;
      candidates.push([[ax, y], [bx, y]]);
    }
    const xm = (ax + bx) / 2;
    candidates.push([[ax, acy], [xm, acy], [xm, bcy], [bx, bcy]]);
    candidates.push([[ax, acy], [bcx, acy], [bcx, bcy < acy ? B.y + B.h : B.y]]);
    for (const f of [0.2, 0.8]) {
      const x = B.x + B.w * f;
      candidates.push([[ax, acy], [x, acy], [x, bcy < acy ? B.y + B.h : B.y]]);
    }
  }
  if (below || above) {
    // Down (or up) a clear column beside the container titles in the way, then across into b.
    const ay = below ? A.y + A.h : A.y;
    for (const t of titles) {
      const x = t.x + t.w + 8;
      if (x <= A.x + 4 || x >= A.x + A.w - 4 || (x > B.x && x < B.x + B.w)) continue;
      candidates.push([[x, ay], [x, bcy], [x < B.x ? B.x : B.x + B.w, bcy]]);
    }
  }
  candidates.push(...viaLanes(A, B, aroundB, titles), ...viaLanes(B, A, aroundA, titles).map((c) => c.reverse()));
  if (!candidates.length) {
    // One box inside the other's span (a box and a container around it): leave from the nearer side.
    const down = bcy >= acy;
    candidates.push([[acx, down ? A.y + A.h : A.y], [acx, down ? B.y : B.y + B.h]]);
    candidates.push([[acx < bcx ? A.x + A.w : A.x, acy], [acx < bcx ? B.x : B.x + B.w, acy]]);
  }
  const cost = (c: Point[]): { cost: number; hits: number } => {
    let hits = 0;
    for (const o of obstacles) {
      if (contains(o, A) || contains(o, B)) continue; // an end (or the box whose half is an end)
      for (let i = 0; i + 1 < c.length; i++)
        if (cuts(c[i]!, c[i + 1]!, o)) {
          hits++;
          break;
        }
    }
    let crossed = 0;
    for (const t of titles) for (let i = 0; i + 1 < c.length; i++) if (cuts(c[i]!, c[i + 1]!, t)) crossed++;
    let length = 0;
    for (let i = 0; i + 1 < c.length; i++) length += Math.abs(c[i + 1]![0] - c[i]![0]) + Math.abs(c[i + 1]![1] - c[i]![1]);
    return { cost: hits * 10_000 + crossed * 2000 + length + c.length * 15, hits };
  };
  let best = candidates[0]!;
  let bestCost = { cost: Infinity, hits: Infinity };
  const consider = (list: Point[][]) => {
    for (const c of list) {
      const k = cost(c);
      if (k.cost < bestCost.cost) {
        bestCost = k;
        best = c;
      }
    }
  };
  consider(candidates);
  if (bestCost.hits > 0) {
    // Detours: out of the top or bottom of each end, along the gap just above or below a box in
    // the way, and into the other end from the same side.
    const detours: Point[][] = [];
    for (const o of obstacles) {
      if (contains(o, A) || contains(o, B) || !best.some((p, i) => i > 0 && cuts(best[i - 1]!, p, o))) continue;
      for (const y of [o.y - 12, o.y + o.h + 12]) {
        if ((y > A.y && y < A.y + A.h) || (y > B.y && y < B.y + B.h)) continue;
        detours.push([[acx, y < A.y ? A.y : A.y + A.h], [acx, y], [bcx, y], [bcx, y < B.y ? B.y : B.y + B.h]]);
      }
    }
    consider(detours);
  }
  return best.map(([x, y]) => [Math.round(x), Math.round(y)] as Point);
}

/** The point a fraction of the way along a polyline, and whether its segment there is vertical. */
function pointAlong(points: Point[], fraction: number): [number, number, boolean] {
  let total = 0;
  for (let i = 0; i + 1 < points.length; i++) total += Math.hypot(points[i + 1]![0] - points[i]![0], points[i + 1]![1] - points[i]![1]);
  let left = total * fraction;
  for (let i = 0; i + 1 < points.length; i++) {
    const p = points[i]!;
    const q = points[i + 1]!;
    const l = Math.hypot(q[0] - p[0], q[1] - p[1]);
    if (left <= l && l > 0) return [p[0] + ((q[0] - p[0]) * left) / l, p[1] + ((q[1] - p[1]) * left) / l, p[0] === q[0]];
    left -= l;
  }
  const last = points[points.length - 1] ?? [0, 0];
  return [last[0], last[1], false];
}

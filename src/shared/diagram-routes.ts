// The lines of the picture: an orthogonal route between two placed boxes, chosen among straight, Z
// and L candidates (and lanes under container titles) by the fewest boxes and titles crossed, then
// the shortest. Pure; diagram-layout.ts calls it once every box is placed.
import { contains, laneH, titleBand, type Point, type Rect } from './diagram-geometry';

/** A hop from a container into a box inside it: down from the container's top edge, clear of its
 * title; or, where the title is in the way, in from the container's left edge. */
export function inward(outer: Rect, inner: Rect, title: Rect | undefined): Point[] {
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

/** An orthogonal route from box a to box b: the candidate (straight, Z or L) through the fewest boxes, then the shortest. */
export function route(a: Rect, b: Rect, obstacles: Rect[], titles: Rect[], aroundB: Rect[] = [], aroundA: Rect[] = []): Point[] {
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

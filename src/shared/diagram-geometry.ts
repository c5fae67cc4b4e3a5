// Geometry the picture's layout shares between placing boxes (diagram-layout.ts), routing lines
// (diagram-routes.ts) and placing hop numbers and notes (diagram-marks.ts): rectangles, points and
// the size of a container's title band.

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export type Point = [number, number];

/** A container's title band, and the lane under it for lines. */
export const titleBand = 30;
export const laneH = 14;

export const contains = (outer: Rect, inner: Rect) => inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.w <= outer.x + outer.w && inner.y + inner.h <= outer.y + outer.h;
export const overlaps = (a: Rect, b: Rect) => Math.min(a.x + a.w, b.x + b.w) > Math.max(a.x, b.x) && Math.min(a.y + a.h, b.y + b.h) > Math.max(a.y, b.y);

/** The point a fraction of the way along a polyline, and whether its segment there is vertical. */
export function pointAlong(points: Point[], fraction: number): [number, number, boolean] {
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

// The marks placed on the picture after its lines: each note's letter beside the box it is about,
// and each traffic hop's number on its line, where they cover no text and no other mark. Pure;
// diagram-layout.ts calls it last.
import { overlaps, pointAlong, titleBand, type Point, type Rect } from './diagram-geometry';
import type { PathRole } from './protocol';

/** A line that may carry a hop's number (a PlacedEdge of diagram-layout.ts). */
interface MarkedLine {
  role: PathRole;
  points: Point[];
  marker?: { text: string; x: number; y: number };
}

export const noteSize = 24;

/** Where a note's letter goes: just outside the box it is about (beside its top-right corner first),
 * on no card, title or other letter, inside the picture. */
export function noteSpot(box: Rect, hard: Rect[], soft: Rect[], width: number, height: number): { x: number; y: number } | undefined {
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
export function placeMarkers(edges: MarkedLine[], texts: Rect[], width: number, height: number): void {
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

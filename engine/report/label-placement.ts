/**
 * Names written beside the dots of a scatter chart without running into one another or out of the
 * frame: Plot has no collision avoidance, and two plans with close figures wrote their names over each
 * other. Works in pixels; the caller turns each label's vertical offset back into its scale.
 */

/** A dot at (x, y) pixels and the label to write beside it. */
export interface LabelPoint {
  x: number;
  y: number;
  text: string;
}

/** Where a label goes: left or right of its dot (`anchor` start: right of it) and how far above (−) or below (+) its dot's centre, in pixels. */
export interface Placement {
  anchor: "start" | "end";
  dy: number;
}

/** The frame labels must stay in, in pixels. */
export interface Frame {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

const GAP = 8; // between a dot and its label
const LINE = 13; // a label's height at 11 px, with a little air
const CHAR = 6.6; // an average character's width at 11 px in system-ui (a generous guess: names are short)

interface Box { x0: number; x1: number; y0: number; y1: number }
const overlaps = (a: Box, b: Box) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

/**
 * Each label right of its dot (left of it when it would leave the frame), `offset` pixels below its
 * centre (above, when negative: clear of a horizontal line through the dot), else moved up or down by
 * whole lines, nearest first, until it overlaps no label placed before it and no other dot. Labels are
 * placed top to bottom; a label that finds no free place within six lines keeps the nearest in-frame one.
 * @example placeLabels([{ x: 100, y: 50, text: "lifecycle" }, { x: 104, y: 52, text: "lifecycle-capped" }], { left: 0, right: 480, top: 0, bottom: 300 })
 * // [{ anchor: "start", dy: -13 }, { anchor: "start", dy: 0 }]: the first name moved off the second dot
 */
export function placeLabels(points: LabelPoint[], frame: Frame, offset = 0): Placement[] {
  const dots: Box[] = points.map((p) => ({ x0: p.x - 5, x1: p.x + 5, y0: p.y - 5, y1: p.y + 5 }));
  const placed: Box[] = [];
  const out: Placement[] = new Array(points.length);
  const order = points.map((_, i) => i).sort((a, b) => points[a].y - points[b].y || points[a].x - points[b].x);
  for (const i of order) {
    const p = points[i], width = CHAR * p.text.length;
    const anchor = p.x + GAP + width <= frame.right || p.x - GAP - width < frame.left ? "start" : "end";
    const x0 = anchor === "start" ? p.x + GAP : p.x - GAP - width;
    const boxAt = (dy: number): Box => ({ x0, x1: x0 + width, y0: p.y + dy - LINE / 2, y1: p.y + dy + LINE / 2 });
    const inFrame = (b: Box) => b.y0 >= frame.top - 2 && b.y1 <= frame.bottom + 2;
    const free = (b: Box) => !placed.some((q) => overlaps(b, q)) && !dots.some((d, j) => j !== i && overlaps(b, d));
    const tries = [0, ...Array.from({ length: 6 }, (_, k) => [(k + 1) * LINE, -(k + 1) * LINE]).flat()].map((t) => t + offset);
    const dy = tries.find((t) => inFrame(boxAt(t)) && free(boxAt(t))) ?? tries.find((t) => inFrame(boxAt(t))) ?? offset;
    placed.push(boxAt(dy));
    out[i] = { anchor, dy };
  }
  return out;
}

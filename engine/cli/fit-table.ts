/**
 * A metrics × plans table for the terminal that fits a given width (120 columns by default): each
 * cell's mean on one line and its 95 % interval on the next, and when the plans still do not fit, the
 * plan columns are split into several tables that each repeat the metric column (wrap, not truncate).
 */
import type { Interval } from "../compare/intervals.ts";
import { signedText } from "../report/html.ts";

export interface Column {
  name: string;
  cells: (Interval | null)[]; // one per row
}

const cellLines = (v: Interval | null, f: (x: number) => string, signed: boolean): [string, string] => {
  if (!v) return ["n/a", ""];
  const g = signedText(f, signed); // a value that rounds to zero prints "0", not "-0" or "+0"
  return [g(v.mean), v.lo === null || v.hi === null || v.lo === v.hi ? "" : `[${g(v.lo)}, ${g(v.hi)}]`];
};

/** The rendered text, every line at most `width` characters when a single plan column fits at all. */
export function fitTable(labels: [string, (x: number) => string][], columns: Column[], o: { width?: number; signed?: boolean } = {}): string {
  const width = o.width ?? 120, signed = o.signed ?? false;
  const rendered = columns.map((col) => ({
    name: col.name,
    lines: col.cells.map((v, i) => cellLines(v, labels[i][1], signed)),
  }));
  const labelWidth = Math.max(...labels.map(([l]) => l.length));
  const colWidth = (c: typeof rendered[number]) => Math.max(c.name.length, ...c.lines.flat().map((s) => s.length));
  // greedy: as many plan columns per table as fit beside the label column (2 spaces between columns)
  const groups: typeof rendered[] = [];
  let current: typeof rendered = [], used = labelWidth;
  for (const c of rendered) {
    const w = colWidth(c) + 2;
    if (current.length && used + w > width) groups.push(current), current = [], used = labelWidth;
    current.push(c), used += w;
  }
  if (current.length) groups.push(current);
  return groups.map((g) => {
    const widths = g.map(colWidth);
    // the label column left-aligned, every figure right-aligned, no trailing spaces
    const line = (label: string, cells: string[]) => [label.padEnd(labelWidth), ...cells.map((x, j) => x.padStart(widths[j]))].join("  ").trimEnd();
    const out = [line("", g.map((c) => c.name)), line("-".repeat(labelWidth), widths.map((w) => "-".repeat(w)))];
    labels.forEach(([label], i) => {
      out.push(line(label, g.map((c) => c.lines[i][0])));
      if (g.some((c) => c.lines[i][1])) out.push(line("", g.map((c) => c.lines[i][1])));
    });
    return out.join("\n");
  }).join("\n\n");
}

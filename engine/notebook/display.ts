/**
 * Rich output for notebooks (Deno's Jupyter kernel): `show(x)` returns an object the kernel displays
 * as HTML — an arquero table as an HTML table, Plot options or an SVG string as a chart (SVG inside
 * HTML, so it survives `jupyter nbconvert --to html`), a plain object as a two-column table. Outside Jupyter the same objects print as text.
 *
 * @example show(dailyTable(run))          // last expression of a cell: an HTML table
 * @example show({ title: "Contacts per day", marks: [Plot.lineY(dailyTable(run).objects(), { x: (d: any) => new Date(d.date), y: "contacts" })] })
 */
import * as aq from "arquero";
import type { PlotOptions } from "@observablehq/plot";
import { renderFigure } from "../charts/render.ts";

const DISPLAY = Symbol.for("Jupyter.display");
const STYLE = `<style>.cadence-table td,.cadence-table th{padding:2px 8px;text-align:right}
.cadence-table td:first-child,.cadence-table th:first-child{text-align:left}</style>`;

export interface Displayable {
  [DISPLAY](): Record<string, string>;
  toString(): string;
}

function displayable(bundle: Record<string, string>, text: string): Displayable {
  return { [DISPLAY]: () => ({ "text/plain": text, ...bundle }), toString: () => text };
}

type Table = { numRows(): number; numCols(): number; columnNames(): string[] };
const isTable = (x: unknown): x is aq.ColumnTable => !!x && typeof (x as Table).numRows === "function" && typeof (x as Table).columnNames === "function";

/**
 * Displays a table (first `limit` rows), a chart (Plot options or SVG markup) or a record.
 * @example show(dailyTable(result.run), { limit: 5, title: "First days" })
 */
export function show(x: unknown, o: { limit?: number; title?: string } = {}): Displayable {
  const title = o.title ? `<h4>${o.title.replace(/[<&]/g, (c) => (c === "<" ? "&lt;" : "&amp;"))}</h4>` : "";
  if (isTable(x)) {
    const limit = o.limit ?? 20;
    const html = aq.toHTML(x, { limit, format: formats(x) }).replace("<table", `<table class="cadence-table"`);
    const more = x.numRows() > limit ? `<p><i>${x.numRows().toLocaleString("en-US")} rows; first ${limit} shown</i></p>` : "";
    return displayable({ "text/html": `${STYLE}${title}${html}${more}` }, `${x.numRows()} rows × ${x.numCols()} columns: ${x.columnNames().join(", ")}`);
  }
  // Charts go out as HTML wrapping the SVG: Debian's nbconvert 6.5 drops image/svg+xml outputs from its
  // HTML export (jupyter/nbconvert#1849) but keeps inline <svg> in text/html. The SVG stays beside it
  // for front ends and exporters that prefer an image (PDF, JupyterLab's image viewer).
  if (typeof x === "string" && x.trimStart().startsWith("<svg")) return displayable({ "text/html": chart(title + x), "image/svg+xml": x }, "[chart]");
  if (x && typeof x === "object" && Array.isArray((x as PlotOptions).marks)) {
    return displayable({ "text/html": chart(title + renderFigure(x as PlotOptions)) }, "[chart]");
  }
  if (x && typeof x === "object") {
    const rows = Object.entries(x as Record<string, unknown>).map(([k, v]) => ({ field: k, value: typeof v === "object" ? JSON.stringify(v) : v }));
    return show(aq.from(rows), { ...o, limit: o.limit ?? 100 });
  }
  return displayable({ "text/plain": String(x) }, String(x));
}

/** The wrapper every chart has in HTML: a class a test (or a style sheet) can find. */
export const CHART_CLASS = "cadence-chart";
const chart = (html: string) => `<div class="${CHART_CLASS}">${html}</div>`;

/** Number formats: thousands separators; two decimals for a number that is not whole. */
function formats(t: aq.ColumnTable): Record<string, (v: unknown) => string> {
  const out: Record<string, (v: unknown) => string> = {};
  const fmt = (v: unknown) =>
    typeof v === "number"
      ? v.toLocaleString("en-US", Number.isInteger(v) ? { maximumFractionDigits: 0 } : { minimumFractionDigits: 2, maximumFractionDigits: 2 })
      : String(v ?? "");
  for (const name of t.columnNames()) out[name] = fmt;
  return out;
}

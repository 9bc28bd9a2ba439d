/**
 * Observable Plot rendered without a browser: linkedom supplies the `document`, the result is an SVG
 * string that can be written to a file, inlined into HTML or displayed in a notebook.
 */
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";

/** Renders Plot options to standalone SVG markup. @example renderSvg({ marks: [Plot.dot(rows, { x: "a", y: "b" })] }) */
interface Node {
  tagName: string;
  outerHTML: string;
  querySelector(s: string): Node | null;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  ownerDocument: { createElementNS(ns: string, tag: string): Node & { textContent: string } };
  prepend(n: Node): void;
}

function plot(options: Plot.PlotOptions): Node {
  const { document } = parseHTML("<!doctype html><html><body></body></html>") as unknown as { document: unknown };
  // a chart's text alternative: its title, unless the caller gave one (a screen reader named none)
  const ariaLabel = options.ariaLabel ?? (options.title ? String(options.title) : undefined);
  return Plot.plot({ ...options, ...(ariaLabel ? { ariaLabel } : {}), document } as Plot.PlotOptions) as unknown as Node;
}

/**
 * Standalone SVG markup (a file of its own): Plot's HTML title, subtitle and legends are not SVG, so a
 * title becomes a text mark in the top margin and the SVG's <title> (its text alternative), and legends
 * are left out (say it in the marks instead).
 * @example writeFileSync("daily.svg", renderSvg({ title: "Contacts a day", marks: [Plot.lineY(dailyTable(result.run).objects(), { x: "date", y: "contacts" })] }))
 */
export function renderSvg(options: Plot.PlotOptions): string {
  const { title, subtitle, caption, ...rest } = options;
  const marks = [...(rest.marks ?? [])];
  let marginTop = rest.marginTop ?? 20;
  if (title) {
    marginTop += subtitle ? 44 : 28;
    marks.push(Plot.text([String(title)], { frameAnchor: "top-left", dy: -(marginTop - 14), fontSize: 15, fontWeight: "bold", textAnchor: "start" }));
    if (subtitle) marks.push(Plot.text([String(subtitle)], { frameAnchor: "top-left", dy: -(marginTop - 34), fontSize: 11, fill: "#555", textAnchor: "start" }));
  }
  void caption;
  const color = rest.color ? { ...rest.color as object, legend: false } : undefined;
  const svg = plot({ ...rest, marks, marginTop, ...(color ? { color } : {}) });
  svg.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  if (title) {
    // the file's text alternative, as a viewer or screen reader names it (an aria-label given stays too)
    const t = svg.ownerDocument.createElementNS("http://www.w3.org/2000/svg", "title");
    t.textContent = String(title);
    svg.prepend(t);
  }
  svg.setAttribute("style", `${svg.getAttribute("style") ?? ""};background:white`);
  return svg.outerHTML;
}

/**
 * Plot's own output (an <svg>, or a <figure> with title and legends) as HTML, for pages and notebooks.
 * @example show(renderFigure({ color: { legend: true }, marks: [Plot.lineY(dailyTable(result.run).objects(), { x: "date", y: "contacts" })] }))
 */
export function renderFigure(options: Plot.PlotOptions): string {
  return plot(options).outerHTML;
}

/**
 * A self-contained HTML page (inline CSS, no scripts, nothing fetched).
 * @example writeFileSync("chart.html", htmlPage("Contacts", renderFigure({ marks: [Plot.lineY([3, 1, 2])] })))
 */
export function htmlPage(title: string, body: string): string {
  const esc = title.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc}</title>
<style>body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222;padding:0 1rem}
table{border-collapse:collapse;margin:1rem 0}td,th{padding:.25rem .6rem;border-bottom:1px solid #ddd;text-align:right}
th{background:#f6f6f6}td:first-child,th:first-child{text-align:left}h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
figure{margin:1rem 0}figcaption{color:#555;font-size:.9rem}</style></head>
<body>${body}</body></html>
`;
}

export { Plot };

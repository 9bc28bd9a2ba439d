/**
 * The sweep's HTML page: the frontier chart, then the variants' table formatted like the comparison
 * report's (thousands separators, readable headers, each mean with its 95 % interval under it), then
 * each variant's paired difference against the first. Self-contained, sized to fit a 1,000 px window.
 */
import type { Metric } from "../compare/compare.ts";
import { cell, CSS, esc, fixed, n0, n2, relativeHref } from "../report/html.ts";
import { noKnee, type SweepResult } from "./sweep.ts";

type Row = [string, Metric, (x: number) => string, 1 | -1 | 0];
const f2 = (x: number) => n2.format(x), i0 = (x: number) => n0.format(x);

/** The page's columns: header (short enough to wrap in two lines), metric, format, more is better. Reach and the rest are in the CSV files. */
export const SWEEP_COLUMNS: Row[] = [
  ["contacts", "contacts", i0, 0],
  ["contacts per customer-week", "contactsPerCustomerWeek", fixed(2), -1],
  ["unsub&shy;scribes", "unsubscribes", i0, -1],
  ["complaints", "complaints", i0, -1],
  ["incremental revenue (${cur})", "incrementalRevenue", i0, 1],
  ["incremental margin (${cur})", "incrementalMargin", i0, 1],
  ["cost (${cur})", "cost", i0, -1],
  ["ROI", "roi", f2, 1],
];

// printed, the table's cells keep the report's print size: at their screen size the ROI column ran off A4
const PAGE_CSS = `${CSS}
table.sweep{width:100%;table-layout:auto}table.sweep th{font-size:.8rem;line-height:1.2;vertical-align:bottom}
table.sweep td:first-child{white-space:normal;min-width:8rem;max-width:13rem}table.sweep td{font-size:.85rem;padding:.3rem .45rem}
table.sweep th{padding:.3rem .45rem}table.sweep .ci{font-size:.75rem}
.tag{font-size:.75rem;color:#fff;border-radius:3px;padding:0 .3rem;margin-left:.3rem}.knee{background:#d62728}.frontier{background:#1f77b4}
figure svg{max-width:100%;height:auto}
@media print{table.sweep td,table.sweep th{font-size:inherit;padding:.2rem .25rem}table.sweep td:first-child{min-width:0}}`;

function table(r: SweepResult, currency: string, difference: boolean): string {
  const head = `<tr><th>variant</th>${SWEEP_COLUMNS.map(([h]) => `<th>${h.replace("${cur}", esc(currency))}</th>`).join("")}</tr>`;
  const body = r.variants.map((v, i) => {
    const tag = v.knee ? `<span class="tag knee">knee</span>` : v.frontier ? `<span class="tag frontier">frontier</span>` : "";
    const cells = SWEEP_COLUMNS.map(([, m, f, better]) => (difference ? (i === 0 ? `<td class="na">—</td>` : cell(v.difference[m], f, true, better)) : cell(v.metrics[m], f)));
    return `<tr><td>${esc(v.label)}${tag}</td>${cells.join("")}</tr>`;
  }).join("\n");
  return `<table class="sweep">${head}\n${body}</table>`;
}

/** @example writeFileSync("frontier.html", sweepPage(result, "lifecycle-capped", svg, "EUR")) */
export function sweepPage(r: SweepResult, planName: string, svg: string, currency: string, links: string[] = []): string {
  const reps = r.replications;
  const lead = reps > 1
    ? `Every variant ran on the same customers with the same random numbers, over ${reps} seeds (${r.seeds[0]}–${r.seeds[reps - 1]}): figures are means, the grey line under each its 95 % interval (Student t).`
    : `Every variant ran on the same customers with the same random numbers, one seed (${r.seeds[0]}): means only; run with <code>--replications 5</code> for intervals.`;
  const why = noKnee(r.variants), kneeNote = why ? ` No knee is marked: ${why}.` : "";
  const csv = links.length ? `<p class="note">Tables as CSV: ${links.map((l) => `<a href="${esc(relativeHref(l))}">${esc(l)}</a>`).join(", ")}.</p>` : "";
  const body = `<h1>${esc(planName)}: sweep</h1>
<p class="lead">${lead} Incremental figures are against the no-plan baseline of the same seed.${kneeNote}</p>
<figure>${svg}</figure>
<h2>Variants</h2>${table(r, currency, false)}
${reps > 1 ? `<h2>Paired differences against ${esc(r.variants[0].label)}</h2><p class="explain">Each variant minus the first, seed by seed, then averaged. Green: better with 95 % confidence; red: worse; white: not distinguishable, or the same in every seed (no spread, so no evidence either way).</p>${table(r, currency, true)}` : ""}
${csv}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(planName)} sweep</title>
<style>${PAGE_CSS}</style></head>
<body>${body}</body></html>
`;
}

/**
 * The comparison report's per-program contributions (issue 11 #12; engine/compare/contributions.ts):
 * for each plan, what each program adds once the pressure rules arbitrate — the plan with it minus the
 * plan without it, on common random numbers — as a chart of incremental margin with 95 % intervals and
 * a table with unsubscribes and contacts; then the library templates missing from the plan that would
 * add the most. Opt-in (`cadence compare --report … --contributions`): it costs one run per program
 * and per library template, per replication.
 */
import type { Contributions } from "../compare/contributions.ts";
import type { Interval } from "../compare/intervals.ts";
import { Plot, renderFigure } from "../charts/render.ts";
import { cell, clearsZero, esc, n0, n2, signedText, spanText } from "./html.ts";
import { namesAxis } from "./charts.ts";

/** One plan's contributions, as the report shows them. */
export interface PlanContributions {
  plan: string; // the plan's name in the comparison
  result: Contributions;
}

/** How many missing library templates the report lists per plan (the best by margin per contact). */
export const TOP_MISSING = 5;

const signed = (f: (x: number) => string) => signedText(f, true);

// the tables' rule for colour (html.ts clearsZero): a dot coloured by the sign of its mean alone called noise a gain
const certainty = clearsZero;
const DOT = { above: "#2ca02c", below: "#d62728", either: "#999999" } as const;

/** How many programs the chart's text alternative names (the most margin first); the table under the chart has them all. */
export const TOP_SPOKEN = 5;

/**
 * The chart's text alternative: what it shows, then its figures as the table writes them (signed, whole,
 * with the 95 % interval), the programs adding the most first, and in words what the dot's colour says.
 * It named no figure: a screen reader heard what the chart was, never what it showed.
 */
function marginText(p: PlanContributions, currency: string): string {
  const f = signed((x) => n0.format(x)), ranked = [...p.result.programs].sort((a, b) => b.incrementalMargin.mean - a.incrementalMargin.mean || a.id.localeCompare(b.id));
  const side = { above: ", above zero with 95 % confidence", below: ", below zero with 95 % confidence", either: "" } as const;
  const spoken = ranked.slice(0, TOP_SPOKEN).map((r) => `${r.id}: ${f(r.incrementalMargin.mean)} ${currency}${spanText(r.incrementalMargin, f)}${side[certainty(r.incrementalMargin)]}`);
  const more = ranked.length > TOP_SPOKEN ? `; ${ranked.length - TOP_SPOKEN} more in the table` : "";
  return `marginal incremental margin of each program (${currency}), mean and 95 % interval: ${p.plan}; the most first: ${spoken.join("; ")}${more}`;
}

/** Each program's marginal incremental margin: mean (dot) and 95 % interval (bar), zero marked; the dot green or red only when the interval excludes zero. */
function marginChart(p: PlanContributions, currency: string): string {
  const rows = p.result.programs.map((r) => ({ program: r.id, certainty: certainty(r.incrementalMargin), mean: r.incrementalMargin.mean, lo: r.incrementalMargin.lo ?? r.incrementalMargin.mean, hi: r.incrementalMargin.hi ?? r.incrementalMargin.mean }));
  if (!rows.length) return "";
  return renderFigure({
    ariaLabel: marginText(p, currency),
    width: 1000,
    height: 50 + 24 * rows.length,
    marginLeft: 170,
    marginRight: 30,
    grid: true,
    x: { label: `marginal incremental margin (${currency}) →`, nice: true },
    y: { domain: rows.map((r) => r.program) },
    marks: [
      namesAxis(Plot.axisY, 170),
      Plot.ruleX([0], { stroke: "#888" }),
      Plot.ruleY(rows, { y: "program", x1: "lo", x2: "hi", stroke: "#1f77b4", strokeWidth: 3, strokeOpacity: 0.5 }),
      Plot.dot(rows, { y: "program", x: "mean", fill: (d: { certainty: keyof typeof DOT }) => DOT[d.certainty], r: 4.5 }),
    ],
  });
}

const ivCell = (v: Interval, f: (x: number) => string, better: 1 | -1) => cell(v, f, true, better);

function programsTable(p: PlanContributions): string {
  const rows = p.result.programs.map((r) =>
    `<tr><td>${esc(r.id)}</td><td>${n0.format(r.contacts)}</td>${ivCell(r.incrementalMargin, (x) => n0.format(x), 1)}${ivCell(r.unsubscribes, (x) => n0.format(x), -1)}<td>${r.contacts > 0 ? signed((x) => n2.format(x))(r.incrementalMargin.mean / r.contacts) : "n/a"}</td></tr>`
  ).join("\n");
  return `<table><tr><th>program</th><th>contacts</th><th>incremental margin</th><th>unsubscribes</th><th>margin per contact</th></tr>\n${rows}</table>`;
}

/**
 * The missing templates as the report ranks them: those whose incremental margin is above zero with
 * 95 % confidence first, then the rest, each group by margin per contact. Margin per contact is a point
 * estimate: ranked on it alone, a template that surely adds margin fell below noise.
 */
function rankMissing(missing: Contributions["missing"]): Contributions["missing"] {
  const sure = (m: Contributions["missing"][number]) => (certainty(m.incrementalMargin) === "above" ? 0 : 1);
  return [...missing].sort((x, y) => sure(x) - sure(y) || (y.perContact ?? -Infinity) - (x.perContact ?? -Infinity) || x.template.localeCompare(y.template));
}

function missingTable(p: PlanContributions): string {
  const top = rankMissing(p.result.missing).slice(0, TOP_MISSING);
  if (!top.length) return `<p class="note">No library template is missing from this plan${p.result.skipped.length ? " that it could run as it is" : ""}.</p>`;
  const rows = top.map((m) =>
    `<tr><td>${esc(m.template)}</td><td>${m.perContact === null ? "n/a" : signed((x) => n2.format(x))(m.perContact)}</td>${ivCell(m.incrementalMargin, (x) => n0.format(x), 1)}</tr>`
  ).join("\n");
  const skipped = p.result.skipped.length ? `<p class="note">Not tried (they need what the plan lacks): ${p.result.skipped.map((s) => esc(s.template)).join(", ")}.</p>` : "";
  return `<table><tr><th>library template, if added</th><th>margin per contact</th><th>incremental margin</th></tr>\n${rows}</table>${skipped}`;
}

/** The section's body: one block per plan. */
export function contributionsBody(list: PlanContributions[], currency: string): string {
  return list.map((p) =>
    `<h3>${esc(p.plan)}</h3>${marginChart(p, esc(currency))}${programsTable(p)}<h4>Best additions from the library (top ${TOP_MISSING}: those adding margin with 95 % confidence first, then by margin per contact)</h4>${missingTable(p)}`
  ).join("\n");
}

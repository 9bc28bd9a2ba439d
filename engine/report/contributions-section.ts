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
import { cell, esc, n0, n2 } from "./html.ts";

/** One plan's contributions, as the report shows them. */
export interface PlanContributions {
  plan: string; // the plan's name in the comparison
  result: Contributions;
}

/** How many missing library templates the report lists per plan (the best by margin per contact). */
export const TOP_MISSING = 5;

const signed = (f: (x: number) => string) => (x: number) => (x > 0 ? "+" : "") + f(x);

/** Each program's marginal incremental margin: mean (dot) and 95 % interval (bar), zero marked. */
function marginChart(p: PlanContributions, currency: string): string {
  const rows = p.result.programs.map((r) => ({ program: r.id, mean: r.incrementalMargin.mean, lo: r.incrementalMargin.lo ?? r.incrementalMargin.mean, hi: r.incrementalMargin.hi ?? r.incrementalMargin.mean }));
  if (!rows.length) return "";
  return renderFigure({
    width: 1000,
    height: 50 + 24 * rows.length,
    marginLeft: 170,
    marginRight: 30,
    grid: true,
    x: { label: `marginal incremental margin (${currency}) →`, nice: true },
    y: { label: null, domain: rows.map((r) => r.program) },
    marks: [
      Plot.ruleX([0], { stroke: "#888" }),
      Plot.ruleY(rows, { y: "program", x1: "lo", x2: "hi", stroke: "#1f77b4", strokeWidth: 3, strokeOpacity: 0.5 }),
      Plot.dot(rows, { y: "program", x: "mean", fill: (d: { mean: number }) => (d.mean >= 0 ? "#2ca02c" : "#d62728"), r: 4.5 }),
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

function missingTable(p: PlanContributions): string {
  const top = p.result.missing.slice(0, TOP_MISSING);
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
    `<h3>${esc(p.plan)}</h3>${marginChart(p, esc(currency))}${programsTable(p)}<h4>Best additions from the library (top ${TOP_MISSING} by margin per contact)</h4>${missingTable(p)}`
  ).join("\n");
}

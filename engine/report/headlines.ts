/**
 * The report's headline figures, each with the one line of assumptions a reader needs to quote it:
 * which customers, which world, what "incremental" is measured against, how a pressure figure counts.
 */
import type { Comparison, Metric } from "../compare/compare.ts";
import { moneyUnit, WEEK_THRESHOLD } from "../compare/compare.ts";
import { DEFAULT_WORLD, worldChanges } from "../sim/world-model.ts";
import { cell, esc, n0, n2, percent } from "./html.ts";


/** "10,000 synthetic customers, 365 days from 2026-01-01, seeds 1–5, default world parameters". */
export function populationLine(c: Comparison): string {
  // each parameter by its path (relevance.triggered, not relevance), as the assumptions section lists them
  const changed = worldChanges(c.world).map((x) => x.path);
  const who = c.population === "synthetic" ? `${n0.format(c.customers)} synthetic customers (world priors)` : `${n0.format(c.customers)} customers of ${c.population}`;
  const seeds = c.replications > 1 ? `seeds ${c.seeds[0]}–${c.seeds[c.seeds.length - 1]}` : `seed ${c.seeds[0]}`;
  const world = changed.length ? `world parameters changed: ${changed.join(", ")} (values in the assumptions section)` : "default world parameters (docs/world-model.md)";
  return `${who}, ${c.days} days from ${c.start}, ${seeds}, ${world}`;
}

/** The headline rows: label, metric, format, and the assumption line. */
export function headlineRows(c: Comparison): [string, Metric, (x: number) => string, string][] {
  const margins = [...new Set(c.plans.filter((p) => !p.baseline).map((p) => p.margin))].map((m) => `${Math.round(m * 100)} %`).join(" / ");
  const w = c.world, email = w.channels[0];
  return [
    [`incremental margin (${esc(moneyUnit(c, "incrementalMargin"))})`, "incrementalMargin", (x) => n0.format(x),
      `incremental = the plan's run minus the no-plan baseline on the same customers and seeds; margin = incremental revenue × gross margin ${margins} − message and discount cost`],
    [`incremental revenue (${esc(moneyUnit(c, "incrementalRevenue"))})`, "incrementalRevenue", (x) => n0.format(x),
      `all revenue (organic and attributed) minus the no-plan baseline's, same customers and seeds; response model calibrated on Hillstrom (e-mail)`],
    ["ROI", "roi", (x) => n2.format(x), "incremental margin ÷ cost (messages + discounts given); n/a when nothing was spent"],
    [`customer-weeks with more than ${WEEK_THRESHOLD} contacts`, "weeksAboveThreshold", percent,
      `every channel counted; weeks of 7 days from the start; a customer counts from the week they signed up`],
    ["contacts per customer over 4 weeks, p99", "contactsPer4WeeksP99", (x) => n0.format(x),
      "complete 4-week blocks from the start (a trailing part-block is left out); 1 % of customer-blocks got more"],
    ["unsubscribes", "unsubscribes", (x) => n0.format(x),
      `world model: P(opt-out) ${(100 * email.unsubscribe).toFixed(2)} % per delivered e-mail at a weekly cadence (${email.unsubscribe === DEFAULT_WORLD.channels[0].unsubscribe ? "a published benchmark's" : `set for this comparison; the published benchmark's default is ${(100 * DEFAULT_WORLD.channels[0].unsubscribe).toFixed(2)} %`}), lower for a rarely mailed customer, higher under more pressure (fatigue half-life ${w.fatigueHalfLifeDays} days)`],
    ["spam complaints", "complaints", (x) => n0.format(x),
      `world model: P(complaint) ${(100 * email.complain).toFixed(3)} % per delivered e-mail at a weekly cadence, higher under more pressure; complaints lower inbox placement`],
    ["customers who left the brand (churned by fatigue)", "churned", (x) => n0.format(x),
      `world model, an assumption (no published figure): P(leave | delivered) = ${w.leaveRate} × (fatigue / ${w.fatigueScale})²; a customer who leaves buys nothing more`],
  ];
}

/** The headline table: one row per figure, one column per plan, the assumption line beside it. */
export function headlineTable(c: Comparison): string {
  const plans = c.plans.filter((p) => !p.baseline);
  const head = `<tr><th></th>${plans.map((p) => `<th>${esc(p.name)}</th>`).join("")}<th class="l">assumes</th></tr>`;
  const body = headlineRows(c).map(([label, m, f, note]) =>
    `<tr><td>${label}</td>${plans.map((p) => cell(p.metrics[m], f)).join("")}<td class="l assume">${note}</td></tr>`
  ).join("\n");
  return `<p class="assume">${esc(populationLine(c))}.</p><table class="summary headline"><thead>${head}</thead>\n${body}</table>`;
}

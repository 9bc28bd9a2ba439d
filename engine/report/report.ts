/**
 * The comparison report: one self-contained HTML file (inline CSS and SVG, no script, nothing fetched)
 * with the charts of engine/report/charts.ts and the summary tables.
 */
import { type Comparison, isShare, type Metric, moneyUnit } from "../compare/compare.ts";
import { ENGINE_VERSION } from "../version.ts";
import {
  contactsPerWeekChart,
  coverageMatrix,
  dailyContactsChart,
  fatigueCharts,
  funnelChart,
  intervalChart,
  planKey,
  suppressionsChart,
} from "./charts.ts";

import { cell, CSS, esc, fixed, n0, n2, percent, points, relativeHref } from "./html.ts";
import { headlineTable } from "./headlines.ts";
import { contributionsBody, type PlanContributions } from "./contributions-section.ts";
import { verdictBlock } from "./verdict.ts";
import { assumptionsBody } from "./assumptions.ts";
import { lossesBody } from "./losses-charts.ts";
import { checkComparison } from "./comparison-argument.ts";
import { checkOptionNames } from "../plan/errors.ts";

/** Which plans have no pressure rules: they suppress only by consent, window or capacity. */
function rulesNote(c: Comparison): string {
  const none = c.plans.filter((p) => !p.baseline && !p.pressureRules.length).map((p) => esc(p.name));
  return none.length ? `${none.join(", ")} ${none.length > 1 ? "have" : "has"} no pressure rules, so nothing of ${none.length > 1 ? "theirs" : "its"} is suppressed by pressure.` : "";
}

/**
 * Expression values the core could not use as they were (a priority that is not a number, a null
 * threshold...), with the fallback it used: a plan that shows any deserves a look (docs/engine.md).
 */
function coercionsNote(c: Comparison): string {
  const items = c.plans.filter((p) => !p.baseline).flatMap((p) =>
    Object.entries(p.detail.summary.coercions ?? {}).map(([what, n]) => `<li>${esc(p.name)}: ${esc(what)} — ${n0.format(n)} time(s)</li>`)
  );
  return items.length ? `<div class="note warn"><p>Coerced expression values (seed ${c.seeds[0]}):</p><ul>${items.join("")}</ul></div>` : "";
}

/** The pressure figures in one sentence per plan, under the headline table, each rounded as in the summary table (ROWS). */
function pressureLine(c: Comparison): string {
  const items = c.plans.filter((p) => !p.baseline).map((p) => {
    const w = p.metrics.weeksAboveThreshold, mean = p.metrics.contactsPer4WeeksMean, p90 = p.metrics.contactsPer4WeeksP90, p99 = p.metrics.contactsPer4WeeksP99, max = p.metrics.contactsPer4WeeksMax;
    if (!w || !mean) return "";
    return `<li><b>${esc(p.name)}</b>: ${percent(w.mean)} of customer-weeks above 2 contacts; over 4 weeks a customer gets ${fixed(2)(mean.mean)} contacts on average, ${n0.format(p90!.mean)} at the 90th percentile, ${n0.format(p99!.mean)} at the 99th, ${n0.format(max!.mean)} at most.</li>`;
  }).join("");
  return items ? `<ul class="pressure">${items}</ul>` : "";
}

/** Summary rows: label, metric, number format, and whether more is better (for the differences' colours). */
const ROWS: [string, Metric, (x: number) => string, 1 | -1 | 0][] = [
  ["reach (customers contacted)", "reach", (x) => n0.format(x), 0],
  ["contacts", "contacts", (x) => n0.format(x), 0],
  ["contacts per customer-week, mean", "contactsPerCustomerWeek", fixed(2), -1],
  ["contacts per customer-week, p90", "contactsPerCustomerWeekP90", (x) => x.toFixed(1), -1],
  ["customer-weeks with more than 2 contacts", "weeksAboveThreshold", percent, -1],
  ["contacts per customer over 4 weeks, mean", "contactsPer4WeeksMean", fixed(2), -1],
  ["contacts per customer over 4 weeks, p90", "contactsPer4WeeksP90", (x) => n0.format(x), -1],
  ["contacts per customer over 4 weeks, p99", "contactsPer4WeeksP99", (x) => n0.format(x), -1],
  ["contacts per customer over 4 weeks, max", "contactsPer4WeeksMax", (x) => n0.format(x), -1],
  ["opens", "opens", (x) => n0.format(x), 1],
  ["clicks", "clicks", (x) => n0.format(x), 1],
  ["conversions", "conversions", (x) => n0.format(x), 1],
  ["revenue (${cur})", "revenue", (x) => n0.format(x), 1],
  ["incremental revenue (${cur})", "incrementalRevenue", (x) => n0.format(x), 1],
  ["cost, messages + discounts (${cur})", "cost", (x) => n0.format(x), -1],
  ["incremental margin (${cur})", "incrementalMargin", (x) => n0.format(x), 1],
  ["ROI (incremental margin / cost)", "roi", (x) => n2.format(x), 1],
  ["unsubscribes", "unsubscribes", (x) => n0.format(x), -1],
  ["spam complaints", "complaints", (x) => n0.format(x), -1],
  ["disengaged at the end", "disengaged", (x) => n0.format(x), -1],
  ["churned by fatigue", "churned", (x) => n0.format(x), -1],
  ["suppressed: no consent", "suppressedConsent", (x) => n0.format(x), 0],
  ["suppressed: send window or capacity", "suppressedWindowCapacity", (x) => n0.format(x), 0],
  ["suppressed: pressure rules", "suppressedPressure", (x) => n0.format(x), 0],
];

/** A plan without pressure rules cannot suppress by pressure: its cell says so instead of showing 0. */
const noRules = (p: { pressureRules: string[]; baseline: boolean }, m: Metric) => m === "suppressedPressure" && !p.pressureRules.length;

function summaryTable(c: Comparison): string {
  const head = `<tr><th></th>${c.plans.map((p) => `<th>${esc(p.name)}</th>`).join("")}</tr>`;
  const body = ROWS.map(([label, m, f]) => `<tr><td>${label.replace("${cur}", esc(moneyUnit(c, m)))}</td>${c.plans.map((p) => (noRules(p, m) ? `<td class="na">no rules</td>` : cell(p.metrics[m], f))).join("")}</tr>`).join("\n");
  return `<table class="summary"><thead>${head}</thead>\n${body}</table>`;
}

function differencesTable(c: Comparison): string {
  const diffs = c.differences;
  if (!diffs.length) return "";
  const head = `<tr><th></th>${diffs.map((d) => `<th>${esc(d.name)}<br><small>minus ${esc(d.against)}</small></th>`).join("")}</tr>`;
  const body = ROWS.map(([label, m, f, better]) => `<tr><td>${label.replace("${cur}", esc(moneyUnit(c, m)))}</td>${diffs.map((d) => cell(d.metrics[m], isShare(m) ? points : f, true, better)).join("")}</tr>`).join("\n");
  return `<table class="summary"><thead>${head}</thead>\n${body}</table>`;
}

function programsTable(c: Comparison): string {
  return c.plans.filter((p) => !p.baseline).map((p) => {
    const rows = p.detail.summary.programs.map((r) =>
      `<tr><td>${esc(r.program)}</td><td class="l">${r.kind}</td><td>${n0.format(r.contacts)}</td><td>${n0.format(r.reach)}</td><td>${n0.format(r.suppressed)}</td><td>${n0.format(r.holdout)}</td><td>${n0.format(r.opens)}</td><td>${n0.format(r.clicks)}</td><td>${n0.format(r.conversions)}</td><td>${n0.format(r.revenue)}</td><td>${n2.format(r.cost)}</td></tr>`
    ).join("\n");
    // attributed, as \`cadence simulate\`'s program table: the purchases its messages caused and the organic
    // orders within a click's window or paid with its offer; wide: it scrolls sideways in a narrow window,
    // and a long program name wraps (at its hyphens) rather than push the figures out of a wide one
    return `<h3>${esc(p.name)}</h3><div class="wide"><table class="programs"><thead><tr><th>program</th><th class="l">kind</th><th>contacts</th><th>reach</th><th>suppressed</th><th>holdout</th><th>opens</th><th>clicks</th><th>attributed orders</th><th>attributed revenue (${esc(moneyUnit(c, "revenue"))})</th><th>message cost (${esc(moneyUnit(c, "cost"))})</th></tr></thead>\n${rows}</table></div>`;
  }).join("\n");
}

function coverageSection(c: Comparison): string {
  return c.plans.filter((p) => !p.baseline).map((p) => {
    const rows = p.detail.stageReach;
    const uncovered = [...new Set(rows.map((r) => r.stage))].filter((s) => rows.some((r) => r.stage === s && r.customers > 0) && !rows.some((r) => r.stage === s && r.reached > 0));
    const note = uncovered.length ? `<p class="note">No program reached customers who started as: ${uncovered.join(", ")}.</p>` : "";
    return `<div class="matrix"><h3>${esc(p.name)}</h3>${coverageMatrix(c, p)}${note}</div>`;
  }).join("\n");
}


/**
 * The report page. `contributions`: each plan's per-program contributions (engine/compare/contributions.ts),
 * shown in their own section when given.
 * @example writeFileSync("report.html", renderReport(comparePlans(plans)))
 */
export function renderReport(c: Comparison, o: { csv?: string[]; contributions?: PlanContributions[] } = {}): string {
  checkComparison("renderReport", c);
  checkOptionNames("renderReport", o, ["csv", "contributions"]);
  const plans = c.plans.filter((p) => !p.baseline);
  const reps = c.replications;
  const interval = reps > 1
    ? `Figures are means over ${reps} replications (seeds ${c.seeds[0]}–${c.seeds[reps - 1]}); the small grey line under each is its 95 % interval (Student t).`
    : `One replication (seed ${c.seeds[0]}): means only, no intervals; run with <code>--replications 5</code> for intervals.`;
  const [unsubs, complaints, disengaged] = fatigueCharts(c);
  const section = (id: string, title: string, explain: string, body: string) =>
    `<section id="${id}"><h2>${title}</h2><p class="explain">${explain}</p>${body}</section>`;
  const body = `
<h1>Plan comparison: ${plans.map((p) => esc(p.name)).join(" vs ")}</h1>
<p class="lead">Every plan and the no-plan baseline ran on the same ${n0.format(c.customers)} ${c.population === "synthetic" ? "synthetic customers" : `customers (${esc(c.population)})`} over ${c.days} days from ${c.start}, with the same random numbers (common random numbers): the differences are the plans' effects, not noise. ${interval}</p>
<dl class="meta">
<dt>plans</dt><dd>${plans.map((p) => `${esc(p.name)} <code>${esc(p.file)}</code>`).join(", ")}</dd>
<dt>digests</dt><dd>${plans.map((p) => `${esc(p.name)} <code>${p.detail.summary.digest.slice(0, 16)}</code>`).join(", ")} (seed ${c.seeds[0]})</dd>
<dt>engine</dt><dd>${esc(ENGINE_VERSION)}</dd>
</dl>
${c.warnings.length ? `<div class="note warn"><p>Warnings:</p><ul>${c.warnings.map((w) => `<li>${esc(w)}</li>`).join("")}</ul></div>` : ""}
${o.csv?.length ? `<p class="note">The tables as CSV (UTF-8, one row per plan × metric with mean, low, high): ${o.csv.map((f) => `<a href="${esc(relativeHref(f))}">${esc(f)}</a>`).join(", ")}.</p>` : ""}
<nav><a href="#headline">headline</a><a href="#summary">summary</a><a href="#differences">differences</a><a href="#losses">margin against losses</a><a href="#money">revenue, cost, ROI</a><a href="#pressure">pressure</a><a href="#fatigue">fatigue</a><a href="#funnel">funnel</a><a href="#suppressions">suppressions</a><a href="#coverage">moments of truth</a><a href="#programs">programs</a>${o.contributions?.length ? `<a href="#contributions">contributions</a>` : ""}<a href="#assumptions">assumptions</a></nav>
${section("headline", "Headline figures", "Which plan wins on incremental margin and at what cost, computed from the tables below; then the figures to quote, each with what it assumes.", verdictBlock(c, o.contributions) + headlineTable(c) + pressureLine(c) + coercionsNote(c))}
${section("summary", "Summary", `${interval} Incremental figures are against the no-plan baseline of the same replication.`, summaryTable(c))}
${c.differences.length ? section("differences", `Paired differences against ${esc(c.plans[0].name)}`, `Each plan minus ${esc(c.plans[0].name)}, replication by replication (same customers, same seed), then averaged. Green, marked ▲ better: better with 95 % confidence; red, marked ▼ worse: worse; white, unmarked: not distinguishable, or the same in every seed (no spread, so no evidence either way)${reps > 1 ? "" : " (one replication: no interval)"}.`, differencesTable(c)) : ""}
${section("losses", "Margin against customers lost", `The trade-off between plans: the incremental margin each adds against the customers it loses, with the summary's means and intervals, then how those losses build up week by week.`, lossesBody(c))}
${section("money", "Incremental revenue, cost and ROI", `Mean with its 95 % interval (the bar) per plan. Incremental revenue is revenue minus the baseline's; cost is messages plus discounts given; ROI is incremental margin divided by cost.`,
    `<div class="row">${intervalChart(c, "incrementalRevenue", `incremental revenue (${esc(c.currency)}) →`, undefined, plans)}${intervalChart(c, "cost", `cost (${esc(c.costCurrency)}) →`, undefined, plans)}${intervalChart(c, "roi", "ROI (× cost) →", "~f", plans)}</div>`)}
${section("pressure", "Marketing pressure", "How many contacts a customer receives in a week: the share of customer-weeks with each count (log scale, so the rare heavy weeks stay visible; a count no customer-week had is a share of 0, which a log scale cannot show: the line breaks there). Then contacts sent per day, by channel (seed " + c.seeds[0] + ").",
    contactsPerWeekChart(c) + dailyContactsChart(c))}
${section("fatigue", "Fatigue over time", `Unsubscribes and spam complaints so far, and customers whose fatigue is at or above the disengagement threshold at each week's end and at the run's end (seed ${c.seeds[0]}). The dot is a snapshot at the run's end, the summary's "disengaged at the end": a blast on the last day counts in it, so it can stand well above the weekly points before it. The baseline sends nothing, so its lines stay at zero.`,
    `${planKey(c)}<div class="row">${unsubs}${complaints}${disengaged}</div>`)}
${section("funnel", "Reach funnel", `Messages sent, delivered, opened, clicked and converted (purchases the messages brought, caused or pulled forward, after a click or not; not the organic orders a platform would also attribute to them), per plan (seed ${c.seeds[0]}; linear scale). The share of sent is the figure to read; the count is in brackets.`, funnelChart(c))}
${section("suppressions", "Suppressions by reason", `Messages a plan decided to send but did not, in three kinds: no consent for the channel; a send window that could not be met or a channel's daily capacity; the plan's pressure rules, one bar per rule (seed ${c.seeds[0]}). ${rulesNote(c)}`, suppressionsChart(c))}
${section("coverage", "Moments of truth: coverage", `For each lifecycle stage at the start of the run and each program, the share of that stage's customers the program reached at least once (seed ${c.seeds[0]}); "joined" are customers who signed up during the run. An empty column is a stage no program serves. Stages: prospect (no order yet), new (one order), regular (several), lapsing (no order for 180 days), churned (365 days, or gone).`, coverageSection(c))}
${section("programs", "Programs", `Per program, first replication (seed ${c.seeds[0]}). Revenue from its messages counts orders attributed to them; the incremental effect is in the summary.`, programsTable(c))}
${o.contributions?.length ? section("contributions", "What each program adds", `Each program's marginal effect: the plan with it minus the plan without it, on the same customers and seeds (common random numbers), so what it adds once the pressure rules arbitrate between programs; mean and 95 % interval over ${o.contributions[0].result.replications} replication(s). In the chart a dot is green (red) only when its interval is wholly above (below) zero, as in the tables; grey otherwise. Then the library templates missing from the plan that would add the most: those whose interval is wholly above zero first, then the others, each by incremental margin per contact (a point estimate, so it does not rank noise above a certain gain). Margin is in ${esc(moneyUnit(c, "incrementalMargin"))}.`, contributionsBody(o.contributions, moneyUnit(c, "incrementalMargin"))) : ""}
${section("assumptions", "Assumptions and sources", `Every figure above is simulated: the customers, their organic purchases and their responses come from the world model (docs/world-model.md), not from measurements of these plans. What each parameter rests on is said: measured (fitted on an experiment), a published benchmark, or an assumption, the model's guess. Incremental figures are against the no-plan baseline; attributed ones (the programs table, the benchmarks' orders and revenue) are what a platform would credit and are not incremental.`, assumptionsBody(c))}
`;
  const title = `Cadence · ${plans.map((p) => p.name).join(" vs ")}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title>
<style>${CSS}</style></head>
<body>${body}</body></html>
`;
}

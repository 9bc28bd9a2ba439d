#!/usr/bin/env python3
"""Writes the notebooks in this folder from the cells below (outputs empty): edit here, then run
`python3 notebooks/make-notebooks.py`. The test in test/notebooks executes every notebook."""
import json, os

HERE = os.path.dirname(os.path.abspath(__file__))

def nb(name, cells):
    out = []
    for i, (kind, text) in enumerate(cells):
        src = text.strip("\n").splitlines(keepends=True)
        cell = {"cell_type": kind, "id": f"{name[:2]}-{i:02d}", "metadata": {}, "source": src}
        if kind == "code":
            cell.update({"execution_count": None, "outputs": []})
        out.append(cell)
    doc = {"cells": out, "metadata": {"kernelspec": {"display_name": "Deno", "language": "typescript", "name": "deno"},
           "language_info": {"name": "typescript"}}, "nbformat": 4, "nbformat_minor": 5}
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")

md = lambda t: ("markdown", t)
code = lambda t: ("code", t)

nb("01-compare-plans.ipynb", [
md("""# Comparing plans before launch

A strategist's question: *which of our candidate plans should we launch?* Cadence answers it by running
every plan — and a **no-plan baseline** — on the same synthetic customers with the same random numbers
(common random numbers), several times with different seeds. Differences between plans are then the
plans' effect, not noise, and every figure comes with a 95 % confidence interval.

The three example plans are for an apparel retailer:
- **batch-and-blast**: a weekly newsletter and monthly promotions to everyone opted in;
- **lifecycle**: triggered programs at the moments of truth (welcome, abandoned cart, second purchase,
  win-back, birthday…) plus a fortnightly newsletter and a *targeted* promotion;
- **lifecycle-capped**: the same, under strict pressure rules (one marketing contact a day, two a week,
  SMS spacing, weighted pressure)."""),
code("""import { comparePlans, loadPlan, Plot, renderReport, show, verdictText } from "../engine/mod.ts";
import * as aq from "arquero";

const names = ["batch-and-blast", "lifecycle", "lifecycle-capped"];
const plans = names.map((n) => loadPlan(`../scenarios/${n}.yaml`));
show(aq.from(plans.map((p) => ({
  plan: p.plan.name,
  programs: p.plan.programs.length,
  pressureRules: p.compiled.pressure.rules.length,
  description: p.plan.description,
}))))"""),
md("""## Run the comparison

A small population keeps this notebook quick (as the cell below is written: 5,000 customers, half a
year, 3 replications; the titles say what was run). For a decision, use 100,000 customers and 5+ replications (`npx deno task cadence compare ... --customers 100000 --replications 5`)."""),
code("""const c = comparePlans(plans, { customers: 5000, days: 180, replications: 3, seed: 1 });
// figures with thousands separators, one decimal (ROI two)
const num = (x: number, digits: number) => x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const fmt = (i: { mean: number; lo: number | null; hi: number | null } | null, digits = 1) =>
  i === null ? "n/a" : i.lo === null ? num(i.mean, 2) : `${num(i.mean, digits)} [${num(i.lo, digits)}, ${num(i.hi!, digits)}]`;
const metrics = ["reach", "contacts", "conversions", "incrementalRevenue", "cost", "incrementalMargin", "roi", "unsubscribes", "complaints", "churned"] as const;
const money = new Set<string>(["incrementalRevenue", "cost", "incrementalMargin"]);
const label = (m: string) => (money.has(m) ? `${m} (${c.currency})` : m);
const digits = (m: string) => (m === "roi" ? 2 : 1);
// the titles say what was run, so they stay true when the call above changes
const over = `over ${c.replications} replication${c.replications === 1 ? "" : "s"}`;
show(aq.from(metrics.map((m) => ({ metric: label(m), ...Object.fromEntries(c.plans.map((p) => [p.name, fmt(p.metrics[m], digits(m))])) }))), { title: `Mean [95 % interval] ${over}` })"""),
md("""## Paired differences against the first plan

Each plan minus the first plan given (*batch-and-blast* as written), seed by seed, then averaged. An interval that excludes zero means the
difference is real at 95 % confidence."""),
code("""show(aq.from(metrics.map((m) => ({ metric: label(m), ...Object.fromEntries(c.differences.map((d) => [`${d.name} − ${d.against}`, fmt(d.metrics[m], digits(m))])) }))),
  { title: `Paired difference against ${c.plans[0].name}: mean [95 % interval] ${over}` })"""),
md("""## Margin against the customers we tire

The trade-off the seeds insist on ("don't be evil"): a plan that wins revenue by burning the base must
show it. Up and to the left is better: more incremental margin, fewer unsubscribes."""),
code("""const rows = c.plans.filter((p) => !p.baseline).map((p) => ({
  plan: p.name,
  margin: p.metrics.incrementalMargin!.mean, lo: p.metrics.incrementalMargin!.lo, hi: p.metrics.incrementalMargin!.hi,
  unsubscribes: p.metrics.unsubscribes!.mean,
}));
show({
  width: 640, height: 320, grid: true, marginLeft: 70,
  x: { label: `unsubscribes (mean ${over}) →` }, y: { label: `↑ incremental margin (${c.currency})` },
  marks: [
    Plot.ruleX(rows, { x: "unsubscribes", y1: "lo", y2: "hi", stroke: "plan" }),
    Plot.dot(rows, { x: "unsubscribes", y: "margin", fill: "plan", r: 6 }),
    Plot.text(rows, { x: "unsubscribes", y: "margin", text: "plan", dy: -12 }),
  ],
}, { title: `Incremental margin (${c.currency}, mean and 95 % interval) against unsubscribes, ${c.customers.toLocaleString("en-US")} customers × ${c.days} days` })"""),
md("""## Reading it like a strategist

The cell below states the verdict from the figures, in the report's own words: which plan earns the most
incremental margin and whether the runner-up can be told apart from it on these seeds (paired, same
customers and seeds), what it costs in pressure and fatigue, and what each plan adds against no plan.
Then, for each plan against the first plan given, its margin difference and whether it is distinguishable
from zero."""),
code("""const signed = (x: number) => `${x >= 0 ? "+" : ""}${num(x, 0)}`;
const lines = verdictText(c);
for (const d of c.differences.filter((d) => !d.name.startsWith("no plan"))) {
  const m = d.metrics.incrementalMargin!, u = d.metrics.unsubscribes!;
  const sure = m.lo !== null && (m.lo > 0 || m.hi! < 0);
  lines.push(`${d.name} vs ${d.against}: margin ${signed(m.mean)} ${c.currency} (${sure ? "significant" : "not distinguishable from 0"}), unsubscribes ${signed(u.mean)}.`);
}
console.log(lines.join("\\n"));"""),
md("""## The full report

The same comparison as a self-contained HTML report (every chart, tables, the moments-of-truth coverage
matrix), to share with people who don't open notebooks."""),
code("""Deno.mkdirSync("../out", { recursive: true });
Deno.writeTextFileSync("../out/notebook-compare-report.html", renderReport(c));
console.log("wrote out/notebook-compare-report.html");"""),
])

nb("02-tune-pressure-rules.ipynb", [
md("""# Tuning pressure rules

The analyst's main knob: how much marketing pressure to allow. Too little and revenue is left on the
table; too much and customers ignore, unsubscribe, complain and leave. We sweep two knobs of the
*lifecycle-capped* plan — the weekly cap and the weighted-pressure threshold — on the same customers
with the same random numbers (one shared no-plan baseline per seed), over several seeds (**3** as
written) so every figure has a 95 % interval, chart incremental margin against unsubscribes, pick the **knee** of the frontier,
write the tuned plan to a file, and then check it on seeds the sweep never saw."""),
code("""import { comparePlans, frontierSvg, loadPlan, setPath, show, sweep } from "../engine/mod.ts";
import { stringify } from "yaml";
import * as aq from "arquero";

const base = loadPlan("../scenarios/lifecycle-capped.yaml");
show(base.source.pressure, { title: "The plan's pressure rules today" })"""),
md("""## The sweep

`two-a-week` is a rolling 7-day cap; `weighted-pressure` sums each contact's weight (e-mail 1, SMS 2.5,
push 0.5) fading with a 7-day half-life. As written, 4 × 3 = 12 variants × 3 seeds (the table's title
says what ran); a small population keeps it
quick (on the command line: `cadence sweep ... --set pressure.rules.two-a-week.cap=1..4 --replications 3`)."""),
code("""const r = sweep(base, [
  { path: "pressure.rules.two-a-week.cap", values: [1, 2, 3, 4] },
  { path: "pressure.rules.weighted-pressure.weighted.threshold", values: [2, 4, 8] },
], { customers: 3000, days: 120, seed: 1, replications: 3 });
// whole figures with thousands separators: 10,678 ±650
const num = (x: number, digits = 0) => x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const pm = (i: { mean: number; lo: number | null; hi: number | null } | null) =>
  !i ? "n/a" : i.lo === null ? num(i.mean) : `${num(i.mean)} ±${num((i.hi! - i.lo) / 2)}`;
show(aq.from(r.variants.map((v) => ({
  variant: v.label, contacts: pm(v.metrics.contacts), unsubscribes: pm(v.metrics.unsubscribes),
  [`incremental margin (${base.plan.currency})`]: pm(v.metrics.incrementalMargin), "margin vs first": pm(v.difference.incrementalMargin),
  frontier: v.frontier, knee: v.knee,
}))), { limit: r.variants.length, title: `${r.variants.length} variants: mean ±95 % half-interval over ${r.replications} seeds` })"""),
md("""## The frontier

Each dot is a variant (the mean over seeds; the cross is its 95 % interval). Blue dots are on the
frontier (no other variant has more margin *and* fewer unsubscribes); the red one is the knee: the
frontier point that gains the most margin per unsubscribe beyond the straight line between the
frontier's ends. With fewer than three frontier points, or none above that line, there is no knee. Grey variants are dominated."""),
code("""show(frontierSvg(r, `${base.plan.name}: incremental margin against unsubscribes`, base.plan.currency))"""),
md("""## Pick the knee and write the tuned plan

Without a knee (a frontier of one or two points) we take the frontier variant with the most margin."""),
code("""const frontier = r.variants.filter((v) => v.frontier);
const pick = r.variants.find((v) => v.knee) ?? frontier.sort((a, b) => b.metrics.incrementalMargin!.mean - a.metrics.incrementalMargin!.mean)[0];
console.log(`${pick.knee ? "knee" : "best frontier point (no knee)"}: ${pick.label} → margin ${pm(pick.metrics.incrementalMargin)} ${base.plan.currency}, ${pm(pick.metrics.unsubscribes)} unsubscribes`);
let doc: unknown = base.source;
for (const [path, value] of Object.entries(pick.values)) doc = setPath(doc, path, value);
doc = { ...(doc as Record<string, unknown>), name: "lifecycle-tuned", description: `lifecycle-capped tuned by a sweep: ${pick.label}` };
Deno.mkdirSync("../out", { recursive: true });
Deno.writeTextFileSync("../out/lifecycle-tuned.yaml", stringify(doc));
console.log("wrote out/lifecycle-tuned.yaml");"""),
md("""## Check the tuned plan on seeds the sweep never saw

A knob picked on three seeds can look good by luck. The tuned plan must load (the same validation as
any plan file) and, compared with the base plan on seeds the sweep did not use (from 10, or past the
sweep's last seed), keep its advantage."""),
code("""const tuned = loadPlan("../out/lifecycle-tuned.yaml");
const check = comparePlans([base, tuned], { customers: 3000, days: 120, seed: Math.max(10, ...r.seeds.map((x) => x + 1)), replications: 3 });
const d = check.differences.find((x) => x.name === "lifecycle-tuned")!;
// the base plan's value at a swept path (`pressure.rules.two-a-week.cap`: a list's element by its name)
const valueAt = (doc: any, path: string) => path.split(".").reduce((o, k) => (Array.isArray(o) ? o.find((e) => e?.name === k) : o?.[k]), doc);
// what the sweep promised against the base plan: the pick's mean minus that of the variant with the base
// plan's own values, as loaded, on the same seeds (the sweep's differences are against its first variant)
const baseValues = Object.keys(pick.values).map((path) => [path, valueAt(base.source, path)] as const);
const baseText = baseValues.map(([path, x]) => `${path.split(".").at(-1)}=${x}`).join(", "); // as a variant's label writes them
const atBase = r.variants.find((v) => baseValues.every(([path, x]) => v.values[path] === x));
// the sweep may not have run the base plan's values (its list left them out): then it promised nothing against them
const promised = atBase ? pick.metrics.incrementalMargin!.mean - atBase.metrics.incrementalMargin!.mean : null;
const promisedUnsubs = atBase ? pick.metrics.unsubscribes!.mean - atBase.metrics.unsubscribes!.mean : null;
const freshGain = d.metrics.incrementalMargin!;
show(aq.from([
  { where: `in the sweep (seeds ${r.seeds.join(", ")}), against the base plan's values (${baseText}${atBase ? "" : ": not among the sweep's variants"})`,
    "margin gain": promised === null ? "n/a" : num(promised), "unsubscribes": promisedUnsubs === null ? "n/a" : num(promisedUnsubs, 1) },
  { where: `fresh seeds ${check.seeds.join(", ")}, against the base plan`, "margin gain": pm(freshGain), "unsubscribes": pm(d.metrics.unsubscribes) },
]), { title: `${pick.label} against ${base.plan.name}: what the sweep promised and what fresh seeds give` })"""),
md("""## What we found

The cell below reads the figures rather than assuming the tuning worked: whether the fresh-seed gain
is distinguishable from zero, and whether it has the sign the sweep promised."""),
code("""const sure = (i: { lo: number | null; hi: number | null }) => i.lo !== null && (i.lo > 0 || i.hi! < 0);
const notes: string[] = [];
if (freshGain.mean < 0 && sure(freshGain)) {
  notes.push(`The tuned plan earns less than the base on fresh seeds (${pm(freshGain)} ${base.plan.currency}): the sweep's pick does not generalise. Keep the base plan, or sweep again with more customers and replications.`);
} else if (freshGain.mean < 0) {
  notes.push(`On fresh seeds the tuned plan earns ${pm(freshGain)} ${base.plan.currency} against the base: slightly less, but not distinguishable from zero. The tuning buys nothing measurable at this size.`);
} else if (sure(freshGain)) {
  notes.push(`The gain holds on fresh seeds (${pm(freshGain)} ${base.plan.currency}, significant): ${pick.label} is worth proposing.`);
} else {
  notes.push(`On fresh seeds the gain is ${pm(freshGain)} ${base.plan.currency}, not distinguishable from zero: the sweep's ranking is within its noise at this population size.`);
}
if (promised === null) {
  notes.push(`The sweep did not run the base plan's own values (${baseText}): it promised nothing against them to compare with.`);
} else if (Math.sign(freshGain.mean) !== Math.sign(promised)) {
  notes.push(`The sweep promised ${num(promised)} ${base.plan.currency} against the base plan's values; on fresh seeds the sign turned: the sweep's figure was noise at this size.`);
} else {
  notes.push(`Same sign as the sweep promised (${num(promised)} ${base.plan.currency} against the base plan's values in the sweep).`);
}
const u = d.metrics.unsubscribes!;
notes.push(u.mean > 0 ? `It costs ${pm(u)} more unsubscribes than the base.` : `It does not cost unsubscribes (${pm(u)} against the base).`);
console.log(notes.join("\\n"));"""),
md("""## Move one knob and see the year again: the tuner

A sweep answers "which of these values?"; while a rule is being discussed, the question is "and if the
cap were 3?", answered at once. A **tuner** draws the customers and simulates the no-plan baseline
once, then each move re-runs the plan alone, on workers that keep their customers between moves. On
50,000 customers over a full year a move took about a second on a quiet 2-core machine
(`docs/performance.md`); it takes longer on a busy one, so the cell prints what a move took here, on
this machine, as it ran. A value already run comes back from memory. Each move gives exactly the
summary `cadence simulate` prints for that plan."""),
code("""import { Plot, shardedTuner } from "../engine/mod.ts";

const opened = performance.now();
const size = { customers: 50_000, days: 365 };
const t = await shardedTuner(base, { ...size, seed: 1, workers: 2 });
console.log(`tuner opened in ${((performance.now() - opened) / 1000).toFixed(1)} s: customers drawn, baseline and the plan as it is simulated`);
// the plan's own cap was simulated when the tuner opened; a value run once comes back from memory
const own = (base.source as any).pressure.rules.find((r: any) => r.name === "two-a-week").cap, ran = new Set([own]);
const moves: Record<string, unknown>[] = [];
try {
  for (const cap of [1, 2, 3, 4, 5, 3]) {
    const started = performance.now(), remembered = ran.has(cap);
    const { summary: s } = await t.run({ "pressure.rules.two-a-week.cap": cap });
    ran.add(cap);
    moves.push({
      "weekly cap": cap, "move (s)": +((performance.now() - started) / 1000).toFixed(2), how: remembered ? "from memory" : "simulated",
      contacts: s.contacts, "contacts / customer-week": s.contactsPerCustomerWeek.mean, suppressed: s.suppressed,
      unsubscribes: s.unsubscribes, "incremental margin": Math.round(s.incrementalMargin),
    });
  }
} finally {
  t.close(); // stops the workers, also when a move fails (a mistyped path): they would hold 50,000 customers until the kernel restarts
}
console.log(`${moves.length} moves, ${moves.filter((m) => m.how === "from memory").length} of them from memory`);"""),
code("""// the table in a cell of its own: the kernel can drop the output of a cell that awaited
// what a move took on this machine, now (the text's "about a second" is a quiet machine's figure)
const took = moves.filter((m) => m.how === "simulated").map((m) => m["move (s)"] as number).sort((a, b) => a - b);
const median = (took[(took.length - 1) >> 1] + took[took.length >> 1]) / 2;
console.log(`a simulated move took ${median.toFixed(2)} s here (median of ${took.length}, ${took[0].toFixed(2)} to ${took[took.length - 1].toFixed(2)} s)`);
show(aq.from(moves), { title: `${base.plan.name}, ${size.customers.toLocaleString("en-US")} customers × ${size.days} days: one move per value` })"""),
code("""// one point per cap, in order (a cap run again came from memory: the same figures)
const byCap = moves.filter((m, i) => moves.findIndex((x) => x["weekly cap"] === m["weekly cap"]) === i)
  .sort((a, b) => (a["weekly cap"] as number) - (b["weekly cap"] as number));
show({
  grid: true, width: 640, height: 260,
  x: { label: "weekly cap (two-a-week rule)", ticks: byCap.length },
  y: { label: `incremental margin (${base.plan.currency})` },
  marks: [
    Plot.lineY(byCap, { x: "weekly cap", y: "incremental margin", stroke: "#345" }),
    Plot.dot(byCap, { x: "weekly cap", y: "incremental margin", fill: "#345", r: 4 }),
    Plot.text(byCap, { x: "weekly cap", y: "incremental margin", text: (d: any) => `${d.unsubscribes} unsub.`, dy: -10 }),
  ],
}, { title: `Each move redraws the period: incremental margin (${base.plan.currency}) by weekly cap, unsubscribes marked` })"""),
])

nb("03-history-and-calibration.ipynb", [
md("""# Real data: history, fitted models, calibration and a backtest

Cadence's synthetic customers follow published models; real histories make them yours. This notebook
uses two public datasets (`../shared/data`, see its README for provenance):
- **CDNOW**: the purchase history of an online CD retailer's 1997 cohort, the standard test bed for
  customer-base models;
- **Hillstrom**: a randomised e-mail experiment on 64,000 customers."""),
code("""import { backtest, calibrationCheck, DAY, DEFAULT_WORLD, fitHistory, formatDate, HILLSTROM_RELEVANCE, importHistory, loadHillstrom, loadPlan, Plot, show } from "../engine/mod.ts";
import * as aq from "arquero";

// the history configs: the purchases the models are fitted on, and the same with an assumed e-mail opt-in
// for the backtest (the titles and figures below follow them: change them here)
const config = "../datasets/cdnow.yaml", optinConfig = "../datasets/cdnow-optin.yaml";
const nameOf = (file: string) => file.split("/").at(-1)!;
const num = (x: number, digits: number) => x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });"""),
md("""## Fit the purchase and order-value models

BG/NBD (how often customers buy, and when they silently drop out) and gamma-gamma (how much they spend),
by maximum likelihood on the calibration period (up to the config's `calibrationEnd`: for CDNOW, 39 weeks of
1997). For CDNOW the published values are r 0.243, α 4.414, a 0.793, b 2.426 (Fader, Hardie & Lee 2005)."""),
code("""const fit = await fitHistory(config);"""),
code("""show({ ...fit.bgnbd.params, logLikelihood: fit.bgnbd.logLikelihood, ...(fit.gammaGamma?.params ?? {}), customers: fit.customers, transactions: fit.transactions },
  { title: `BG/NBD and gamma-gamma fitted on ${nameOf(fit.config)}, calibration up to ${formatDate(fit.calibrationEnd)}` })"""),
md("""## Predicted against actual, in the holdout

The fitted model forecasts each customer's repeat purchases in the holdout weeks; we compare with
what they actually bought, grouped by how often they bought in the calibration period. The error is
relative: (predicted − actual) / actual, in % of the actual count (−25 % is a quarter fewer purchases
predicted than made), not percentage points."""),
code("""const rows = fit.holdout!.byFrequency;
show(aq.from(rows.map((r) => ({ "repeat purchases in calibration": r.x, customers: r.customers, "predicted in holdout": r.predicted,
  "actual in holdout": r.actual, "relative error (% of actual)": r.errorPct }))), { title: `${nameOf(fit.config)}: holdout repeat purchases, predicted and actual, by calibration frequency` })"""),
code("""const long = rows.flatMap((r) => [{ x: r.x, kind: "predicted", purchases: r.predicted }, { x: r.x, kind: "actual", purchases: r.actual }]);
show({
  width: 680, height: 300, marginLeft: 60,
  fx: { label: "repeat purchases in calibration (customers grouped)" }, x: { axis: null },
  y: { label: "↑ repeat purchases in holdout", grid: true },
  color: { legend: true },
  marks: [Plot.barY(long, { fx: "x", x: "kind", y: "purchases", fill: "kind" }), Plot.ruleY([0])],
}, { title: `${nameOf(fit.config)} holdout (${num(fit.holdout!.t, 0)} weeks, ${formatDate(fit.calibrationEnd + DAY)} to ${formatDate(fit.holdoutEnd!)}): repeat purchases predicted by BG/NBD against actual` })"""),
md("""How far off the forecast is, read from the figures (for CDNOW, an under-forecast of about 12 % is
documented for this sample, most of it among customers with one or two repeat purchases):"""),
code("""// the whole holdout, then the groups that make most of the gap
const h = fit.holdout!, gap = (r: { predicted: number; actual: number }) => r.predicted - r.actual;
const worst = [...rows].sort((a, b) => Math.abs(gap(b)) - Math.abs(gap(a))).slice(0, 2).sort((a, b) => a.x - b.x);
console.log(`BG/NBD ${h.predicted < h.actual ? "under" : "over"}-forecasts the holdout of ${nameOf(fit.config)} by ${num(Math.abs(h.errorPct), 1)} % ` +
  `(${num(h.predicted, 0)} repeat purchases predicted, ${num(h.actual, 0)} made); most of the gap (${num(Math.abs(worst.reduce((t, r) => t + gap(r), 0)), 0)} of ${num(Math.abs(h.predicted - h.actual), 0)}) ` +
  `is among customers with ${worst.map((r) => r.x).join(" or ")} repeat purchases in calibration.`);"""),
md("""## The e-mail response model, calibrated on Hillstrom

The simulated response to an e-mail (open, click, purchase) is fitted so that a simulated campaign on the
Hillstrom customers reproduces the experiment's lifts. The check below re-runs it: each simulated lift
must fall inside the experiment's 95 % interval."""),
code("""const checks = calibrationCheck(loadHillstrom(), DEFAULT_WORLD, HILLSTROM_RELEVANCE);
// visit and conversion lifts in percentage points, spend in dollars per customer
const unit = (k: string, x: number) => (k === "spend" ? x : x * 100);
show(aq.from(checks.flatMap((a) => (["visit", "conversion", "spend"] as const).map((k) => ({
  arm: a.arm, outcome: k === "spend" ? "spend ($)" : `${k} (pp)`, simulated: unit(k, a[k].sim), observed: unit(k, a[k].observed.diff),
  lo: unit(k, a[k].observed.lo), hi: unit(k, a[k].observed.hi), inside: a[k].inside,
})))))"""),
md("""## Backtest a plan on the recorded history

What would the *lifecycle* plan have sent to the history's customers in its holdout period (for CDNOW,
October 1997 to June 1998)? The
recorded purchases are replayed in time order through the plan's decision core (order-confirmation,
cross-sell and review-request fire on purchases; anti-churn and reactivation on inactivity). What a
backtest cannot show is said, as `cadence backtest` says it: the cell prints its warnings (the journeys
nobody entered: a purchase history has no visits, carts or e-mail responses). CDNOW has no consent data;
`cdnow-optin.yaml`, the backtest's config as written, assumes everyone opted in to e-mail."""),
code("""import { backtestWarnings } from "../engine/backtest/warnings.ts";

const history = importHistory(optinConfig);
// the holdout period of the history: the day after calibrationEnd to holdoutEnd, both inclusive
const from = history.config.calibrationEnd + DAY, to = history.config.holdoutEnd!;
const b = backtest(loadPlan("../scenarios/lifecycle.yaml"), history, { from, to });
const s = b.summary;
const warnings = backtestWarnings(b.plan, s, b.metrics.programs.map((p) => p.entered), history.config.currency, from, to);
console.log(warnings.map((x) => `warning: ${x.message}`).join("\\n") || "no warnings");
const w = s.contactsPerCustomerWeek;
show({ purchases: s.purchases, inactive: s.inactive, contacts: s.contacts, reach: s.reach, suppressed: s.suppressed,
  "contacts / customer-week, mean": w.mean, "contacts / customer-week, median": w.p50, "contacts / customer-week, 90th percentile": w.p90,
  "contacts / customer-week, 99th percentile": w.p99, "contacts / customer-week, most": w.max }, { title: `${b.plan.plan.name} on ${nameOf(optinConfig)}, ${formatDate(from)} to ${formatDate(to)}` })"""),
code("""show(aq.from(s.messages).orderby(aq.desc("count")), { title: "Messages by program, channel and status" })"""),
code("""show(aq.from(s.topCustomers), { title: "The customers under the most pressure" })"""),
])

# --- 04: promote and watch (the live server; engine/live, docs/live.md) --------------------------------
def notebook_04():
    nb("04-promote-and-watch.ipynb", [
md("""# Promote a plan and watch it live

The last step of a plan's life: it was compared and tuned in simulation; now it is **forecast** on the
server, **approved** by someone other than its author, **promoted** to live execution, and measured
against its forecast. This notebook does it all on a local server with a temporary database:

1. start a live server (Hono API, SQLite store) with a manual clock and a global control group (20 % as
   written);
2. upload `lifecycle.yaml`, forecast it, approve it with a second key, promote it;
3. replay a simulated *reality* — the same plan on a different seed — through the API, the clock
   driven by the event stream;
4. set what happened beside what the forecast said (docs/live.md, "Forecast vs actual")."""),
code("""import { startServer } from "../engine/live/server.ts";
import { createKey } from "../engine/live/keys.ts";
import { reality } from "../engine/live/demo.ts";
import { inControl } from "../engine/live/control-group.ts";
import { loadPlan, Plot, show } from "../engine/mod.ts";
import * as aq from "arquero";

const START = "2026-01-01", DAYS = 60, CUSTOMERS = 3000;
const db = `${Deno.makeTempDirSync()}/cadence.sqlite`;
const control = { share: 0.2, salt: "notebook" };
const server = startServer({ db, port: 0, host: "127.0.0.1", clock: "manual", start: Date.parse(`${START}T00:00:00Z`) / 60000,
  seed: 2, control, synchronous: "NORMAL", tickMs: 1000 });
const key = (role: "analyst" | "approver" | "operator" | "ingest" | "admin") => createKey(server.store, role, `notebook ${role}`, 0).key;
const keys = { analyst: key("analyst"), approver: key("approver"), operator: key("operator"), ingest: key("ingest"), admin: key("admin") };
async function api(method: string, path: string, k: string, body?: unknown, type = "application/json") {
  const res = await fetch(server.url + path, { method, headers: { authorization: `Bearer ${k}`, "content-type": type },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body) });
  const json = await res.json();
  if (!res.ok) throw new Error(`${path}: ${json.error}`);
  return json;
}"""),
# a display in a cell of its own: on a loaded machine the Deno kernel can drop the result of a cell that
# is slow (loading modules) or awaits at top level (nbconvert has already moved on)
code("""show({ server: server.url, database: db })"""),
md("""## Upload, forecast, approve, promote

The forecast is the compare engine run on the server (as written, 3 replications of 3,000 synthetic
customers over 60 days; the table's title says what ran), stored with the plan. The approver's key is
not the analyst's (four eyes); promotion freezes
the plan's content hash and the engine version."""),
code("""const source = Deno.readTextFileSync("../scenarios/lifecycle.yaml");
const plan = await api("POST", "/v1/plans", keys.analyst, source, "application/yaml");
const forecast = await api("POST", `/v1/plans/${plan.id}/forecast`, keys.analyst, { customers: CUSTOMERS, days: DAYS, replications: 3, seed: 1, start: START });
// each answer in a constant: a bare await api(...) would leave its JSON as the cell's output
const approved = await api("POST", `/v1/plans/${plan.id}/approve`, keys.approver);
const live = await api("POST", `/v1/plans/${plan.id}/promote`, keys.operator);
const f = forecast.forecast.metrics;"""),
code("""const fo = forecast.forecast;
show({ plan: live.name, state: live.state, hash: live.hash.slice(0, 16), engine: live.engine, author: live.author, approver: live.approver,
  forecastContacts: Math.round(f.contacts.mean), forecastIncrementalRevenue: Math.round(f.incrementalRevenue.mean) },
  { title: `${live.name}, live; forecast over ${fo.replications} replications of ${fo.customers.toLocaleString("en-US")} customers × ${fo.days} days` })"""),
md("""## Replay a simulated reality

Reality is the same plan simulated with another seed. A treated customer's events come from the run
with the plan, a control customer's from the run without it (what they would have done unprompted).
The events go through `POST /v1/events` in batches of 1,000; their times move the server's clock."""),
code("""const r = reality(loadPlan("../scenarios/lifecycle.yaml"), { customers: CUSTOMERS, days: DAYS, start: START, realitySeed: 2 }, (id) => inControl(control, id));
const stored = await api("POST", "/v1/customers", keys.ingest, { customers: r.profiles });
const batches = [];
for (let i = 0; i < r.events.length; i += 1000) batches.push(await api("POST", "/v1/events", keys.ingest, { events: r.events.slice(i, i + 1000) }));
const clock = await api("POST", "/v1/clock", keys.admin, { now: new Date(Date.parse(`${START}T00:00:00Z`) + DAYS * 86400000).toISOString() });
const metrics = await api("GET", "/v1/metrics/live", keys.analyst);
console.log(`${r.events.length.toLocaleString("en-US")} events in ${batches.length} batches; the clock is at ${clock.now}`);"""),
code("""show({ events: r.events.length, treated: metrics.total.treated.customers, control: metrics.total.control.customers,
  sends: metrics.total.treated.sends, suppressed: metrics.total.treated.suppressed, withheldFromControl: metrics.total.control.holdout },
  { title: `The reality replayed: ${CUSTOMERS.toLocaleString("en-US")} customers × ${DAYS} days, ${Math.round(control.share * 100)} % in the control group` })"""),
md("""## Forecast vs actual

Each forecast is taken pro rata to the treated customers and the days elapsed; its interval is a 95 %
prediction interval for one run. Incremental revenue is measured against the control group, with its
own interval."""),
code("""const fva = await api("GET", `/v1/plans/${plan.id}/forecast-vs-actual`, keys.analyst);"""),
code("""// incremental revenue's actual is itself an estimate (treated − control): inside when its own interval meets the forecast's
show(aq.from(fva.metrics.map((m: any) => ({ metric: m.name === "incrementalRevenue" ? `${m.name} (${fva.plan.currency})` : m.name,
  forecast: m.forecast.mean, lo: m.forecast.lo, hi: m.forecast.hi, actual: m.actual,
  "actual's lo": m.actualInterval?.lo ?? null, "actual's hi": m.actualInterval?.hi ?? null, inside: m.inside }))),
  { title: `Forecast vs actual, ${fva.period.days} days, ${fva.population.treated.toLocaleString("en-US")} treated customers` })"""),
code("""const rows = fva.metrics.filter((m: any) => m.name !== "incrementalRevenue").map((m: any) => ({ ...m, scale: Math.max(1, m.forecast.hi) }));
show({
  marginLeft: 110, width: 640, height: 220, x: { label: "share of the forecast interval's upper bound", domain: [0, 1.4] }, y: { label: null },
  marks: [
    Plot.barX(rows, { y: "name", x1: (d: any) => d.forecast.lo / d.scale, x2: (d: any) => d.forecast.hi / d.scale, fill: "#c9d6ea" }),
    Plot.tickX(rows, { y: "name", x: (d: any) => d.forecast.mean / d.scale, stroke: "#345", strokeWidth: 2 }),
    Plot.dot(rows, { y: "name", x: (d: any) => d.actual / d.scale, fill: (d: any) => (d.inside ? "#2a9d55" : "#d1495b"), r: 5 }),
  ],
}, { title: "Forecast interval (bar), forecast (tick) and actual (dot)" })"""),
code("""await server.stop();"""),
    ])

notebook_04()

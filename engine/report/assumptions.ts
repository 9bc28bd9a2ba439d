/**
 * The report's assumptions section: the world parameters the figures rest on, with the values this
 * comparison ran with and where each comes from — fitted on a measured experiment, a published
 * benchmark, or an assumption (the model's guess) — then the published benchmarks the default world
 * is calibrated against, each with its source (engine/calibration/benchmarks.ts, docs/calibration.md).
 */
import type { Comparison } from "../compare/compare.ts";
import { BENCHMARKS } from "../calibration/benchmarks.ts";
import { esc } from "./html.ts";

const pct = (x: number, d = 2) => `${+(100 * x).toFixed(d)} %`;

type Basis = "fitted" | "benchmark" | "assumption";
const BASIS: Record<Basis, string> = {
  fitted: "measured: fitted on an experiment",
  benchmark: "published benchmark",
  assumption: "assumption (the model's guess)",
};

/** [parameter, value in this comparison, basis, source] — the parameters incremental margin and fatigue turn on. */
function parameterRows(c: Comparison): [string, string, Basis, string][] {
  const w = c.world, e = w.channels[0];
  const margins = [...new Set(c.plans.filter((p) => !p.baseline).map((p) => p.margin))].map((m) => pct(m, 0)).join(" / ");
  return [
    ["e-mail: came to the site | opened", pct(e.click, 1), "fitted", "Kevin Hillstrom's MineThatData e-mail experiment (2008): visit lift"],
    ["e-mail: incremental purchase | came", pct(e.convert, 1), "fitted", "Hillstrom experiment: conversion and spend lift"],
    ["e-mail: opened | delivered", pct(e.open, 1), "benchmark", "Campaign Monitor 2019 (17.9 %), Mailchimp 2018–2019 (21 %)"],
    ["e-mail: unsubscribe | delivered, at a weekly cadence", pct(e.unsubscribe), "benchmark", "Campaign Monitor 2019 (0.17 %), Mailchimp (0.2–0.27 %), lowered to a 3–7.5 % yearly list attrition"],
    ["e-mail: spam complaint | delivered, at a weekly cadence", pct(e.complain, 3), "benchmark", "Mailchimp 2018–2019 (≈ 0.012 %)"],
    ["SMS: opt-out | delivered", pct(w.channels[1].unsubscribe, 1), "benchmark", "Klaviyo SMS benchmarks (0.6–1 % per send)"],
    ["fatigue half-life", `${w.fatigueHalfLifeDays} days`, "assumption", "no published figure; fatigue weights per channel too"],
    ["leaves the brand | delivered", `${w.leaveRate} × (fatigue / ${w.fatigueScale})²`, "assumption", "no published figure: burning the base must show"],
    ["purchase already due, pulled forward by a message", `within ${w.pullForwardDays} days, ${pct(w.pullForwardConvert, 0)}`, "assumption", "not incremental: the order was coming anyway"],
    ["attribution window (attributed revenue only)", `${w.attributionDays} days`, "benchmark", "Klaviyo's default attribution window"],
    ["purchase rates and spend (synthetic customers)", `BG/NBD r ${w.purchase.r}, α ${w.purchase.alpha}; gamma-gamma p ${w.spend.p}`, "fitted", "BG/NBD and gamma-gamma on CDNOW (Fader, Hardie & Lee 2005); spend × 2 to an apparel basket (assumption)"],
    ["gross margin (plan)", margins, "assumption", "the plan's margin: field, set by its author"],
  ];
}

export function assumptionsBody(c: Comparison): string {
  const params = parameterRows(c).map(([name, value, basis, source]) =>
    `<tr><td>${esc(name)}</td><td>${esc(value)}</td><td class="l">${BASIS[basis]}</td><td class="l src">${esc(source)}</td></tr>`
  ).join("\n");
  const bench = BENCHMARKS.map((b) => {
    const band = b.high > 1 ? `${b.low} – ${b.high}` : `${pct(b.low, 3)} – ${pct(b.high, 3)}`;
    const assumed = b.source.startsWith("assumption") || (b.note ?? "").startsWith("assumption");
    return `<tr><td>${esc(b.channel)}, ${esc(b.kind)}: ${esc(b.metric)}</td><td>${esc(band)}</td><td class="l">${assumed ? BASIS.assumption : BASIS.benchmark}</td><td class="l src">${esc(b.source)}${b.note ? ` <small>(${esc(b.note)})</small>` : ""}</td></tr>`;
  }).join("\n");
  return `<h3>World parameters these figures rest on</h3>
<div class="wide"><table class="sources"><tr><th>parameter</th><th>value in this comparison</th><th class="l">basis</th><th class="l">source</th></tr>
${params}</table></div>
<h3>Benchmarks the default world is calibrated against</h3>
<p class="note">Each channel and program kind simulated alone reproduces these published bands (<code>cadence calibration</code>; the simulated figures are in docs/calibration.md). Orders and revenue per recipient there are attributed, as a platform reports them: not incremental.</p>
<div class="wide"><table class="sources"><tr><th>metric</th><th>band</th><th class="l">basis</th><th class="l">source</th></tr>
${bench}</table></div>`;
}

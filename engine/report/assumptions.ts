/**
 * The report's assumptions section: the world parameters the figures rest on, with the values this
 * comparison ran with and where each comes from — fitted on a measured experiment, a published
 * benchmark, or an assumption (the model's guess); a value set for the comparison (a plan's world:
 * section, the world option) is marked as such with the default beside it, and every parameter set is
 * listed — then the published benchmarks the default world is calibrated against, each with its source
 * (engine/calibration/benchmarks.ts, docs/calibration.md).
 */
import type { Comparison } from "../compare/compare.ts";
import { BENCHMARKS } from "../calibration/benchmarks.ts";
import { bandText } from "../calibration/report.ts";
import { DEFAULT_WORLD, type WorldChange, type WorldModel, worldChanges } from "../sim/world-model.ts";
import { esc } from "./html.ts";

const pct = (x: number, d = 2) => `${+(100 * x).toFixed(d)} %`;

type Basis = "fitted" | "history" | "benchmark" | "assumption";
const BASIS: Record<Basis, string> = {
  fitted: "measured: fitted on an experiment",
  history: "measured: fitted on the brand's history",
  benchmark: "published benchmark",
  assumption: "assumption (the model's guess)",
};

interface Row {
  name: string;
  value: (w: WorldModel) => string; // as read in a world: this comparison's, or the default for comparison
  paths: string[]; // the world parameters it reads (worldChanges' paths): one set for this comparison marks the row
  basis: Basis;
  source: string;
}

/** The parameters incremental margin and fatigue turn on, each with the world paths it reads. */
const ROWS: Row[] = [
  { name: "e-mail: came to the site | opened", value: (w) => pct(w.channels[0].click, 1), paths: ["channels.email.click"], basis: "fitted", source: "Kevin Hillstrom's MineThatData e-mail experiment (2008): visit lift" },
  { name: "e-mail: incremental purchase | came", value: (w) => pct(w.channels[0].convert, 1), paths: ["channels.email.convert"], basis: "fitted", source: "Hillstrom experiment: conversion and spend lift" },
  { name: "e-mail: opened | delivered", value: (w) => pct(w.channels[0].open, 1), paths: ["channels.email.open"], basis: "benchmark", source: "Campaign Monitor 2019 (17.9 %), Mailchimp 2018–2019 (21 %)" },
  { name: "e-mail: unsubscribe | delivered, at a weekly cadence", value: (w) => pct(w.channels[0].unsubscribe), paths: ["channels.email.unsubscribe"], basis: "benchmark", source: "Campaign Monitor 2019 (0.17 %), Mailchimp (0.2–0.27 %), lowered to a 3–7.5 % yearly list attrition" },
  { name: "e-mail: spam complaint | delivered, at a weekly cadence", value: (w) => pct(w.channels[0].complain, 3), paths: ["channels.email.complain"], basis: "benchmark", source: "Mailchimp 2018–2019 (≈ 0.012 %)" },
  { name: "SMS: opt-out | delivered", value: (w) => pct(w.channels[1].unsubscribe, 1), paths: ["channels.sms.unsubscribe"], basis: "benchmark", source: "Klaviyo SMS benchmarks (0.6–1 % per send)" },
  { name: "fatigue half-life", value: (w) => `${w.fatigueHalfLifeDays} days`, paths: ["fatigueHalfLifeDays"], basis: "assumption", source: "no published figure; fatigue weights per channel too" },
  { name: "leaves the brand | delivered", value: (w) => `${w.leaveRate} × (fatigue / ${w.fatigueScale})²`, paths: ["leaveRate", "fatigueScale"], basis: "assumption", source: "no published figure: burning the base must show" },
  { name: "purchase already due, pulled forward by a message", value: (w) => `within ${w.pullForwardDays} days, ${pct(w.pullForwardConvert, 0)}`, paths: ["pullForwardDays", "pullForwardConvert"], basis: "assumption", source: "not incremental: the order was coming anyway" },
  { name: "attribution window (attributed revenue only)", value: (w) => `${w.attributionDays} days`, paths: ["attributionDays"], basis: "benchmark", source: "Klaviyo's default attribution window" },
];

/** Synthetic customers' purchases and spend: the world's priors, CDNOW's figures by default. */
const SYNTHETIC_PURCHASES: Row = { name: "purchase rates and spend (synthetic customers)", value: (w) => `BG/NBD r ${w.purchase.r}, α ${w.purchase.alpha}; gamma-gamma p ${w.spend.p}`, paths: ["purchase.r", "purchase.alpha", "spend.p"], basis: "fitted", source: "BG/NBD and gamma-gamma on CDNOW (Fader, Hardie & Lee 2005); spend × 2 to an apparel basket (assumption)" };

/**
 * A history population's purchases and spend: its own BG/NBD and gamma-gamma fit (engine/sim/history-population.ts),
 * not the world's priors, so no world path marks it. The comparison carries the population's label, not the
 * fitted figures: `cadence fit` prints them.
 */
function historyPurchases(label: string): Row {
  const config = label.slice("history:".length);
  return {
    name: "purchase rates and spend (the history's customers)",
    value: () => `fitted on ${label}: BG/NBD and gamma-gamma (cadence fit --history ${config} prints the figures)`,
    paths: [],
    basis: "history",
    source: "each customer's purchase rate and dropout drawn from the BG/NBD posterior given their own orders (seasonal when the config's seasonality is on), order values from the gamma-gamma fit, on the history's transactions up to the day before the start (customers who never bought: the fitted prior × the world's prospectRateFactor); without a repeat buyer to fit, order values follow the world's spend prior",
  };
}

// what sets a parameter: the plans' world: section, the world option from code, a history population's calendar
const SET = "set for this comparison, not the default";

/**
 * A parameter's value as the table writes it, lists in brackets: numbers to 4 significant digits (a fitted
 * world's 0.2186301221314031 reads 0.2186, beside the 21.9 % the rows above give), or as given (`exact`).
 * @example shown([0.9984814947450067, 1], false) // "[0.9985, 1]"
 */
const shown = (v: unknown, exact: boolean) =>
  JSON.stringify(v, (_, x) => typeof x === "number" && !exact ? Number(x.toPrecision(4)) : x).replace(/,/g, ", ");

/** [parameter, value in this comparison, basis, source] as table cells (HTML); a row whose parameters were set says so and gives the default. */
function parameterRows(c: Comparison, changes: WorldChange[]): [string, string, string, string][] {
  const w = c.world, set = new Set(changes.map((x) => x.path));
  const margins = [...new Set(c.plans.filter((p) => !p.baseline).map((p) => p.margin))].map((m) => pct(m, 0)).join(" / ");
  const purchases = c.population.startsWith("history:") ? historyPurchases(c.population) : SYNTHETIC_PURCHASES;
  const rows = [...ROWS, purchases].map((r): [string, string, string, string] => {
    if (!r.paths.some((p) => set.has(p))) return [esc(r.name), esc(r.value(w)), BASIS[r.basis], esc(r.source)];
    // the user's value, marked, beside the default it replaces; the source is the default's
    return [esc(r.name), `<b>${esc(r.value(w))}</b> <small>(default ${esc(r.value(DEFAULT_WORLD))})</small>`, SET, `the default's: ${BASIS[r.basis]}, ${esc(r.source)}`];
  });
  return [...rows, [esc("gross margin (plan)"), esc(margins), BASIS.assumption, esc("the plan's margin: field, set by its author")]];
}

/** Every parameter set for this comparison, the default beside it; a sentence when none was. */
function changesBody(changes: WorldChange[]): string {
  if (!changes.length) return `<p class="note">This comparison ran in the default world (docs/world-model.md): no parameter was set by a plan's world: section or the world option.</p>`;
  const rows = changes.map((x) => {
    // a value that rounds to its default is written whole, both, so the row shows what differs
    const exact = shown(x.value, false) === shown(x.default, false);
    return `<tr><td>${esc(x.path)}</td><td><b>${esc(shown(x.value, exact))}</b></td><td>${esc(shown(x.default, exact))}</td></tr>`;
  }).join("\n");
  return `<h3>World parameters set for this comparison</h3>
<p class="note">${changes.length === 1 ? "One parameter differs" : `${changes.length} parameters differ`} from the default world (docs/world-model.md, where each default's source is given), set by the plans' world: section, a --world FILE (as fit --world-out writes it) or the world option of a run from code, or a history population's learned calendar (seasonality); every other parameter is the default.</p>
<div class="wide"><table class="sources world-set"><thead><tr><th>parameter</th><th>value in this comparison</th><th>default</th></tr></thead>
${rows}</table></div>`;
}

export function assumptionsBody(c: Comparison): string {
  const changes = worldChanges(c.world);
  const params = parameterRows(c, changes).map(([name, value, basis, source]) =>
    `<tr><td>${name}</td><td>${value}</td><td class="l">${basis}</td><td class="l src">${source}</td></tr>`
  ).join("\n");
  const changed = changes.length > 0;
  // a money band was checked on the default world, in the plan's currency (its cost currency), not in a
  // history's revenue unit: "0.05 – 0.25 thousands of IDR" would be a band a thousand times too high
  const bench = BENCHMARKS.map((b) => {
    const assumed = b.source.startsWith("assumption") || (b.note ?? "").startsWith("assumption");
    return `<tr><td>${esc(b.channel)}, ${esc(b.kind)}: ${esc(b.metric)}</td><td class="band">${esc(bandText(b, c.costCurrency))}</td><td class="l">${assumed ? BASIS.assumption : BASIS.benchmark}</td><td class="l src">${esc(b.source)}${b.note ? ` <small>(${esc(b.note)})</small>` : ""}</td></tr>`;
  }).join("\n");
  return `<h3>World parameters these figures rest on</h3>
<div class="wide"><table class="sources"><thead><tr><th>parameter</th><th>value in this comparison</th><th class="l">basis</th><th class="l">source</th></tr></thead>
${params}</table></div>
${changesBody(changes)}
<h3>Benchmarks the default world is calibrated against</h3>
<p class="note">Each channel and program kind simulated alone reproduces these published bands (<code>cadence calibration</code>; the simulated figures are in docs/calibration.md). Orders and revenue per recipient there are attributed, as a platform reports them: not incremental.${changed ? " They were checked on the default world, not on this comparison's (set above): <code>cadence calibration --world FILE</code> (or <code>calibrate({ world })</code>) measures a world against them." : ""}</p>
<div class="wide"><table class="sources"><thead><tr><th>metric</th><th>band</th><th class="l">basis</th><th class="l">source</th></tr></thead>
${bench}</table></div>`;
}

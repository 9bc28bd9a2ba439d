/**
 * The forecast-vs-actual page (`cadence live-report`): one self-contained HTML file, no script, a row
 * per metric with the forecast's 95 % prediction interval drawn as a bar, its mean as a tick and the
 * actual as a dot (green inside, red outside), beside the figures.
 */
import type { ComparedMetric } from "./forecast-vs-actual.ts";

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
export const fmt = (x: number | null | undefined) => (x === null || x === undefined ? "—" : Math.abs(x) >= 100 ? Math.round(x).toLocaleString("en") : x.toFixed(1));

/**
 * An interval as printed, `[lo, hi]`. A count's ends are whole numbers (engine/live/forecast-vs-actual.ts)
 * and are printed as such; money's are rounded outward — the lower end down, the upper end up, at the
 * precision printed — so the printed interval holds the true one: 0.00008 prints 0.0 only as an upper
 * end, never as a lower end that would seem to hold an actual of 0 it excludes. Both ends have one
 * precision, `fmt`'s for the larger end: whole when either is 100 or more in size, else one decimal
 * ("[-24.8, 1,749]" printed each end by its own size).
 */
export function fmtInterval(lo: number, hi: number, whole: boolean): string {
  if (whole) return `[${lo.toLocaleString("en")}, ${hi.toLocaleString("en")}]`;
  const scale = Math.max(Math.abs(lo), Math.abs(hi)) >= 100 ? 1 : 10; // + 0: -0 (a small negative upper end) prints 0
  const out = (x: number, round: (x: number) => number) => (round(x * scale) / scale + 0).toLocaleString("en", { minimumFractionDigits: scale === 1 ? 0 : 1 });
  return `[${out(lo, Math.floor)}, ${out(hi, Math.ceil)}]`;
}

/** Counts are compared as whole numbers; incremental revenue is money. */
export const isCount = (m: ComparedMetric) => m.name !== "incrementalRevenue";
/** The actual as the report and the demo print it: a count whole, money as `fmt`. */
export const fmtActual = (m: ComparedMetric) => (isCount(m) ? m.actual?.toLocaleString("en") ?? "—" : fmt(m.actual));

/** The row in words, for a screen reader: the strip's text alternative (it named the metric only). */
function stripText(m: ComparedMetric, currency: string): string {
  const actual = m.actual === null ? "not measured" : `${fmtActual(m)}${m.actualInterval ? ` (its own 95 % interval ${fmtInterval(m.actualInterval.lo, m.actualInterval.hi, false)})` : ""}`;
  const verdict = m.inside === null ? "" : m.inside ? ", inside the forecast" : ", outside the forecast";
  return `${label(m, currency)}: forecast ${fmt(m.forecast.mean)}, 95 % prediction interval ${fmtInterval(m.forecast.lo, m.forecast.hi, isCount(m))}; actual ${actual}${verdict}`;
}

function strip(m: ComparedMetric, currency: string): string {
  const W = 320, H = 26, pad = 8;
  const xs = [m.forecast.lo, m.forecast.hi, m.forecast.mean, m.actual ?? m.forecast.mean, m.actualInterval?.lo ?? m.forecast.lo, m.actualInterval?.hi ?? m.forecast.hi];
  const lo = Math.min(...xs);
  let hi = Math.max(...xs);
  if (hi === lo) hi = lo + 1;
  const x = (v: number) => pad + ((v - lo) / (hi - lo)) * (W - 2 * pad);
  const color = m.inside === null ? "#888" : m.inside ? "#2a9d55" : "#d1495b";
  const actual = m.actual === null ? "" : `<circle cx="${x(m.actual).toFixed(1)}" cy="${H / 2}" r="5" fill="${color}"/>`;
  const ai = m.actualInterval ? `<line x1="${x(m.actualInterval.lo).toFixed(1)}" x2="${x(m.actualInterval.hi).toFixed(1)}" y1="${H / 2 + 7}" y2="${H / 2 + 7}" stroke="${color}" stroke-width="2"/>` : "";
  return `<svg width="${W}" height="${H}" role="img" aria-label="${esc(stripText(m, currency))}"><rect x="${x(m.forecast.lo).toFixed(1)}" y="${H / 2 - 5}" width="${Math.max(1, x(m.forecast.hi) - x(m.forecast.lo)).toFixed(1)}" height="10" fill="#c9d6ea"/><line x1="${x(m.forecast.mean).toFixed(1)}" x2="${x(m.forecast.mean).toFixed(1)}" y1="${H / 2 - 8}" y2="${H / 2 + 8}" stroke="#345" stroke-width="2"/>${ai}${actual}</svg>`;
}

/** A compared metric's name in the report: words, and money's currency. */
function label(m: ComparedMetric, currency: string): string {
  switch (m.name) {
    case "reach": return "reach (customers contacted)";
    case "conversions": return "conversions (purchases attributed to its programs)";
    case "incrementalRevenue": return `incremental revenue (${currency}; treated − control)`;
    default: return m.name;
  }
}

export function renderLiveReport(r: { plan: { id: number; name: string; hash: string; engine: string; state: string; currency: string }; period: { from: string; to: string; days: number; pausedDays?: number }; population: { treated: number; control: number; forecastCustomers: number; forecastDays: number }; metrics: ComparedMetric[] }): string {
  const rows = r.metrics.map((m) =>
    `<tr><th>${esc(label(m, r.plan.currency))}</th><td>${fmt(m.forecast.mean)}</td><td>${fmtInterval(m.forecast.lo, m.forecast.hi, isCount(m))}</td><td>${fmtActual(m)}${m.actualInterval ? ` <small>${fmtInterval(m.actualInterval.lo, m.actualInterval.hi, false)}</small>` : ""}${m.note ? `<br><small>${esc(m.note)}</small>` : ""}</td><td class="${m.inside ? "in" : m.inside === false ? "out" : ""}">${m.inside === null ? "—" : m.inside ? "inside" : "outside"}</td><td>${strip(m, r.plan.currency)}</td></tr>`
  ).join("\n");
  // on a phone the table (its strips are 320 px) scrolls in its own box and the hash breaks: the page
  // itself went 786 px wide at 390
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Forecast vs actual — ${esc(r.plan.name)}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem auto; max-width: 1000px; color: #222; padding: 0 1rem; }
table { border-collapse: collapse; width: 100%; } th, td { padding: .35rem .6rem; border-bottom: 1px solid #e4e4e4; text-align: right; }
th { text-align: left; font-weight: 600; } td.in { color: #2a9d55; } td.out { color: #d1495b; font-weight: 600; } small { color: #666; }
.meta { color: #555; } code { font-size: 12px; overflow-wrap: anywhere; } .wide { overflow-x: auto; } td:nth-child(3) { white-space: nowrap; }
@media print { .wide { overflow: visible; } tr, svg { break-inside: avoid; } }
</style></head><body>
<h1>Forecast vs actual — ${esc(r.plan.name)}</h1>
<p class="meta">Plan ${r.plan.id} (${esc(r.plan.state)}), content hash <code>${esc(r.plan.hash)}</code>, engine ${esc(r.plan.engine)}.<br>
Live from ${esc(r.period.from)} to ${esc(r.period.to)} (${r.period.days} days${r.period.pausedDays ? `, of which ${r.period.pausedDays} paused` : ""}), ${r.population.treated.toLocaleString("en")} treated and ${r.population.control.toLocaleString("en")} control-group customers.
The forecast (${r.population.forecastCustomers.toLocaleString("en")} customers × ${r.population.forecastDays} days) is taken pro rata to the treated customers and the days the plan ran (paused days left out); its interval is a 95 % prediction interval for one run (bar), its mean a tick; the actual is the dot.
The incremental revenue actually measured (treated minus control, per customer, times the treated customers) is an estimate with its
own 95 % interval: the line under the dot; it is inside when that line meets the bar. Each row has its own scale.</p>
<div class="wide"><table><thead><tr><th>metric</th><th>forecast</th><th>95 % interval</th><th>actual</th><th>verdict</th><th><span hidden>chart</span></th></tr></thead><tbody>
${rows}
</tbody></table></div>
</body></html>
`;
}

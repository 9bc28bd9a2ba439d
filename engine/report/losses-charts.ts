/**
 * The report's trade-off charts: what each plan earns against the customers it loses. One dot per plan
 * (incremental margin up, customers lost right, each mean's 95 % interval across and along it, the
 * no-plan baseline at the origin), and the customers who left the brand so far, week by week, one line
 * per plan and the baseline, so a steady loss tells from bursts after campaigns.
 *
 * Both read the comparison's means over replications (`metrics`, `leftWeekly`), the figures of the
 * summary table, not the first replication the daily charts draw.
 */
import { type Comparison, type Metric, moneyUnit } from "../compare/compare.ts";
import { Plot, renderFigure } from "../charts/render.ts";
import { dateOf, planColors } from "./charts.ts";
import { esc, signedText, spanText, whole } from "./html.ts";
import { placeLabels } from "./label-placement.ts";

const n1 = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });
/** A week's count, which the summary does not give: 0.7, 18.2 (never -0); a mean of few seeds below 1 stays readable. */
const count = signedText((x) => n1.format(x));
// Money, axis numbers and every figure the summary table also gives (a plan's unsubscribes and customers
// who left, their intervals, the total at the run's end) are written with `whole`, as the summary writes
// them: 5, -1,204 (never -0), so the chart's text and the table agree to the digit; the unit is added where it is read.

/** The losses the trade-off chart sets margin against. */
export type Loss = "unsubscribes" | "churned";
const LOSS: Record<Loss, { axis: string; noun: string }> = {
  unsubscribes: { axis: "unsubscribes", noun: "unsubscribes" },
  churned: { axis: "customers who left the brand", noun: "customers who left" },
};

/**
 * An axis from `lo` to `hi` widened to whole steps of 1, 2 or 5 × 10ⁿ (at least 1: a count or an amount
 * has no tick between 0 and 1 worth a label), about `count` of them.
 * @example wholeTicks(-431, 785) // { domain: [-500, 1000], ticks: [-500, 0, 500, 1000] }
 */
export function wholeTicks(lo: number, hi: number, count = 5): { domain: [number, number]; ticks: number[] } {
  if (!(hi > lo)) hi = lo + 1;
  const raw = (hi - lo) / count, p = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw)!);
  const a = Math.floor(lo / step), b = Math.ceil(hi / step);
  return { domain: [a * step || 0, b * step || 0], ticks: Array.from({ length: b - a + 1 }, (_, k) => (a + k) * step || 0) };
}

const W = 490, H = 340, ML = 70, MR = 16, MT = 24, MB = 40;

/**
 * Incremental margin against one kind of loss, one dot per plan with its plan's name beside it, lines
 * across the dot over each mean's 95 % interval (the axes hold the whole intervals).
 * @example tradeoffChart(comparePlans(plans), "unsubscribes")
 */
export function tradeoffChart(c: Comparison, loss: Loss): string {
  const unit = moneyUnit(c, "incrementalMargin"), { noun, axis } = LOSS[loss];
  const rows = c.plans.flatMap((p) => {
    const m = p.metrics.incrementalMargin, u = p.metrics[loss as Metric];
    if (!m || !u) return [];
    return [{ plan: p.name, baseline: p.baseline, m, u, x: u.mean, y: m.mean, xLo: u.lo ?? u.mean, xHi: u.hi ?? u.mean, yLo: m.lo ?? m.mean, yHi: m.hi ?? m.mean }];
  });
  const x = wholeTicks(0, Math.max(...rows.map((r) => r.xHi)) * 1.04, 4);
  const ySpan = Math.max(...rows.map((r) => r.yHi), 0) - Math.min(...rows.map((r) => r.yLo), 0);
  const y = wholeTicks(Math.min(...rows.map((r) => r.yLo), 0) - 0.04 * ySpan, Math.max(...rows.map((r) => r.yHi), 0) + 0.04 * ySpan, 5);
  // names beside the dots, placed in pixels so that close plans' names do not overlap
  const [x0, x1] = x.domain, [y0, y1] = y.domain, top = MT, bottom = H - MB;
  const px = (v: number) => ML + ((v - x0) / (x1 - x0)) * (W - MR - ML), py = (v: number) => bottom - ((v - y0) / (y1 - y0)) * (bottom - top);
  // above the dot (offset −9): written over its interval's line, a label's halo hid the line's end
  const places = placeLabels(rows.map((r) => ({ x: px(r.x), y: py(r.y), text: r.plan })), { left: ML, right: W - MR, top, bottom }, -9);
  const labels = rows.map((r, i) => ({ ...r, anchor: places[i].anchor, labelY: r.y - (places[i].dy * (y1 - y0)) / (bottom - top) }));
  const describe = (r: typeof rows[number]) =>
    r.baseline
      ? `${r.plan}: the baseline, at the origin`
      : `${r.plan}: ${whole(r.y)} ${unit} incremental margin${spanText(r.m, whole)}, ${whole(r.x)} ${noun}${spanText(r.u, whole)}`;
  const title = `Incremental margin (${unit}) against ${noun}, per plan`;
  const crosses = rows.filter((r) => r.xLo < r.xHi || r.yLo < r.yHi);
  return renderFigure({
    ariaLabel: `${title}: ${rows.map(describe).join("; ")}`,
    width: W,
    height: H,
    marginLeft: ML,
    marginRight: MR,
    marginTop: MT,
    marginBottom: MB,
    grid: true,
    x: { label: `${axis}${c.replications > 1 ? " (mean)" : ""} →`, domain: x.domain, ticks: x.ticks, tickFormat: whole },
    y: { label: `↑ incremental margin (${unit})`, domain: y.domain, ticks: y.ticks, tickFormat: whole },
    color: planColors(c),
    marks: [
      Plot.ruleX([0], { stroke: "#888" }),
      Plot.ruleY([0], { stroke: "#888" }),
      Plot.link(crosses, { x1: "xLo", x2: "xHi", y1: "y", y2: "y", stroke: "plan", strokeWidth: 2, strokeOpacity: 0.55 }),
      Plot.link(crosses, { x1: "x", x2: "x", y1: "yLo", y2: "yHi", stroke: "plan", strokeWidth: 2, strokeOpacity: 0.55 }),
      Plot.dot(rows, { x: "x", y: "y", fill: "plan", r: 5, stroke: "white", title: describe }),
      ...(["start", "end"] as const).map((anchor) =>
        Plot.text(labels.filter((l) => l.anchor === anchor), {
          x: "x", y: "labelY", text: "plan", textAnchor: anchor, dx: anchor === "start" ? 8 : -8, fontSize: 11, fill: "#222",
        })
      ),
    ],
  });
}

/** The last day of the week ending at `day` (the end of day `day` − 1 from the start), as a date: 2026-01-07. */
const dayText = (c: Comparison, day: number) => dateOf(c, day - 1).toISOString().slice(0, 10);

/**
 * Customers who left the brand so far, at the start, each week's end and the run's end, mean over the
 * replications, one line per plan and the no-plan baseline, each named at its end with its total; the
 * total is the summary's "churned by fatigue".
 * @example leftOverTimeChart(comparePlans(plans))
 */
export function leftOverTimeChart(c: Comparison): string {
  const rows = c.plans.flatMap((p) => [{ plan: p.name, day: 0, left: 0 }, ...p.leftWeekly.map((w) => ({ plan: p.name, day: w.day, left: w.left.mean }))])
    .map((r) => ({ ...r, date: dateOf(c, r.day) }));
  const ends = c.plans.map((p) => ({ plan: p.name, day: c.days, date: dateOf(c, c.days), left: p.leftWeekly.at(-1)?.left.mean ?? 0 }));
  const width = 800, height = 300, ml = 50, mr = 170, mt = 24, mb = 30;
  const y = wholeTicks(0, Math.max(1, ...rows.map((r) => r.left)) * 1.04, 5);
  const py = (v: number) => height - mb - (v / y.domain[1]) * (height - mb - mt);
  const places = placeLabels(ends.map((e) => ({ x: width - mr, y: py(e.left), text: `${e.plan}: ${whole(e.left)}` })), { left: ml, right: width, top: mt, bottom: height - mb });
  const labels = ends.map((e, i) => ({ ...e, text: `${e.plan}: ${whole(e.left)}`, labelY: e.left - (places[i].dy * y.domain[1]) / (height - mb - mt) }));
  const seeds = c.replications > 1 ? `mean of ${c.replications} seeds` : `seed ${c.seeds[0]}`;
  // the text alternative says what the lines show: the total, and whether it came at once or spread out
  const describe = (p: Comparison["plans"][number]) => {
    const total = p.leftWeekly.at(-1)?.left.mean ?? 0;
    if (!total) return `${p.name}: 0 by ${dayText(c, c.days)}`;
    const rises = p.leftWeekly.map((w, i) => ({ day: w.day, rise: w.left.mean - (i ? p.leftWeekly[i - 1].left.mean : 0) }));
    const most = rises.reduce((a, b) => (b.rise > a.rise ? b : a));
    return `${p.name}: ${whole(total)} by ${dayText(c, c.days)}, the most in one week ${count(most.rise)} (the week to ${dayText(c, most.day)})`;
  };
  const title = `Customers who left the brand so far, by week (${seeds})`;
  return renderFigure({
    ariaLabel: `${title}: ${c.plans.map(describe).join("; ")}`,
    width,
    height,
    marginLeft: ml,
    marginRight: mr,
    marginTop: mt,
    marginBottom: mb,
    grid: true,
    x: { label: null, ticks: 6 },
    y: { label: `↑ customers who left the brand, so far (${seeds})`, domain: y.domain, ticks: y.ticks, tickFormat: whole },
    color: planColors(c),
    marks: [
      Plot.ruleY([0], { stroke: "#888" }),
      Plot.line(rows, { x: "date", y: "left", stroke: "plan", z: "plan", strokeWidth: 1.8 }),
      Plot.dot(rows.filter((r) => r.day), {
        x: "date", y: "left", fill: "plan", r: 2.5,
        // the run's end is the summary's "churned by fatigue": written as the summary writes it
        title: (r: { plan: string; day: number; left: number }) => `${r.plan}: ${(r.day === c.days ? whole : count)(r.left)} customers left by ${dayText(c, r.day)} (${seeds})`,
      }),
      // a long plan name is shortened in its middle to fit the margin, so the total at its end stays in
      // view (an em taken wider than 11 px, as namesAxis says why)
      Plot.text(labels, { x: "date", y: "labelY", text: "text", textAnchor: "start", dx: 8, fontSize: 11, fill: "#222", lineWidth: (mr - 12) / 13, textOverflow: "ellipsis-middle" }),
    ],
  });
}

/** The section's two figures, each with its one-line caption. */
export function lossesBody(c: Comparison): string {
  const reps = c.replications;
  const spread = reps > 1
    ? `the lines through each dot span its 95 % interval over the ${reps} seeds (Student t; a count's is cut at 0)`
    : `one replication (seed ${c.seeds[0]}): means only, no intervals`;
  return `<figure class="losses"><div class="row">${tradeoffChart(c, "unsubscribes")}${tradeoffChart(c, "churned")}</div>
<figcaption>Each dot is a plan's mean, the no-plan baseline at the origin: up is the margin it adds (${esc(moneyUnit(c, "incrementalMargin"))}), right what it costs in channel unsubscribes (first chart) or customers who left the brand (second); up and to the left is better; ${spread}.</figcaption></figure>
<figure class="losses">${leftOverTimeChart(c)}
<figcaption>Customers who left the brand so far (the engine's <code>left</code>, whom fatigue drove away; a channel unsubscribe is not one), at each week's end, ${reps > 1 ? `mean of ${reps} seeds` : `seed ${c.seeds[0]}`}, each line ending at the summary's "churned by fatigue": a step after a campaign is a burst, an even slope a steady loss.</figcaption></figure>`;
}

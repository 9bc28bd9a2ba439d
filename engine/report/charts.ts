/**
 * The comparison report's charts: Observable Plot rendered server-side (linkedom), one function per
 * chart, each returning HTML markup (an <svg>, or a <figure> with its legend). Figures come from the
 * first replication unless the chart says "mean over replications".
 */
import { CHANNELS } from "../core/channels.ts";
import type { Comparison, Metric, PlanComparison } from "../compare/compare.ts";
import { Plot, renderFigure } from "../charts/render.ts";
import { suppressionKind } from "../compare/suppressions.ts";
import { DETAIL_TOTALS } from "../compare/compare-runs.ts";
import { esc } from "./html.ts";

const WIDTH = 1000;
const DAY_MS = 86_400_000;
const n0 = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const compactFmt = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });
/** Axis numbers: 0, 500, 1.5K, 20K (d3's "~s" writes 0 as "0k" next to thousands). */
const compact = (x: number) => compactFmt.format(x);
// channels in colours no plan takes (planColors: blue, orange, green, red…), so that orange never means
// a plan in one chart and SMS in the next
const CHANNEL_COLORS = ["#6a3d9a", "#b15928", "#01665e", "#c51b7d", "#4d4d4d"];
// custom channels (issue 11 #11), in the order the plans declare them
const CUSTOM_COLORS = ["#76b7b2", "#edc948", "#ff9da7", "#9c755f", "#bab0ac", "#86bcb6", "#d37295", "#fabfd2", "#8cd17d", "#b6992d", "#499894"];

/** The channels of the compared plans: the built-in five, then every custom channel a plan declares, first seen first. */
function channelsOf(c: Comparison): string[] {
  const out: string[] = [...CHANNELS];
  for (const p of withPrograms(c)) for (const k of Object.keys(p.detail.daily)) if (!out.includes(k) && !DETAIL_TOTALS.includes(k)) out.push(k);
  return out;
}

/**
 * An axis of names (plans, programs, rules) kept inside the `margin` px beside the frame: a name too
 * long for it is shortened in its middle, both ends kept ("lifecycle-with-a-rath…-spring-season"), the
 * whole name in its tooltip. Written whole, a long name ran past the chart's edge and was cut at
 * either end. Plot writes an axis at 10 px, about 10 px from the frame; it measures text with
 * Helvetica's widths, and Debian's system-ui (DejaVu Sans) is wider, so an em is taken as 12 px.
 * @example namesAxis(Plot.axisY, 120)
 */
export function namesAxis(axis: (o: Plot.AxisYOptions) => Plot.CompoundMark, margin: number, o: Plot.AxisYOptions = {}): Plot.CompoundMark {
  return axis({ label: null, ...o, lineWidth: (margin - 12) / 12, textOverflow: "ellipsis-middle" });
}

/** One colour per plan, the same in every chart; the baseline is grey. */
export function planColors(c: Comparison) {
  const palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"];
  const domain = c.plans.map((p) => p.name);
  const range = c.plans.map((p, i) => (p.baseline ? "#999999" : palette[i % palette.length]));
  return { domain, range };
}

// Printed in black and white, the plans' blue and green are one grey, and so are the channels' purple
// and teal: each plan's (or channel's) lines also have their own dash pattern, in the charts whose lines
// are not named at their ends, and in their key. The first plan, the baseline (its lines lie at zero)
// and e-mail are solid.
const DASHES = ["none", "8,4", "2,3", "12,3,3,3", "4,4", "1,4", "14,5", "6,2,2,2"];

/** A series of lines told apart by colour and dash pattern: a plan, or a channel. */
interface LineStyle {
  name: string;
  color: string;
  dash: string;
}

/**
 * One line mark per series, in its dash pattern (Plot takes a dash pattern per mark, not per series);
 * `of` names a row's series, `o` as Plot.line's, with the stroke by series.
 */
function dashedLines<T>(styles: LineStyle[], rows: T[], of: (r: T) => string, o: Plot.LineOptions): Plot.Line[] {
  return styles.map((s) => Plot.line(rows.filter((r) => of(r) === s.name), { ...o, strokeDasharray: s.dash }));
}

/** The key to lines: each name beside a sample of its line, colour and dash (the names are the text: the samples are hidden from screen readers). */
function lineKey(styles: LineStyle[]): string {
  return `<p class="key">${styles.map((s) =>
    `<span><svg width="26" height="10" aria-hidden="true"><line x1="0" x2="26" y1="5" y2="5" stroke="${s.color}" stroke-width="2.5" stroke-dasharray="${s.dash}"/></svg>${esc(s.name)}</span>`
  ).join("")}</p>`;
}

/** The lines of `plans`, each in its colour and dash pattern, the same in every chart (`c.plans`' order). */
function planStyles(c: Comparison, plans: PlanComparison[]): LineStyle[] {
  const { range } = planColors(c);
  let i = 0;
  const dashes = c.plans.map((p) => (p.baseline ? "none" : DASHES[i++ % DASHES.length]));
  return plans.map((p) => ({ name: p.name, color: range[c.plans.indexOf(p)], dash: dashes[c.plans.indexOf(p)] }));
}

/** One line mark per plan of `plans`, in its colour and dash pattern; `o` as Plot.line's, with `stroke: "plan"`. */
function planLines<T extends { plan: string }>(c: Comparison, plans: PlanComparison[], rows: T[], o: Plot.LineOptions): Plot.Line[] {
  return dashedLines(planStyles(c, plans), rows, (r) => r.plan, o);
}

/** The key to `plans`' lines. */
export function planKey(c: Comparison, plans: PlanComparison[] = c.plans): string {
  return lineKey(planStyles(c, plans));
}

/** The instant `day` days after the run's start (the end of day `day` − 1, the start of day `day`). */
export const dateOf = (c: Comparison, day: number) => new Date(Date.parse(`${c.start}T00:00:00Z`) + day * DAY_MS);
const withPrograms = (c: Comparison) => c.plans.filter((p) => !p.baseline);

/**
 * Share of customer-weeks with 0, 1, 2, … contacts, per plan (log scale: the tail is where it hurts).
 * A share of 0 has no place on a log scale: the line breaks there (each run of non-zero counts is its
 * own segment, `z`), so no line crosses a count nobody received; the section's text says so.
 */
export function contactsPerWeekChart(c: Comparison): string {
  const rows = withPrograms(c).flatMap((p) => {
    const h = p.detail.weekHistogram, total = h.reduce((a, b) => a + b, 0);
    let segment = 0;
    return h.flatMap((n, k) => {
      if (!n || !total) return (segment++, []);
      return [{ plan: p.name, segment: `${p.name}\u0000${segment}`, contacts: k, share: n / total }];
    });
  });
  return planKey(c, withPrograms(c)) + renderFigure({
    ariaLabel: "share of customer-weeks by contacts that week, per plan (log scale)",
    width: WIDTH,
    height: 320,
    marginLeft: 60,
    grid: true,
    x: { label: "contacts received in one week →", ticks: Array.from({ length: Math.max(...rows.map((r) => r.contacts), 1) + 1 }, (_, k) => k), tickFormat: "d" },
    y: { type: "log", label: "↑ share of customer-weeks (log scale)", tickFormat: "%" },
    color: planColors(c),
    marks: [
      ...planLines(c, withPrograms(c), rows, { x: "contacts", y: "share", stroke: "plan", z: "segment", strokeWidth: 2 }),
      Plot.dot(rows, { x: "contacts", y: "share", fill: "plan", r: 3.5, tip: true, title: (d: { plan: string; contacts: number; share: number }) => `${d.plan}: ${d.contacts} contacts in ${(d.share * 100).toPrecision(3)} % of customer-weeks` }),
    ],
  });
}

/**
 * The channels' lines: each its colour and dash pattern, by its place among the plans' channels, so a
 * channel looks the same whichever others are used.
 */
function channelStyles(all: string[], used: string[]): LineStyle[] {
  return used.map((ch) => {
    const i = all.indexOf(ch);
    return { name: ch, color: i < CHANNELS.length ? CHANNEL_COLORS[i] : CUSTOM_COLORS[(i - CHANNELS.length) % CUSTOM_COLORS.length], dash: DASHES[i % DASHES.length] };
  });
}

/** Contacts sent per day by channel, one panel per plan, under the key to its channels' lines. */
export function dailyContactsChart(c: Comparison): string {
  const all = channelsOf(c);
  const used = all.filter((ch) => withPrograms(c).some((p) => p.detail.daily[ch]?.some((x) => x > 0)));
  const rows = withPrograms(c).flatMap((p) =>
    used.flatMap((ch) => (p.detail.daily[ch] ?? []).map((n, d) => ({ plan: p.name, channel: ch, date: dateOf(c, d), contacts: n })))
  );
  const styles = channelStyles(all, used);
  return lineKey(styles) + renderFigure({
    ariaLabel: "daily contacts by channel, per plan",
    width: WIDTH,
    height: 150 * withPrograms(c).length + 40,
    marginLeft: 60,
    marginRight: 120,
    grid: true,
    x: { label: null },
    y: { label: "↑ contacts per day", tickFormat: compact },
    color: { domain: used, range: styles.map((s) => s.color) },
    marks: [
      Plot.frame({ stroke: "#ddd" }),
      namesAxis(Plot.axisFy, 120),
      ...dashedLines(styles, rows, (r) => r.channel, { x: "date", y: "contacts", stroke: "channel", fy: "plan", strokeWidth: 1.2 }),
    ],
  });
}

/**
 * Cumulative unsubscribes and complaints, and disengaged customers at each week's end and at the run's
 * end — that last point, dotted, is the summary's "disengaged at the end" (a blast on the last day counts).
 */
export function fatigueCharts(c: Comparison): string[] {
  const cumulative = (key: string) =>
    c.plans.flatMap((p) => {
      let acc = 0;
      return p.detail.daily[key].map((n, d) => ({ plan: p.name, date: dateOf(c, d + 1), value: (acc += n) }));
    });
  const disengaged = c.plans.flatMap((p) => p.detail.disengagedWeekly.map((r) => ({ plan: p.name, date: dateOf(c, r.day), value: r.disengaged })));
  const ends = c.plans.map((p) => p.detail.disengagedWeekly.at(-1)).flatMap((r, i) => (r ? [{ plan: c.plans[i].name, date: dateOf(c, r.day), value: r.disengaged }] : []));
  const chart = (rows: { plan: string; date: Date; value: number }[], label: string, end: typeof ends = []) =>
    renderFigure({
      ariaLabel: label,
      width: WIDTH / 3 - 10,
      height: 240,
      marginLeft: 50,
      grid: true,
      x: { label: null, ticks: 4 },
      y: { label, tickFormat: compact, zero: true },
      color: planColors(c),
      marks: [
        ...planLines(c, c.plans, rows, { x: "date", y: "value", stroke: "plan", strokeWidth: 1.8 }),
        Plot.dot(end, { x: "date", y: "value", fill: "plan", r: 3.5, title: (d: { plan: string; value: number }) => `${d.plan}: ${n0.format(d.value)} disengaged at the run's end` }),
      ],
    });
  return [
    chart(cumulative("unsubscribes"), "↑ unsubscribes (cumulative)"),
    chart(cumulative("complaints"), "↑ spam complaints (cumulative)"),
    chart(disengaged, "↑ disengaged customers", ends),
  ];
}

/** A metric's mean and 95 % interval per plan: a dot and a bar across the interval. */
export function intervalChart(c: Comparison, metric: Metric, label: string, format: string | ((x: number) => string) = compact, plans: PlanComparison[] = c.plans): string {
  const rows = plans.flatMap((p) => {
    const v = p.metrics[metric];
    return v ? [{ plan: p.name, mean: v.mean, lo: v.lo ?? v.mean, hi: v.hi ?? v.mean }] : [];
  });
  return renderFigure({
    ariaLabel: `${label}: mean and 95 % interval per plan`,
    width: WIDTH / 3 - 10,
    height: 60 + 34 * plans.length,
    marginLeft: 120,
    marginRight: 20,
    grid: true,
    x: { label, tickFormat: format, nice: true, ticks: 4 },
    y: { domain: plans.map((p) => p.name) },
    color: planColors(c),
    marks: [
      namesAxis(Plot.axisY, 120),
      Plot.ruleX([0], { stroke: "#888" }),
      Plot.ruleY(rows, { y: "plan", x1: "lo", x2: "hi", stroke: "plan", strokeWidth: 3, strokeOpacity: 0.5 }),
      Plot.dot(rows, { y: "plan", x: "mean", fill: "plan", r: 5 }),
    ],
  });
}

/**
 * Messages suppressed, by reason, one chart per plan (each with its own reasons, so a plan without
 * pressure rules shows no pressure rows), bars coloured by kind: consent, window/capacity, pressure rule.
 */
export function suppressionsChart(c: Comparison): string {
  const kindLabel = { consent: "consent", windowCapacity: "window / capacity", pressure: "pressure rule" } as const;
  const order = { consent: 0, "window / capacity": 1, "pressure rule": 2 } as const;
  const all = withPrograms(c).map((p) => ({
    plan: p,
    rows: Object.entries(p.detail.summary.suppressedByRule).map(([rule, count]) => {
      const kind = suppressionKind(rule);
      return { rule: kind === "pressure" ? `pressure: ${rule}` : rule, kind: kindLabel[kind], count };
    }).sort((a, b) => order[a.kind] - order[b.kind] || a.rule.localeCompare(b.rule)),
  }));
  if (!all.some((x) => x.rows.length)) return `<p class="note">No plan suppressed any message.</p>`;
  const max = Math.max(1, ...all.flatMap((x) => x.rows.map((r) => r.count)));
  const withLegend = all.findIndex((x) => x.rows.length); // the colour key once, on the first chart drawn
  return all.map(({ plan, rows }, i) => {
    const head = `<h3>${esc(plan.name)}${plan.pressureRules.length ? "" : " <small>(no pressure rules)</small>"}</h3>`;
    if (!rows.length) return `${head}<p class="note">Nothing suppressed.</p>`;
    return head + renderFigure({
      // the counts are in no table: the text alternative gives them
      ariaLabel: `suppressed messages by reason: ${plan.name}, seed ${c.seeds[0]}: ${rows.map((r) => `${r.rule} ${n0.format(r.count)}`).join("; ")}`,
      width: WIDTH,
      height: 50 + 24 * rows.length,
      marginLeft: 200,
      marginRight: 80,
      x: { label: "messages suppressed →", tickFormat: compact, grid: true, domain: [0, max] }, // one scale for every plan
      y: { domain: rows.map((r) => r.rule) },
      color: { domain: Object.values(kindLabel), range: ["#9c755f", "#edc948", "#e15759"], legend: i === withLegend },
      marks: [
        namesAxis(Plot.axisY, 200),
        Plot.barX(rows, { y: "rule", x: "count", fill: "kind" }),
        Plot.text(rows, { y: "rule", x: "count", text: (d: { count: number }) => n0.format(d.count), dx: 4, textAnchor: "start", fontSize: 10 }),
      ],
    });
  }).join("\n");
}

/** Sent → delivered → opened → clicked → converted, per plan (first replication): linear, each step's share of sent printed. */
export function funnelChart(c: Comparison): string {
  const steps = ["sent", "delivered", "opened", "clicked", "converted"];
  const rows = withPrograms(c).flatMap((p) => {
    const s = p.detail.summary;
    const v = [s.contacts, s.delivered, s.opens, s.clicks, s.conversions];
    return steps.map((step, i) => ({
      plan: p.name, step, count: v[i],
      label: `${v[0] ? ((100 * v[i]) / v[0]).toFixed(v[i] / v[0] < 0.1 ? 2 : 1) : "0"} % of sent (${n0.format(v[i])})`,
    }));
  });
  // the shares are in no table: the text alternative gives them, as the bars' labels write them
  const spoken = withPrograms(c).map((p) => `${p.name}: ${rows.filter((r) => r.plan === p.name).map((r) => `${r.step} ${r.label}`).join(", ")}`);
  return renderFigure({
    ariaLabel: `reach funnel, seed ${c.seeds[0]}: ${spoken.join("; ")}`,
    width: WIDTH,
    height: 60 + 5 * 22 * withPrograms(c).length,
    marginLeft: 150,
    marginRight: 190,
    x: { label: "messages →", tickFormat: compact, grid: true, zero: true },
    y: { label: null, domain: steps },
    color: planColors(c),
    marks: [
      namesAxis(Plot.axisFy, 190),
      Plot.barX(rows, { y: "step", x: "count", fill: "plan", fy: "plan" }),
      Plot.text(rows, { y: "step", x: "count", fy: "plan", text: "label", dx: 4, textAnchor: "start", fontSize: 10, fontWeight: "bold" }),
    ],
  });
}

/**
 * Moments of truth: for each program (rows) and lifecycle stage at the start of the run (columns, plus
 * customers who joined during it), the share of that stage's customers the program reached.
 */
export function coverageMatrix(c: Comparison, p: PlanComparison): string {
  const rows = p.detail.stageReach.map((r) => ({ ...r, stage: r.customers ? `${r.stage} (${n0.format(r.customers)})` : r.stage }));
  const programs = [...new Set(rows.map((r) => r.program))];
  if (!programs.length) return "";
  const columns = [...new Set(rows.map((r) => r.stage))];
  const max = Math.max(0.01, ...rows.map((r) => r.share));
  const share = (d: { reached: number; share: number }) => (d.reached ? `${(100 * d.share).toFixed(d.share < 0.1 ? 1 : 0)} %` : "–");
  // the shares are in no table: the text alternative gives each program's, the stages it reached
  const spoken = programs.map((prog) => {
    const reached = rows.filter((r) => r.program === prog && r.reached);
    return `${prog}: ${reached.length ? reached.map((r) => `${r.stage} ${share(r)}`).join(", ") : "none"}`;
  });
  return renderFigure({
    ariaLabel: `share of each starting lifecycle stage each program reached, seed ${c.seeds[0]}: ${p.name}: ${spoken.join("; ")}`,
    width: 170 + 120 * columns.length,
    height: 50 + 26 * programs.length,
    marginLeft: 170,
    marginTop: 30,
    padding: 0.06,
    x: { domain: columns, label: null, axis: "top", tickSize: 0 },
    y: { domain: programs },
    color: { type: "sqrt", domain: [0, max], range: ["#f4f8fc", "#08519c"] },
    marks: [
      namesAxis(Plot.axisY, 170, { tickSize: 0 }),
      Plot.cell(rows, { x: "stage", y: "program", fill: (d: { share: number }) => d.share, inset: 0.5 }),
      ...[false, true].map((dark) =>
        Plot.text(rows.filter((d) => (Math.sqrt(d.share / max) > 0.55) === dark), {
          x: "stage",
          y: "program",
          text: share,
          fill: dark ? "white" : "#222",
          fontSize: 11,
        })
      ),
    ],
  });
}

/**
 * The report's verdict: which plan wins on incremental margin, by how much against the runner-up (the
 * paired difference, replication by replication, with its 95 % interval), whether that is beyond the
 * noise, and at what cost in pressure and fatigue. Every figure is computed from the comparison the
 * tables show, rounded as they round it; nothing is written in advance.
 */
import type { Comparison, Metric, PlanComparison } from "../compare/compare.ts";
import { moneyUnit, pairedDifference, WEEK_THRESHOLD } from "../compare/compare.ts";
import type { Interval } from "../compare/intervals.ts";
import type { PlanContributions } from "./contributions-section.ts";
import { clearsZero, esc, n0, points, signedText, textOf } from "./html.ts";

const count = (x: number) => n0.format(x);

/** "+3,514 EUR (95 % interval −1,200 to +8,228): within the noise" — a difference and what it is worth. */
function differenceText(v: Interval, f: (x: number) => string, unit = ""): string {
  const g = signedText(f, true), u = unit ? ` ${unit}` : "";
  if (v.lo === null || v.hi === null) return `${g(v.mean)}${u} (one replication: no interval, so whether it is beyond the noise is not known)`;
  const side = clearsZero(v);
  const worth = side === "either"
    ? (v.lo === v.hi ? "the same in every seed" : "within the noise (the interval holds zero)")
    : "beyond the noise (95 % confidence)";
  return `${g(v.mean)}${u} (95 % interval ${g(v.lo)} to ${g(v.hi)}): ${worth}`;
}

/** Pressure and fatigue figures a winner pays or saves, with how each difference is formatted (a share's in points). */
const COSTS: [string, Metric, (x: number) => string][] = [
  ["unsubscribes", "unsubscribes", count],
  ["spam complaints", "complaints", count],
  ["customers who left the brand (churned by fatigue)", "churned", count],
  ["disengaged at the end", "disengaged", count],
  [`customer-weeks with more than ${WEEK_THRESHOLD} contacts`, "weeksAboveThreshold", points],
];

/** Where a plan stands against sending nothing, on incremental margin. */
function againstNothing(p: PlanComparison, unit: string): string {
  const v = p.metrics.incrementalMargin;
  if (!v) return "";
  const side = clearsZero(v), mean = `${signedText(count, true)(v.mean)} ${unit}`;
  if (v.lo === null || v.hi === null) return `${esc(p.name)}: ${mean} against sending nothing (one replication: no interval).`;
  const range = `${signedText(count, true)(v.lo)} to ${signedText(count, true)(v.hi)}`;
  const says = side === "above" ? "earns more than sending nothing" : side === "below" ? "loses money against sending nothing" : "cannot be told from sending nothing";
  return `${esc(p.name)} ${says}: ${mean} (95 % interval ${range}).`;
}

/** Why a positive mean is not "adds margin with 95 % confidence", in the differences tables' words. */
function noConfidence(v: Interval): string {
  if (v.lo === null || v.hi === null) return "one replication: no interval, so whether it is beyond the noise is not known";
  return v.lo === v.hi ? "the same in every seed: no spread, so no evidence either way" : "within the noise (its 95 % interval holds zero)";
}

/**
 * The first sentence: the plan with the highest incremental margin and its paired difference with the
 * runner-up, or, when that difference does not clear zero (the tables' rule, `clearsZero`), that the two
 * cannot be ranked — said first: "has the highest" read as a winner, and only the next sentence took it
 * back. A difference of 0 in every seed is a tie that more replications would not break.
 */
function marginLead(best: PlanComparison, next: PlanComparison, replications: number, unit: string): string {
  const d = pairedDifference(best, next, "incrementalMargin")!, margin = (p: PlanComparison) => count(p.metrics.incrementalMargin!.mean);
  const paired = `${differenceText(d, count, unit)} (paired, same customers and seeds)`;
  if (clearsZero(d) === "above") return `<b>${esc(best.name)}</b> has the highest incremental margin, ${margin(best)} ${unit}; against the runner-up, ${esc(next.name)}, it makes ${paired}.`;
  const both = `<b>${esc(best.name)}</b> and <b>${esc(next.name)}</b>`;
  if (d.mean === 0 && d.lo === 0 && d.hi === 0) return `${both} tie on incremental margin: ${margin(best)} ${unit} each, the same in every seed, so more replications would not rank them.`;
  return `${both} cannot be ranked on incremental margin: ${margin(best)} and ${margin(next)} ${unit}, ${esc(best.name)} minus ${esc(next.name)} ${paired}. On these ${replications} replication(s), run more (--replications) before choosing on margin.`;
}

/** The verdict's sentences, as plain text with plan names escaped (HTML-safe). */
export function verdictLines(c: Comparison, contributions: PlanContributions[] = []): string[] {
  const plans = c.plans.filter((p) => !p.baseline && p.metrics.incrementalMargin);
  if (!plans.length) return [];
  const unit = moneyUnit(c, "incrementalMargin");
  const ranked = [...plans].sort((a, b) => b.metrics.incrementalMargin!.mean - a.metrics.incrementalMargin!.mean);
  const [best, next] = ranked;
  const lines: string[] = [];
  if (next) {
    lines.push(marginLead(best, next, c.replications, esc(unit)));
    const costs = COSTS.flatMap(([label, m, f]) => {
      const v = pairedDifference(best, next, m);
      return v ? [`${label} ${differenceText(v, f)}`] : [];
    });
    lines.push(`Pressure and fatigue, ${esc(best.name)} minus ${esc(next.name)} (fewer is better): ${costs.join("; ")}.`);
  }
  lines.push(ranked.map((p) => againstNothing(p, esc(unit))).filter(Boolean).join(" "));
  const mine = contributions.find((x) => x.plan === best.name)?.result.programs ?? [];
  if (mine.length) {
    const top = [...mine].sort((a, b) => b.incrementalMargin.mean - a.incrementalMargin.mean)[0];
    const sure = mine.filter((r) => clearsZero(r.incrementalMargin) === "above").map((r) => esc(r.id));
    const figure = `${signedText(count, true)(top.incrementalMargin.mean)} ${esc(unit)}`;
    // "adds the most margin" only of a program that surely adds some: it was said of a mean of -5 EUR,
    // and of one whose interval held zero beside "no program adds margin with 95 % confidence"
    const lead = top.incrementalMargin.mean <= 0
      ? `no program adds margin on average (the largest marginal margin, ${esc(top.id)}'s, is ${figure})`
      : clearsZero(top.incrementalMargin) === "above"
      ? `${esc(top.id)} adds the most margin (${figure})`
      : `${esc(top.id)} has the largest mean marginal margin (${figure}), ${noConfidence(top.incrementalMargin)}`;
    lines.push(`In ${esc(best.name)}, ${lead}; ${sure.length ? `programs adding margin with 95 % confidence: ${sure.join(", ")}` : "no program adds margin with 95 % confidence"} (section "What each program adds").`);
  } else {
    lines.push(`Which programs carry the margin is not measured here: the programs table gives attributed orders and revenue, which are not incremental; run with --contributions for each program's marginal effect.`);
  }
  return lines;
}

/**
 * The verdict's sentences as plain text: what `cadence compare` prints and notebook 01 shows, the
 * report's own sentences (one verdict, not a second one that could say otherwise).
 * @example console.log(verdictText(comparePlans([loadPlan("scenarios/lifecycle.yaml"), loadPlan("scenarios/batch-and-blast.yaml")], { customers: 2000, days: 90 })).join("\n"))
 */
export function verdictText(c: Comparison, contributions: PlanContributions[] = []): string[] {
  return verdictLines(c, contributions).map(textOf);
}

/** The verdict as the headline section's first paragraph. */
export function verdictBlock(c: Comparison, contributions: PlanContributions[] = []): string {
  const lines = verdictLines(c, contributions);
  return lines.length ? `<div class="verdict">${lines.map((l) => `<p>${l}</p>`).join("")}</div>` : "";
}

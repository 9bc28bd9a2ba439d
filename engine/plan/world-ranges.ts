/**
 * The range of every world number (engine/sim/world-model.ts), in one table read by the `world:` section's
 * validator, RunOptions.world's (through it) and the JSON Schema (engine/plan/world-section.ts), and
 * written out in docs/world-model.md, "Ranges" (test/plan/world-ranges.test.ts holds the page to it).
 *
 * The rule: a range holds whatever a real brand's customers could have, generously (an order of
 * magnitude or more beyond the published figures and the model's assumptions), so that no honest model
 * is refused; beyond it a value describes no customers and only runs into nonsense (a visit rate of 1e300
 * ran 49 million events, a spend scale of 1e300 gave a revenue of Infinity, written null). A few limits
 * bind two or more fields (a mean rate, a mean order value, a year of seasonality): `worldScaleProblems`.
 */
import { DEFAULT_WORLD, MAX_LAG_DAYS, type WorldModel } from "../sim/world-model.ts";
import { seasonalityYearProblem } from "../sim/time-profile.ts";
import type { Path, Reporter } from "./errors.ts";
import { describe } from "./fields.ts";

/** above: strictly greater than min; whole: an integer. */
export type Range = { min: number; max: number; above?: boolean; whole?: boolean };

const share: Range = { min: 0, max: 1 };
const from = (min: number, max: number): Range => ({ min, max });
const above = (min: number, max: number): Range => ({ min, max, above: true });
const each = (paths: string[], g: Range) => Object.fromEntries(paths.map((p) => [p, g]));

/** Minutes in 30 days: the longest mean delay of a customer's reaction (an open, a purchase after a click). */
const MONTH_MINUTES = 30 * 24 * 60;

// By path as a plan's world: section writes it, "*" standing for a channel name; a list's items under the list's path.
export const WORLD_RANGES: Record<string, Range> = {
  // probabilities and shares of customers
  ...each([
    "prospectShare", "newSignupShare", "cartAbandon", "birthdayKnown", "pullForwardConvert", "cartBeforePurchase",
    "transactionalOpen", "machineOpens", "discount.redeemAnyway", "reputation.goodBelow", "reputation.worstAt",
    "reputation.worstInbox", "consents.*", "timezones.share",
    // P(leave | delivered) at a fatigue of fatigueScale
    "leaveRate",
    ...["deliver", "hardBounce", "inbox", "open", "click", "tracked", "convert", "lift", "unsubscribe", "complain"].map((k) => `channels.*.${k}`),
  ], share),
  // BG/NBD (weekly rates) and gamma-gamma priors: CDNOW's r 0.243, α 4.414, a 0.793, b 2.426, p 6.25, q 3.74, γ 15.44.
  // Gamma and Beta shapes from 0.001: at 5e-324 a shape's draw is 0 × ∞ = NaN, and a NaN purchase rate
  // scheduled a visit every minute (out of memory in a 1,000 × 28 run)
  "purchase.r": from(0.001, 100),
  "purchase.alpha": from(0.001, 10_000),
  "purchase.a": from(0.001, 1000),
  "purchase.b": from(0.001, 1000),
  "spend.p": from(0.01, 1000),
  "spend.q": above(1, 1000), // the mean order value is p·γ/(q − 1): infinite at q ≤ 1
  "spend.gamma": above(0, 10_000_000),
  "spend.scale": above(0, 10_000_000),
  prospectRateFactor: from(0, 10),
  tenureYears: above(0, 100),
  visitsPerPurchase: from(0, 1000),
  baseVisitsPerWeek: from(0, 70),
  alertsPerVisit: from(0, 1),
  movesPerYear: from(0, 12),
  renewalNoticeDays: { min: 0, max: 365, whole: true }, // whole days: an event time is a whole minute, and 0.0001 days put the notice 0.144 minutes before
  affinitySigma: from(0, 3),
  sensitivitySigma: from(0, 3),
  // response
  "channels.*.fatigueWeight": from(0, 100),
  "channels.*.openDelay": from(0, MONTH_MINUTES),
  "channels.*.gapDays": from(0.1, 365),
  // opt-outs are divided by √relevance: a relevance of 0 made every delivered message an unsubscribe
  ...each(["relevance.triggered", "relevance.targeted", "relevance.broadcast"], from(0.01, 100)),
  fatigueHalfLifeDays: above(0, 365),
  fatigueScale: from(0.01, 1000),
  fatigueOptOut: from(0.01, 1000),
  disengagedAt: from(0, 1000),
  conversionDelay: from(0, MONTH_MINUTES),
  liftDays: from(0, 30),
  referenceGapDays: from(0.1, 365),
  ...each(["openBoost.triggered", "openBoost.targeted", "openBoost.broadcast"], from(0, 100)),
  ...each(["state.dormant", "state.prospect", "state.lapsed"], from(0, 10)),
  "state.lapsedDays": above(0, 3650),
  pullForwardDays: from(0, 365),
  attributionDays: from(0, 365),
  "discount.gain": from(0, 100),
  "discount.scale": above(0, 10),
  "discount.validDays": from(0, 365),
  cartLeadHours: from(0, 30 * 24),
  "reputation.halfLifeDays": above(0, 365),
  "reputation.lagDays": { min: 1, max: MAX_LAG_DAYS, whole: true },
  // relative weights, normalised over each year: a brand's own counts (orders by hour, weekday or month) fit as they are
  ...each(["seasonality.hours", "seasonality.weekdays", "seasonality.months"], from(0, 1e9)),
  "seasonality.peaks.factor": from(0, 1000),
};

/** The limits that bind several fields (worldScaleProblems), named for the docs and the messages. */
export const SCALE_LIMITS = {
  purchasesPerWeek: 7, // one purchase a day, on average over the customers
  visitsPerWeek: 70, // ten identified visits a day
  orderValue: 10_000_000, // in the plan's currency
} as const;

/** The range of the number at `pattern` (channel names as "*"); a number the table lacks is a bug. */
export function rangeOf(pattern: string): Range {
  const g = WORLD_RANGES[pattern];
  if (!g) throw new Error(`no range for world.${pattern}: add it to WORLD_RANGES (engine/plan/world-ranges.ts)`);
  return g;
}

/** "a number from 0 to 1000", "a number > 0 and ≤ 365", "a whole number from 1 to 28". */
export function rangeText(g: Range): string {
  if (g.whole) return `a whole number from ${g.min} to ${g.max}`;
  return g.above ? `a number > ${g.min} and ≤ ${g.max}` : `a number from ${g.min} to ${g.max}`;
}

/** A range as JSON Schema (docs/plan.schema.json). */
export function rangeSchema(g: Range): object {
  return { type: g.whole ? "integer" : "number", ...(g.above ? { exclusiveMinimum: g.min } : { minimum: g.min }), maximum: g.max };
}

const inRange = (v: unknown, g: Range): v is number =>
  typeof v === "number" && Number.isFinite(v) && (g.above ? v > g.min : v >= g.min) && v <= g.max && (!g.whole || Number.isInteger(v));

/**
 * Checks one world number; returns it, or the range's minimum after reporting. A number below the range
 * is told the bound it missed (`expected a number > 0`), one above it the whole range and where its
 * reason is; anything else the whole range.
 */
export function checkWorldNumber(r: Reporter, v: unknown, path: Path, g: Range): number {
  if (inRange(v, g)) return v;
  let expected = rangeText(g);
  if (typeof v === "number" && Number.isFinite(v) && !g.whole && !(g.min === 0 && g.max === 1)) {
    if (v <= g.min) expected = `a number ${g.above ? ">" : "≥"} ${g.min}`;
    else if (v > g.max) return r.error(path, `expected ${expected}, got ${describe(v)} (docs/world-model.md, "Ranges", says why)`), g.min;
  }
  r.error(path, `expected ${expected}, got ${describe(v)}`);
  return g.min;
}

const fmt = (x: number) => +x.toPrecision(3);
// gamma-gamma: an order's value ~ Gamma(p, ν), ν ~ Gamma(q, γ), × scale: mean scale·p·γ / (q − 1)
const orderValue = (w: WorldModel) => (w.spend.scale * w.spend.p * w.spend.gamma) / (w.spend.q - 1);

/**
 * What no single range can say: the mean purchase and visit rates, the mean order value, and a year of
 * seasonality that can be normalised, for a world whose fields are each in range. Each as [path, message].
 */
export function worldScaleProblems(w: WorldModel, seasonalitySet = true): [Path, string][] {
  const out: [Path, string][] = [];
  const { r, alpha } = w.purchase, prospects = w.prospectRateFactor;
  // prospects and new sign-ups buy at their latent rate × prospectRateFactor
  const perWeek = (r / alpha) * Math.max(1, prospects), how = prospects > 1 ? ` × prospectRateFactor ${prospects}` : "";
  if (perWeek > SCALE_LIMITS.purchasesPerWeek) {
    out.push([["purchase"], `the mean purchase rate r / alpha${how} is ${fmt(perWeek)} purchases a week per customer (r ${r}, alpha ${alpha}); at most ${SCALE_LIMITS.purchasesPerWeek} (one a day; CDNOW's is ${fmt(DEFAULT_WORLD.purchase.r / DEFAULT_WORLD.purchase.alpha)}): lower r${how ? " or prospectRateFactor" : ""} or raise alpha`]);
  } else {
    const visits = perWeek * w.visitsPerPurchase + w.baseVisitsPerWeek;
    if (visits > SCALE_LIMITS.visitsPerWeek) {
      out.push([["visitsPerPurchase"], `the mean visit rate (purchases a week ${fmt(perWeek)} × visitsPerPurchase ${w.visitsPerPurchase} + baseVisitsPerWeek ${w.baseVisitsPerWeek}) is ${fmt(visits)} identified visits a week per customer; at most ${SCALE_LIMITS.visitsPerWeek} (ten a day)`]);
    }
  }
  const value = orderValue(w), s = w.spend;
  if (value > SCALE_LIMITS.orderValue) {
    out.push([["spend"], `the mean order value scale × p × gamma / (q − 1) is ${fmt(value)} (scale ${s.scale}, p ${s.p}, gamma ${s.gamma}, q ${s.q}); at most ${SCALE_LIMITS.orderValue} in the plan's currency (the default's is ${fmt(orderValue(DEFAULT_WORLD))})`]);
  }
  const year = seasonalitySet ? seasonalityYearProblem(w.seasonality) : null;
  if (year) out.push([["seasonality"], year]);
  return out;
}

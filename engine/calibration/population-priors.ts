/**
 * What the synthetic base's priors imply, computed in closed form (no simulation), so a test can hold
 * the generated base to them: a bug in the generator (a wrong time unit, a missed dropout) moves the
 * base's statistics away from these figures while the priors themselves stay put.
 *
 * The BG/NBD story (Fader, Hardie & Lee 2005), as engine/sim/population.ts draws it: λ ~ Gamma(r, α)
 * purchases per week, p ~ Beta(a, b); a first purchase at sign-up, then purchases at rate λ, and after
 * each purchase (the first included) the customer drops out with probability p. For one customer
 * alive-at-0, purchases at rate λ each ending life with probability p: P(alive at t) = (1 − p)·e^(−λpt),
 * and the expected purchases in (0, t] are (1 − p)(1 − e^(−λpt)) / p. Averaging over λ uses
 * E[e^(−λx)] = (α / (α + x))^r; over p and over tenure, a midpoint grid.
 */
import type { WorldModel } from "../sim/world-model.ts";

export interface BasePriors {
  pastOrders: number; // mean orders before the start, existing buyers
  shareAlive: number; // existing buyers still buying at the start
  ordersPerYearActive: number; // organic orders in the first year per existing buyer alive at the start
  existingRevenueShare: number; // share of the first year's organic revenue from existing buyers
}

/** ln B(a, b) via ln Γ (Lanczos). */
function lnGamma(x: number): number {
  const g = 7, c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32343045405, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  x -= 1;
  let s = c[0];
  for (let i = 1; i < g + 2; i++) s += c[i] / (x + i);
  const t = x + g + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(s);
}

/** E over p ~ Beta(a, b) of f(p), by the substitution p = u^(1/a) near 0 (the density's singularity) on a fine grid. */
function overP(a: number, b: number, f: (p: number) => number, steps = 4000): number {
  // with p = v^(1/a): density ∝ p^(a−1)(1−p)^(b−1) dp = (1/a)(1 − p)^(b−1) dv
  const lnB = lnGamma(a) + lnGamma(b) - lnGamma(a + b);
  let s = 0;
  for (let i = 0; i < steps; i++) {
    const v = (i + 0.5) / steps, p = Math.pow(v, 1 / a);
    s += Math.pow(1 - p, b - 1) * f(p);
  }
  return (s / steps) / a / Math.exp(lnB);
}

/** The base's statistics the world's priors imply (tenure uniform over tenureYears, a 365-day first year). */
export function basePriors(w: WorldModel): BasePriors {
  const { r, alpha, a, b } = w.purchase, T = (w.tenureYears * 365) / 7, Y = 365 / 7, k = w.prospectRateFactor;
  const L = (x: number) => Math.pow(alpha / (alpha + x), r); // E_λ[e^(−λx)]
  const Lk = (x: number) => Math.pow(alpha / (alpha + k * x), r); // the same for λ × k (prospects)
  const tenure = (f: (t: number) => number, steps = 300) => {
    let s = 0;
    for (let i = 0; i < steps; i++) s += f(((i + 0.5) / steps) * T);
    return s / steps;
  };
  const alive = overP(a, b, (p) => (1 - p) * tenure((t) => L(p * t)));
  const past = 1 + overP(a, b, (p) => ((1 - p) / p) * tenure((t) => 1 - L(p * t)));
  // existing buyers: alive at t, then purchases over the year: (1 − p)/p · (e^(−λpt) − e^(−λp(t+Y)))
  const nextYear = overP(a, b, (p) => ((1 - p) / p) * tenure((t) => L(p * t) - L(p * (t + Y))));
  // prospects: no purchase yet, alive, rate kλ; new sign-ups the same from a uniform day of the year
  const prospect = overP(a, b, (p) => (1 - Lk(p * Y)) / p);
  let fresh = 0;
  for (let i = 0; i < 200; i++) fresh += overP(a, b, (p) => (1 - Lk(p * Y * (1 - (i + 0.5) / 200))) / p, 1000);
  fresh /= 200;
  const existing = (1 - w.newSignupShare) * (1 - w.prospectShare);
  const prospects = (1 - w.newSignupShare) * w.prospectShare, newcomers = w.newSignupShare;
  const fromExisting = existing * nextYear;
  return {
    pastOrders: past,
    shareAlive: alive,
    ordersPerYearActive: nextYear / alive,
    existingRevenueShare: fromExisting / (fromExisting + prospects * prospect + newcomers * fresh),
  };
}

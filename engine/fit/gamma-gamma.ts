/**
 * Gamma-gamma order-value model (Fader, Hardie & Lee 2005, "RFM and CLV"; Colombo & Jiang 1999): each
 * transaction's value is Gamma(p, ν) with a customer's own ν ~ Gamma(q, γ), independent of the purchase
 * process. Fitted on repeat buyers' (x, mean repeat spend).
 */
import { lgamma } from "./math.ts";
import { minimize } from "./optimize.ts";

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

/** Repeat buyers only: x ≥ 1 repeat transactions with mean value m > 0. */
export interface SpendData {
  x: ArrayLike<number>;
  m: ArrayLike<number>;
}

export interface GammaGammaFit {
  params: GammaGammaParams;
  logLikelihood: number;
  customers: number;
  evals: number;
}

/**
 * Sufficient pieces of the likelihood: everything but Σ (px+q) ln(γ + x m) is a parameter-free sum or
 * depends on x alone, so one evaluation costs one log per customer (a million buyers fit in seconds).
 */
interface Prepared {
  x: Float64Array;
  m: Float64Array;
  countByX: Map<number, number>;
  sumXLnM: number;
  sumLnM: number;
  sumXLnX: number;
}

function prepare(data: SpendData): Prepared {
  const n = data.x.length;
  if (data.m.length !== n) throw new Error("gamma-gamma: x and m lengths differ");
  const x = new Float64Array(n), m = new Float64Array(n);
  const countByX = new Map<number, number>();
  let sumXLnM = 0, sumLnM = 0, sumXLnX = 0;
  for (let i = 0; i < n; i++) {
    const xi = data.x[i], mi = data.m[i];
    if (!(xi >= 1) || !(mi > 0)) throw new Error(`gamma-gamma: customer ${i} has x=${xi}, m=${mi}; need x ≥ 1, m > 0`);
    x[i] = xi, m[i] = mi;
    countByX.set(xi, (countByX.get(xi) ?? 0) + 1);
    const lm = Math.log(mi);
    sumXLnM += xi * lm, sumLnM += lm, sumXLnX += xi * Math.log(xi);
  }
  return { x, m, countByX, sumXLnM, sumLnM, sumXLnX };
}

function logLikelihoodPrepared({ p, q, gamma }: GammaGammaParams, d: Prepared): number {
  if (!(p > 0 && q > 0 && gamma > 0)) return NaN;
  let ll = p * d.sumXLnM - d.sumLnM + p * d.sumXLnX;
  const lq = lgamma(q), lg = Math.log(gamma);
  for (const [x, count] of d.countByX) ll += count * (lgamma(p * x + q) - lgamma(p * x) - lq + q * lg);
  for (let i = 0; i < d.x.length; i++) ll -= (p * d.x[i] + q) * Math.log(gamma + d.x[i] * d.m[i]);
  return ll;
}

/** Log-likelihood of the mean repeat spends (density of m̄ given x). */
export function gammaGammaLogLikelihood(params: GammaGammaParams, data: SpendData): number {
  return logLikelihoodPrepared(params, prepare(data));
}

/**
 * Maximum-likelihood fit on repeat buyers.
 * @example fitGammaGamma({ x: [2, 1], m: [22.35, 11.77] }).params // { p, q, gamma }
 */
export function fitGammaGamma(data: SpendData): GammaGammaFit {
  const d = prepare(data);
  if (d.x.length === 0) throw new Error("gamma-gamma: no repeat buyers to fit");
  const toParams = (v: number[]): GammaGammaParams => ({ p: Math.exp(v[0]), q: Math.exp(v[1]), gamma: Math.exp(v[2]) });
  const n = d.x.length;
  const res = minimize((v) => -logLikelihoodPrepared(toParams(v), d) / n, [0, 0, 0], { ftol: 1e-12 });
  const params = toParams(res.x);
  return { params, logLikelihood: logLikelihoodPrepared(params, d), customers: n, evals: res.evals };
}

/**
 * E[mean transaction value | x repeat transactions averaging m]; with x = 0 the population mean
 * pγ/(q−1). Infinite when q ≤ 1 (the population mean does not exist).
 */
export function gammaGammaConditionalSpend({ p, q, gamma }: GammaGammaParams, x: number, m: number): number {
  if (x <= 0) return q > 1 ? p * gamma / (q - 1) : Infinity;
  return p * (gamma + x * m) / (p * x + q - 1);
}

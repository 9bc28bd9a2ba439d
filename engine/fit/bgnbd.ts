/**
 * BG/NBD purchase model (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): while
 * alive a customer buys at a Poisson rate λ ~ Gamma(r, α); after each purchase they drop out with
 * probability p ~ Beta(a, b). A customer is summarised by (x, t_x, T): repeat purchases, time of the
 * last one and time observed, all measured from the first purchase, in one time unit (weeks here).
 */
import { gammaPInv, betaIInv, hyp2f1, lbeta, lgamma } from "./math.ts";
import { minimize } from "./optimize.ts";

export interface BgnbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** Per-customer (x, t_x, T) columns; `weight` counts identical customers (default 1 each). */
export interface FrequencyData {
  x: ArrayLike<number>;
  tx: ArrayLike<number>;
  T: ArrayLike<number>;
  weight?: ArrayLike<number>;
}

export interface BgnbdFit {
  params: BgnbdParams;
  logLikelihood: number;
  /** customers fitted (sum of weights) */
  customers: number;
  evals: number;
}

/** log(1 + e^z) without overflow. */
const log1pExp = (z: number) => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));

/**
 * Customers collapsed to distinct (x, t_x, T) with counts, and t_x, T to their distinct values, so one
 * likelihood evaluation costs a few logs per distinct value rather than per customer: this is what
 * keeps a million-customer fit in seconds.
 */
interface Compressed {
  x: Int32Array;
  txIdx: Int32Array;
  TIdx: Int32Array;
  w: Float64Array;
  txValues: Float64Array;
  TValues: Float64Array;
  maxX: number;
  total: number;
}

function compress(data: FrequencyData): Compressed {
  const n = data.x.length;
  if (data.tx.length !== n || data.T.length !== n) throw new Error(`bgnbd: x, tx, T lengths differ`);
  const txMap = new Map<number, number>(), TMap = new Map<number, number>();
  const txIdx = new Int32Array(n), TIdx = new Int32Array(n);
  let maxX = 0;
  for (let i = 0; i < n; i++) {
    const x = data.x[i], tx = data.tx[i], T = data.T[i];
    if (!(Number.isInteger(x) && x >= 0) || !(tx >= 0) || !(T >= tx)) {
      throw new Error(`bgnbd: customer ${i} has invalid (x, tx, T) = (${x}, ${tx}, ${T})`);
    }
    if (x > maxX) maxX = x;
    let k = txMap.get(tx);
    if (k === undefined) txMap.set(tx, k = txMap.size);
    txIdx[i] = k;
    k = TMap.get(T);
    if (k === undefined) TMap.set(T, k = TMap.size);
    TIdx[i] = k;
  }
  const nTx = txMap.size, nT = TMap.size;
  const keyOf = (i: number) => (data.x[i] * nTx + txIdx[i]) * nT + TIdx[i]; // < 2^53 for any real data
  const groups = new Map<number, number>();
  const gx: number[] = [], gtx: number[] = [], gT: number[] = [], gw: number[] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = data.weight ? data.weight[i] : 1;
    total += w;
    const key = keyOf(i);
    const g = groups.get(key);
    if (g !== undefined) gw[g] += w;
    else {
      groups.set(key, gx.length);
      gx.push(data.x[i]), gtx.push(txIdx[i]), gT.push(TIdx[i]), gw.push(w);
    }
  }
  return {
    x: Int32Array.from(gx),
    txIdx: Int32Array.from(gtx),
    TIdx: Int32Array.from(gT),
    w: Float64Array.from(gw),
    txValues: Float64Array.from(txMap.keys()),
    TValues: Float64Array.from(TMap.keys()),
    maxX,
    total,
  };
}

function logLikelihoodCompressed(p: BgnbdParams, c: Compressed): number {
  const { r, alpha, a, b } = p;
  if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) return NaN;
  const lnAT = c.TValues.map((T) => Math.log(alpha + T));
  const lnAtx = c.txValues.map((tx) => Math.log(alpha + tx));
  // Terms depending on x only: ln Γ(r+x)/Γ(r) + r ln α + ln B(a, b+x)/B(a, b), and ln a/(b+x−1).
  const A = new Float64Array(c.maxX + 1), C = new Float64Array(c.maxX + 1);
  const base = -lgamma(r) + r * Math.log(alpha) - lbeta(a, b);
  for (let x = 0; x <= c.maxX; x++) {
    A[x] = lgamma(r + x) + base + lbeta(a, b + x);
    C[x] = x > 0 ? Math.log(a / (b + x - 1)) : -Infinity;
  }
  let ll = 0;
  for (let g = 0; g < c.x.length; g++) {
    const x = c.x[g], lat = lnAT[c.TIdx[g]];
    let li = A[x] - (r + x) * lat;
    if (x > 0) li += log1pExp(C[x] + (r + x) * (lat - lnAtx[c.txIdx[g]]));
    ll += c.w[g] * li;
  }
  return ll;
}

/**
 * Total log-likelihood of the data under the parameters (natural log).
 * @example bgnbdLogLikelihood({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, cdnow) ≈ -9582.4
 */
export function bgnbdLogLikelihood(params: BgnbdParams, data: FrequencyData): number {
  return logLikelihoodCompressed(params, compress(data));
}

/**
 * Maximum-likelihood fit (Nelder–Mead on log-parameters, restarted until stable).
 * @example fitBgnbd({ x, tx, T }).params // { r, alpha, a, b }
 */
export function fitBgnbd(data: FrequencyData, start?: Partial<BgnbdParams>): BgnbdFit {
  const c = compress(data);
  if (c.total === 0) throw new Error("bgnbd: no customers to fit");
  let meanT = 0;
  for (let g = 0; g < c.x.length; g++) meanT += c.w[g] * c.TValues[c.TIdx[g]];
  meanT /= c.total;
  const x0 = [start?.r ?? 1, start?.alpha ?? Math.max(meanT, 1e-3), start?.a ?? 1, start?.b ?? 1].map(Math.log);
  const toParams = (v: number[]): BgnbdParams => ({ r: Math.exp(v[0]), alpha: Math.exp(v[1]), a: Math.exp(v[2]), b: Math.exp(v[3]) });
  const res = minimize((v) => -logLikelihoodCompressed(toParams(v), c) / c.total, x0, { ftol: 1e-12 });
  const params = toParams(res.x);
  return { params, logLikelihood: logLikelihoodCompressed(params, c), customers: c.total, evals: res.evals };
}

/** P(customer still alive at T | x, t_x, T). */
export function bgnbdProbAlive(p: BgnbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  return 1 / (1 + Math.exp(Math.log(p.a / (p.b + x - 1)) + (p.r + x) * Math.log((p.alpha + T) / (p.alpha + tx))));
}

/**
 * 1 − (base/(base+t))^A · 2F1(A, B; C; t/(base+t)). When t/base is small the Pfaff transform
 * 2F1(A, C−B; C; −t/base) converges fast and cannot overflow; otherwise sum the direct series in logs.
 */
function oneMinusScaled2F1(A: number, B: number, C: number, base: number, t: number): number {
  if (t <= 0) return 0;
  if (t / base <= 0.7) return 1 - hyp2f1(A, C - B, C, -t / base);
  const z = t / (base + t), ln = hyp2f1(A, B, C, z, true);
  if (!Number.isNaN(ln)) return 1 - Math.exp(A * Math.log(base / (base + t)) + ln);
  // a + b < 1 makes C negative and the series' sum can be negative: no log of it, the plain product
  return 1 - Math.pow(base / (base + t), A) * hyp2f1(A, B, C, z);
}

/** a = 1 makes the closed forms 0/0; nudge it (the limit is continuous). */
const safeA = (a: number) => (Math.abs(a - 1) < 1e-7 ? 1 + 1e-7 : a);

/**
 * a + b below which the dropout probability's Beta(a, b) is taken at its limit: a share a / (a + b) of
 * customers with p = 1 (one repeat purchase at most) and the rest with p = 0 (never drop out). A fit
 * that ran there (everyone buying like clockwork, nobody seen to leave) made a + b − 1 round to −1, and
 * the closed forms 0/0 (2F1(r, −1; −1; z)): the seasonal fit threw instead of warning.
 */
const DEGENERATE_AB = 1e-9;

/** Expected purchases in (0, t] at the Beta(a, b) → two-point limit, λ ~ Gamma(r, rate). */
function twoPointExpected(p: BgnbdParams, rate: number, t: number): number {
  const once = p.a / (p.a + p.b);
  return once * (1 - Math.pow(rate / (rate + t), p.r)) + (1 - once) * (p.r * t) / rate;
}

/**
 * Expected purchases in (T, T + t] for a customer with history (x, t_x, T) (FHL 2005, eq. 10).
 * @example bgnbdConditionalExpected(params, 39, 2, 30.43, 38.86)
 */
export function bgnbdConditionalExpected(p: BgnbdParams, t: number, x: number, tx: number, T: number): number {
  // no repeat yet: no dropout chance taken, so the two-point shares are the prior's, λ ~ Gamma(r, α + T)
  if (x === 0 && p.a + p.b < DEGENERATE_AB) return twoPointExpected(p, p.alpha + T, t);
  const a = safeA(p.a);
  const scale = (a + p.b + x - 1) / (a - 1);
  const bracket = oneMinusScaled2F1(p.r + x, p.b + x, a + p.b + x - 1, p.alpha + T, t);
  return scale * bracket * bgnbdProbAlive(p, x, tx, T);
}

/** Expected purchases in (0, t] for a customer just acquired (FHL 2005, eq. 9). */
export function bgnbdExpected(p: BgnbdParams, t: number): number {
  if (p.a + p.b < DEGENERATE_AB) return twoPointExpected(p, p.alpha, t);
  const a = safeA(p.a);
  return (a + p.b - 1) / (a - 1) * oneMinusScaled2F1(p.r, p.b, a + p.b - 1, p.alpha, t);
}

export interface BgnbdDraw {
  /** purchase rate per time unit while alive */
  lambda: number;
  /** dropout probability after each purchase */
  p: number;
  /** false when the draw says the customer already dropped out after their last purchase */
  alive: boolean;
}

/**
 * Draws a customer's latent (λ, p) from their posterior given (x, t_x, T). The posterior is a
 * two-component mixture: alive at T (λ ~ Gamma(r+x, α+T), p ~ Beta(a, b+x)) or dropped out right after
 * the last purchase (λ ~ Gamma(r+x, α+t_x), p ~ Beta(a+1, b+x−1)), weighted by P(alive). u1 picks the
 * component, u2 and u3 are inverted through the gamma and beta quantile functions, so the same
 * uniforms always give the same draw and nearby uniforms nearby draws.
 * @example sampleBgnbdPosterior(params, 2, 30.43, 38.86, rng(), rng(), rng())
 */
export function sampleBgnbdPosterior(
  params: BgnbdParams,
  x: number,
  tx: number,
  T: number,
  u1: number,
  u2: number,
  u3: number,
): BgnbdDraw {
  const { r, alpha, a, b } = params;
  const alive = u1 < bgnbdProbAlive(params, x, tx, T);
  const shape = r + x, rate = alpha + (alive ? T : tx);
  return {
    lambda: gammaPInv(shape, u2) / rate,
    p: alive ? betaIInv(a, b + x, u3) : betaIInv(a + 1, b + x - 1, u3),
    alive,
  };
}

/**
 * Special functions the customer-base models need: log-gamma, log-beta, the Gauss hypergeometric
 * function 2F1, and regularised incomplete gamma/beta functions with their inverses (for drawing from
 * gamma and beta posteriors by inversion, so a caller's uniforms fully determine the draw).
 * Pure numerics: no imports, no randomness.
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const LN_SQRT_2PI = 0.9189385332046728;

/** ln Γ(x) for x > 0 (Lanczos, g = 7; relative error ≈ 1e-15). @example lgamma(5) ≈ Math.log(24) */
export function lgamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  x -= 1;
  let s = LANCZOS[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) s += LANCZOS[i] / (x + i);
  return LN_SQRT_2PI + (x + 0.5) * Math.log(t) - t + Math.log(s);
}

/** ln B(a, b) */
export function lbeta(a: number, b: number): number {
  return lgamma(a) + lgamma(b) - lgamma(a + b);
}

/**
 * Gauss hypergeometric 2F1(a, b; c; z) by its power series, for |z| < 1. Terms are summed with a
 * running scale so that large sums (a, b big and z near 1) do not overflow; returns ln 2F1 when
 * `log` is true. Throws when the series does not converge (|z| ≥ 1 or too slow).
 * @example hyp2f1(1, 1, 2, 0.5) ≈ 2 * Math.log(2)
 */
export function hyp2f1(a: number, b: number, c: number, z: number, log = false): number {
  if (!(Math.abs(z) < 1)) throw new Error(`hyp2f1: |z| must be < 1, got ${z}`);
  let term = 1, sum = 1, lnScale = 0;
  for (let n = 0; n < 200000; n++) {
    term *= ((a + n) * (b + n)) / ((c + n) * (n + 1)) * z;
    sum += term;
    if (Math.abs(term) <= 1e-16 * Math.abs(sum)) {
      return log ? lnScale + Math.log(sum) : Math.exp(lnScale) * sum;
    }
    if (Math.abs(sum) > 1e200) { // rescale to keep the running sum finite
      sum *= 1e-200, term *= 1e-200, lnScale += 200 * Math.LN10;
    }
  }
  throw new Error(`hyp2f1: series did not converge for a=${a}, b=${b}, c=${c}, z=${z}`);
}

/** Regularised lower incomplete gamma P(s, x). */
export function gammaP(s: number, x: number): number {
  if (x <= 0) return 0;
  const lnPre = s * Math.log(x) - x - lgamma(s);
  if (x < s + 1) { // series
    let del = 1 / s, sum = del;
    for (let n = 1; n < 10000; n++) {
      del *= x / (s + n);
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * 1e-16) break;
    }
    return sum * Math.exp(lnPre);
  }
  return 1 - Math.exp(lnPre) * gammaContinuedFraction(s, x); // Lentz continued fraction for Q
}

function gammaContinuedFraction(s: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - s, c = 1 / tiny, d = 1 / b, h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - s);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return h;
}

/** Regularised incomplete beta I_x(a, b). */
export function betaI(a: number, b: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = a * Math.log(x) + b * Math.log1p(-x) - lbeta(a, b);
  if (x < (a + 1) / (a + b + 2)) return Math.exp(lnFront) * betaContinuedFraction(a, b, x) / a;
  return 1 - Math.exp(lnFront) * betaContinuedFraction(b, a, 1 - x) / b;
}

function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1, d = 1 - (a + b) * x / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < 10000; m++) {
    const m2 = 2 * m;
    let aa = m * (b - m) * x / ((a - 1 + m2) * (a + m2));
    d = 1 + aa * d, c = 1 + aa / c;
    if (Math.abs(d) < tiny) d = tiny;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d, h *= d * c;
    aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + 1 + m2));
    d = 1 + aa * d, c = 1 + aa / c;
    if (Math.abs(d) < tiny) d = tiny;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return h;
}

/**
 * Inverse of P(s, ·): the x with P(s, x) = u, i.e. the u-quantile of Gamma(shape s, rate 1).
 * Safeguarded Newton on a bracket, so it cannot wander off for tiny shapes.
 * @example gammaPInv(1, 1 - Math.exp(-2)) ≈ 2
 */
export function gammaPInv(s: number, u: number): number {
  if (u <= 0) return 0;
  if (u >= 1) return Infinity;
  // Start: Wilson–Hilferty for s ≥ 1, the small-x power law otherwise.
  let x: number;
  if (s >= 1) {
    const z = normalQuantile(u), t = 1 - 1 / (9 * s) + z / (3 * Math.sqrt(s));
    x = Math.max(1e-3, s * t * t * t);
  } else {
    x = Math.exp((Math.log(u) + lgamma(s + 1)) / s);
    if (!(x > 0)) x = 1e-300;
  }
  let lo = 0, hi = Infinity;
  for (let i = 0; i < 200; i++) {
    const f = gammaP(s, x) - u;
    if (f < 0) lo = x;
    else hi = x;
    const dens = Math.exp((s - 1) * Math.log(x) - x - lgamma(s));
    let next = dens > 0 ? x - f / dens : NaN;
    if (!(next > lo && next < hi)) next = hi === Infinity ? Math.max(2 * x, lo * 2 + 1e-300) : (lo + hi) / 2;
    if (Math.abs(next - x) <= 1e-14 * x) return next;
    x = next;
  }
  return x;
}

/** Inverse of I_·(a, b): the u-quantile of Beta(a, b). Safeguarded Newton on [0, 1]. */
export function betaIInv(a: number, b: number, u: number): number {
  if (u <= 0) return 0;
  if (u >= 1) return 1;
  let x = a / (a + b), lo = 0, hi = 1;
  const lnB = lbeta(a, b);
  for (let i = 0; i < 300; i++) {
    const f = betaI(a, b, x) - u;
    if (f < 0) lo = x;
    else hi = x;
    const dens = Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - lnB);
    let next = dens > 0 && Number.isFinite(dens) ? x - f / dens : NaN;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - x) <= 1e-15 * Math.max(x, 1e-300) || hi - lo < 1e-300) return next;
    x = next;
  }
  return x;
}

/** Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lowP = 0.02425;
  if (p < lowP) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - lowP) return -normalQuantile(1 - p);
  const q = p - 0.5, r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

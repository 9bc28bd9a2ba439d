/**
 * Fits that ran off to an extreme, said rather than printed as figures: the optimiser works on
 * log-parameters without bounds, so where the data cannot pin a parameter down (too few repeat buyers,
 * a calibration period too short to see anyone drop out, customers who all buy or spend alike) it walks
 * towards 0 or infinity until the likelihood stops changing. The fitted model is then a degenerate case
 * of itself (one purchase rate for everyone, nobody ever dropping out), not an estimate to quote.
 */
import type { BgnbdParams } from "./bgnbd.ts";
import type { GammaGammaParams } from "./gamma-gamma.ts";

/** Beyond these a shape or scale parameter is read as having run off (published fits sit within 0.01–1,000). */
const TOO_SMALL = 1e-3, TOO_LARGE = 1e4;

const g = (x: number) => x.toPrecision(2);
const off = (x: number) => x < TOO_SMALL || x > TOO_LARGE;

/**
 * @example fitWarnings({ r: 5.6e7, alpha: 1.2e9, a: 1e-9, b: 0.9 }, null) // two warnings
 */
export function fitWarnings(bgnbd: BgnbdParams, gammaGamma: GammaGammaParams | null): string[] {
  const out: string[] = [];
  const { r, alpha, a, b } = bgnbd;
  if (off(r) || off(alpha)) {
    out.push(`BG/NBD r ${g(r)}, alpha ${g(alpha)} ran to an extreme: the purchase rates show no heterogeneity the data can measure (every customer gets about ${g(r / alpha)} purchases a week); too little data (few repeat buyers), or customers who really all buy alike`);
  }
  if (off(a) || off(b)) {
    const mean = a / (a + b), head = `BG/NBD a ${g(a)}, b ${g(b)} ran to an extreme:`;
    out.push(
      a > TOO_LARGE && b > TOO_LARGE
        ? `${head} the dropout probability shows no heterogeneity the data can measure (every customer drops out with probability about ${g(mean)} after each repeat purchase); too little data, or customers who really all behave alike`
        : mean < TOO_SMALL
        ? `${head} the dropout probability runs to 0, nobody is ever seen to drop out; too short a calibration period or too few repeat buyers to see dropout, so forecasts will not decline`
        : mean > 1 - TOO_SMALL
        ? `${head} the dropout probability runs to 1, everyone drops out after a repeat purchase; too few repeat buyers to measure dropout`
        : `${head} the spread of the dropout probability cannot be measured (its mean is ${g(mean)}); too little data`,
    );
  }
  if (gammaGamma && (off(gammaGamma.p) || off(gammaGamma.q) || off(gammaGamma.gamma))) {
    const { p, q, gamma } = gammaGamma;
    out.push(`gamma-gamma p ${g(p)}, q ${g(q)}, gamma ${g(gamma)} ran to an extreme: the customers' mean order values show no heterogeneity the data can measure (everyone is given the same mean); too few repeat buyers, or customers who really all spend alike`);
  }
  return out;
}

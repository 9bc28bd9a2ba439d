/**
 * Test helper: simulates customers from the BG/NBD generative story with a seeded RNG, independently of
 * the code under test (Marsaglia–Tsang gamma draws, not the quantile inversion the sampler uses).
 */
import seedrandom from "seedrandom";
import type { BgnbdParams } from "../../engine/fit/bgnbd.ts";

export type Rng = () => number;
export const rngOf = (seed: string): Rng => seedrandom(seed);

function normal(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/** Gamma(shape, rate 1) by Marsaglia–Tsang (with the u^(1/shape) boost for shape < 1). */
export function gamma(rng: Rng, shape: number): number {
  if (shape < 1) return gamma(rng, shape + 1) * Math.pow(1 - rng(), 1 / shape);
  const d = shape - 1 / 3, c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do {
      x = normal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

export function beta(rng: Rng, a: number, b: number): number {
  const x = gamma(rng, a), y = gamma(rng, b);
  return x / (x + y);
}

/**
 * Purchases of a customer with rate λ and dropout p in (from, to], given alive at `from`: returns the
 * purchase times. Dropout is decided right after each purchase.
 */
export function purchases(rng: Rng, lambda: number, p: number, from: number, to: number): number[] {
  const out: number[] = [];
  let t = from;
  for (;;) {
    t += -Math.log(1 - rng()) / lambda;
    if (t > to) return out;
    out.push(t);
    if (rng() < p) return out;
  }
}

/** A population observed for T ∈ [minT, maxT] weeks after a first purchase at 0. */
export function simulateBgnbd(params: BgnbdParams, n: number, seed: string, minT = 26, maxT = 78) {
  const rng = rngOf(seed);
  const x = new Int32Array(n), tx = new Float64Array(n), T = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const lambda = gamma(rng, params.r) / params.alpha, p = beta(rng, params.a, params.b);
    T[i] = minT + (maxT - minT) * rng();
    const times = purchases(rng, lambda, p, 0, T[i]);
    x[i] = times.length;
    tx[i] = times.length ? times[times.length - 1] : 0;
  }
  return { x, tx, T };
}

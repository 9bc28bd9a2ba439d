/**
 * Per-customer random streams for the simulated world. Each stream is a purpose; each draw advances
 * the customer's counter for that purpose only, so a customer's organic life is the same whichever
 * plan runs (common random numbers): plans change only the RESPONSE stream.
 */
import seedrandom from "seedrandom";
import { lastRound, mixSeed, streamPrefix, uniformMixed } from "../core/hash.ts";

/**
 * The run-level stream: seedrandom (ARC4) turns the user's seed into the 32-bit key of every
 * per-customer stream, so nearby seeds (1, 2, 3…) give unrelated worlds.
 */
export function worldSeed(seed: number, salt = ""): number {
  return seedrandom(`cadence-world:${seed}${salt}`).int32() >>> 0;
}

/** The purposes of a customer's streams: 1 … MOVE (a counter each). */
export const ORGANIC = 1, RESPONSE = 2, TRAITS = 3, SIGNUP = 4, CART = 5, VISIT = 6, ALERT = 7, MOVE = 8;

export class Streams {
  // one row of counters per customer, purpose p at p − 1: 8 purposes are 32 bytes, so a customer's draws
  // touch one cache line (a row of 9, purpose 0 unused, straddled two lines one time in two)
  private readonly counters: Uint32Array;
  private readonly stride: number;
  private readonly mixed: number; // the seed's own hash round, computed once (engine/core/hash.ts)
  readonly seed: number;
  /**
   * `salt` gives an independent family of streams: the custom channels' responses (issue 11 #11) use
   * `new Streams(world seed, n, ":custom-channels")` and only its RESPONSE stream, so adding a custom
   * channel to a plan leaves every draw of the built-in channels as it was (engine/sim/world.ts).
   * `counters`: where to keep them instead of an array of their own, customer c's purpose p at
   * c * `stride` + p − 1 (a run's: in the customer's traits record, engine/sim/population.ts), all zero.
   */
  constructor(seed: number, readonly size: number, salt = "", purposes = MOVE, counters?: { at: Uint32Array; stride: number }) {
    this.seed = worldSeed(seed, salt);
    this.mixed = mixSeed(this.seed);
    this.stride = counters?.stride ?? purposes;
    this.counters = counters?.at ?? new Uint32Array(size * this.stride);
  }

  /** Next uniform in (0, 1) for customer c (hashed key) in one purpose. */
  u(c: number, key: number, purpose: number): number {
    const n = this.counters[c * this.stride + purpose - 1]++;
    return uniformMixed(this.mixed, key, purpose, n);
  }

  /** A fixed fact about a customer, not a stream (no counter): `uniform(seed, key, purpose, 0)`, the same bits. */
  fact(key: number, purpose: number): number {
    return uniformMixed(this.mixed, key, purpose, 0);
  }

  exp(c: number, key: number, purpose: number, mean: number): number {
    return -Math.log(this.u(c, key, purpose)) * mean;
  }

  normal(c: number, key: number, purpose: number): number {
    this.open(c, key, purpose);
    const x = this.nextNormal();
    this.close();
    return x;
  }

  gamma(c: number, key: number, purpose: number, shape: number, scale: number): number {
    this.open(c, key, purpose);
    const x = this.nextGamma(shape, scale);
    this.close();
    return x;
  }

  // --- a run of draws from one customer's stream -------------------------------------------------------
  // The world's answer to a message draws about ten times in a row from one (customer, purpose): `open`
  // reads the counter and hashes the key and purpose once, each `next…` hashes the counter alone, and
  // `close` writes the counter back. The same bits, in the same order, as the same draws through `u`.
  // One run open at a time per Streams: no `u` or other draw of this object between open and close.
  private at = 0; // the open run's counter, as an index of `counters`
  private n = 0; // its next counter value
  private prefix = 0; // streamPrefix(mixed, key, purpose)

  open(c: number, key: number, purpose: number): void {
    this.at = c * this.stride + purpose - 1, this.n = this.counters[this.at], this.prefix = streamPrefix(this.mixed, key, purpose);
  }

  close(): void {
    this.counters[this.at] = this.n;
  }

  /** The open run's next uniform: `u` of its customer and purpose. */
  next(): number {
    return lastRound(this.prefix, this.n++);
  }

  nextExp(mean: number): number {
    return -Math.log(this.next()) * mean;
  }

  /** Box–Muller, one value per two draws: simple and independent of call history. */
  nextNormal(): number {
    const u1 = this.next(), u2 = this.next();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** gammaDraw with the open run's draws, the same draws in the same order, without two closures per call. */
  nextGamma(shape: number, scale: number): number {
    return this.gammaUnit(shape) * scale;
  }

  private gammaUnit(shape: number): number {
    if (shape < 1) return this.gammaUnit(shape + 1) * Math.pow(this.next(), 1 / shape);
    const d = shape - 1 / 3, k = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number, v: number;
      do {
        x = this.nextNormal();
        v = 1 + k * x;
      } while (v <= 0);
      v = v * v * v;
      const w = this.next();
      if (w < 1 - 0.0331 * x * x * x * x || Math.log(w) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** Beta(a, b) from the open run: two gamma draws. */
  nextBeta(a: number, b: number): number {
    const x = this.nextGamma(a, 1), y = this.nextGamma(b, 1);
    return x / (x + y);
  }
}

/** Marsaglia–Tsang; shapes below 1 boosted by u^(1/shape). */
export function gammaDraw(u: () => number, normal: () => number, shape: number): number {
  if (shape < 1) return gammaDraw(u, normal, shape + 1) * Math.pow(u(), 1 / shape);
  const d = shape - 1 / 3, c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do {
      x = normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const w = u();
    if (w < 1 - 0.0331 * x * x * x * x || Math.log(w) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/**
 * Counter-based randomness: a uniform number in [0, 1) from a strong integer hash of stable inputs
 * (seed, customer key, purpose, counter). No generator object per customer, and a customer's draws for
 * one purpose never depend on what happened elsewhere: the basis of common random numbers.
 */

/** murmur3's 32-bit finaliser: full avalanche. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Mixes four 32-bit integers into one 32-bit hash. */
export function hash4(a: number, b: number, c: number, d: number): number {
  let h = fmix32((a ^ 0x9e3779b9) >>> 0);
  h = fmix32((h ^ Math.imul(b | 0, 0x85ebca77)) + 0x27d4eb2f);
  h = fmix32((h ^ Math.imul(c | 0, 0xc2b2ae3d)) + 0x165667b1);
  h = fmix32((h ^ Math.imul(d | 0, 0x27d4eb2f)) + 0x9e3779b9);
  return h;
}

/**
 * Uniform in (0, 1) from (seed, key, purpose, counter): 32 random bits, centred in their interval so
 * 0 never comes out (2.3e-10 resolution is far below any probability a plan or world model uses).
 */
export function uniform(seed: number, key: number, purpose: number, counter: number): number {
  return uniformMixed(mixSeed(seed), key, purpose, counter);
}

/** hash4's first round, which depends on the seed alone: a stream computes it once (`uniformMixed`). */
export function mixSeed(seed: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h ^= h >>> 16, h = Math.imul(h, 0x85ebca6b), h ^= h >>> 13, h = Math.imul(h, 0xc2b2ae35), h ^= h >>> 16;
  return h >>> 0;
}

/**
 * `uniform` from a seed already mixed by `mixSeed`: the same bits. hash4's last three fmix32 rounds are
 * written out, the same operations in the same order: tens of millions of draws per run, and the
 * compiler stopped inlining the calls inside the world's code.
 */
export function uniformMixed(mixed: number, key: number, purpose: number, counter: number): number {
  return lastRound(streamPrefix(mixed, key, purpose), counter);
}

/**
 * hash4's second and third rounds (the customer's key, the purpose): the part of a draw that a run of
 * draws from one stream shares (engine/sim/random.ts, `Streams.open`).
 */
export function streamPrefix(mixed: number, key: number, purpose: number): number {
  let h = (mixed ^ Math.imul(key | 0, 0x85ebca77)) + 0x27d4eb2f;
  h ^= h >>> 16, h = Math.imul(h, 0x85ebca6b), h ^= h >>> 13, h = Math.imul(h, 0xc2b2ae35), h ^= h >>> 16, h >>>= 0;
  h = (h ^ Math.imul(purpose | 0, 0xc2b2ae3d)) + 0x165667b1;
  h ^= h >>> 16, h = Math.imul(h, 0x85ebca6b), h ^= h >>> 13, h = Math.imul(h, 0xc2b2ae35), h ^= h >>> 16;
  return h >>> 0;
}

/** hash4's last round (the counter) on a stream's prefix, as a uniform in (0, 1). */
export function lastRound(prefix: number, counter: number): number {
  let h = (prefix ^ Math.imul(counter | 0, 0x27d4eb2f)) + 0x9e3779b9;
  h ^= h >>> 16, h = Math.imul(h, 0x85ebca6b), h ^= h >>> 13, h = Math.imul(h, 0xc2b2ae35), h ^= h >>> 16, h >>>= 0;
  return (h + 0.5) / 4294967296;
}

/** FNV-1a over a string, then mixed: stable 32-bit keys for customer ids and program names. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h >>> 0);
}

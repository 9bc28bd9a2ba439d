import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  type BgnbdParams,
  bgnbdConditionalExpected,
  bgnbdExpected,
  bgnbdLogLikelihood,
  bgnbdProbAlive,
  fitBgnbd,
  sampleBgnbdPosterior,
} from "../../engine/fit/bgnbd.ts";
import { DATA, describeWithData } from "../datasets/data-dir.ts";
import { beta, gamma, purchases, rngOf, simulateBgnbd } from "./simulate-bgnbd.ts";

const PUBLISHED: BgnbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const withinPct = (got: number, want: number, pct: number) => expect(Math.abs(got / want - 1) * 100).toBeLessThan(pct);

describeWithData("cdnow/cdnow_customers_summary.csv", "BG/NBD on the published CDNOW summary", () => {
  const rows = readFileSync(join(DATA, "cdnow/cdnow_customers_summary.csv"), "utf8").trim().split("\n").slice(1)
    .map((l) => l.split(",").map(Number));
  const data = { x: rows.map((r) => r[1]), tx: rows.map((r) => r[2]), T: rows.map((r) => r[3]) };

  it("gives log-likelihood −9582.4 at the published parameters", () => {
    expect(bgnbdLogLikelihood(PUBLISHED, data)).toBeCloseTo(-9582.4, 0);
  });

  it("fits the published parameters within 2 %", () => {
    const fit = fitBgnbd(data);
    for (const k of ["r", "alpha", "a", "b"] as const) withinPct(fit.params[k], PUBLISHED[k], 2);
    expect(fit.logLikelihood).toBeCloseTo(-9582.4, 0);
    expect(fit.customers).toBe(2357);
  });
});

describe("BG/NBD parameter recovery", () => {
  it("recovers known parameters from 30,000 simulated customers (seeded)", () => {
    const truth: BgnbdParams = { r: 0.5, alpha: 6, a: 0.7, b: 3 };
    const fit = fitBgnbd(simulateBgnbd(truth, 30000, "recovery-1"));
    // Tolerances are ~3 standard errors at this size (a and b are the least identified).
    withinPct(fit.params.r, truth.r, 6);
    withinPct(fit.params.alpha, truth.alpha, 8);
    withinPct(fit.params.a, truth.a, 15);
    withinPct(fit.params.b, truth.b, 20);
  });

  it("fits at least as well as the truth does (it is the maximum)", () => {
    const truth: BgnbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
    const data = simulateBgnbd(truth, 5000, "recovery-2");
    expect(fitBgnbd(data).logLikelihood).toBeGreaterThanOrEqual(bgnbdLogLikelihood(truth, data));
  });
});

describe("BG/NBD predictions", () => {
  it("gives P(alive) = 1 without repeat purchases and less after a long silence", () => {
    expect(bgnbdProbAlive(PUBLISHED, 0, 0, 38.86)).toBe(1);
    expect(bgnbdProbAlive(PUBLISHED, 5, 10, 38.86)).toBeLessThan(bgnbdProbAlive(PUBLISHED, 5, 38, 38.86));
  });

  it("agrees between the series and its Pfaff transform across the switch point", () => {
    // t/(α+T) = 0.7 is where the code changes method: the two sides must meet.
    const T = 20, t = 0.7 * (PUBLISHED.alpha + T);
    const below = bgnbdConditionalExpected(PUBLISHED, t * (1 - 1e-9), 3, 15, T);
    const above = bgnbdConditionalExpected(PUBLISHED, t * (1 + 1e-9), 3, 15, T);
    expect(above).toBeCloseTo(below, 7);
  });

  it("takes a and b run to 0 (nobody seen to leave) at their limit instead of throwing", () => {
    // what the fit gave on 60 customers buying every 6 days with three months missing: a + b − 1 was −1
    // exactly and 2F1(r, −1; −1; z) divided 0 by 0 ("hyp2f1: series did not converge", fit exit 1)
    const clockwork: BgnbdParams = { r: 4.0e11, alpha: 5.3e11, a: 5.5e-41, b: 1.6e-27 };
    // p is 0 for all but a share a / (a + b) ≈ 3e-14: every customer buys r / α a week, 0.755 × 39 = 29.4
    expect(bgnbdExpected(clockwork, 39)).toBeCloseTo(29.43, 2);
    expect(bgnbdConditionalExpected(clockwork, 39, 0, 0, 10)).toBeCloseTo(29.43, 2);
    // the limit joins the closed form: a quarter drop after one repeat, the rest buy r / α a week for ever
    const limit = 0.25 * (1 - Math.pow(4 / 43, 0.5)) + 0.75 * 0.5 * 39 / 4; // 3.8300
    expect(bgnbdExpected({ r: 0.5, alpha: 4, a: 2.5e-11, b: 7.5e-11 }, 39)).toBeCloseTo(limit, 9);
    expect(bgnbdExpected({ r: 0.5, alpha: 4, a: 2.5e-8, b: 7.5e-8 }, 39)).toBeCloseTo(limit, 6);
  });

  it("gives a finite expectation when a + b < 1 (the log of a negative series sum was NaN)", () => {
    const p: BgnbdParams = { r: 0.5, alpha: 4, a: 0.025, b: 0.075 };
    const rng = rngOf("a+b<1");
    let total = 0;
    const n = 40000;
    for (let i = 0; i < n; i++) total += purchases(rng, gamma(rng, p.r) / p.alpha, beta(rng, p.a, p.b), 0, 39).length;
    expect(bgnbdExpected(p, 39)).toBeCloseTo(3.6788, 3);
    withinPct(bgnbdExpected(p, 39), total / n, 5);
  });

  it("matches the unconditional expectation by simulation", () => {
    const rng = rngOf("uncond");
    let total = 0;
    const n = 40000;
    for (let i = 0; i < n; i++) {
      const lambda = gamma(rng, PUBLISHED.r) / PUBLISHED.alpha, p = beta(rng, PUBLISHED.a, PUBLISHED.b);
      total += purchases(rng, lambda, p, 0, 52).length;
    }
    withinPct(bgnbdExpected(PUBLISHED, 52), total / n, 5);
  });

  it("draws posteriors whose simulated future matches the conditional expectation", () => {
    const rng = rngOf("posterior");
    for (const [x, tx, T] of [[2, 30.43, 38.86], [0, 0, 38.86], [7, 20, 38]]) {
      let future = 0, alive = 0;
      const n = 20000;
      for (let i = 0; i < n; i++) {
        const d = sampleBgnbdPosterior(PUBLISHED, x, tx, T, rng(), rng(), rng());
        if (!d.alive) continue;
        alive++;
        future += purchases(rng, d.lambda, d.p, T, T + 39).length;
      }
      expect(alive / n).toBeCloseTo(bgnbdProbAlive(PUBLISHED, x, tx, T), 1);
      withinPct(future / n, bgnbdConditionalExpected(PUBLISHED, 39, x, tx, T), 6);
    }
  });

  it("is a deterministic function of its uniforms", () => {
    const a = sampleBgnbdPosterior(PUBLISHED, 2, 30.43, 38.86, 0.3, 0.6, 0.2);
    expect(sampleBgnbdPosterior(PUBLISHED, 2, 30.43, 38.86, 0.3, 0.6, 0.2)).toEqual(a);
    expect(a.alive).toBe(true);
    const dead = sampleBgnbdPosterior(PUBLISHED, 2, 3, 38.86, 0.999, 0.6, 0.2);
    expect(dead.alive).toBe(false);
  });
});

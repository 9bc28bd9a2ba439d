import { describe, expect, it } from "vitest";
import { DAY, parseDate } from "../../engine/core/time.ts";
import { consentBit, EMAIL, SMS } from "../../engine/core/channels.ts";
import { NEVER } from "../../engine/core/customer-table.ts";
import { parsePlan } from "../../engine/plan/load.ts";
import { DEFAULT_WORLD, worldWith } from "../../engine/sim/world-model.ts";
import { simulate } from "../../engine/sim/simulate.ts";
import { Recorder } from "../../engine/sim/recorder.ts";
import { historyPopulation, historySource } from "../../engine/sim/history-population.ts";
import { traitColumn, TR1, TR4, TR8 } from "../../engine/sim/population.ts";
import { parsePopulation } from "../../engine/sim/population-spec.ts";
import { bgnbdConditionalExpected, bgnbdProbAlive } from "../../engine/fit/bgnbd.ts";
import { main } from "../../engine/cli/main.ts";
import { capture } from "../capture.ts";
import { describeWithData } from "../datasets/data-dir.ts";
import { tempDir } from "../datasets/temp-files.ts";
import { InputError } from "../../engine/plan/errors.ts";
import { runPlan } from "../../engine/sim/run.ts";
import { PER2, PER4, PER8 } from "../../engine/core/record.ts";

const noPlan = parsePlan("name: none\nchannels: { email: {} }\n", "none.yaml").compiled;

/** Distinct (customer, day) purchases of a no-plan run: the holdout's "repeat transactions". */
function purchaseDays(file: string, seed: number, start: number, days: number, world = DEFAULT_WORLD): number {
  const rec = new Recorder();
  const pop = historyPopulation(file, { seed, start, journeys: 0, world });
  simulate(noPlan, pop, { seed, start, days, world, recorder: rec });
  const seen = new Set<number>();
  for (let i = 0; i < rec.eType.length; i++) if (rec.eType[i] === 1) seen.add(rec.eCust[i] * 100_000 + Math.floor(rec.eTime[i] / DAY));
  return seen.size;
}

describe("historical population from a small history (written by the test)", () => {
  const t = tempDir();
  t.write("tx.csv", "id,day,usd\nA,2024-01-05,20\nA,2024-02-10,30\nA,2024-03-01,25\nB,2024-03-20,50\nC,2024-08-01,10\n");
  t.write("cust.csv", "id,created,mail,tz\nA,2023-12-01,yes,Europe/Paris\nB,,no,\nD,2024-02-01,yes,America/New_York\nE,2024-09-01,yes,\n");
  const config = t.write("h.yaml", `calibrationEnd: 2024-06-30
transactions: { file: tx.csv, columns: { customer: id, date: day, amount: usd } }
customers: { file: cust.csv, columns: { id: id, signup: created, emailConsent: mail, timezone: tz } }
consent: { sms: true }
`);
  const start = parseDate("2024-07-01")!;
  const pop = historyPopulation(config, { seed: 1, start, journeys: 2, world: DEFAULT_WORLD });
  const t0 = pop.table, at = (id: string) => t0.ids.indexOf(id);

  it("keeps the customers known at the cut-off, with their state, and leaves out later ones", () => {
    expect([...t0.ids]).toEqual(["A", "B", "D"]); // C first buys after the cut-off, E signs up after it
    const a = at("A");
    expect([t0.orders[a * PER4], t0.revenue[a * PER8], t0.lastPurchase[a * PER4]]).toEqual([3, 75, parseDate("2024-03-01")]);
    expect(t0.signup[a * PER4]).toBe(parseDate("2023-12-01"));
    expect(t0.signup[(at("B")) * PER4]).toBe(parseDate("2024-03-20")); // no signup date: the first purchase
    expect(t0.lastPurchase[(at("D")) * PER4]).toBe(NEVER);
    expect(t0.orders[(at("D")) * PER4]).toBe(0);
  });

  it("takes consents and time zones from the history, never assuming other channels", () => {
    expect(t0.consent[(at("A")) * PER2]).toBe(consentBit(EMAIL) | consentBit(SMS));
    expect(t0.consent[(at("B")) * PER2]).toBe(consentBit(SMS));
    expect(t0.tz[(at("A")) * PER2]).toBe(120); // Paris in summer, at the cut-off
    expect(t0.tz[(at("D")) * PER2]).toBe(-240);
  });

  it("draws per-day rates (weekly λ / 7) and keeps prospects buying at the world's prospect factor", () => {
    for (let c = 0; c < pop.size; c++) {
      expect(pop.traits.rate[c * TR8]).toBeGreaterThan(0);
      expect(pop.traits.rate[c * TR8]).toBeLessThan(5 / 7);
      expect(pop.traits.spend[c * TR4]).toBeGreaterThan(0);
    }
    expect(pop.traits.alive[(at("D")) * TR1]).toBe(1);
  });

  it("is a deterministic function of the seed", () => {
    const again = historyPopulation(config, { seed: 1, start, journeys: 2, world: DEFAULT_WORLD });
    const other = historyPopulation(config, { seed: 2, start, journeys: 2, world: DEFAULT_WORLD });
    expect(traitColumn(again.traits, "rate", again.size)).toEqual(traitColumn(pop.traits, "rate", pop.size));
    expect(again.describe).toBe(pop.describe);
    expect(traitColumn(other.traits, "rate", other.size)).not.toEqual(traitColumn(pop.traits, "rate", pop.size));
  });

  it("parses --population and names what would be valid", () => {
    const spec = parsePopulation(`history:${config}`);
    expect([spec.kind, spec.start, spec.days, spec.customers]).toEqual(["history", "2024-07-01", undefined, 3]);
    expect(parsePopulation(undefined).kind).toBe("synthetic");
    expect(() => parsePopulation("cdnow")).toThrow(/expected 'synthetic' or 'history:<config.yaml>', got 'cdnow'/);
    expect(() => parsePopulation(`history:${t.dir}/missing.yaml`)).toThrow(InputError);
  });

  it("simulate --population refuses --customers, and runs from the day after the cut-off", async () => {
    const bad = await capture(() => main(["simulate", "scenarios/lifecycle.yaml", "--population", `history:${config}`, "--customers", "10"]));
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--customers: a history population has its own customers \(3\)/);
    const ok = await capture(() => main(["simulate", "scenarios/lifecycle.yaml", "--population", `history:${config}`, "--days", "30", "--json"]));
    expect(ok.code).toBe(0);
    const s = JSON.parse(ok.out);
    expect([s.customers, s.start, s.days]).toEqual([3, "2024-07-01", 30]);
  });
});

describeWithData("cdnow/CDNOW_sample.txt", "historical population: CDNOW sample", () => {
  const file = "datasets/cdnow.yaml";
  const start = parseDate("1997-10-01")!, days = 273; // the 39-week holdout, 1997-10-01 .. 1998-06-30
  const MODEL = 1779.0; // seasonal fit over 39 plain weeks; runs use the default world (its own retail year): seeds 1–5 gave 1,846, 1,735, 1,783, 1,881, 1,713 (mean 1,791.6)

  it("recovers the fitted posterior: mean weekly λ and the share alive match the BG/NBD formulas", () => {
    const src = historySource(file);
    const s = src.state, p = src.organic.params, { tx, T } = src.organic; // the seasonal fit's clock
    expect(src.seasonal).not.toBeNull();
    let expectLambda = 0, expectAlive = 0, m = 0;
    for (let i = 0; i < s.length; i++) {
      if (!s.orders[i]) continue;
      const pa = bgnbdProbAlive(p, s.x[i], tx[i], T[i]);
      expectAlive += pa;
      expectLambda += (p.r + s.x[i]) * (pa / (p.alpha + T[i]) + (1 - pa) / (p.alpha + tx[i]));
      m++;
    }
    let lambda = 0, alive = 0;
    const R = 4;
    for (let seed = 1; seed <= R; seed++) {
      const pop = historyPopulation(file, { seed, start, journeys: 0, world: DEFAULT_WORLD });
      for (let c = 0; c < pop.size; c++) lambda += pop.traits.rate[c * TR8] * 7, alive += pop.traits.alive[c * TR1];
    }
    expect(m).toBe(2357);
    expect(lambda / R / expectLambda).toBeGreaterThan(0.95);
    expect(lambda / R / expectLambda).toBeLessThan(1.05);
    expect(alive / R / expectAlive).toBeGreaterThan(0.98);
    expect(alive / R / expectAlive).toBeLessThan(1.02);
  });

  it("forecasts the 39-week holdout: ≈ its model's expectation, nearer the actual 1,882 than plain BG/NBD's 1,653", () => {
    const src = historySource(file);
    const s = src.state, o = src.organic;
    let model = 0, plain = 0;
    for (let i = 0; i < s.length; i++) {
      if (!s.orders[i]) continue;
      plain += bgnbdConditionalExpected(src.bgnbd, 39, s.x[i], s.tx[i], s.T[i]);
      model += bgnbdConditionalExpected(o.params, 39, s.x[i], o.tx[i], o.T[i]); // 39 flat weeks: the simulator's clock
    }
    const runs = [1, 2, 3, 4, 5].map((seed) => purchaseDays(file, seed, start, days));
    const mean = runs.reduce((a, b) => a + b) / runs.length;
    console.log(`CDNOW holdout: simulated ${runs.join(", ")} (mean ${mean.toFixed(1)}); model ${model.toFixed(1)}; actual 1,882`);
    expect(plain).toBeCloseTo(1653.4, 0);
    expect(model).toBeCloseTo(MODEL, 0);
    expect(Math.abs(mean - model) / model).toBeLessThan(0.04);
    expect(Math.abs(mean - 1882)).toBeLessThan(Math.abs(plain - 1882));
  });

  it("runs on the history's own calendar with world: spec.world (learned weekdays and months)", () => {
    const spec = parsePopulation(`history:${file}`);
    const s = spec.world!.seasonality!;
    expect(s.weekdays.map((v) => +v.toFixed(2))).toEqual([1.12, 1.09, 0.96, 0.98, 0.96, 0.92, 0.96]);
    expect(s.months.slice(9)).toEqual([1, 1, 1]); // October–December: never in the calibration
    const world = worldWith(spec.world);
    const runs = [1, 2, 3, 4, 5].map((seed) => purchaseDays(file, seed, start, days, world));
    const mean = runs.reduce((a, b) => a + b) / runs.length;
    console.log(`CDNOW holdout on its own calendar: simulated ${runs.join(", ")} (mean ${mean.toFixed(1)}); seasonal model 1,806.4; actual 1,882`);
    expect(Math.abs(mean - 1806.4) / 1806.4).toBeLessThan(0.05);
  });
});

describe("a history population's cached baseline", () => {
  // 300 customers buying every few weeks through 2024: enough organic revenue for runs of 15 and 120 days to differ
  const t = tempDir();
  const rows = ["id,day,usd"];
  for (let c = 0; c < 300; c++) {
    for (let d = 1 + (c % 17); d < 180; d += 20 + (c % 13)) rows.push(`K${c},${new Date(Date.UTC(2024, 0, d)).toISOString().slice(0, 10)},${10 + (c % 7) * 5}`);
  }
  t.write("tx.csv", rows.join("\n") + "\n");
  const config = t.write("h.yaml", "calibrationEnd: 2024-06-30\ntransactions: { file: tx.csv, columns: { customer: id, date: day, amount: usd } }\n");
  const plan = parsePlan("name: mail\nchannels: { email: { cost: 0.01 } }\nprograms:\n  - { id: news, type: campaign, schedule: { weekly: [tue] }, send: { channel: email, message: n } }\n", "mail.yaml");
  const run = (days: number, cache: "memory" | "off") =>
    runPlan(plan, { population: (o) => historyPopulation(config, o), start: "2024-07-01", days, seed: 1, cache }).summary;

  it("is the baseline of the run's own length: a shorter run's is not read back (regression)", () => {
    // the cache key named the history and its cut-off but not the days: a 15-day baseline served a 120-day run
    run(15, "memory");
    const cached = run(120, "memory"), fresh = run(120, "off");
    expect(fresh.baselineRevenue).toBeGreaterThan(0);
    expect(cached.baselineRevenue).toBe(fresh.baselineRevenue);
    expect(cached.incrementalRevenue).toBe(fresh.incrementalRevenue);
    expect(run(15, "memory").baselineRevenue).toBeLessThan(fresh.baselineRevenue / 2);
  });
});

/**
 * Money summed across customers does not depend on the order of the additions (engine/sim/money.ts):
 * a run split across workers adds the same amounts in another order and must give the same figures.
 */
import { describe, expect, it } from "vitest";
import { Metrics } from "../../engine/sim/metrics.ts";
import { MAX_EXACT_UNITS, MONEY_UNITS, settleMoney } from "../../engine/sim/money.ts";
import { InputError } from "../../engine/plan/errors.ts";
import { loadPlan, parsePlan } from "../../engine/plan/load.ts";
import { runPlan } from "../../engine/sim/run.ts";
import { runPlanSharded } from "../../engine/parallel/sharded-run.ts";
import { mergeFigures } from "../../engine/parallel/shard-calls.ts";
import { DEFAULT_WORLD, type WorldModel } from "../../engine/sim/world-model.ts";
import { parseDate } from "../../engine/core/time.ts";
import { importHistory } from "../../datasets/import.ts";
import { backtest } from "../../engine/backtest/replay.ts";
import { errorOf, tempDir } from "../datasets/temp-files.ts";
import { parsePopulation } from "../../engine/sim/population-spec.ts";

const buy = (order: number[]) => {
  const m = new Metrics(3, 1, ["p"]);
  for (const [i, x] of order.entries()) m.purchase(i % 3, 0, x, -1);
  settleMoney(m);
  return m;
};

describe("money", () => {
  it("refuses a split baseline whose revenue passes the limit, as one process refuses it", () => {
    // two shards' no-plan baselines, each under the limit, together one unit over it
    const half = Math.ceil(MAX_EXACT_UNITS / 2);
    const part = (revenue: number) => ({ figures: true as const, revenue, dailyRevenue: Float64Array.of(revenue), events: 1, peakMemory: 0, times: { draw: 0, simulate: 0, barrier: 0, reputation: 0, ranking: 0 } });
    expect(mergeFigures([part(half - 1), part(half - 1)]).revenue).toBe((2 * half - 2) / MONEY_UNITS);
    expect(() => mergeFigures([part(half), part(half)])).toThrow(/^this run's revenue and discounts came to 900,719,925,474, beyond 900,719,925,474 in the currency/);
  });

  it("sums 0.1, 0.2 and 0.3 to 0.6 in any order, where floating point gives 0.6000000000000001 one way", () => {
    expect((0.1 + 0.2) + 0.3).not.toBe((0.3 + 0.2) + 0.1); // why the rule exists
    const a = buy([0.1, 0.2, 0.3]), b = buy([0.3, 0.2, 0.1]);
    expect(a.revenue).toBe(0.6);
    expect(b.revenue).toBe(0.6);
    expect(Array.from(a.daily.revenue)).toEqual([0.6]);
  });

  it("gives two halves merged the total of the whole, to the last bit", () => {
    const amounts = Array.from({ length: 1000 }, (_, i) => Math.round(((i * 7919) % 10007) * 1.37) / 100);
    const whole = new Metrics(1000, 2, ["p"]);
    for (const [c, x] of amounts.entries()) whole.purchase(c, c % 2, x, 0), whole.contact(c, c % 2, 0, 0, 0.002);
    const halves = [0, 500].map((lo) => {
      const m = new Metrics(500, 2, ["p"]);
      for (let c = 499; c >= 0; c--) m.purchase(c, (c + lo) % 2, amounts[c + lo], 0), m.contact(c, (c + lo) % 2, 0, 0, 0.002);
      return m;
    });
    const merged = new Metrics(1000, 2, ["p"]);
    halves.forEach((h, i) => merged.absorb(h, i * 500));
    settleMoney(whole), settleMoney(merged);
    for (const k of ["revenue", "messageRevenue", "messageCost"] as const) expect(merged[k]).toBe(whole[k]);
    expect(Array.from(merged.daily.revenue)).toEqual(Array.from(whole.daily.revenue));
    expect(merged.programs[0].cost).toBe(2); // 1,000 contacts at 0.002: exactly
    expect(merged.column("revenueOf")).toEqual(whole.column("revenueOf"));
  });

  describe("beyond 2^53 − 1 units", () => {
    const big = 900_719_925_474.0991, unit = 1 / MONEY_UNITS; // 2^53 − 1 units, and one unit

    it("settles a sum of exactly 2^53 − 1 units, 900,719,925,474.0991, to the unit", () => {
      expect(MAX_EXACT_UNITS).toBe(Number.MAX_SAFE_INTEGER);
      expect(buy([big]).revenue).toBe(big);
      expect(buy([big / 2 - unit / 2, big / 2 + unit / 2]).revenue).toBe(big); // 4,503,599,627,370,495 + …496 units
    });

    it("refuses a sum one unit beyond, where the last units came to depend on the order of the additions", () => {
      // why: three units after the big amount are lost (each addition rounds to 2^53), before it they count
      expect(MAX_EXACT_UNITS + 1 + 1 + 1).toBe(2 ** 53);
      expect(1 + 1 + 1 + MAX_EXACT_UNITS).toBe(2 ** 53 + 2);
      // these settled silently, to 900,719,925,474.0992 one way and .0994 the other
      for (const order of [[big, unit, unit, unit], [unit, unit, unit, big], [big, unit]]) {
        expect(() => buy(order)).toThrow(InputError);
        expect(() => buy(order)).toThrow(/^this run's revenue and discounts came to 900,719,925,474, beyond 900,719,925,474 in the currency, the most summed exactly \(2\^53 − 1 units of 1\/10,000, engine\/sim\/money\.ts\): run fewer customers or days, or count money in thousands \(world\.spend\.scale, channels\.\*\.cost and the plan's amounts ÷ 1,000\)$/);
      }
    });

    it("counts the discounts with the revenue (a program's incremental revenue adds one and takes off the other), and the message costs on their own", () => {
      // revenue and discounts each under the limit, together over it
      const m = new Metrics(1, 1, ["p"]);
      m.purchase(0, 0, big / 2, -1);
      m.discountCost += (MAX_EXACT_UNITS + 1) / 2; // counted in units where it is added (engine/sim/world.ts)
      expect(() => settleMoney(m)).toThrow(/^this run's revenue and discounts came to 900,719,925,474, beyond/);
      const c = new Metrics(1, 1, ["p"]);
      for (let i = 0; i < 901; i++) c.contact(0, 0, 0, 0, 1e9); // 901 letters at a billion each: 901 billion
      expect(() => settleMoney(c)).toThrow(/^this run's message costs came to 901,000,000,000, beyond 900,719,925,474 in the currency, .*: run fewer customers or days, lower channels\.\*\.cost, /);
      const under = new Metrics(1, 1, ["p"]);
      for (let i = 0; i < 900; i++) under.contact(0, 0, 0, 0, 1e9);
      settleMoney(under);
      expect(under.messageCost).toBe(900e9);
    });

    // the ranges allow it (engine/plan/world-ranges.ts): a mean order value of 10,000,000 (SCALE_LIMITS)
    // bought once a day (r / alpha 7 a week) would pass 900 billion in 90,072 customer-days; customers
    // slow down as they drop out: 1,000 × 28 made 253,534,123,300, 1,000 × 120 880,855,576,457 (under),
    // 1,000 × 150 1,082,949,559,157
    const world: WorldModel = { ...structuredClone(DEFAULT_WORLD), purchase: { r: 70, alpha: 10, a: 0.001, b: 1000 }, spend: { p: 1000, q: 1000, gamma: 0.999, scale: 10_000_000 } };
    const plan = loadPlan("scenarios/lifecycle.yaml");
    const o = { customers: 1000, days: 150, seed: 3, cache: "off" as const, world };

    it("refuses a run in a world within its ranges whose revenue passes the limit, in one process and sharded", async () => {
      expect(() => runPlan(plan, { ...o, baseline: false })).toThrow(/^this run's revenue and discounts came to 1,082,949,559,157, beyond 900,719,925,474 in the currency/);
      await expect(runPlanSharded(plan, { ...o, workers: 2, baseline: false })).rejects.toThrow(/^this run's revenue and discounts came to 1,082,949,559,157, beyond 900,719,925,474/);
    });

    describe("on a history population", () => {
      // 300 customers, four orders each in 2024's first half, of 1 to 7 billion rupiahs (a wholesaler's);
      // `unit` divides the amounts as a history exported in thousands would; `keys` are more config keys
      const history = (unit: number, orders = 4, keys = "") => {
        const t = tempDir(), rows = ["id,day,idr"];
        for (let c = 0; c < 300; c++) {
          for (let k = 0; k < orders; k++) rows.push(`K${c},2024-0${1 + k + (c % 3)}-${10 + (c % 17)},${(1 + (c * 7 + k) % 7) * 1e9 / unit}`);
        }
        t.write("tx.csv", rows.join("\n") + "\n");
        t.write("cust.csv", "id,mail\n" + Array.from({ length: 300 }, (_, c) => `K${c},yes\n`).join(""));
        const config = t.write("h.yaml", `currency: IDR\n${keys}calibrationEnd: 2024-06-30\ntransactions: { file: tx.csv, columns: { customer: id, date: day, amount: idr } }\ncustomers: { file: cust.csv, columns: { id: id, emailConsent: mail } }\n`);
        return { dir: t.dir, spec: parsePopulation(`history:${config}`) };
      };
      // with its no-plan baseline, as the command line runs it: on a copy of the customers (population-copy.ts)
      const run = (h: ReturnType<typeof history>, world?: Partial<WorldModel>) => () =>
        runPlan(plan, { population: h.spec.population, start: h.spec.start, days: 90, cache: "off", world });
      const revenueOver = /^this run's revenue and discounts came to ([\d,]+), beyond 900,719,925,474 in the currency, the most summed exactly \(2\^53 − 1 units of 1\/10,000, engine\/sim\/money\.ts\): (.*)$/;

      it("refuses its revenue naming the levers it has: the config's moneyUnit first, then its days, not world.spend.scale, which it does not read", () => {
        const h = history(1), said = errorOf(run(h), h.dir);
        // it advised the synthetic population's levers: fewer customers (refused with a history) and world.spend.scale
        expect(revenueOver.exec(said)?.[2]).toBe(
          `set moneyUnit: 1000 in <dir>/h.yaml (counts the history's money in thousands of IDR: its order values are fitted to amount (column "idr") of <dir>/tx.csv; world.spend.scale is not read), with channels.*.cost and the plan's amounts ÷ 1,000; or run fewer days (a history population's customers are its own)`,
        );
        // the no-plan baseline's, refused first; world.spend.scale ÷ 1,000 leaves it as it was; fewer days, or the amounts in thousands, pass
        expect(revenueOver.exec(said)?.[1]).toBe("1,728,323,840,928");
        expect(revenueOver.exec(errorOf(run(h, { spend: { ...DEFAULT_WORLD.spend, scale: DEFAULT_WORLD.spend.scale / 1000 } }), h.dir))?.[1]).toBe("1,728,323,840,928");
        expect(runPlan(plan, { population: h.spec.population, start: h.spec.start, days: 14, cache: "off", baseline: false }).summary.revenue).toBe(335_733_784_672.01);
        expect(run(history(1000))().summary.revenue).toBe(1_770_552_621.76); // thousands of rupiahs
        expect(run(history(1, 4, "moneyUnit: 1000\n"))().summary.revenue).toBe(1_770_552_621.76); // as advised: the same
        // counted in thousands and still beyond: the next unit is named
        expect(revenueOver.exec(errorOf(run(history(1e-3, 4, "moneyUnit: 1000\n")), h.dir))?.[2]).toMatch(/^set moneyUnit: 1000000 in .*h\.yaml \(counts the history's money in millions of IDR: /);
      });

      it("refuses its message costs naming the same levers, and names world.spend.scale when no repeat buyer was fitted (order values from the world's prior)", () => {
        const levers = (h: ReturnType<typeof history>) => h.spec.population!({ journeys: 0, seed: 1, start: parseDate(h.spec.start!)!, days: 90, world: DEFAULT_WORLD }).moneyLevers!;
        const h = history(1), c = new Metrics(1, 1, ["p"]);
        for (let i = 0; i < 901; i++) c.contact(0, 0, 0, 0, 1e9);
        expect(errorOf(() => settleMoney(c, levers(h)), h.dir)).toMatch(
          /: lower channels\.\*\.cost, or count money in thousands: channels\.\*\.cost and the plan's amounts ÷ 1,000, with moneyUnit: 1000 in <dir>\/h\.yaml \(counts the history's money in thousands of IDR\); or run fewer days \(a history population's customers are its own\)$/,
        );
        const once = levers(history(1, 1)); // one order each: no repeat buyer, no gamma-gamma fit
        expect(once.revenue).toBe(
          "run fewer days (a history population's customers are its own), or count money in thousands (world.spend.scale, channels.*.cost and the plan's amounts ÷ 1,000: with no repeat buyer to fit, order values come from world.spend)",
        );
      });
    });

    it("backtests a history beyond the limit (a replay adds its amounts in one order, in one thread): 1.2 trillion rupiahs", () => {
      // about 70 million euros of orders: it was refused, advising world.spend.scale, which a backtest has not
      const t = tempDir();
      t.write("tx.csv", "id,day,idr\nA,2024-03-02,400000000000\nB,2024-03-05,400000000000\nA,2024-03-20,400000000000\n");
      t.write("cust.csv", "id,mail\nA,yes\nB,yes\n");
      const config = t.write("h.yaml", "currency: IDR\ncalibrationEnd: 2024-02-29\nholdoutEnd: 2024-04-30\ntransactions: { file: tx.csv, columns: { customer: id, date: day, amount: idr } }\ncustomers: { file: cust.csv, columns: { id: id, emailConsent: mail } }\n");
      const thanks = parsePlan(`name: thanks
currency: IDR
channels:
  email: { cost: 150, window: always }
programs:
  - { id: thanks, type: journey, trigger: { event: purchase }, reentry: always, steps: [ { send: { channel: email, message: thanks, category: relational } } ] }
`, "thanks.yaml");
      const b = backtest(thanks, importHistory(config), { from: parseDate("2024-03-01")!, to: parseDate("2024-04-30")! });
      // 3 × 400,000,000,000 = 1.2 × 10^16 units: past 2^53 − 1, and still exact here (even, under 2^54)
      expect(b.metrics.revenue).toBe(1_200_000_000_000);
      expect(b.summary.revenue).toBe(1_200_000_000_000);
      expect(b.metrics.messageCost).toBe(450); // three thank-you e-mails at 150
    });
  });
});

import { describe, expect, it } from "vitest";
import { importHistory } from "../../datasets/import.ts";
import { frequencyData, historyState, spendData, stateTable } from "../../datasets/history.ts";
import { CHURNED, LAPSING, NEW, PROSPECT, REGULAR } from "../../engine/core/lifecycle.ts";
import { parseDate } from "../../engine/core/time.ts";
import { tempDir } from "./temp-files.ts";

const { dir, write } = tempDir();
// Cut-off 2024-06-30. a: 3 purchase days (two orders on one), b: one recent order, c: one order 200 days
// before, d: 400 days before, e: listed in the customers file only (a prospect), f: buys after the cut-off.
write("tx.csv", [
  "customer,when,total",
  "a,2024-01-01,10", "a,2024-03-01,20", "a,2024-03-01,5", "a,2024-06-30,30",
  "b,2024-06-20,50",
  "c,2023-12-13,40",
  "d,2023-05-27,15",
  "f,2024-07-02,99",
  "a,2024-08-01,12", "a,2024-08-01,1", "a,2024-09-01,3",
].join("\n"));
write("customers.csv", ["id,signup,email,sms,zone", "a,2023-12-01,yes,,Europe/Paris", "b,,no,1,", "e,2024-05-01,1,0,UTC"].join("\n"));
const config = write("h.yaml", `
calibrationEnd: 2024-06-30
holdoutEnd: 2024-12-31
currency: EUR
transactions:
  file: tx.csv
  columns: {customer: customer, date: when, amount: total}
customers:
  file: ${dir}/customers.csv
  columns: {id: id, signup: signup, emailConsent: email, smsConsent: sms, timezone: zone}
consent: {email: true, sms: false}
`);

describe("state at a cut-off", () => {
  const h = importHistory(config);
  const s = historyState(h);
  const at = (id: string) => h.index.get(id)!;

  it("summarises purchases by distinct day, in weeks, with the cut-off day included", () => {
    const a = at("a");
    expect([s.orders[a], s.x[a], s.value[a]]).toEqual([4, 2, 65]);
    expect(s.tx[a]).toBeCloseTo(181 / 7, 12);
    expect(s.T[a]).toBeCloseTo(181 / 7, 12);
    expect(s.meanValue[a]).toBeCloseTo(65 / 4, 12);
    expect(s.meanRepeatValue[a]).toBeCloseTo((25 + 30) / 2, 12); // same-day orders merge into one repeat
    expect(s.holdout![a]).toBe(2); // 2024-08-01 (two orders) and 2024-09-01
    expect(s.lastPurchase[a]).toBe(parseDate("2024-06-30"));
  });

  it("measures tenure from signup when known, else from the first purchase", () => {
    expect(s.tenureDays[at("a")]).toBe(212); // signup 2023-12-01
    expect(s.tenureDays[at("c")]).toBe(200);
    expect(s.tenureDays[at("e")]).toBe(60);
  });

  it("classifies lifecycle stages with stageOf", () => {
    expect([at("a"), at("b"), at("c"), at("d"), at("e")].map((c) => s.stage[c])).toEqual([REGULAR, NEW, LAPSING, CHURNED, PROSPECT]);
    expect(s.known[at("f")]).toBe(0);
    expect(s.holdout![at("f")]).toBe(0); // not in the calibration cohort
  });

  it("scores RFM quintiles among purchasers (1 + ⌊5·rank/n⌋), ties sharing the lower score", () => {
    const ids = ["a", "b", "c", "d"].map(at); // four purchasers: ranks 0..3 give scores 1..4
    expect(ids.map((c) => s.recencyScore[c])).toEqual([4, 3, 2, 1]);
    expect(ids.map((c) => s.frequencyScore[c])).toEqual([4, 1, 1, 1]);
    expect(ids.map((c) => s.monetaryScore[c])).toEqual([4, 3, 2, 1]);
    expect(s.recencyScore[at("e")]).toBe(0);
  });

  it("takes consents from the columns, and the stated assumption where no column speaks", () => {
    expect([at("a"), at("b"), at("e"), at("c")].map((c) => [s.email[c], s.sms[c]])).toEqual([[1, 0], [0, 1], [1, 0], [1, 0]]);
    expect(h.customers.timezone[at("a")]).toBe("Europe/Paris");
    expect(h.warnings).toEqual(["3 transactions belong to customers not in the customers file"]);
  });

  it("feeds the fits and an arquero view", () => {
    expect(Array.from(frequencyData(s).x)).toEqual([2, 0, 0, 0]);
    expect(Array.from(spendData(s).m)).toEqual([27.5]);
    const t = stateTable(s, h.ids);
    expect(t.numRows()).toBe(5);
    expect(t.get("stage", 0)).toBe("regular");
    expect(t.get("first_purchase", 0)).toBe("2024-01-01");
  });

  it("moves with the cut-off", () => {
    const early = historyState(h, parseDate("2024-02-01")!);
    expect(early.orders[at("a")]).toBe(1);
    expect(early.known[at("b")]).toBe(1); // listed, signup unknown
    expect(early.stage[at("b")]).toBe(PROSPECT);
    expect(early.holdout).toBeDefined();
    expect(NEW).toBe(1);
  });
});

import { describe, expect, it } from "vitest";
import { parseDate } from "../../engine/core/time.ts";
import { parsePlan } from "../../engine/plan/load.ts";
import { importHistory } from "../../datasets/import.ts";
import { backtest } from "../../engine/backtest/replay.ts";
import { extractFromHistory } from "../../engine/backtest/extract.ts";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runPlan } from "../../engine/sim/run.ts";
import { historyPopulation } from "../../engine/sim/history-population.ts";
import { tempDir } from "../datasets/temp-files.ts";

// A store voucher handed to members: consent is the customers file's `member` column (attr.member)
const PLAN = `name: vouchers
timezone: "+00:00"
channels:
  email: { window: always }
  store_voucher: { consent: attr.member, like: mail, latency: 0 }
programs:
  - id: thanks
    type: journey
    trigger: { event: purchase }
    reentry: always
    steps:
      - send: { channel: store_voucher, message: voucher, category: promotional }
`;

describe("custom channels on a history", () => {
  const t = tempDir();
  t.write("tx.csv", "id,day,usd\nA,2024-01-10,20\nA,2024-03-02,30\nB,2024-03-05,40\nC,2024-03-06,15\nA,2024-04-01,99\n");
  t.write("cust.csv", "id,created,mail,member\nA,2023-12-01,yes,yes\nB,2023-12-01,yes,no\nC,2023-12-01,yes,\n");
  const config = t.write("h.yaml", `calibrationEnd: 2024-02-29
holdoutEnd: 2024-04-30
transactions: { file: tx.csv, columns: { customer: id, date: day, amount: usd } }
customers: { file: cust.csv, columns: { id: id, signup: created, emailConsent: mail }, attributes: { member: { column: member, type: boolean } } }
`);
  const plan = parsePlan(PLAN, "vouchers.yaml");

  it("backtest: consent from the file's attribute (no and empty = no consent), rows under the channel's name", () => {
    const r = backtest(plan, importHistory(config), { from: parseDate("2024-03-01")!, to: parseDate("2024-04-30")! });
    // A bought on 03-02 and 04-01 (member); B (member = no) and C (empty) are refused for consent
    expect(r.summary.contactsByChannel.store_voucher).toBe(2);
    expect(r.summary.messages).toEqual([
      { program: "thanks", channel: "store_voucher", status: "sent", count: 2 },
      { program: "thanks", channel: "store_voucher", status: "suppressed", count: 2 },
    ]);
  });

  it("extract: the day's lists name the custom channel, one file per program and channel", () => {
    const out = extractFromHistory(plan, importHistory(config), parseDate("2024-03-02")!, join(t.dir, "lists"));
    expect(out.files.map((f) => [f.program, f.channel, f.messages])).toEqual([["thanks", "store_voucher", 1]]);
    expect(readFileSync(out.files[0].file, "utf8")).toContain(",store_voucher,");
  });

  it("simulation on the history population: the file's attribute, not a draw, is the consent", () => {
    const start = parseDate("2024-03-01")!;
    const res = runPlan(plan, { population: (o) => historyPopulation(config, { ...o, start }), start: "2024-03-01", days: 60, seed: 1, record: true });
    const tb = res.run.population.table, ch = res.run.plan.names.channels.indexOf("store_voucher");
    const has = (id: string) => (tb.consent0[tb.ids.indexOf(id)] & (1 << ch)) !== 0;
    expect([has("A"), has("B"), has("C")]).toEqual([true, false, false]);
  });
});

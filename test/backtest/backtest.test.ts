import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDate } from "../../engine/core/time.ts";
import { parsePlan, loadPlan } from "../../engine/plan/load.ts";
import { importHistory } from "../../datasets/import.ts";
import { backtest } from "../../engine/backtest/replay.ts";
import { writeBacktest } from "../../engine/cli/backtest.ts";
import { main } from "../../engine/cli/main.ts";
import { capture } from "../capture.ts";
import { describeWithData } from "../datasets/data-dir.ts";
import { tempDir } from "../datasets/temp-files.ts";

const PLAN = `name: bt
timezone: "+00:00"
channels:
  email: { window: always }
pressure:
  rules:
    - { name: one-a-week, cap: 1, window: 7d }
programs:
  - id: welcome
    type: journey
    trigger: { event: signup }
    steps:
      - send: { channel: email, message: welcome, category: relational }
  - id: thanks
    type: journey
    trigger: { event: purchase }
    reentry: always
    steps:
      - wait: 1d
      - send: { channel: email, message: thanks, category: relational }
  - id: winback
    type: journey
    trigger: { event: inactive, days: 30 }
    steps:
      - send: { channel: email, message: miss-you, category: promotional }
`;

describe("backtest on a small history (written by the test)", () => {
  const t = tempDir();
  t.write("tx.csv", "id,day,usd\nA,2024-01-10,20\nA,2024-03-02,30\nA,2024-03-03,10\nB,2024-03-05,40\nA,2024-06-01,99\n");
  t.write("cust.csv", "id,created,mail\nA,2023-12-01,yes\nB,,yes\nC,2024-03-04,yes\nD,2023-06-01,no\n");
  const config = t.write("h.yaml", `calibrationEnd: 2024-02-29
holdoutEnd: 2024-04-30
transactions: { file: tx.csv, columns: { customer: id, date: day, amount: usd } }
customers: { file: cust.csv, columns: { id: id, signup: created, emailConsent: mail } }
`);
  const planFile = t.write("plan.yaml", PLAN);
  const plan = parsePlan(PLAN, "bt.yaml");
  const run = () => backtest(plan, importHistory(config), { from: parseDate("2024-03-01")!, to: parseDate("2024-04-30")! });
  const r = run();
  const sent = () => {
    const rec = r.recorder, out: string[] = [];
    for (let i = 0; i < rec.mTime.length; i++) {
      out.push(`${new Date(rec.mTime[i] * 60000).toISOString().slice(0, 16)} ${r.population.table.ids[rec.mCust[i]]} ${r.plan.sends[rec.mSend[i]].message} ${["sent", "suppressed", "holdout", "deferred"][rec.mStatus[i]]}${rec.mRule[i] ? ` ${rec.mRule[i]}` : ""}`);
    }
    return out;
  };

  it("fires purchases, signups and inactivity in time order through the plan", () => {
    expect(sent()).toEqual([
      "2024-03-03T12:00 A thanks sent", // purchase on 03-02 (a date: placed at noon), thanks a day later
      "2024-03-04T00:00 C welcome sent", // signup from the customers file
      "2024-03-05T12:00 B welcome sent", // no signup date: signs up with the first purchase
      "2024-03-06T12:00 B thanks suppressed one-a-week",
      "2024-04-02T12:00 A miss-you sent", // 30 days after A's last purchase (03-03)
      "2024-04-04T12:00 B miss-you sent",
    ]);
    const s = r.summary;
    expect([s.customers, s.signups, s.purchases, s.revenue, s.inactive]).toEqual([4, 2, 3, 80, 2]);
    expect([s.contacts, s.reach, s.suppressed]).toEqual([5, 3, 1]);
    expect(s.suppressedByRule).toEqual({ "one-a-week": 1 });
    expect(s.messages).toEqual([
      { program: "thanks", channel: "email", status: "sent", count: 1 },
      { program: "thanks", channel: "email", status: "suppressed", count: 1 },
      { program: "welcome", channel: "email", status: "sent", count: 2 },
      { program: "winback", channel: "email", status: "sent", count: 2 },
    ]);
  });

  it("measures contacts per customer-week and ranks the customers under the most pressure", () => {
    // 61 days = 9 weeks (the last one partial) × 4 customers who existed in each
    expect(r.summary.contactsPerCustomerWeek).toEqual({ mean: 0.1389, p50: 0, p90: 1, p99: 1, max: 1 });
    expect(r.summary.topCustomers).toEqual([
      { id: "A", contacts: 2, maxWeek: 1, purchases: 2 },
      { id: "B", contacts: 2, maxWeek: 1, purchases: 1 },
      { id: "C", contacts: 1, maxWeek: 1, purchases: 0 },
    ]);
  });

  it("is deterministic: same input, same digest and byte-identical messages.csv", () => {
    const again = run();
    expect(again.summary.digest).toBe(r.summary.digest);
    const a = mkdtempSync(join(tmpdir(), "bt-a-")), b = mkdtempSync(join(tmpdir(), "bt-b-"));
    writeBacktest(r, a), writeBacktest(again, b);
    for (const f of ["summary.json", "messages.csv", "customers.csv"]) expect(readFileSync(join(a, f), "utf8")).toBe(readFileSync(join(b, f), "utf8"));
    expect(readFileSync(join(a, "messages.csv"), "utf8").split("\n")[0]).toBe("time,customer,program,message,channel,category,status,rule,cost,at");
    const other = backtest(parsePlan(PLAN.replace("cap: 1", "cap: 2"), "bt.yaml"), importHistory(config), { from: parseDate("2024-03-01")!, to: parseDate("2024-04-30")! });
    expect(other.summary.digest).not.toBe(r.summary.digest);
    expect(other.summary.suppressed).toBe(0);
  });

  it("runs from the command line: defaults to the holdout, --json, --out", async () => {
    const out = join(t.dir, "out");
    const res = await capture(() => main(["backtest", planFile, "--history", config, "--json", "--out", out]));
    expect(res.code).toBe(0);
    const s = JSON.parse(res.out);
    expect([s.from, s.to, s.contacts, s.digest]).toEqual(["2024-03-01", "2024-04-30", 5, r.summary.digest]);
    expect(readFileSync(join(out, "messages.csv"), "utf8").trim().split("\n")).toHaveLength(7);
    const text = await capture(() => main(["backtest", planFile, "--history", config]));
    expect(text.out).toMatch(/suppressed by one-a-week\s+1/);
    expect(text.out).toMatch(/customers under the most pressure/);
  });

  it("exits 2 on bad arguments and on broken history files, naming what is wrong", async () => {
    const noHistory = await capture(() => main(["backtest", planFile]));
    expect([noHistory.code, noHistory.err]).toEqual([2, expect.stringMatching(/missing --history <config.yaml>/)]);
    const badDate = await capture(() => main(["backtest", planFile, "--history", config, "--from", "2024-13-01"]));
    expect([badDate.code, badDate.err]).toEqual([2, expect.stringMatching(/--from: expected a date such as 1997-10-01 \(years 1900 to 2199\), got '2024-13-01'/)]);
    const reversed = await capture(() => main(["backtest", planFile, "--history", config, "--from", "2024-04-01", "--to", "2024-03-01"]));
    expect(reversed.err).toMatch(/--to 2024-03-01 is before --from 2024-04-01/);
    t.write("broken.csv", "id,day,usd\nA,2024-01-10,20\nB,2024-02-30,x\n");
    const broken = t.write("broken.yaml", "calibrationEnd: 2024-02-29\ntransactions: { file: broken.csv, columns: { customer: id, date: day, amount: usd } }\n");
    const bad = await capture(() => main(["backtest", planFile, "--history", broken]));
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/broken\.csv:3: date \(column "day"\): bad date "2024-02-30"/);
  });
});

describeWithData("cdnow/CDNOW_sample.txt", "backtest on the CDNOW sample", () => {
  const h = importHistory("datasets/cdnow-optin.yaml");
  const plan = loadPlan("scenarios/lifecycle.yaml");
  const o = { from: parseDate("1997-10-01")!, to: parseDate("1998-06-30")! };

  it("replays every holdout transaction once, and confirms each order (transactional, never blocked)", () => {
    const r = backtest(plan, h, o);
    let inPeriod = 0;
    for (let i = 0; i < h.transactions.length; i++) if (h.transactions.time[i] >= o.from && h.transactions.time[i] < o.to + 1440) inPeriod++;
    const s = r.summary;
    console.log(`CDNOW backtest: ${s.purchases} purchases, ${s.inactive} inactivity events, ${s.contacts} contacts to ${s.reach} customers, ` +
      `per customer-week ${JSON.stringify(s.contactsPerCustomerWeek)}, suppressed ${JSON.stringify(s.suppressedByRule)}, top ${JSON.stringify(s.topCustomers[0])}`);
    expect(s.purchases).toBe(inPeriod);
    expect(s.customers).toBe(2357);
    expect(s.messages.find((m) => m.program === "order-confirmation" && m.status === "sent")?.count).toBe(inPeriod);
    expect(s.contactsPerCustomerWeek.max).toBeGreaterThanOrEqual(s.contactsPerCustomerWeek.p99);
    expect(s.suppressedByRule.consent).toBeGreaterThan(0); // push and SMS steps: nobody opted in
  });

  it("gives the same digest on every run", () => {
    expect(backtest(plan, h, o).summary.digest).toBe(backtest(plan, h, o).summary.digest);
  });
});

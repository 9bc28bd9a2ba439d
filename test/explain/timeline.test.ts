import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadPlan } from "../../engine/plan/load.ts";
import { syntheticPopulation, TR1, TR4, TR8 } from "../../engine/sim/population.ts";
import { DEFAULT_WORLD } from "../../engine/sim/world-model.ts";
import { DAY, parseDate } from "../../engine/core/time.ts";
import { explainCustomer, explainIn, formatTimeline } from "../../engine/explain/timeline.ts";
import { main } from "../../engine/cli/main.ts";
import { capture } from "../capture.ts";
import { eachRecord } from "../../datasets/csv.ts";
import { PER2, PER4 } from "../../engine/core/record.ts";

const dir = mkdtempSync(join(tmpdir(), "cadence-explain-"));
const planFile = join(dir, "three-a-week.yaml");
writeFileSync(planFile, `name: three-a-week
currency: EUR
timezone: "+00:00"
margin: 0.4
channels:
  email: { cost: 0.001 }
pressure:
  rules:
    - name: two-a-week
      cap: 2
      window: 7d
programs:
  - { id: monday, type: campaign, priority: 30, schedule: { weekly: [mon], at: "10:00" }, audience: consent.email, send: { channel: email, message: mon, category: promotional } }
  - { id: wednesday, type: campaign, priority: 20, schedule: { weekly: [wed], at: "10:00" }, audience: consent.email, send: { channel: email, message: wed, category: promotional } }
  - { id: friday, type: campaign, priority: 10, schedule: { weekly: [fri], at: "10:00" }, audience: consent.email, send: { channel: email, message: fri, category: promotional } }
`);

describe("explain", () => {
  it("a hand-built customer: Monday and Wednesday go out, Friday is stopped by two-a-week, which names them", () => {
    const plan = loadPlan(planFile);
    const start = parseDate("2026-01-05")!; // a Monday
    const pop = syntheticPopulation({ customers: 3, seed: 1, start, days: 21, journeys: plan.compiled.journeys.length, world: DEFAULT_WORLD });
    // customer 0: an e-mail opt-in who never buys, visits, opens or leaves, in UTC
    const t = pop.table, tr = pop.traits, c = 0;
    t.consent[c * PER2] = 1, t.signup[c * PER4] = start - 400 * DAY, t.tz[c * PER2] = 0;
    tr.rate[c * TR8] = 0, tr.alive[c * TR1] = 0, tr.visitRate[c * TR4] = 0;
    tr.affinity.fill(0, c * TR4, c * TR4 + 5);
    const tl = explainIn(plan, pop, t.ids[c], { seed: 1, start, days: 21, world: DEFAULT_WORLD });
    const messages = tl.rows.filter((r) => r.kind === "message").map((r) => [r.time.slice(0, 16), r.what, r.status, r.why ?? ""]);
    const two = (a: string, b: string) => `two-a-week: 2 counted contacts in (T−7d, T] ≥ cap 2: monday ${a}, wednesday ${b}`;
    expect(messages).toEqual([
      ["2026-01-05T10:00", "monday · mon (email)", "sent", ""],
      ["2026-01-07T10:00", "wednesday · wed (email)", "sent", ""],
      ["2026-01-09T10:00", "friday · fri (email)", "suppressed", two("01-05", "01-07")],
      ["2026-01-12T10:00", "monday · mon (email)", "sent", ""], // (01-05 10:00, 01-12 10:00] holds only Wednesday 01-07
      ["2026-01-14T10:00", "wednesday · wed (email)", "sent", ""],
      ["2026-01-16T10:00", "friday · fri (email)", "suppressed", two("01-12", "01-14")],
      ["2026-01-19T10:00", "monday · mon (email)", "sent", ""],
      ["2026-01-21T10:00", "wednesday · wed (email)", "sent", ""],
      ["2026-01-23T10:00", "friday · fri (email)", "suppressed", two("01-19", "01-21")],
    ]);
    expect(tl.counts).toEqual({ sent: 6, suppressed: 3 });
    // the world only delivered: nothing bought, opened or clicked
    expect(new Set(tl.rows.filter((r) => r.kind === "event").map((r) => r.what.split(" · ")[0]))).toEqual(new Set(["delivered"]));
    expect(tl.profile).toMatchObject({ timezone: "UTC+00:00", consents: ["email"] });
    expect(formatTimeline(tl)).toContain("2026-01-09 10:00  friday · fri (email): suppressed — two-a-week: 2 counted contacts");
  });

  it("agrees with simulate --out's messages.csv, whose why column carries the same explanations", async () => {
    const out = join(dir, "run");
    const sim = await capture(() => main(["simulate", "scenarios/lifecycle-capped.yaml", "--customers", "1500", "--days", "90", "--seed", "4", "--out", out]));
    expect(sim.code).toBe(0);
    const rows: string[][] = [];
    eachRecord(join(out, "messages.csv"), "comma", (f) => void rows.push(f));
    const head = rows[0], col = (n: string) => head.indexOf(n);
    expect(head).toContain("why");
    const blocked = rows.slice(1).filter((r) => ["suppressed", "deferred"].includes(r[col("status")]) && !["consent", "send-window"].includes(r[col("rule")]));
    expect(blocked.length).toBeGreaterThan(10);
    for (const r of blocked) expect(r[col("why")]).toMatch(new RegExp(`^${r[col("rule")]}: .*(≥ cap|< spacing|> threshold)`));
    // a customer with a pressure suppression: the explain command prints the same decisions
    const id = blocked[0][col("customer")];
    const mine = rows.slice(1).filter((r) => r[col("customer")] === id).map((r) => [r[col("time")], r[col("status")], r[col("rule")], r[col("why")]]);
    const r = await capture(() => main(["explain", "scenarios/lifecycle-capped.yaml", "--customer", id, "--customers", "1500", "--days", "90", "--seed", "4", "--json"]));
    expect(r.code).toBe(0);
    const tl = JSON.parse(r.out);
    const decisions = tl.rows.filter((x: { kind: string }) => x.kind === "message").map((x: Record<string, string>) => [x.time, x.status, x.rule ?? "", x.why ?? ""]);
    expect(decisions).toEqual(mine);
  });

  it("names a missing customer and a missing --customer flag", async () => {
    const r = await capture(() => main(["explain", "scenarios/lifecycle.yaml", "--customer", "X1", "--customers", "50", "--days", "7"]));
    expect(r.code).toBe(2);
    expect(r.err).toContain("--customer: no customer 'X1' in this population of 50; ids run C0000001 … C0000050");
    const none = await capture(() => main(["explain", "scenarios/lifecycle.yaml"]));
    expect(none.code).toBe(2);
    expect(none.err).toContain("--customer: give the id of the customer to explain");
    expect(() => explainCustomer(loadPlan("scenarios/lifecycle.yaml"), { customer: "C0000001", customers: 10, days: 7, start: "2026-13-01" })).toThrow(/--start: expected a date/);
  });
});

describe("a deferral's row", () => {
  it("is logged at the send time the rule blocked, with the retry in `at` and in its reason (regression)", () => {
    // deferred rows carried the retry time as their time as well, so the decision time was lost and the
    // reason ("2 counted contacts in (T−7d, T]") read against the wrong T
    const t = explainCustomer(loadPlan("scenarios/lifecycle-capped.yaml"), { customer: "C0000042", customers: 2000, days: 120 });
    const deferred = t.rows.filter((r) => r.status === "deferred");
    expect(deferred.map((r) => [r.time, r.what, r.rule])).toEqual([["2026-02-03T09:00:00Z", "newsletter · newsletter (email)", "two-a-week"]]);
    expect(deferred[0].why).toBe("two-a-week: 2 counted contacts in (T−7d, T] ≥ cap 2: review-request 01-28, cross-sell 02-01; retried 2026-02-04T15:04:00Z");
    // the newsletter went at that retry, and both counted contacts lie in the 7 days before 02-03 09:00
    expect(t.rows.some((r) => r.time === "2026-02-04T15:04:00Z" && r.what === "newsletter · newsletter (email)" && r.status === "sent")).toBe(true);
    const sent = (what: string) => t.rows.find((r) => r.status === "sent" && r.what.startsWith(what))!.time;
    for (const what of ["review-request", "cross-sell"]) {
      const age = Date.parse("2026-02-03T09:00:00Z") - Date.parse(sent(what));
      expect(age).toBeGreaterThan(0);
      expect(age).toBeLessThanOrEqual(7 * 86_400_000);
    }
  });
});

/**
 * Two programs of the same priority on the same channel, due at the same minute, under a cap of one a
 * day that counts pending contacts (docs/pressure-rules.md, "Arbitration"): the campaigns of a day are
 * decided at its start, higher priority first, ties by send time, then plan order, and a pending contact
 * of equal priority and no later send time counts against the next. So the first campaign in the plan
 * file goes and the second is suppressed; written the other way round, the other one goes. The simulator
 * with 1 and 2 workers and `cadence explain` give the same outcome, and say why.
 */
import { describe, expect, it } from "vitest";
import * as aq from "arquero";
import { parsePlan } from "../../engine/plan/load.ts";
import { runPlanInWorkers } from "../../engine/parallel/run-plan.ts";
import { ExplainRecorder } from "../../engine/explain/observer.ts";
import { explainCustomer, formatTimeline } from "../../engine/explain/timeline.ts";
import { syntheticPopulation } from "../../engine/sim/population.ts";
import { messagesTable } from "../../engine/sim/tables.ts";

const CAMPAIGN = (id: string, message: string) =>
  `  - { id: ${id}, type: campaign, priority: 50, schedule: { once: "2026-01-05", at: "10:00" }, audience: consent.email, send: { channel: email, message: ${message}, category: promotional } }`;
/** The two campaigns, `first` written first in the plan file. */
const ties = (first: string, second: string) =>
  parsePlan(`name: ties
currency: EUR
timezone: "+00:00"
margin: 0.4
channels:
  email: { cost: 0.001 }
pressure:
  rules:
    - { name: one-a-day, cap: 1, calendar: day, lookahead: true }
programs:
${CAMPAIGN(first, first[0])}
${CAMPAIGN(second, second[0])}
`, `${first}-${second}.yaml`);

const RUN = { customers: 400, days: 3, seed: 5, start: "2026-01-04" };

/** messages.csv as `simulate --out` writes it (with its why column), run with `workers` worker threads. */
async function messagesCsv(plan: ReturnType<typeof ties>, workers: number): Promise<string> {
  const recorder = new ExplainRecorder(plan.compiled);
  let attached = false;
  const res = await runPlanInWorkers(plan, {
    ...RUN, workers, minShard: 1, cache: "off", record: true, recorder,
    population: (p) => {
      const made = syntheticPopulation({ ...p, customers: RUN.customers });
      if (!attached) recorder.attach(made.table), attached = true;
      return made;
    },
  });
  expect(res.run.shardMemory?.length).toBe(workers > 1 ? workers : undefined); // really split
  return aq.toCSV(messagesTable(res.run, res.recorder!));
}

describe("two campaigns of equal priority at the same minute, one a day counting pending contacts", () => {
  for (const [first, second] of [["alpha", "beta"], ["beta", "alpha"]]) {
    it(`sends ${first}, written first, and suppresses ${second} against it, with 1 and 2 workers`, async () => {
      const plan = ties(first, second);
      const csv = await messagesCsv(plan, 1);
      expect(await messagesCsv(plan, 2)).toBe(csv);
      const rows = csv.trim().split("\n").slice(1).map((l) => l.split(","));
      // time, customer, program, message, channel, category, status, rule, …
      const ours = rows.filter((r) => r[2] === "alpha" || r[2] === "beta");
      const count = (program: string, status: string) => ours.filter((r) => r[2] === program && r[6] === status).length;
      // 253 of the 400 customers opted in to e-mail: each gets the first campaign, never the second
      expect([count(first, "sent"), count(second, "suppressed"), ours.length]).toEqual([253, 253, 506]);
      expect(new Set(ours.map((r) => `${r[0]} ${r[7]}`))).toEqual(new Set(["2026-01-05T10:00:00Z ", "2026-01-05T10:00:00Z one-a-day"]));
      const why = ours.filter((r) => r[6] === "suppressed").map((r) => r.slice(10).join(",").replace(/\(the customer's time, [^)]*\)/, "(…)"));
      expect(new Set(why)).toEqual(new Set([`"one-a-day: 1 counted contact in the day 2026-01-05 (…) ≥ cap 1: ${first} 01-05 (pending, same priority, decided first)"`]));
    }, 60_000);
  }

  it("cadence explain names the campaign that took the day and why it outranks the one suppressed", () => {
    for (const [first, second] of [["alpha", "beta"], ["beta", "alpha"]]) {
      const tl = explainCustomer(ties(first, second), { ...RUN, customer: "C0000001" });
      const lines = formatTimeline(tl).split("\n").filter((l) => l.includes("(email)"));
      expect(lines).toEqual([
        `2026-01-05 10:00  ${second} · ${second[0]} (email): suppressed — one-a-day: 1 counted contact in the day 2026-01-05 (the customer's time, UTC+01:00: 2026-01-04 23:00 – 2026-01-05 23:00 UTC) ≥ cap 1: ${first} 01-05 (pending, same priority, decided first)`,
        `2026-01-05 10:00  ${first} · ${first[0]} (email): sent`,
      ]);
    }
  });
});

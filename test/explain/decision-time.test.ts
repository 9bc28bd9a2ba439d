/**
 * A blocked message is explained as the core decided it: at its decision time (a campaign at the start
 * of its day, for a send later that day), and against a calendar bucket named in the zone it is cut in.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadPlan } from "../../engine/plan/load.ts";
import { syntheticPopulation, TR1, TR4, TR8 } from "../../engine/sim/population.ts";
import { DEFAULT_WORLD } from "../../engine/sim/world-model.ts";
import { DAY, parseDate } from "../../engine/core/time.ts";
import { explainIn } from "../../engine/explain/timeline.ts";
import { PER2, PER4 } from "../../engine/core/record.ts";

const dir = mkdtempSync(join(tmpdir(), "cadence-explain-now-"));
const planFile = join(dir, "one-a-day.yaml");
writeFileSync(planFile, `name: one-a-day
currency: EUR
timezone: "+00:00"
margin: 0.4
channels:
  email: { cost: 0.001 }
pressure:
  rules:
    - name: one-a-day
      cap: 1
      calendar: day
programs:
  - { id: early, type: campaign, priority: 30, schedule: { weekly: [mon], at: "08:00" }, audience: consent.email, send: { channel: email, message: early, category: promotional } }
  - { id: late, type: campaign, priority: 10, schedule: { weekly: [mon], at: "10:00" }, audience: consent.email, send: { channel: email, message: late, category: promotional } }
  - { id: night, type: campaign, priority: 10, schedule: { weekly: [tue], at: "02:00" }, audience: consent.email, send: { channel: email, message: night, category: promotional } }
`);

/** The message rows of one hand-built customer (an e-mail opt-in who never acts) at UTC offset `tz`. */
function messages(tz: number): string[][] {
  const plan = loadPlan(planFile);
  const start = parseDate("2026-01-05")!; // a Monday
  const pop = syntheticPopulation({ customers: 3, seed: 1, start, days: 2, journeys: plan.compiled.journeys.length, world: DEFAULT_WORLD });
  const t = pop.table, tr = pop.traits, c = 0;
  t.consent[c * PER2] = 1, t.signup[c * PER4] = start - 400 * DAY, t.tz[c * PER2] = tz;
  tr.rate[c * TR8] = 0, tr.alive[c * TR1] = 0, tr.visitRate[c * TR4] = 0;
  tr.affinity.fill(0, c * TR4, c * TR4 + 5);
  const tl = explainIn(plan, pop, t.ids[c], { seed: 1, start, days: 2, world: DEFAULT_WORLD });
  return tl.rows.filter((r) => r.kind === "message").map((r) => [r.time.slice(0, 16), r.what.split(" · ")[0], r.status!, r.why ?? ""]);
}

describe("explain at the decision", () => {
  it("marks a contact pending when it was pending at the decision, though sent before the blocked send time (regression)", () => {
    // 'late' (priority 10) is decided at 00:00 with the day's campaigns, after 'early' (priority 30) was
    // accepted for 08:00: the core counted early as a pending contact of higher priority. The explanation
    // read the ledger at 10:00, the send time, and called early sent
    expect(messages(0)).toEqual([
      ["2026-01-05T08:00", "early", "sent", ""],
      ["2026-01-05T10:00", "late", "suppressed", "one-a-day: 1 counted contact in the day 2026-01-05 (the customer's time, UTC+00:00: 2026-01-05 00:00 – 2026-01-06 00:00 UTC) ≥ cap 1: early 01-05 (pending)"],
      ["2026-01-06T02:00", "night", "sent", ""],
    ]);
  });

  it("names the calendar bucket in the customer's zone with its bounds in UTC (regression)", () => {
    // at UTC−05:00, Tuesday 02:00 UTC is Monday 21:00: the same local day as early's Monday 08:00 UTC.
    // The reason read 'in this day' beside a contact dated 01-05 for a send dated 01-06, in no zone
    expect(messages(-300)).toEqual([
      ["2026-01-05T08:00", "early", "sent", ""],
      ["2026-01-05T10:00", "late", "suppressed", "one-a-day: 1 counted contact in the day 2026-01-05 (the customer's time, UTC−05:00: 2026-01-05 05:00 – 2026-01-06 05:00 UTC) ≥ cap 1: early 01-05 (pending)"],
      ["2026-01-06T02:00", "night", "suppressed", "one-a-day: 1 counted contact in the day 2026-01-05 (the customer's time, UTC−05:00: 2026-01-05 05:00 – 2026-01-06 05:00 UTC) ≥ cap 1: early 01-05"],
    ]);
  });
});

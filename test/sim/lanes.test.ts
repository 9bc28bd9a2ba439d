/**
 * The queue in lanes (engine/sim/lanes.ts): a run's results do not depend on how many customers a lane
 * holds — the same digest and byte-identical --out files with one lane and with lanes of 64 or 1,000
 * customers, with every coupling between customers in play (targeted campaigns, RFM, reputation, money),
 * pressure rules, and contacts made outside the plan.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadPlan, parsePlan } from "../../engine/plan/load.ts";
import { writeRun } from "../../engine/sim/output.ts";
import { type RunOptions, runPlan } from "../../engine/sim/run.ts";
import { LaneQueue } from "../../engine/sim/lanes.ts";
import { COUPLED_PLAN } from "../parallel/coupled-plan.ts";

const coupled = parsePlan(COUPLED_PLAN, "coupled.yaml");
const ONE_LANE = 1 << 24;

/** A run's digest and every file of its --out directory. */
function files(plan: typeof coupled, o: RunOptions): [string, Map<string, Buffer>] {
  const res = runPlan(plan, { seed: 3, record: true, cache: "off", ...o });
  const dir = mkdtempSync(join(tmpdir(), `lanes-${o.laneWidth}-`));
  writeRun(res, dir);
  return [res.summary.digest, new Map(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f))]))];
}

function sameFiles(plan: typeof coupled, widths: number[], o: RunOptions): void {
  const [digest, one] = files(plan, { ...o, laneWidth: ONE_LANE });
  expect(one.size).toBe(9);
  for (const laneWidth of widths) {
    const [d, laned] = files(plan, { ...o, laneWidth });
    expect(d, `digest with lanes of ${laneWidth}`).toBe(digest);
    for (const [name, bytes] of one) expect(laned.get(name)!.equals(bytes), `${name} with lanes of ${laneWidth}`).toBe(true);
  }
}

describe("queue lanes", () => {
  it("routes each customer's events to its lane: lane l holds customers l·width … (l+1)·width − 1", () => {
    const q = new LaneQueue(0, 10 * 1440, 2500, 1000, 2); // 1,000 rounds up to 1,024
    expect(q.lanes.length).toBe(3);
    q.push(60, 0, 5), q.push(30, 0, 1024), q.push(90, 0, 2499), q.push(10, 0, 2048);
    const drained = q.lanes.map((lane) => {
      const got: number[] = [];
      for (let id = lane.popBefore(1440); id >= 0; id = lane.popBefore(1440)) got.push(lane.cust(id)), lane.release(id);
      return got;
    });
    expect(drained).toEqual([[5], [1024], [2048, 2499]]);
  });

  it("gives the same digest and files with one lane and lanes of 64 and 1,000 customers: targeted campaigns, RFM, reputation", () => {
    sameFiles(coupled, [64, 1000], { customers: 3000, days: 90 });
  }, 120_000);

  it("gives the same digest and files under pressure rules (deferrals, suppressions) and for the lifecycle plan", () => {
    sameFiles(loadPlan("scenarios/lifecycle-capped.yaml"), [64], { customers: 2500, days: 120 });
    sameFiles(loadPlan("scenarios/lifecycle.yaml"), [256], { customers: 2500, days: 120 });
  }, 120_000);

  it("runs a plan with a channel capacity in one lane: its daily slots go in event order across all customers", () => {
    // the cart reminders' SMS, sent through the day as carts are abandoned: which customers get the day's
    // 3 slots depends on the order of all customers' events (in lanes, the first lanes' customers would)
    const capped = parsePlan(COUPLED_PLAN.replace('sms: { cost: 0.05, window: "09:00-20:00" }', "sms: { cost: 0.05, capacity: 3 }"), "capped.yaml");
    const o = { customers: 2000, days: 40, seed: 2, baseline: false as const };
    const one = runPlan(capped, { ...o, laneWidth: ONE_LANE }).summary;
    expect(one.suppressedByRule["capacity:sms"]).toBeGreaterThan(0);
    expect(runPlan(capped, { ...o, laneWidth: 64 }).summary).toEqual(one);
  }, 60_000);
});

describe("queue lanes: edges", () => {
  it("holds every customer in one lane when the width is at least the population, and refuses a width below 1", () => {
    expect(new LaneQueue(0, 1440, 2500, 1 << 24, 2).lanes.length).toBe(1);
    expect(new LaneQueue(0, 1440, 0, 32_768, 2).lanes.length).toBe(1); // no customers: one empty lane
    expect(() => new LaneQueue(0, 1440, 100, 0, 2)).toThrow(/lane width/);
    expect(() => new LaneQueue(0, 1440, 100, Number.NaN, 2)).toThrow(/lane width/);
  });
});

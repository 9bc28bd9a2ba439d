/**
 * `discount.validDays` and `pullForwardDays` are windows, not event times: a fraction of a day is a
 * window to the minute (1.5 days = 36 hours, a flash sale), where `renewalNoticeDays`, which places an
 * event, takes whole days (docs/world-model.md, "Ranges"). Every entry point takes the fraction — a plan's
 * `world:` section, the code `world` option, `--world FILE` — and a run uses it as it is: neither
 * truncated nor rounded to whole days.
 */
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { loadPlan, parsePlan } from "../../engine/plan/load.ts";
import { planWorld } from "../../engine/plan/world-section.ts";
import { runPlan } from "../../engine/sim/run.ts";
import { DEFAULT_WORLD, type WorldModel } from "../../engine/sim/world-model.ts";
import { main } from "../../engine/cli/main.ts";
import { capture } from "../capture.ts";
import { tempDir } from "../datasets/temp-files.ts";

const lifecycle = loadPlan("scenarios/lifecycle.yaml");
const RUN = { customers: 10_000, days: 90, seed: 3, baseline: false as const };
const total = (world: Partial<WorldModel>, field: "redeemedAnyway" | "pulledForward") =>
  runPlan(lifecycle, { ...RUN, world }).summary.programs.reduce((s, p) => s + p[field], 0);

describe("day windows of the world model take fractions of a day", () => {
  it("an offer valid 1.5 days is redeemed between what 1 and 2 days give (lifecycle, 10,000 × 90)", () => {
    const redeemed = [1, 1.5, 2].map((validDays) => total({ discount: { ...DEFAULT_WORLD.discount, validDays } }, "redeemedAnyway"));
    expect(redeemed).toEqual([7, 10, 12]);
  });

  it("a purchase due within 0.5, 1 or 1.5 days is pulled forward accordingly", () => {
    expect([0.5, 1, 1.5].map((pullForwardDays) => total({ pullForwardDays }, "pulledForward"))).toEqual([7, 9, 11]);
  });

  it("a plan's world: section, the code world option and --world FILE all take them", async () => {
    const l = parsePlan(`name: w
channels: { email: {} }
programs:
  - { id: news, type: campaign, schedule: { every: 1w }, send: { channel: email, message: news } }
world:
  pullForwardDays: 0.5
  discount: { validDays: 1.5 }
`, "w.yaml");
    expect(planWorld(l)).toMatchObject({ pullForwardDays: 0.5, discount: { validDays: 1.5 } });
    expect(runPlan(l, { customers: 100, days: 7, baseline: false, world: { pullForwardDays: 2.5 } }).summary.customers).toBe(100);
    const t = tempDir();
    const file = t.write("world.json", JSON.stringify({ ...DEFAULT_WORLD, pullForwardDays: 0.5, discount: { ...DEFAULT_WORLD.discount, validDays: 2.5 } }));
    const r = await capture(() => main(["simulate", "scenarios/lifecycle.yaml", "--customers", "100", "--days", "7", "--world", file, "--out", join(t.dir, "out")]));
    expect([r.code, r.err]).toEqual([0, ""]);
  });
});

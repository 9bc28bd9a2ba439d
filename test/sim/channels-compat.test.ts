/**
 * Custom channels (issue 11 #11) must leave plans without them untouched: these digests and table hashes
 * were recorded on the commit before custom channels existed (cb60ba1), then re-recorded on the sharding
 * branch before the two were merged (its day-lagged reputation, money units and row order change results
 * on purpose; the merged tree gave the same figures as that branch without custom channels). The
 * reputation's lag became a world parameter (`reputation.lagDays`, default 2 instead of 1): the table
 * hashes below are still those recorded then, with a lag of 1 day; the digests were re-recorded (the
 * world, lag included, is part of a digest). If one changes, a plan without custom channels no longer
 * gives the results it gave: find out why before updating a figure.
 */
import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { loadPlan } from "../../engine/plan/load.ts";
import { runPlan } from "../../engine/sim/run.ts";
import { customersTable, eventsTable, messagesTable } from "../../engine/sim/tables.ts";
import { DEFAULT_WORLD } from "../../engine/sim/world-model.ts";

const short = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 16);

describe("plans without custom channels", () => {
  it("keep the digests recorded before custom channels", () => {
    const expected: Record<string, string> = {
      "scenarios/lifecycle.yaml": "924994ca10044ab362f887b71d34ab8b8ae8a4fc236ee22573dafb6bfbc0402e",
      "scenarios/batch-and-blast.yaml": "b1b188a3d408213e6925630492d46cc624337c229e3a72e5b58362662c4ea5f4",
      "scenarios/lifecycle-capped.yaml": "9ce111c2d6a19e3addb0e7d340b4f379a552a89c5d95f61407ed7afb32cd9057",
    };
    for (const [file, digest] of Object.entries(expected)) {
      expect(runPlan(loadPlan(file), { customers: 2000, days: 90, seed: 5 }).summary.digest, file).toBe(digest);
    }
  });

  it("keep byte-identical message, event and customer tables (with the reputation lagging 1 day, as then)", () => {
    const world = { reputation: { ...DEFAULT_WORLD.reputation, lagDays: 1 } };
    const r = runPlan(loadPlan("scenarios/lifecycle.yaml"), { customers: 1500, days: 60, seed: 5, record: true, world });
    expect(r.summary.digest).toBe("3a698fed5b7648144a03bd95aa109e95ffb37c6d1cfbcc0166f72e10f39f0709");
    expect(short(messagesTable(r.run, r.recorder!).toCSV())).toBe("e33c7a79d2212dd3");
    expect(short(eventsTable(r.run, r.recorder!).toCSV())).toBe("967be07d800a41d2");
    expect(short(customersTable(r.run).toCSV())).toBe("6b15860f615bf896");
  });
});

/**
 * Custom channels (issue 11 #11) must leave plans without them untouched: these digests and table hashes
 * were recorded on the commit before custom channels existed (cb60ba1), then re-recorded on the sharding
 * branch before the two were merged (its day-lagged reputation, money units and row order change results
 * on purpose; the merged tree gave the same figures as that branch without custom channels). If one
 * changes, a plan without custom channels no longer gives the results it gave: find out why before
 * updating a figure.
 */
import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { loadPlan } from "../../engine/plan/load.ts";
import { runPlan } from "../../engine/sim/run.ts";
import { customersTable, eventsTable, messagesTable } from "../../engine/sim/tables.ts";

const short = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 16);

describe("plans without custom channels", () => {
  it("keep the digests recorded before custom channels", () => {
    const expected: Record<string, string> = {
      "scenarios/lifecycle.yaml": "3199556d0ab94edb89e160c7c85c4594a1d361597ce56085ff6fc0311893f9ef",
      "scenarios/batch-and-blast.yaml": "6c53f710902774a36fa17de3fb6fa5765e45bd2cc3ec695997c60a9bc226111e",
      "scenarios/lifecycle-capped.yaml": "7101107c80387796da7e53b1d0510beb51542529224f88b159409f403b2cc175",
    };
    for (const [file, digest] of Object.entries(expected)) {
      expect(runPlan(loadPlan(file), { customers: 2000, days: 90, seed: 5 }).summary.digest, file).toBe(digest);
    }
  });

  it("keep byte-identical message, event and customer tables", () => {
    const r = runPlan(loadPlan("scenarios/lifecycle.yaml"), { customers: 1500, days: 60, seed: 5, record: true });
    expect(r.summary.digest).toBe("c5fe53ac70ddb37f5f5818a7ba903d274b88d38bcee169868bcce5284bb17db8");
    expect(short(messagesTable(r.run, r.recorder!).toCSV())).toBe("e33c7a79d2212dd3");
    expect(short(eventsTable(r.run, r.recorder!).toCSV())).toBe("967be07d800a41d2");
    expect(short(customersTable(r.run).toCSV())).toBe("6b15860f615bf896");
  });
});

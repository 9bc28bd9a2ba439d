/**
 * Custom channels (issue 11 #11) must leave plans without them untouched: these digests and table hashes
 * were recorded on the commit before custom channels existed (cb60ba1). If one changes, a plan without
 * custom channels no longer gives the results it gave: find out why before updating a figure.
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
      "scenarios/lifecycle.yaml": "357fdeb0108f61843b54d4de9a84550e557802203a2be9238166ebefe8371f96",
      "scenarios/batch-and-blast.yaml": "6c53f710902774a36fa17de3fb6fa5765e45bd2cc3ec695997c60a9bc226111e",
      "scenarios/lifecycle-capped.yaml": "6f9fb9b99cb160967dab5ff2c941e67526733de9c3689d361867851d590db592",
    };
    for (const [file, digest] of Object.entries(expected)) {
      expect(runPlan(loadPlan(file), { customers: 2000, days: 90, seed: 5 }).summary.digest, file).toBe(digest);
    }
  });

  it("keep byte-identical message, event and customer tables", () => {
    const r = runPlan(loadPlan("scenarios/lifecycle.yaml"), { customers: 1500, days: 60, seed: 5, record: true });
    expect(r.summary.digest).toBe("24412e7a9ff5b0ff7132eb70ac9535c3ed4448b35df28e6e9f2665a5c584fcf0");
    expect(short(messagesTable(r.run, r.recorder!).toCSV())).toBe("f5e81d2bfedd6471");
    expect(short(eventsTable(r.run, r.recorder!).toCSV())).toBe("717b9a01a6c465ea");
    expect(short(customersTable(r.run).toCSV())).toBe("740a08cce8d80437");
  });
});

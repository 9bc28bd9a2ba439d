/**
 * Test helper: where the real datasets are, and whether this machine has them (CI does).
 *
 * vitest runs a `describe` body while collecting even when the suite is skipped, so a suite that reads
 * a dataset at collection time (`describe.skipIf(!haveData(f))(…, () => { const h = importHistory(…) })`)
 * fails instead of skipping when the data is absent. `describeWithData` only runs the body when the file
 * exists; otherwise it registers one skipped test whose name says what was looked for.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "vitest";
import { dataDir } from "../../datasets/history-config.ts";

export const DATA = dataDir();

/** True when `relative` exists under the data folder; otherwise prints why the real-file tests skip. */
export function haveData(relative: string): boolean {
  const ok = existsSync(join(DATA, relative));
  if (!ok) console.warn(`skipping tests on ${relative}: ${join(DATA, relative)} not found (set CADENCE_DATA or provide ../shared/data)`);
  return ok;
}

/** A suite on a real dataset: runs when `relative` exists under the data folder, else skips with a printed reason. */
export function describeWithData(relative: string, name: string, body: () => void): void {
  if (haveData(relative)) {
    describe(name, body);
    return;
  }
  describe.skip(name, () => {
    it(`needs ${join(DATA, relative)} (set CADENCE_DATA or provide ../shared/data)`, () => {});
  });
}

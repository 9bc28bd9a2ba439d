/** Test helper: where the real datasets are, and whether this machine has them (CI does). */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { dataDir } from "../../datasets/history-config.ts";

export const DATA = dataDir();

/** True when `relative` exists under the data folder; otherwise prints why the real-file tests skip. */
export function haveData(relative: string): boolean {
  const ok = existsSync(join(DATA, relative));
  if (!ok) console.warn(`skipping tests on ${relative}: ${join(DATA, relative)} not found (set CADENCE_DATA or provide ../shared/data)`);
  return ok;
}

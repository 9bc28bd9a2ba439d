import { describe, expect, it } from "vitest";
import { importHistory } from "../../datasets/import.ts";
import { parseDate } from "../../engine/core/time.ts";
import { historyPopulation } from "../../engine/sim/history-population.ts";
import { DEFAULT_WORLD } from "../../engine/sim/world-model.ts";
import { tempDir } from "./temp-files.ts";
import { PER4 } from "../../engine/core/record.ts";

// A: bought 5 January, signed up 1 February (a CRM export whose signup is the account's creation, after a
// guest checkout); B: bought at 09:00 the day it signed up at 15:00 (a signup at checkout); C: no signup.
const { dir, write } = tempDir();
write("tx.csv", "id,day,usd\nA,2024-01-05,20\nA,2024-03-01,30\nB,2024-02-10T09:00:00Z,50\nC,2024-01-20,5\n");
write("cust.csv", "id,joined\nA,2024-02-01\nB,2024-02-10T15:00:00Z\nC,\n");
const config = write("h.yaml", `calibrationEnd: 2024-06-30
transactions: {file: tx.csv, columns: {customer: id, date: day, amount: usd}}
customers: {file: cust.csv, columns: {id: id, signup: joined}}
`);

describe("purchases before the signup the customers file gives", () => {
  const h = importHistory(config);

  it("are counted in the import's warnings, a purchase earlier the same day not", () => {
    expect(h.warnings).toEqual([
      `${dir}/cust.csv: 1 customer has a purchase before the signup date; their tenure and simulated signup run from the first purchase (docs/history.md)`,
    ]);
  });

  it("move the customer's simulated signup to the first purchase, as the warning says", () => {
    const pop = historyPopulation(config, { seed: 1, start: parseDate("2024-07-01")!, journeys: 0, world: DEFAULT_WORLD });
    const at = (id: string) => pop.table.signup[(pop.table.ids.indexOf(id)) * PER4];
    expect(at("A")).toBe(parseDate("2024-01-05"));
    expect(at("C")).toBe(parseDate("2024-01-20"));
  });
});

/**
 * Counts printed for people carry thousands separators (17,678), as simulate's and compare's do;
 * --json keeps plain numbers. contributions printed "9423" contacts, live-demo "5000 customers, 17678 events".
 */
import { describe, expect, it } from "vitest";
import { main } from "../../engine/cli/main.ts";
import { capture } from "../capture.ts";

const run = (...args: string[]) => capture(() => main(args));

describe("counts printed for people", () => {
  it("contributions prints each program's contacts with separators, --json plain numbers", async () => {
    const args = ["contributions", "scenarios/batch-and-blast.yaml", "--customers", "1000", "--days", "30", "--replications", "1"];
    const text = await run(...args);
    expect(text.code).toBe(0);
    expect(text.out).toContain("contributions: batch-and-blast · 1,000 customers · 30 days · 1 replication(s) from seed 1");
    const json = JSON.parse((await run(...args, "--json")).out);
    const big = json.programs.find((p: { contacts: number }) => p.contacts >= 1000);
    expect(big).toBeDefined();
    expect(text.out).toMatch(new RegExp(`\\n${big.id} +${Math.round(big.contacts).toLocaleString("en")}  `));
    expect(text.out).not.toMatch(/ \d{4,} /);
  }, 20_000);

  it("live-demo prints its customers and events with separators", async () => {
    const r = await run("live-demo", "--customers", "1000", "--days", "14", "--replications", "2");
    expect(r.code).toBe(0);
    expect(r.out).toContain("· forecast: 2 replications of 1,000 customers × 14 days");
    expect(r.out).toMatch(/· reality \(seed 2\): 1,000 customers, \d{1,3}(,\d{3})+ events replayed/);
    expect(r.out).toMatch(/, \d{3} treated \+ \d{3} control customers/); // 1,000 split 80 / 20
    expect(r.out).not.toMatch(/\d{4,} (customers|events)/);
  }, 20_000);
});

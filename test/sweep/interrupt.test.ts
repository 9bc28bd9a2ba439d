/**
 * A long sweep stopped by Ctrl-C (SIGINT) or SIGTERM while its runs go on in workers, as a user meets it:
 * the real CLI in a child process (the pattern of test/cli/interrupt.test.ts). It stops at once, writes
 * nothing, and says how far it got and whether the files in --out are an earlier run's.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, stopWhen } from "../cli/child-cli.ts";


describe("a sweep stopped during its runs", () => {
  const dir = mkdtempSync(join(tmpdir(), "cadence-sweep-stop-"));
  // 2 seeds × (a baseline and 4 variants) = 10 runs of 20,000 customers × 365 days: many seconds on 2 workers
  const long = (out: string, csv: string) => ["sweep", "scenarios/lifecycle-capped.yaml", "--set", "pressure.rules.two-a-week.cap=1..4", "--customers", "20000", "--days", "365", "--replications", "2", "--workers", "2", "--no-cache", "--out", out, "--csv", csv];

  it("by Ctrl-C: says how many runs were done and that nothing was written, exit 130 (it ended silently)", async () => {
    const out = join(dir, "fresh"), csv = join(dir, "fresh-csv");
    const r = await stopWhen(cli(long(out, csv)), () => existsSync(csv), "SIGINT", 300);
    expect(r.code).toBe(130);
    expect(r.seconds).toBeLessThan(3);
    expect(r.out).toBe("");
    expect(r.err).toMatch(new RegExp(`^sweep stopped \\(SIGINT\\) after [0-9] of its 10 runs: nothing written to ${out.replace(/[.\\/]/g, "\\$&")}\\n$`));
    expect([readdirSync(out), readdirSync(csv)]).toEqual([[], []]);
  }, 60_000);

  it("by SIGTERM: says the files in --out are an earlier run's, and leaves them as they were, exit 143", async () => {
    const out = join(dir, "again"), csv = join(dir, "again-csv");
    const first = await cli(["sweep", "scenarios/lifecycle-capped.yaml", "--set", "pressure.rules.two-a-week.cap=1,2", "--customers", "300", "--days", "14", "--workers", "1", "--out", out]).output();
    expect(first.code).toBe(0);
    const before = Object.fromEntries(readdirSync(out).map((f) => [f, readFileSync(join(out, f))]));
    const r = await stopWhen(cli(long(out, csv)), () => existsSync(csv), "SIGTERM", 300);
    expect(r.code).toBe(143);
    expect(r.err).toMatch(new RegExp(`^sweep stopped \\(SIGTERM\\) after [0-9] of its 10 runs: nothing written; the files in ${out.replace(/[.\\/]/g, "\\$&")} are an earlier run's\\n$`));
    expect(readdirSync(out).sort()).toEqual(["frontier.html", "frontier.svg", "sweep.csv"]);
    for (const [f, bytes] of Object.entries(before)) expect({ f, same: readFileSync(join(out, f)).equals(bytes) }).toEqual({ f, same: true });
  }, 60_000);
});

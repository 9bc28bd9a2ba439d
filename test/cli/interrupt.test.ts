/**
 * Long commands stopped by Ctrl-C (SIGINT) or SIGTERM, and output folders that go away during a run, as a
 * user meets them: the real CLI in a child process. A stopped run leaves only complete files (and at most
 * one NAME.partial), never a CSV cut in the middle under its own name; running it again works; a folder
 * that cannot be written any more is one line naming the file and why (exit 2), not a stack trace.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, sleep, stopWhen, text } from "./child-cli.ts";


describe("interrupted and failing long runs", () => {
  const dir = mkdtempSync(join(tmpdir(), "cadence-interrupt-"));
  const simulate = (out: string) => ["simulate", "scenarios/lifecycle.yaml", "--customers", "15000", "--days", "60", "--workers", "1", "--no-cache", "--out", out];

  it("simulate --out stopped while writing leaves no file cut in the middle; the run again writes every file (regression)", async () => {
    const out = join(dir, "sim");
    // stopped while messages.csv is being written: it was left cut short under its own name
    const stopped = await stopWhen(cli(simulate(out)), () => existsSync(out) && readdirSync(out).some((f) => f.startsWith("messages.csv")), "SIGTERM");
    expect(stopped.success).toBe(false);
    expect(stopped.seconds).toBeLessThan(3);
    const left = Object.fromEntries(readdirSync(out).filter((f) => !f.endsWith(".partial")).map((f) => [f, readFileSync(join(out, f))]));
    expect(readdirSync(out).filter((f) => f.endsWith(".partial")).length).toBeLessThanOrEqual(1);
    const again = await cli(simulate(out)).output();
    expect(again.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["customers.arrow", "customers.csv", "daily.arrow", "daily.csv", "events.arrow", "events.csv", "messages.arrow", "messages.csv", "summary.json"]);
    // every file the stopped run left is the complete file, byte for byte
    for (const [f, bytes] of Object.entries(left)) expect({ f, same: readFileSync(join(out, f)).equals(bytes) }).toEqual({ f, same: true });
    expect(Object.keys(left)).not.toContain("summary.json"); // written last: its presence says the run's files are all there
  }, 30_000);

  it("simulate --out whose folder is replaced by a file during the run: one line naming it, exit 2 (it was a stack trace, exit 1)", async () => {
    const out = join(dir, "gone");
    const child = cli(simulate(out));
    while (!existsSync(out)) await sleep(2); // made before the run, once the inputs are checked
    rmSync(out, { recursive: true });
    writeFileSync(out, "a file now\n");
    const r = await child.output();
    expect(r.code).toBe(2);
    expect(text(r.stderr)).toBe(`cannot write into ${out} (a file is in the way)\n`);
    rmSync(out);
  }, 30_000);

  it("compare --report --csv and sweep --out stopped by Ctrl-C during the runs stop at once and write nothing; calibration --out likewise", async () => {
    const report = join(dir, "cmp", "report.html"), csv = join(dir, "cmp-csv");
    const cmp = cli(["compare", "scenarios/lifecycle.yaml", "--customers", "200000", "--days", "365", "--replications", "3", "--workers", "1", "--no-cache", "--report", report, "--csv", csv]);
    // stopped once its outputs are checked (the CSV folder is made then) and its runs have started: on a
    // loaded machine the start alone can take longer than a fixed delay. 200,000 customers each: at 20,000
    // the whole compare took 1.4 s on a quiet 2-core host, and ended before the stop (kill: "Child process
    // has already terminated"); the sweep took 2.4 s and the calibration 1.6 s
    let t = Date.now() + 1500;
    const a = await stopWhen(cmp, () => existsSync(csv) && Date.now() > t, "SIGINT");
    expect([a.success, a.seconds < 3, existsSync(report), existsSync(csv) && readdirSync(csv).length]).toEqual([false, true, false, 0]);
    const sw = join(dir, "sweep");
    t = Date.now() + 1500;
    const b = await stopWhen(cli(["sweep", "scenarios/lifecycle-capped.yaml", "--set", "pressure.rules.two-a-week.cap=1..4", "--customers", "200000", "--workers", "1", "--no-cache", "--out", sw]), () => existsSync(sw) && Date.now() > t, "SIGINT");
    expect([b.success, b.seconds < 3, readdirSync(sw)]).toEqual([false, true, []]);
    const md = join(dir, "calibration.md");
    t = Date.now() + 1500;
    const c = await stopWhen(cli(["calibration", "--customers", "200000", "--out", md]), () => Date.now() > t, "SIGTERM");
    expect([c.success, c.seconds < 3, existsSync(md)]).toEqual([false, true, false]);
  }, 30_000);
});

describe("progress on a terminal", () => {
  /** The command run on a pseudo-terminal (util-linux script), as a user's shell runs it: what the terminal shows. */
  const onTerminal = async (args: string[]) => {
    const line = [Deno.execPath(), "run", "-A", "engine/cli/main.ts", ...args].join(" ");
    const r = await new Deno.Command("script", { args: ["-qc", line, "/dev/null"], stdout: "piped", stderr: "piped" }).output();
    return text(r.stdout).split(/[\r\n]+/);
  };
  const dir = mkdtempSync(join(tmpdir(), "cadence-progress-"));

  it("simulate --out shows the files being written after the days (nothing moved during a minute of writing at a million customers)", async () => {
    const lines = await onTerminal(["simulate", "scenarios/lifecycle.yaml", "--customers", "2000", "--days", "30", "--workers", "1", "--out", join(dir, "sim")]);
    expect(lines).toContain("lifecycle plan     [##############################] 30/30 days");
    expect(lines).toContain("lifecycle writing  [#######.......................] 2/9 files");
    expect(lines).toContain("lifecycle writing  [##############################] 9/9 files");
  }, 20_000);

  it("compare shows the days of its runs as they pass, not only the runs finished (200,000 customers × 365 days showed nothing for tens of seconds); nothing on a pipe", async () => {
    const args = ["compare", "scenarios/lifecycle.yaml", "--customers", "2000", "--days", "30", "--replications", "2", "--no-cache"];
    // one worker: the runs one after another, the baselines first, 30 days each, 4 runs = 120 days
    const lines = await onTerminal([...args, "--workers", "1"]);
    expect(lines).toContain("compare runs     [#####.........................] 20/120 days · 0/4 runs"); // inside the first run
    expect(lines).toContain("compare runs     [##############################] 120/120 days · 4/4 runs");
    expect(lines.filter((l) => l.startsWith("compare runs")).length).toBeGreaterThanOrEqual(100); // a line a day, not one a run
    // two workers, runs side by side: their days add up before any has finished
    const two = await onTerminal([...args, "--workers", "2"]);
    expect(two.some((l) => /^compare runs {5}\[#+\.+\] \d+\/120 days · 0\/4 runs$/.test(l))).toBe(true);
    expect(two).toContain("compare runs     [##############################] 120/120 days · 4/4 runs");
    // --days given twice is refused now (flag-values.test.ts): the pipe's shorter run is written with 7 in place of 30
    const piped = await new Deno.Command(Deno.execPath(), { args: ["run", "-A", "engine/cli/main.ts", ...args.map((a) => a === "30" ? "7" : a), "--workers", "1"], stdout: "piped", stderr: "piped" }).output();
    expect([piped.code, text(piped.stderr)]).toEqual([0, ""]);
  }, 30_000);

  it("sweep shows the days of its runs and baselines as they pass, as compare does, not only the runs finished ('run 1/3: 1/3 runs' said the count twice); nothing on a pipe", async () => {
    const args = ["sweep", "scenarios/lifecycle-capped.yaml", "--set", "pressure.rules.two-a-week.cap=1..3", "--customers", "2000", "--days", "30", "--no-cache", "--out", join(dir, "sweep")];
    // one worker: the no-plan baseline first, then the 3 variants, 30 days each: 4 runs = 120 days
    const lines = await onTerminal([...args, "--workers", "1"]);
    expect(lines).toContain("sweep runs     [#####.........................] 20/120 days · 0/4 runs"); // inside the baseline
    expect(lines).toContain("sweep runs     [##########....................] 40/120 days · 1/4 runs"); // inside the first variant
    expect(lines).toContain("sweep runs     [##############################] 120/120 days · 4/4 runs");
    expect(lines.filter((l) => l.startsWith("sweep runs")).length).toBeGreaterThanOrEqual(100); // a line a day, not one a run
    expect(lines.filter((l) => l.startsWith("run "))).toEqual([]);
    // two workers: the days come from the workers as the variants run (how runs side by side add up: test/sweep/sweep.test.ts)
    const two = await onTerminal([...args, "--workers", "2"]);
    expect(two.some((l) => /^sweep runs {5}\[#+\.+\] ([3-8]\d)\/120 days · 1\/4 runs$/.test(l) && l !== "sweep runs     [########......................] 30/120 days · 1/4 runs")).toBe(true);
    expect(two).toContain("sweep runs     [##############################] 120/120 days · 4/4 runs");
    // --days given twice is refused now (flag-values.test.ts): the pipe's shorter run is written with 7 in place of 30
    const piped = await new Deno.Command(Deno.execPath(), { args: ["run", "-A", "engine/cli/main.ts", ...args.map((a) => a === "30" ? "7" : a), "--workers", "1"], stdout: "piped", stderr: "piped" }).output();
    expect([piped.code, text(piped.stderr)]).toEqual([0, ""]);
  }, 40_000);
});

/**
 * Where a command writes, and the live database it reads, are checked before any work: a path that
 * cannot be used answers in one line naming the option (exit 2), instead of a stack trace after the run.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../engine/cli/main.ts";
import { capture } from "../capture.ts";

describe("output paths and live databases", () => {
  const dir = mkdtempSync(join(tmpdir(), "cadence-paths-"));
  const file = join(dir, "a-file");
  writeFileSync(file, "not a folder\n");
  const run = (...args: string[]) => capture(() => main(args));

  it("refuses a folder it cannot make before simulating", async () => {
    // a valid plan: the path is checked before the run, which would otherwise have started
    expect(await run("simulate", "scenarios/lifecycle.yaml", "--out", file)).toMatchObject({ code: 2, err: `--out ${file}: cannot make a folder there (a file is in the way)` });
    expect(await run("simulate", "scenarios/lifecycle.yaml", "--out", join(file, "sub"))).toMatchObject({ code: 2, err: `--out ${join(file, "sub")}: cannot make a folder there (a file is in the way)` });
    expect(await run("sweep", "scenarios/lifecycle-capped.yaml", "--set", "pressure.rules.two-a-week.cap=1..2", "--csv", file)).toMatchObject({ code: 2, err: `--csv ${file}: cannot make a folder there (a file is in the way)` });
    expect(await run("contributions", "scenarios/lifecycle.yaml", "--csv", file)).toMatchObject({ code: 2, err: `--csv ${file}: cannot make a folder there (a file is in the way)` });
    expect(await run("compare", "scenarios/lifecycle.yaml", "--report", dir)).toMatchObject({ code: 2, err: `--report ${dir}: a folder is there, not a file` });
    expect(readdirSync(dir)).toEqual(["a-file"]); // nothing written
  });

  it("refuses an empty path for every option that writes, before any work (it wrote into the current folder, or nothing, exit 0)", async () => {
    const folder = (opt: string) => `${opt}: empty path; give a folder, e.g. ${opt} out/run`;
    const file = (opt: string) => `${opt}: empty path; give a file, e.g. ${opt} out/report.html`;
    // a tiny history: backtest checks its path once the plan and the history are read (a bad one leaves nothing)
    writeFileSync(join(dir, "h.csv"), "id,day,usd\n1,2020-01-05,10\n1,2020-02-05,12\n2,2020-01-07,5\n");
    writeFileSync(join(dir, "h.yaml"), "transactions: { file: h.csv, columns: { customer: id, date: day, amount: usd } }\ncalibrationEnd: 2020-01-31\n");
    const history = ["--history", join(dir, "h.yaml")];
    expect(await run("simulate", "scenarios/lifecycle.yaml", "--out", "")).toMatchObject({ code: 2, err: folder("--out") });
    expect(await run("sweep", "scenarios/lifecycle-capped.yaml", "--set", "pressure.rules.two-a-week.cap=1..2", "--out", "")).toMatchObject({ code: 2, err: folder("--out") });
    expect(await run("sweep", "scenarios/lifecycle-capped.yaml", "--set", "pressure.rules.two-a-week.cap=1..2", "--csv", "")).toMatchObject({ code: 2, err: folder("--csv") });
    expect(await run("extract", "--history", "test/no-such-history.yaml", "--plan", "scenarios/lifecycle.yaml", "--date", "1997-10-01", "--out", "")).toMatchObject({ code: 2, err: folder("--out") });
    expect(await run("compare", "scenarios/lifecycle.yaml", "--report", "")).toMatchObject({ code: 2, err: file("--report") });
    expect(await run("compare", "scenarios/lifecycle.yaml", "--csv", "")).toMatchObject({ code: 2, err: folder("--csv") });
    expect(await run("backtest", "scenarios/lifecycle.yaml", ...history, "--out", "")).toMatchObject({ code: 2, err: folder("--out") });
    expect(await run("contributions", "scenarios/lifecycle.yaml", "--csv", "")).toMatchObject({ code: 2, err: folder("--csv") });
    expect(await run("calibration", "--out", "", "--customers", "100")).toMatchObject({ code: 2, err: file("--out") });
    expect(await run("fit", "--history", "test/no-such-history.yaml", "--world-out", "")).toMatchObject({ code: 2, err: file("--world-out") });
    expect(readdirSync(dir).sort()).toEqual(["a-file", "h.csv", "h.yaml"]);
    for (const f of ["h.csv", "h.yaml"]) rmSync(join(dir, f));
  });

  it("leaves nothing behind when an input is wrong: the plan, a flag or a sweep's variant is checked before any folder is made (regression)", async () => {
    // they made their --out, --csv and --report folders first: a typo in the plan left empty folders
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "name: bad\nchannels: { email: {} }\nprograms:\n  - { id: n, type: campaign, schedule: { weekly: [tue], at: \"10:00\" }, send: { channel: emial, message: m } }\n");
    const at = (name: string) => join(dir, "new", name);
    expect(await run("simulate", bad, "--out", at("sim"))).toMatchObject({ code: 2, err: expect.stringMatching(/bad\.yaml:4: programs\[0\]\.send\.channel: .*did you mean 'email'/) });
    expect((await run("simulate", "scenarios/lifecycle.yaml", "--days", "0", "--out", at("sim"))).code).toBe(2);
    expect((await run("compare", "scenarios/lifecycle.yaml", bad, "--report", at("cmp/r.html"), "--csv", at("csv"))).code).toBe(2);
    expect((await run("compare", "scenarios/lifecycle.yaml", "--replications", "x", "--report", at("cmp/r.html"))).code).toBe(2);
    expect((await run("sweep", bad, "--set", "programs.n.holdout=0,0.1", "--out", at("sw"))).code).toBe(2);
    expect(await run("sweep", "scenarios/lifecycle-capped.yaml", "--set", "pressure.rules.two-a-week.cap=1,1.5", "--out", at("sw"), "--csv", at("swcsv"))).toMatchObject({ code: 2, err: expect.stringMatching(/^--set pressure\.rules\.two-a-week\.cap=1\.5: the variant is not a valid plan:/) });
    expect((await run("contributions", bad, "--csv", at("contrib"))).code).toBe(2);
    expect((await run("demo", "--days", "0", "--report", at("demo/r.html"))).code).toBe(2);
    expect(readdirSync(dir).sort()).toEqual(["a-file", "bad.yaml"]);
    rmSync(bad);
  });

  it("refuses a file it cannot write before the runs, in one line (compare --report crashed with EACCES after them)", async () => {
    // /sys is read-only, for root too; the plan is valid, so the check came before the runs
    expect(await run("compare", "scenarios/lifecycle.yaml", "--report", "/sys/report.html")).toMatchObject({ code: 2, err: "--report /sys/report.html: cannot write the file (not allowed to write there)" });
    expect(await run("fit", "--history", "test/no-such-history.yaml", "--world-out", "/sys/world.json")).toMatchObject({ code: 2, err: "--world-out /sys/world.json: cannot write the file (not allowed to write there)" });
    // the check leaves an existing file as it was, and no file where there was none
    const kept = join(dir, "kept.html");
    writeFileSync(kept, "previous report\n");
    expect(await run("compare", "scenarios/no-such-plan.yaml", "--report", kept)).toMatchObject({ code: 2, err: expect.stringMatching(/no-such-plan\.yaml/) });
    expect(readFileSync(kept, "utf8")).toBe("previous report\n");
    expect(await run("compare", "scenarios/no-such-plan.yaml", "--report", join(dir, "new.html"))).toMatchObject({ code: 2 });
    expect(readdirSync(dir).sort()).toEqual(["a-file", "kept.html"]);
    rmSync(kept);
  });

  it("reads only an existing live database, and says what is wrong with the path", async () => {
    const missing = join(dir, "none.sqlite");
    expect(await run("extract", "--db", missing, "--date", "2026-03-02", "--out", join(dir, "lists"))).toMatchObject({ code: 2, err: `--db ${missing}: no such file; give the database a live server writes (cadence serve --db FILE)` });
    expect(readdirSync(dir)).toEqual(["a-file"]); // it used to create an empty database there, and report 0 messages
    expect(await run("live-report", "--db", file)).toMatchObject({ code: 2, err: `--db ${file}: not a SQLite database (file is not a database); give the database a live server writes` });
    expect(await run("live-report", "--db", dir)).toMatchObject({ code: 2, err: `--db ${dir}: a folder is there; give the database a live server writes` });
  });
});

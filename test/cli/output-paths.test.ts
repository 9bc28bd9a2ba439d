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

  it("refuses a folder it cannot make before loading the plan or simulating", async () => {
    // the plan does not exist either: the path is checked first, so the run would not have started
    expect(await run("simulate", "scenarios/no-such-plan.yaml", "--out", file)).toMatchObject({ code: 2, err: `--out ${file}: cannot make a folder there (a file is in the way)` });
    expect(await run("simulate", "scenarios/lifecycle.yaml", "--out", join(file, "sub"))).toMatchObject({ code: 2, err: `--out ${join(file, "sub")}: cannot make a folder there (a file is in the way)` });
    expect(await run("sweep", "scenarios/lifecycle-capped.yaml", "--set", "pressure.rules.two-a-week.cap=1..2", "--csv", file)).toMatchObject({ code: 2, err: `--csv ${file}: cannot make a folder there (a file is in the way)` });
    expect(await run("contributions", "scenarios/lifecycle.yaml", "--csv", file)).toMatchObject({ code: 2, err: `--csv ${file}: cannot make a folder there (a file is in the way)` });
    expect(await run("compare", "scenarios/lifecycle.yaml", "--report", dir)).toMatchObject({ code: 2, err: `--report ${dir}: a folder is there, not a file` });
    expect(readdirSync(dir)).toEqual(["a-file"]); // nothing written
  });

  it("refuses an empty path for every option that writes, before any work (it wrote into the current folder, or nothing, exit 0)", async () => {
    const folder = (opt: string) => `${opt}: empty path; give a folder, e.g. ${opt} out/run`;
    const file = (opt: string) => `${opt}: empty path; give a file, e.g. ${opt} out/report.html`;
    const history = ["--history", "test/no-such-history.yaml"]; // the path is checked before the history is read
    expect(await run("simulate", "scenarios/no-such-plan.yaml", "--out", "")).toMatchObject({ code: 2, err: folder("--out") });
    expect(await run("sweep", "scenarios/lifecycle-capped.yaml", "--set", "pressure.rules.two-a-week.cap=1..2", "--out", "")).toMatchObject({ code: 2, err: folder("--out") });
    expect(await run("sweep", "scenarios/lifecycle-capped.yaml", "--set", "pressure.rules.two-a-week.cap=1..2", "--csv", "")).toMatchObject({ code: 2, err: folder("--csv") });
    expect(await run("extract", ...history, "--plan", "scenarios/lifecycle.yaml", "--date", "1997-10-01", "--out", "")).toMatchObject({ code: 2, err: folder("--out") });
    expect(await run("compare", "scenarios/no-such-plan.yaml", "--report", "")).toMatchObject({ code: 2, err: file("--report") });
    expect(await run("compare", "scenarios/no-such-plan.yaml", "--csv", "")).toMatchObject({ code: 2, err: folder("--csv") });
    expect(await run("backtest", "scenarios/no-such-plan.yaml", ...history, "--out", "")).toMatchObject({ code: 2, err: folder("--out") });
    expect(await run("contributions", "scenarios/no-such-plan.yaml", "--csv", "")).toMatchObject({ code: 2, err: folder("--csv") });
    expect(await run("calibration", "--out", "", "--customers", "100")).toMatchObject({ code: 2, err: file("--out") });
    expect(await run("fit", ...history, "--world-out", "")).toMatchObject({ code: 2, err: file("--world-out") });
    expect(readdirSync(dir)).toEqual(["a-file"]);
  });

  it("refuses a file it cannot write before the runs, in one line (compare --report crashed with EACCES after them)", async () => {
    // /sys is read-only, for root too; the plan does not exist, so the check came first
    expect(await run("compare", "scenarios/no-such-plan.yaml", "--report", "/sys/report.html")).toMatchObject({ code: 2, err: "--report /sys/report.html: cannot write the file (not allowed to write there)" });
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

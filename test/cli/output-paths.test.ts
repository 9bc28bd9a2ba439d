/**
 * Where a command writes, and the live database it reads, are checked before any work: a path that
 * cannot be used answers in one line naming the option (exit 2), instead of a stack trace after the run.
 */
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
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

  it("reads only an existing live database, and says what is wrong with the path", async () => {
    const missing = join(dir, "none.sqlite");
    expect(await run("extract", "--db", missing, "--date", "2026-03-02", "--out", join(dir, "lists"))).toMatchObject({ code: 2, err: `--db ${missing}: no such file; give the database a live server writes (cadence serve --db FILE)` });
    expect(readdirSync(dir)).toEqual(["a-file"]); // it used to create an empty database there, and report 0 messages
    expect(await run("live-report", "--db", file)).toMatchObject({ code: 2, err: `--db ${file}: not a SQLite database (file is not a database); give the database a live server writes` });
    expect(await run("live-report", "--db", dir)).toMatchObject({ code: 2, err: `--db ${dir}: a folder is there; give the database a live server writes` });
  });
});

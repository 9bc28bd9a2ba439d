/**
 * A notebook's cells as an analyst edits them, wrongly, then fixes them: the wrong cell fails with the
 * engine's one message, and what the cell had opened does not outlive it. Notebook 02's tuner cell
 * left its workers running when a move failed (t.close() after the loop never ran): a mistyped path
 * kept two workers and their customers until the kernel restarted, and every fixed re-run opened two more.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname!, "../..");
const has = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;

interface Cell { cell_type: string; source: string[]; outputs?: { output_type: string; ename?: string; evalue?: string; text?: string | string[] }[] }

const cellsOf = (name: string) => (JSON.parse(readFileSync(join(ROOT, "notebooks", name), "utf8")) as { cells: Cell[] }).cells;
const sourceOf = (c: Cell) => c.source.join("");
const codeCell = (source: string, i: number) => ({ cell_type: "code", id: `e${i}`, metadata: {}, execution_count: null, outputs: [], source });
const streamOf = (c: Cell) => (c.outputs ?? []).filter((o) => o.output_type === "stream").map((o) => [o.text ?? ""].flat().join("")).join("");

/** Runs the cells in one kernel, errors allowed, from a folder beside the notebooks (their relative imports). */
function execute(sources: string[]): Cell[] {
  const dir = mkdtempSync(join(ROOT, "notebooks", ".edited-")), out = mkdtempSync(join(tmpdir(), "cadence-nb-edited-"));
  try {
    const file = join(dir, "edited.ipynb");
    writeFileSync(file, JSON.stringify({
      nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: "deno", display_name: "Deno", language: "typescript" } },
      cells: sources.map((s, i) => codeCell(s.replaceAll(`"../`, `"../../`), i)),
    }));
    const run = spawnSync("jupyter-nbconvert", [
      "--to", "notebook", "--execute", "--allow-errors", "--ExecutePreprocessor.kernel_name=deno", "--ExecutePreprocessor.timeout=300",
      "--output", join(out, "edited.ipynb"), file,
    ], { encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
    return (JSON.parse(readFileSync(join(out, "edited.ipynb"), "utf8")) as { cells: Cell[] }).cells;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("notebook 02's tuner cell, edited wrongly then fixed", () => {
  it("fails on a mistyped rule name with the engine's message, closes its workers, and runs once fixed", () => {
    expect(has("jupyter-nbconvert"), "Jupyter's nbconvert is missing: apt-get install -y jupyter-nbconvert").toBe(true);
    const cells = cellsOf("02-tune-pressure-rules.ipynb");
    const setup = sourceOf(cells.find((c) => sourceOf(c).includes("const base = loadPlan("))!);
    const tunerCell = sourceOf(cells.find((c) => sourceOf(c).includes("await shardedTuner("))!)
      .replace("customers: 50_000, days: 365", "customers: 2_000, days: 60"); // small: the cell's logic is what is tested
    expect(tunerCell).toContain("customers: 2_000, days: 60");
    const mistyped = tunerCell.replace(`t.run({ "pressure.rules.two-a-week.cap": cap })`, `t.run({ "pressure.rules.two-a-wek.cap": cap })`);
    expect(mistyped).not.toBe(tunerCell);
    // the state is printed by a cell of its own, without an await: the Deno kernel under headless nbconvert
    // can drop what a cell prints after an await (a suite failed on an empty output here)
    const probe = `let state = "open";
try { await t.run({ "pressure.rules.two-a-week.cap": 2 }); } catch (e) { state = (e as Error).message; }`;
    const tableCell = sourceOf(cells.find((c) => sourceOf(c).includes("show(aq.from(moves)"))!).replace(/\n?show\(.*$/s, "");
    const run = () => execute([setup, mistyped, probe, "console.log(state);", tunerCell, "console.log(`${moves.length} moves`);", tableCell]);
    // headless, the Deno kernel now and then drops a cell's print (README, "Known limit": a suite failed on
    // the state's empty output): run again, twice at most, while a print expected is missing
    let ran = run();
    const printed = (c: Cell[]) => streamOf(c[3]).trim() !== "" && streamOf(c[5]).trim() !== "" && streamOf(c[6]).trim() !== "";
    for (let i = 0; i < 2 && !printed(ran); i++) ran = run();
    const [, wrong, , after, fixed, moved, timed] = ran;
    const errors = (c: Cell) => (c.outputs ?? []).filter((o) => o.output_type === "error");
    expect(errors(wrong).map((o) => `${o.ename}: ${o.evalue}`)).toEqual([
      "InputError: shardedTuner: pressure.rules.two-a-wek.cap: no element 'two-a-wek' in pressure.rules; valid: one-a-day, two-a-week, sms-spacing, weighted-pressure",
    ]);
    // the failed cell's tuner is closed: its workers stopped
    expect(streamOf(after)).toContain("shardedTuner: closed: close() stopped its workers");
    expect(errors(fixed)).toEqual([]);
    // the time a move took here, measured as the cell ran, printed above its table (the text's "about a
    // second" is a quiet machine's): the plan's own cap 2 and the repeated 3 come from memory, 1, 3, 4, 5 are simulated
    expect(streamOf(timed).trim()).toMatch(/^a simulated move took \d+\.\d\d s here \(median of 4, \d+\.\d\d to \d+\.\d\d s\)$/);
    expect(streamOf(moved).trim()).toBe("6 moves");
  }, 300_000);
});

describe("notebook 01, edited as an analyst would: other plans first, fewer replications", () => {
  // its titles said "over 3 replications" and "against batch-and-blast" whatever the cells ran
  it("its titles and verdict name the replications run and the first plan given", () => {
    expect(has("jupyter-nbconvert"), "Jupyter's nbconvert is missing: apt-get install -y jupyter-nbconvert").toBe(true);
    const sources = cellsOf("01-compare-plans.ipynb").filter((c) => c.cell_type === "code").map(sourceOf)
      .filter((s) => !s.includes("renderReport(c)")) // the report file: not what is tested
      .map((s) => s
        .replace(`const names = ["batch-and-blast", "lifecycle", "lifecycle-capped"];`, `const names = ["lifecycle-capped", "batch-and-blast"];`)
        .replace("{ customers: 5000, days: 180, replications: 3, seed: 1 }", "{ customers: 2000, days: 60, replications: 2, seed: 1 }")
        .replace("`../scenarios/", "`../../scenarios/")); // run one folder deeper (execute)
    expect(sources.join("\n")).toContain(`["lifecycle-capped", "batch-and-blast"]`);
    expect(sources.join("\n")).toContain("replications: 2,");
    const htmlOf = (cells: Cell[]) => cells.flatMap((c) => (c.outputs ?? []) as { data?: Record<string, string | string[]> }[])
      .map((o) => [o.data?.["text/html"] ?? ""].flat().join("")).join("\n");
    // headless, the Deno kernel now and then drops a display (README, "Known limit"): run again, twice at most
    let cells = execute(sources);
    for (let i = 0; i < 2 && (htmlOf(cells).match(/over \d+ replications?/g) ?? []).length < 3; i++) cells = execute(sources);
    const html = htmlOf(cells);
    expect(cells.flatMap((c) => (c.outputs ?? []).filter((o) => o.output_type === "error"))).toEqual([]);
    expect(html).toContain("Mean [95 % interval] over 2 replications");
    expect(html).toContain("Paired difference against lifecycle-capped: mean [95 % interval] over 2 replications");
    expect(html).toContain("unsubscribes (mean over 2 replications) →");
    expect(html).not.toContain("3 replications");
    expect(html).not.toContain("against batch-and-blast");
    expect(streamOf(cells[cells.length - 1])).toMatch(/^batch-and-blast vs lifecycle-capped: margin /m);
  }, 300_000);
});

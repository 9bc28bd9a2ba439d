/**
 * notebooks/run.py, the headless runner the notebook tests use: it keeps what the Deno kernel sends for a
 * cell after reporting the cell done. Run by `jupyter nbconvert --execute`, the notebook below comes back
 * as [now], [next], [late]: the timer's print lands in the cell running when it fires and the last cell's
 * print, made after an await, is dropped (CI failed on notebook 02's timing line, empty three runs in a row).
 */
import { describe, expect, it } from "vitest";
import { denoNotebook, ensureJupyter, printedBy, registerDenoKernel, runNotebook } from "./deno-kernel.ts";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname!, "../..");

const notebook = (sources: string[]) => JSON.stringify(denoNotebook(sources.map((source) => ({ source }))));
const prints = (file: string) => (JSON.parse(readFileSync(file, "utf8")) as { cells: Parameters<typeof printedBy>[0][] }).cells.map(printedBy);

/** Runs `test` with Jupyter (and the Deno kernel) ready and a temporary folder, removed after. */
function inTemp(test: (dir: string) => void): void {
  ensureJupyter();
  registerDenoKernel(ROOT);
  const dir = mkdtempSync(join(tmpdir(), "cadence-late-"));
  try {
    test(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("notebooks/run.py", () => {
  it("keeps a cell's output the kernel sends after the cell is done, in that cell", () => {
    inTemp((dir) => {
      const file = join(dir, "late.ipynb");
      writeFileSync(file, notebook([
        `setTimeout(() => console.log("late"), 100); console.log("now")`, // prints 100 ms after its cell ended
        `console.log("next")`,
        `await new Promise((r) => setTimeout(r, 300)); console.log("last")`, // prints as the cell ends, after an await
      ]));
      const run = runNotebook(ROOT, file, join(dir, "out.ipynb"), { timeout: 60 });
      expect(run.status, run.stderr).toBe(0);
      expect(prints(join(dir, "out.ipynb"))).toEqual(["now\nlate\n", "next\n", "last\n"]);
    });
  }, 120_000);

  it("fails on a cell's error with the cell's message and keeps the executed notebook; goes on with --allow-errors", () => {
    inTemp((dir) => {
      const file = join(dir, "error.ipynb");
      writeFileSync(file, notebook([`throw new Error("no plan named 'lifecycle-capd'")`, `console.log("after")`]));
      const stopped = runNotebook(ROOT, file, join(dir, "stopped.ipynb"), { timeout: 60 });
      expect(stopped.status).toBe(1);
      expect(stopped.stderr).toContain("no plan named 'lifecycle-capd'");
      expect(stopped.stderr).toContain(`the executed notebook, with its error, is in ${join(dir, "stopped.ipynb")}`);
      expect(prints(join(dir, "stopped.ipynb"))).toEqual(["", ""]);
      const went = runNotebook(ROOT, file, join(dir, "went.ipynb"), { timeout: 60, allowErrors: true });
      expect(went.status, went.stderr).toBe(0);
      expect(prints(join(dir, "went.ipynb"))).toEqual(["", "after\n"]);
    });
  }, 120_000);

  it("says what is wrong with its arguments, and exits 2", () => {
    inTemp((dir) => {
      const missing = runNotebook(ROOT, join(dir, "nope.ipynb"), join(dir, "out.ipynb"));
      expect(missing.status).toBe(2);
      expect(missing.stderr).toContain(`${join(dir, "nope.ipynb")}: no such file`);
      writeFileSync(join(dir, "broken.ipynb"), "{ not json");
      const broken = runNotebook(ROOT, join(dir, "broken.ipynb"), join(dir, "out.ipynb"));
      expect(broken.status).toBe(2);
      expect(broken.stderr).toContain(`${join(dir, "broken.ipynb")}: not a notebook`);
      const zero = runNotebook(ROOT, join(dir, "broken.ipynb"), join(dir, "out.ipynb"), { timeout: 0 });
      expect(zero.status).toBe(2);
      expect(zero.stderr).toContain("--timeout: 0 is not a whole number of seconds above 0");
      writeFileSync(join(dir, "one.ipynb"), notebook([`console.log("one")`]));
      const unknown = runNotebook(ROOT, join(dir, "one.ipynb"), join(dir, "out.ipynb"), { kernel: "no-such-kernel" });
      expect(unknown.status).toBe(2);
      expect(unknown.stderr).toContain("--kernel: no Jupyter kernel named 'no-such-kernel'; register Deno's with: npx deno jupyter --install --force");
      // a kernel registered by a checkout since deleted: its program is gone
      mkdirSync(join(dir, "jupyter", "kernels", "gone"), { recursive: true });
      writeFileSync(join(dir, "jupyter", "kernels", "gone", "kernel.json"), JSON.stringify({
        argv: [join(dir, "deleted", "deno"), "jupyter", "--kernel", "--conn", "{connection_file}"], display_name: "Gone", language: "typescript",
      }));
      const gone = runNotebook(ROOT, join(dir, "one.ipynb"), join(dir, "out.ipynb"), { kernel: "gone", env: { JUPYTER_PATH: join(dir, "jupyter") } });
      expect(gone.status).toBe(2);
      expect(gone.stderr).toContain(`--kernel gone: its program is gone (${join(dir, "deleted", "deno")}); register it again with: npx deno jupyter --install --force`);
    });
  });
});

import { describe, expect, it } from "vitest";
import { ensureJupyter, registerDenoKernel, runNotebook } from "./deno-kernel.ts";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname!, "../..");
const NOTEBOOKS = readdirSync(join(ROOT, "notebooks")).filter((f) => f.endsWith(".ipynb")).sort();

interface Output { output_type: string; ename?: string; evalue?: string; traceback?: string[]; data?: Record<string, unknown> }
interface Notebook { cells: { cell_type: string; source: string[]; outputs?: Output[] }[] }

/**
 * What a reader of an executed notebook could not read: a chart without a title, money without its
 * currency on a chart's axis, a figure of four digits or more without thousands separators in a table
 * (past its first column, which may hold ids), and a cell's stray value (a bare \`await api(...)\` left
 * the server's JSON in Deno's coloured text as the cell's output).
 */
function unreadable(nb: Notebook): string[] {
  const out: string[] = [];
  nb.cells.forEach((c, i) => {
    for (const o of c.outputs ?? []) {
      const html = String(o.data?.["text/html"] ?? "");
      if (o.output_type === "execute_result" && !html) out.push(`cell ${i}: a value shown as text: ${String(o.data?.["text/plain"] ?? "").slice(0, 60)}`);
      if (html.includes(`<div class="cadence-chart">`)) {
        if (!/<h4>|<title>/.test(html)) out.push(`cell ${i}: a chart without a title`);
        const texts = [...html.matchAll(/>([^<>]+)<\/text>/g)].map((m) => m[1]);
        if (texts.some((t) => /margin|revenue/i.test(t)) && !/\((EUR|USD|GBP)|EUR\)/.test(html)) out.push(`cell ${i}: a chart of money without its currency`);
      } else {
        for (const row of html.split("<tr>").slice(1)) {
          const cells = [...row.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]).slice(1);
          // a figure, not a name that starts with digits (a digest '18533e3d1759', a date 2026-03-02)
          for (const cell of cells) if (/(^|[\s[±-])\d{4,}(?![\w-])/.test(cell)) out.push(`cell ${i}: '${cell}' without thousands separators`);
        }
        const title = /<h4>([^<]*)<\/h4>/.exec(html)?.[1] ?? "";
        if (/(^|\s)\d{4,}\s/.test(title)) out.push(`cell ${i}: title '${title}' without thousands separators`);
      }
    }
  });
  return out;
}

describe("notebooks", () => {
  it("the readability check flags a figure without separators, not a digest that starts with digits (it failed a run whose digest was 18533e3d1759)", () => {
    const table = (cells: string[]) => ({ cells: [{ cell_type: "code", source: [], outputs: [{ output_type: "display_data", data: { "text/html": `<table><tr><th>x</th></tr><tr><td>row</td>${cells.map((c) => `<td>${c}</td>`).join("")}</tr></table>` } }] }] }) as unknown as Notebook;
    expect(unreadable(table(["18533e3d1759", "2026-03-02", "1,653.4", "a3f9"]))).toEqual([]);
    expect(unreadable(table(["79778.3 [78134.8, 81421.9]"]))).toEqual(["cell 0: '79778.3 [78134.8, 81421.9]' without thousands separators"]);
  });

  it("are committed without bulky outputs", () => {
    expect(NOTEBOOKS).toEqual(["01-compare-plans.ipynb", "02-tune-pressure-rules.ipynb", "03-history-and-calibration.ipynb", "04-promote-and-watch.ipynb"]);
    for (const f of NOTEBOOKS) {
      const nb = JSON.parse(readFileSync(join(ROOT, "notebooks", f), "utf8")) as Notebook;
      const size = JSON.stringify(nb.cells.flatMap((c) => c.outputs ?? [])).length;
      expect(size, `${f} carries ${size} characters of outputs`).toBeLessThan(20_000);
      expect(nb.cells.filter((c) => c.cell_type === "markdown").length, `${f} explains its steps`).toBeGreaterThanOrEqual(3);
    }
  });

  it("notebook 02 claims no speed it does not measure: a move's time is printed as it ran ('about a second here' was 3.5 to 5 s on a busy 2-core machine)", () => {
    const nb = JSON.parse(readFileSync(join(ROOT, "notebooks", "02-tune-pressure-rules.ipynb"), "utf8")) as Notebook;
    const text = (kind: string) => nb.cells.filter((c) => c.cell_type === kind).map((c) => c.source.join("")).join("\n");
    expect(text("markdown")).not.toMatch(/about a second here/);
    expect(text("markdown")).toMatch(/the cell prints what a move took here/);
    expect(text("code")).toContain("console.log(`a simulated move took ${median.toFixed(2)} s here");
  });

  it("run top to bottom with the Deno kernel, with no error and with rich output", () => {
    ensureJupyter();
    registerDenoKernel(ROOT);
    const out = mkdtempSync(join(tmpdir(), "cadence-nb-"));
    let totalCharts = 0;
    /** Code cells whose result is a display: a top-level `show(...)`. */
    const displays = (nb: Notebook) => nb.cells.filter((c) => c.cell_type === "code" && c.source.some((l) => l.startsWith("show("))).length;
    const richOf = (nb: Notebook) => nb.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.data && ("text/html" in o.data || "image/svg+xml" in o.data));
    for (const f of NOTEBOOKS) {
      const target = join(out, f);
      const execute = () => {
        const run = runNotebook(ROOT, join(ROOT, "notebooks", f), target);
        return { run, executed: run.status === 0 ? JSON.parse(readFileSync(target, "utf8")) as Notebook : null };
      };
      let { run, executed } = execute();
      // On a loaded machine the Deno kernel now and then sends a cell's result after reporting the cell
      // done; nbconvert dropped it (one suite lost three of the five charts at once) and notebooks/run.py
      // keeps it (test/notebooks/late-output.test.ts). Should a run still lose some of the displays its
      // cells make (a top-level `show(...)`), it is run again, twice at most, with a warning, and the run
      // that kept the most is the one checked.
      const wanted = displays(JSON.parse(readFileSync(join(ROOT, "notebooks", f), "utf8")) as Notebook);
      for (let again = 0; again < 2 && executed && richOf(executed).length < wanted; again++) {
        console.warn(`${f}: ${richOf(executed).length} of ${wanted} displays (the kernel dropped some); running it again`);
        const best = { run, executed, text: readFileSync(target, "utf8") }, next = execute();
        if (next.executed && richOf(next.executed).length > richOf(best.executed).length) ({ run, executed } = next);
        else writeFileSync(target, best.text); // the HTML export below reads the kept run
      }
      const errors = (executed?.cells ?? []).flatMap((c) => (c.outputs ?? []).filter((o) => o.output_type === "error").map((o) => `${o.ename}: ${o.evalue}\n${(o.traceback ?? []).join("\n")}\nin cell:\n${c.source.join("")}`));
      expect(run.status, `${f}: notebooks/run.py failed\n${run.stderr}`).toBe(0);
      expect(errors, `${f}: error output`).toEqual([]);
      const rich = richOf(executed!);
      expect(rich.length, `${f}: tables and charts display as HTML or SVG`).toBeGreaterThanOrEqual(3);
      expect(unreadable(executed!), `${f}: outputs a reader cannot read`).toEqual([]);
      // exported to HTML (Debian's nbconvert 6.5 drops image/svg+xml), every chart is still there
      const charts = rich.filter((o) => String(o.data!["text/html"] ?? "").includes(`<div class="cadence-chart">`)).length;
      // (the Deno kernel now and then loses a cell's display on a loaded machine: charts are counted over
      // all notebooks; test/notebooks/export.test.ts checks the mechanism without a kernel)
      totalCharts += charts;
      const html = spawnSync("jupyter-nbconvert", ["--to", "html", target], { encoding: "utf8" });
      expect(html.status, `${f}: HTML export failed\n${html.stderr}`).toBe(0);
      const page = readFileSync(target.replace(/\.ipynb$/, ".html"), "utf8");
      expect((page.match(/<div class="cadence-chart"><(svg|figure|h4)/g) ?? []).length, `${f}: charts in the exported HTML`).toBe(charts);
    }
    expect(totalCharts, "charts over all notebooks").toBeGreaterThanOrEqual(3);
  }, 900_000);
});

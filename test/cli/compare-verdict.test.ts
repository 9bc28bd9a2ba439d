/**
 * compare's console verdict is "as the report says it": with --contributions the report's verdict names the
 * program with the largest marginal margin, and the console said instead that it was not measured and to
 * run with --contributions, the flag the user had just given.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../engine/cli/main.ts";
import { textOf } from "../../engine/report/html.ts";
import { capture } from "../capture.ts";

describe("compare --report --contributions: the console's verdict", () => {
  it("says what the report's verdict says about the programs, not 'run with --contributions'", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "cadence-verdict-")), "r.html");
    const r = await capture(() => main(["compare", "scenarios/batch-and-blast.yaml", "--customers", "500", "--days", "30", "--replications", "2", "--workers", "1", "--no-cache", "--report", file, "--contributions"]));
    expect(r.code, r.err).toBe(0);
    const html = readFileSync(file, "utf8");
    const block = html.slice(html.indexOf(`<div class="verdict">`), html.indexOf("</div>", html.indexOf(`<div class="verdict">`)));
    const reportLines = [...block.matchAll(/<p>(.*?)<\/p>/g)].map((m) => textOf(m[1]));
    const programs = reportLines.find((l) => l.startsWith("In batch-and-blast, "));
    expect(programs).toMatch(/\(section "What each program adds"\)\.$/);
    // the console wraps at 120 columns: compare its words
    const console = r.out.slice(r.out.indexOf("Verdict (as the report says it):")).replace(/\s+/g, " ");
    expect(console).toContain(programs!.replace(/\s+/g, " "));
    expect(console).not.toContain("run with --contributions");
  });
});

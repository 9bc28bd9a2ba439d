/**
 * docs/live.md's examples, run as a reader pastes them: every shell block marked
 * `<!-- doc-test: test/live/live-doc.test.ts runs this block -->`, in order, in one bash at the
 * repository's root, as written but for the ports (8080 and 9000 become free ones, so the test runs
 * beside other servers). Every `# → text` line must be found in what the blocks print, in order (`…`:
 * any text), and an answer of 4xx or 5xx stops the run: curl is given --fail-with-body. The examples
 * used to start with a fixed `sleep 3` (a slower start made every later call fail), reuse a database (a
 * second run forecast, approved and promoted plan 1 again: 409s) and stop before pause, replacement,
 * forecast vs actual, erasure, retirement and backup.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";

export const MARK = "<!-- doc-test: test/live/live-doc.test.ts runs this block -->";

/** The marked shell blocks of a Markdown text, in order. */
export function markedBlocks(markdown: string): string[] {
  const blocks: string[] = [];
  const re = new RegExp(`^${MARK.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\n\`\`\`sh\\n([\\s\\S]*?)^\`\`\`$`, "gm");
  for (const m of markdown.matchAll(re)) blocks.push(m[1]);
  return blocks;
}

/** The `# → ` lines of a script: what it must print, in order. */
const expectations = (script: string): string[] => [...script.matchAll(/^# → (.*)$/gm)].map((m) => m[1]);

/** The index in `out` just after `expected` (its `…` matching any text on the line), searched from `from`; -1 if absent. */
function find(out: string, expected: string, from: number): number {
  const re = new RegExp(expected.split("…").map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("[^\\n]*?"), "g");
  re.lastIndex = from;
  const m = re.exec(out);
  return m ? m.index + m[0].length : -1;
}

/**
 * The commands the blocks use beyond bash and coreutils (curl for the API, sqlite3 for the backup): installed
 * when missing and possible (root on a machine with apt, as CI), else a failure naming the command. A fresh
 * Debian has neither.
 */
function ensureCommands(packages: string[]): void {
  const has = (c: string) => new Deno.Command("bash", { args: ["-c", `command -v ${c}`], stdout: "null", stderr: "null" }).outputSync().success;
  const missing = packages.filter((c) => !has(c));
  if (!missing.length) return;
  if (Deno.uid?.() === 0 && has("apt-get")) {
    new Deno.Command("bash", { args: ["-c", `apt-get update -qq && apt-get install -y -qq ${missing.join(" ")}`], stdout: "inherit", stderr: "inherit" }).outputSync();
  }
  const still = missing.filter((c) => !has(c));
  if (still.length) throw new Error(`${still.join(" and ")} missing for docs/live.md's examples: apt-get install -y ${still.join(" ")}`);
}

async function freePort(): Promise<number> {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

// any answer of 4xx or 5xx fails the run (the readiness loop's own -f is left alone: curl refuses both);
// the server and the receiver are stopped whatever happens
const PRELUDE = `set -e -o pipefail
curl() { case " $* " in *" -sf "*|*" -f "*) command curl "$@";; *) command curl --fail-with-body "$@";; esac; }
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
`;

describe("docs/live.md's examples", () => {
  it("run as written, each answer as the page shows it, from upload to backup and shutdown", async () => {
    ensureCommands(["curl", "sqlite3"]);
    const blocks = markedBlocks(readFileSync("docs/live.md", "utf8"));
    expect(blocks.length).toBe(4);
    const [server, receiver] = [await freePort(), await freePort()];
    const script = blocks.join("\n").replace(/\b8080\b/g, String(server)).replace(/\b9000\b/g, String(receiver));
    const tmp = mkdtempSync(join(tmpdir(), "cadence-live-doc-"));
    try {
      const started = Date.now();
      const run = await new Deno.Command("bash", {
        args: ["-c", PRELUDE + script], env: { TMPDIR: tmp }, stdout: "piped", stderr: "piped", signal: AbortSignal.timeout(100_000),
      }).output();
      const out = new TextDecoder().decode(run.stdout), err = new TextDecoder().decode(run.stderr);
      const seconds = (Date.now() - started) / 1000;
      // curl's exit 22: an answer of 4xx or 5xx, printed last
      expect({ code: run.code, err: run.code ? err : "" }, `--- printed:\n${out.slice(-3000)}`).toEqual({ code: 0, err: "" });
      let at = 0;
      for (const e of expectations(blocks.join("\n"))) {
        const want = e.replace(/\b8080\b/g, String(server)).replace(/\b9000\b/g, String(receiver));
        const next = find(out, want, at);
        expect(next, `not printed after what came before: ${want}\n--- printed:\n${out}`).toBeGreaterThan(0);
        at = next;
      }
      expect(seconds).toBeLessThan(90);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

/**
 * The examples an analyst copies first: the README's "Using the engine from code or a notebook" blocks
 * are type-checked and run as written (smaller populations), and every `@example` of engine/mod.ts's
 * exports names files that exist and functions the module exports (three named a plan or a dataset
 * that never existed, or a constant under another name), and every exported function has one.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const MOD = new URL("../engine/mod.ts", import.meta.url).href;
const text = (b: Uint8Array) => new TextDecoder().decode(b);

async function deno(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), { args, cwd: root, stdout: "piped", stderr: "piped", env: { NO_COLOR: "1" } }).output();
  return { code: out.code, out: text(out.stdout), err: text(out.stderr) };
}

/** The ```ts blocks of a README section, as written. */
function readmeBlocks(heading: string): string[] {
  const readme = readFileSync(`${root}/README.md`, "utf8");
  const from = readme.indexOf(`\n## ${heading}\n`);
  const section = readme.slice(from, readme.indexOf("\n## ", from + 1));
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}

/** A block in a file of its own, importing the real engine/mod.ts (the README's "./engine/mod.ts" is relative to the project). */
async function scratch(code: string): Promise<string> {
  const file = `${await Deno.makeTempDir({ prefix: "cadence-example-" })}/example.ts`;
  await Deno.writeTextFile(file, code.replaceAll(`"./engine/mod.ts"`, `"${MOD}"`));
  return file;
}

describe("README: using the engine from code", () => {
  const blocks = readmeBlocks("Using the engine from code or a notebook");

  it("has its two blocks, and both type-check as written", async () => {
    expect(blocks).toHaveLength(2);
    const r = await deno("check", "--config", "deno.json", ...await Promise.all(blocks.map(scratch)));
    expect(r.err.replace(/^Check .*\n/gm, "")).toBe("");
    expect(r.code).toBe(0);
  });

  // The README's sizes (20,000 and 50,000 customers over a year) take 40 s on a shared 2-core machine;
  // what breaks an example is a name, a path or a shape, which 2,000 customers show as well.
  const small = (block: string) => block.replace(/customers: [\d_]+/g, "customers: 2_000");

  it("runPlan: prints the incremental revenue, then the daily table of 180 days", async () => {
    const r = await deno("run", "-A", "--config", "deno.json", await scratch(small(blocks[0])));
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const lines = r.out.split("\n");
    expect(lines[0]).toMatch(/^-?\d+(\.\d+)?$/);
    expect(lines[1]).toMatch(/^Table: \d+ cols x 180 rows\. Showing 10 rows\.$/);
  });

  it("shardedTuner: prints each cap with its incremental margin, then stops its workers", async () => {
    const r = await deno("run", "-A", "--config", "deno.json", await scratch(small(blocks[1])));
    expect(r.err).toBe("");
    expect(r.code).toBe(0); // exits: close() stopped the workers
    expect(r.out.trimEnd().split("\n").map((l) => l.split(" ")[0])).toEqual(["1", "3", "4"]);
    expect(r.out).toMatch(/^(\d -?\d+(\.\d+)?\n){3}$/);
  });
});

describe("engine/mod.ts: each export's @example", () => {
  const names = (code: string) => new Set([...code.matchAll(/export \{([^}]*)\}/g)].flatMap((m) => m[1].split(",").map((n) => n.trim().replace(/^type /, ""))));

  it("names only files that exist and functions and constants the module exports", async () => {
    const doc = await deno("doc", "--json", "engine/mod.ts");
    expect(doc.code).toBe(0);
    const symbols = (Object.values(JSON.parse(doc.out).nodes)[0] as { symbols: { name: string; declarations: { kind: string; jsDoc?: { doc?: string; tags?: { kind: string; doc?: string }[] } }[] }[] }).symbols;
    const exported = names(readFileSync(`${root}/engine/mod.ts`, "utf8"));
    // a JavaScript global or node:fs, which an example may use as any program does
    const globals = new Set(["writeFileSync", "readFileSync", "JSON", "Math", "Number", "String", "Object", "Array", "console"]);
    const examples = symbols.flatMap((s) => s.declarations.flatMap((d) => [
      ...(d.jsDoc?.tags ?? []).filter((t) => t.kind === "example").map((t) => t.doc ?? ""),
      ...(d.jsDoc?.doc?.split("@example").slice(1) ?? []),
    ].map((code) => ({ name: s.name, code }))));
    expect(examples.length).toBeGreaterThanOrEqual(60);
    // every exported function shows how it is called (STYLE.md, habit 10): 30 had no example
    const bare = symbols.filter((s) => s.declarations.some((d) => d.kind === "function") && !examples.some((e) => e.name === s.name));
    expect(bare.map((s) => s.name)).toEqual([]);
    const problems: string[] = [];
    for (const { name, code } of examples) {
      for (const [, path] of code.matchAll(/"(?:history:)?((?:scenarios|datasets|notebooks)\/[\w./-]+)"/g)) {
        if (!existsSync(`${root}/${path}`)) problems.push(`${name}: no file ${path}`);
      }
      const bare = code.replace(/"[^"]*"|`[^`]*`|\/\/.*$/gm, '""'); // names inside strings and comments are not code
      for (const [, id] of bare.matchAll(/(?<![.\w])([A-Za-z_]\w*)\s*\(|(?<![.\w])([A-Z][A-Z0-9_]{2,})\b/g).map((m) => [m[0], m[1] ?? m[2]])) {
        if (!exported.has(id) && !globals.has(id)) problems.push(`${name}: ${id} is not exported by engine/mod.ts`);
      }
    }
    expect(problems).toEqual([]);
  });
});

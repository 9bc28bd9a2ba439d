/** The decision core stands alone: it imports nothing outside engine/core/ and the language (issue 9 #17). */
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const dir = join(import.meta.dirname!, "../../engine/core");

describe("engine/core", () => {
  it("imports only its own files", () => {
    const outside: string[] = [];
    for (const f of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
      const text = readFileSync(join(dir, f), "utf8");
      for (const m of text.matchAll(/^\s*(?:import|export)[^;]*?from\s+"([^"]+)"/gms)) {
        if (!m[1].startsWith("./") || m[1].includes("/", 2)) outside.push(`${f}: ${m[1]}`);
      }
    }
    expect(outside).toEqual([]);
  });
});

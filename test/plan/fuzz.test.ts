/**
 * Mutation fuzz of the example plans (issue 9 #10): seeded mutants of every plan in scenarios/ (as
 * written, with `use:` templates, and with the templates inlined) must either load or be refused with an
 * InputError; no other exception may escape loading, nor a short simulation of a mutant that loads.
 * Seeded, so a failure names the mutant and reproduces; 1,000 mutants and 60 short simulations, a few seconds.
 */
import { describe, expect, it } from "vitest";
import { seeded } from "../helpers.ts";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { loadPlan, parsePlan, SCENARIOS_DIR } from "../../engine/plan/load.ts";
import { InputError } from "../../engine/plan/errors.ts";
import { runPlan } from "../../engine/sim/run.ts";

const MUTANTS = 1000, MAX_SIMULATIONS = 60, SEED = 20261125;


// Fragments chosen for YAML's sharp edges and the plan format's value types.
const TOKENS = [
  "*a", "&a", "&a x", "*zz", ": ", "- ", "{", "}", "[", "]", '"', "'", "\t", "#", "!!str", "!!binary", "!foo", "<<: *a",
  "---", "...", "null", "~", "-1", "0", "2.5", "1e309", ".nan", ".inf", '""', "[]", "{}", "yes", "true", "24", "72",
  "7d", "-3d", "0m", "99999999999999999999", "|", ">", "%YAML 1.2", "? x", "@", "`", "\\u0000", "é", "${x}",
  "orders +", "((", "consent.email && (", "priority: high", "cap: 2.5", "use: programs/nope", "use: ../x",
  "window: 24", "spacing: 72", "calendar: year", "channel: fax", "category: c33", "every: 1m", "weekly: [xyz]",
];

type Mutant = { text: string; how: string[] };

function mutate(text: string, u: () => number): Mutant {
  let lines = text.split("\n");
  const how: string[] = [];
  const at = (n: number) => Math.floor(u() * Math.max(1, n));
  const steps = 1 + at(3);
  for (let s = 0; s < steps; s++) {
    const i = at(lines.length), line = lines[i] ?? "";
    switch (at(9)) {
      case 0:
        how.push(`delete line ${i + 1}`), lines.splice(i, 1);
        break;
      case 1:
        how.push(`duplicate line ${i + 1}`), lines.splice(i, 0, line);
        break;
      case 2: {
        const j = at(lines.length);
        how.push(`swap lines ${i + 1} and ${j + 1}`), [lines[i], lines[j]] = [lines[j], lines[i]];
        break;
      }
      case 3: {
        const d = at(5) - 2;
        how.push(`indent line ${i + 1} by ${d}`);
        lines[i] = d > 0 ? " ".repeat(d) + line : line.slice(Math.min(-d, line.length - line.trimStart().length));
        break;
      }
      case 4: {
        const tok = TOKENS[at(TOKENS.length)], c = at(line.length + 1);
        how.push(`insert ${JSON.stringify(tok)} at ${i + 1}:${c + 1}`), lines[i] = line.slice(0, c) + tok + line.slice(c);
        break;
      }
      case 5: {
        // a value replaced by a token of another type
        const m = /^(\s*-?\s*[\w.]+:\s*)(.+)$/.exec(line);
        const tok = TOKENS[at(TOKENS.length)];
        if (m) how.push(`value of line ${i + 1} := ${JSON.stringify(tok)}`), lines[i] = m[1] + tok;
        break;
      }
      case 6: {
        const c = at(line.length);
        how.push(`delete char ${i + 1}:${c + 1}`), lines[i] = line.slice(0, c) + line.slice(c + 1);
        break;
      }
      case 7:
        how.push(`truncate at line ${i + 1}`), lines = lines.slice(0, i + 1), lines[i] = line.slice(0, at(line.length));
        break;
      default: {
        // a number nudged: fractions, negatives, zero and huge values reach the validators
        const nums = [...line.matchAll(/\d+(\.\d+)?/g)];
        if (nums.length) {
          const n = nums[at(nums.length)], rep = ["0", "-1", "2.5", "1e9", "0.0001", "31", "32", "33"][at(8)];
          how.push(`number ${n[0]} at line ${i + 1} := ${rep}`);
          lines[i] = line.slice(0, n.index) + rep + line.slice(n.index! + n[0].length);
        }
      }
    }
  }
  return { text: lines.join("\n"), how };
}

describe("mutation fuzz of the example plans", () => {
  it(`${MUTANTS} seeded mutants: only InputError escapes loading; loaded ones simulate without exception`, () => {
    const plans = readdirSync(SCENARIOS_DIR).filter((f) => f.endsWith(".yaml")).map((f) => join(SCENARIOS_DIR, f));
    expect(plans.length).toBeGreaterThanOrEqual(3);
    // Each plan as written (templates by `use:`) and inlined (template bodies in the file, so mutants reach them).
    const bases = plans.flatMap((file) => [
      { file, text: readFileSync(file, "utf8") },
      { file, text: stringify(loadPlan(file).source) },
    ]);
    const u = seeded(SEED);
    const escaped: string[] = [];
    const simulated = new Set<string>();
    let loaded = 0, refused = 0;
    for (let k = 0; k < MUTANTS; k++) {
      const base = bases[k % bases.length];
      const m = mutate(base.text, u);
      const where = `mutant ${k} of ${base.file} (${m.how.join("; ")})`;
      let plan;
      try {
        plan = parsePlan(m.text, base.file);
        loaded++;
      } catch (e) {
        if (e instanceof InputError) {
          refused++;
          if (/\n\s+at |\bat .*\.ts:\d+/.test(e.message)) escaped.push(`${where}: stack trace in the message: ${e.message.slice(0, 300)}`);
          continue;
        }
        escaped.push(`${where}: load threw ${(e as Error).name}: ${(e as Error).message.slice(0, 300)}`);
        continue;
      }
      if (simulated.size >= MAX_SIMULATIONS || simulated.has(plan.hash)) continue;
      simulated.add(plan.hash);
      try {
        runPlan(plan, { customers: 200, days: 14, baseline: false, seed: k });
      } catch (e) {
        escaped.push(`${where}: simulation threw ${(e as Error).name}: ${(e as Error).message.slice(0, 300)}`);
      }
    }
    expect(escaped).toEqual([]);
    // The mutator must actually reach both sides, or the test proves nothing.
    expect(refused).toBeGreaterThan(MUTANTS * 0.3);
    expect(loaded).toBeGreaterThan(MUTANTS * 0.1);
    expect(simulated.size).toBe(MAX_SIMULATIONS);
  });
});

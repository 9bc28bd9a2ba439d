/**
 * Plans that loaded and then misbehaved during a run (issue 9 #4, #5, #7, #8, #14) are refused at load
 * with the file, the line, the field and what would be valid; their allowed neighbours still load.
 */
import { describe, expect, it } from "vitest";
import { planError } from "../helpers.ts";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parsePlan } from "../../engine/plan/load.ts";
import { MAX_CATEGORIES } from "../../engine/plan/pressure-rules.ts";
import { runPlan } from "../../engine/sim/run.ts";
import { main } from "../../engine/cli/main.ts";
import { capture } from "../capture.ts";

const base = (extra: { categories?: string; pressure?: string; priority?: string; audience?: string; wait?: string } = {}) => `channels:
  email: {}
${extra.categories ?? ""}${extra.pressure ?? ""}programs:
  - id: welcome
    type: journey
    trigger: { event: signup }
    steps:
      - wait: ${extra.wait ?? "1d"}
      - send: { channel: email, message: hello, category: relational }
  - id: news
    type: campaign
    priority: ${extra.priority ?? "10"}
    schedule: { every: 1w, at: "10:00" }
    audience: ${extra.audience ?? "consent.email"}
    send: { channel: email, message: news }
`;

const errorOf = (text: string) => planError(text, "plan.yaml");

describe("#4 categories beyond the mask", () => {
  const cats = (n: number) => `categories: [${Array.from({ length: n }, (_, i) => `c${i + 1}`).join(", ")}]\n`;

  it("accepts 32 categories, defaults included", () => {
    expect(MAX_CATEGORIES).toBe(32);
    expect(parsePlan(base({ categories: cats(29) }), "plan.yaml").plan.categories.length).toBe(32);
  });

  it("refuses the 33rd with its line, field and the limit", () => {
    expect(errorOf(base({ categories: cats(30) }))).toBe(
      "plan.yaml:3: categories[29]: too many categories: 'c30' would be number 33; a plan has at most 32, the 3 defaults (transactional, relational, promotional) included, because pressure rules match categories by a 32-bit mask",
    );
  });

  it("a rule on the 32nd category does not catch transactional messages", () => {
    const plan = parsePlan(base({ categories: cats(29), pressure: "pressure:\n  rules:\n    - { name: c29-only, cap: 0, window: 7d, counts: { categories: [c29] } }\n" }), "plan.yaml");
    const f = plan.compiled.pressure.rules[0].applies;
    expect(f.categories & (1 << 0)).toBe(0); // transactional
    expect(f.categories & (1 << 31)).not.toBe(0); // c29 is the 32nd
  });
});

describe("#5 fractional caps", () => {
  const cap = (c: string) => base({ pressure: `pressure:\n  rules:\n    - name: weekly\n      cap: ${c}\n      window: 7d\n` });

  it("refuses a constant fractional cap with the line and two whole alternatives", () => {
    expect(errorOf(cap("2.5"))).toBe("plan.yaml:6: pressure.rules[0].cap: a cap counts contacts: expected a whole number, got 2.5; write 2 or 3");
  });

  it("rounds an expression cap down at run time, so retryAt stays a number", () => {
    const plan = parsePlan(cap('"orders + 2.5"'), "plan.yaml");
    const t = plan.compiled.pressure.rules[0].threshold as (ctx: unknown) => unknown;
    expect(typeof t).toBe("function");
    expect(parsePlan(cap("2"), "plan.yaml").compiled.pressure.rules[0].threshold).toBe(2);
    const r = runPlan(plan, { customers: 200, days: 28, baseline: false });
    expect(r.summary.contacts).toBeGreaterThan(0);
  });
});

describe("#8 constants of the wrong type", () => {
  it("refuses a priority that is always text or null", () => {
    expect(errorOf(base({ priority: `'"high"'` }))).toBe(`plan.yaml:12: programs[1].priority: expected a priority as a number or an expression giving one; '"high"' is always "high"`);
    expect(errorOf(base({ priority: `"null"` }))).toMatch(/^plan\.yaml:12: programs\[1\]\.priority: .*'null' is always null$/);
    expect(errorOf(base({ priority: `"1 == 1"` }))).toMatch(/'1 == 1' is always true$/);
    expect(parsePlan(base({ priority: `"10 * 2"` }), "plan.yaml").compiled.programs[1].priority).toBe(20);
  });

  it("refuses a priority known at load time outside a literal's range ('2e9' as text went past both checks)", () => {
    expect(errorOf(base({ priority: `"2e9"` }))).toBe(`plan.yaml:12: programs[1].priority: expected a priority from -1000000 to 1000000, as a number is; '2e9' is always 2000000000`);
    expect(errorOf(base({ priority: `"-1000 * 1001"` }))).toMatch(/'-1000 \* 1001' is always -1001000$/);
    expect(parsePlan(base({ priority: `"1000 * 1000"` }), "plan.yaml").compiled.programs[1].priority).toBe(1e6);
  });

  it("refuses a null or non-number threshold and weight", () => {
    const w = (body: string) => base({ pressure: `pressure:\n  rules:\n    - name: w\n      weighted:\n${body}` });
    expect(errorOf(w(`        threshold: null\n`))).toMatch(/^plan\.yaml:7: pressure\.rules\[0\]\.weighted\.threshold: expected a number, a customer attribute/);
    expect(errorOf(w(`        threshold: "null"\n`))).toBe(`plan.yaml:7: pressure.rules[0].weighted.threshold: expected a number: 'null' is always null, not a number; give a number or an expression that gives one`);
    expect(errorOf(w(`        threshold: 3\n        weight: '"heavy"'\n`))).toBe(`plan.yaml:8: pressure.rules[0].weighted.weight: expected a weight: '"heavy"' is always "heavy", not a number; give a number or an expression that gives one`);
    expect(errorOf(base({ pressure: `pressure:\n  rules:\n    - { name: c, cap: "true", window: 7d }\n` }))).toMatch(/pressure\.rules\[0\]\.cap: expected a number: 'true' is always true/);
    expect(parsePlan(w(`        threshold: "2 + 1"\n        weight: 2\n`), "plan.yaml").compiled.pressure.rules[0].kind).toBe("weighted");
  });
});

describe("#7 expression size", () => {
  const chain = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 ? "orders" : String(i % 7))).join(" + ") + " >= 0";

  it("refuses a 20,000-term audience at load with the line and the limit", () => {
    const msg = errorOf(base({ audience: chain(20_000) }));
    expect(msg).toMatch(/^plan\.yaml:14: programs\[1\]\.audience: invalid expression: expression too long: more than 1,000 operators \(the limit\) at column \d+/);
  });

  it("simulate exits 2 on it, without a stack trace", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cadence-long-"));
    writeFileSync(join(dir, "long.yaml"), base({ audience: chain(20_000) }));
    const r = await capture(() => main(["simulate", join(dir, "long.yaml"), "--customers", "100", "--days", "7"]));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/long\.yaml:14: programs\[1\]\.audience: invalid expression: expression too long/);
    expect(r.err).not.toMatch(/RangeError|\n\s+at /);
  });

  it("a 900-term audience loads and runs, selecting the same customers as its short form", () => {
    // orders + 0 + orders + 1 + ... : every term is >= 0, so the chain is >= 0 exactly when orders is a number
    const long = parsePlan(base({ audience: `"${chain(900)}"` }), "plan.yaml");
    const short = parsePlan(base({ audience: `"orders >= 0"` }), "plan.yaml");
    const a = runPlan(long, { customers: 300, days: 21, baseline: false }).summary;
    const b = runPlan(short, { customers: 300, days: 21, baseline: false }).summary;
    expect(a.contacts).toBeGreaterThan(0);
    expect(a.contactsByChannel).toEqual(b.contactsByChannel);
    expect(a.programs).toEqual(b.programs);
  });
});

describe("#14 durations need a unit", () => {
  it("refuses a bare number with the field and the units", () => {
    expect(errorOf(base({ wait: "24" }))).toBe("plan.yaml:8: programs[0].steps[0].wait: a duration needs a unit: write 24h, 24d or 24m rather than 24 (units: m (or min), h, d, w)");
    expect(errorOf(base({ wait: '"72"' }))).toMatch(/steps\[0\]\.wait: a duration needs a unit: write 72h/);
    expect(errorOf(base({ pressure: "pressure:\n  rules:\n    - { name: s, spacing: 72 }\n" }))).toBe("plan.yaml:5: pressure.rules[0].spacing: a duration needs a unit: write 72h, 72d or 72m rather than 72 (units: m (or min), h, d, w)");
    expect(errorOf(base({ pressure: "pressure:\n  rules:\n    - { name: c, cap: 1, window: 7 }\n" }))).toMatch(/pressure\.rules\[0\]\.window: a duration needs a unit: write 7h, 7d or 7m/);
  });

  it("accepts units, and a bare 0", () => {
    for (const w of ["24h", "90m", "90min", "2d", "1w", "1.5h", "0"]) expect(() => parsePlan(base({ wait: w }), "plan.yaml"), w).not.toThrow();
    expect(parsePlan(base({ wait: "90min" }), "plan.yaml").plan.programs[0]).toMatchObject({ steps: [{ kind: "wait", duration: 90 }, { kind: "send" }] });
  });
});

/** Per-program contributions on common random numbers, and the missing library templates ranked (issue 11 #12). */
import { describe, expect, it } from "vitest";
import { contributions, libraryTemplates } from "../../engine/compare/contributions.ts";
import { main } from "../../engine/cli/main.ts";
import { loadPlan } from "../../engine/plan/load.ts";
import { runPlan } from "../../engine/sim/run.ts";
import { capture } from "../capture.ts";
import { anyway, plan, TWO_PROGRAMS } from "../helpers.ts";

const yaml = TWO_PROGRAMS;

describe("contributions", () => {
  const p = plan(yaml, "scenarios/two.yaml");
  const o = { customers: 1500, days: 120, replications: 2, seed: 5 };
  const r = contributions(p, o);

  it("measures each program as the plan with it minus the plan without it, on the same seeds", () => {
    expect(r.programs.map((x) => x.id)).toEqual(["abandoned-cart", "newsletter"]);
    // recompute the newsletter's contribution by hand on seed 5
    const only = plan(yaml.replace("  - use: programs/newsletter\n", ""), "scenarios/two.yaml");
    const a = runPlan(p, { customers: 1500, days: 120, seed: 5, baseline: false }).summary;
    const b = runPlan(only, { customers: 1500, days: 120, seed: 5, baseline: false }).summary;
    const c = runPlan(p, { customers: 1500, days: 120, seed: 6, baseline: false }).summary;
    const d = runPlan(only, { customers: 1500, days: 120, seed: 6, baseline: false }).summary;
    const nl = r.programs[1];
    expect(nl.incrementalMargin.mean).toBeCloseTo((a.margin - b.margin + c.margin - d.margin) / 2, 6);
    expect(nl.unsubscribes.mean).toBe((a.unsubscribes - b.unsubscribes + c.unsubscribes - d.unsubscribes) / 2);
    expect(nl.contacts).toBe((a.programs[1].contacts + c.programs[1].contacts) / 2);
    expect(nl.unsubscribes.mean).toBeGreaterThan(0); // a weekly newsletter costs opt-outs
    expect(nl.incrementalMargin.lo).not.toBeNull();
  });

  it("ranks the library templates missing from the plan by incremental margin per contact", () => {
    expect(libraryTemplates().length).toBe(23);
    const names = r.missing.map((m) => m.template);
    expect(names).not.toContain("abandoned-cart");
    expect(names).not.toContain("newsletter");
    expect(names.length + r.skipped.length).toBe(21);
    const per = r.missing.map((m) => m.perContact ?? -Infinity);
    for (let i = 1; i < per.length; i++) expect(per[i]).toBeLessThanOrEqual(per[i - 1]);
    expect(r.skipped.every((s) => /not configured/.test(s.reason))).toBe(true); // templates on channels the plan lacks
    // the template's field, not the variant's file:line and program index ("two.yaml:1: programs[2].…")
    for (const x of r.skipped) expect(x.reason).toMatch(/^(steps|send)\b/);
  });

  it("does not offer a template the plan already includes under another id (regression)", () => {
    // lifecycle.yaml includes programs/promotion as 'targeted-promotion': it was listed as missing
    const renamed = plan(yaml.replace("  - use: programs/newsletter\n", "  - use: programs/newsletter\n    id: weekly-news\n"), "scenarios/two.yaml");
    const x = contributions(renamed, { customers: 300, days: 30, replications: 1, seed: 5 });
    expect(x.programs.map((p) => p.id)).toEqual(["abandoned-cart", "weekly-news"]);
    expect([...x.missing.map((m) => m.template), ...x.skipped.map((s) => s.template)]).not.toContain("newsletter");
    expect(x.missing.length + x.skipped.length).toBe(21);
  });

  it("prints the issue's JSON shape and names a bad flag", async () => {
    const out = await capture(() => main(["contributions", "scenarios/batch-and-blast.yaml", "--customers", "800", "--days", "60", "--replications", "2", "--json"]));
    expect(out.code).toBe(0);
    const j = JSON.parse(out.out);
    expect(Object.keys(j)).toEqual(["programs", "missing", "notTried"]); // notTried: the text's "(not tried: …)" lines, which --json dropped
    expect(j.notTried.length).toBeGreaterThan(0);
    for (const n of j.notTried) expect(Object.keys(n)).toEqual(["template", "reason"]);
    expect(Object.keys(j.programs[0])).toEqual(["id", "contacts", "incrementalMargin", "unsubscribes"]);
    expect(Object.keys(j.programs[0].incrementalMargin)).toEqual(["mean", "lo", "hi"]);
    expect(Object.keys(j.missing[0])).toEqual(["template", "incrementalMargin", "perContact"]);
    expect(j.programs.map((x: { id: string }) => x.id)).toEqual(loadPlan("scenarios/batch-and-blast.yaml").compiled.programs.map((x) => x.id));
    const bad = await capture(() => main(["contributions", "scenarios/batch-and-blast.yaml", "--replications", "0"]));
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--replications/);
    const none = await capture(() => main(["contributions"]));
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/exactly one plan file/);
  });

  it("takes --customers within the limits every other command takes (it took 100 to 10,000,000: 50 was refused, 20,000,000 too)", async () => {
    const small = await capture(() => main(["contributions", "scenarios/batch-and-blast.yaml", "--customers", "50", "--days", "7", "--replications", "1", "--json"]));
    expect(small.code).toBe(0);
    expect(JSON.parse(small.out).programs.length).toBe(loadPlan("scenarios/batch-and-blast.yaml").compiled.programs.length);
    const over = await capture(() => main(["contributions", "scenarios/batch-and-blast.yaml", "--customers", "20000001"]));
    const simulate = await capture(() => main(["simulate", "scenarios/batch-and-blast.yaml", "--customers", "20000001"]));
    expect([over.code, over.err]).toEqual([2, "--customers: expected a whole number from 1 to 20000000, got '20000001'"]);
    expect(over.err).toBe(simulate.err);
  });

  it("from code refuses a misspelt option and a plan's file name, as runPlan does ({ customer: 100 } ran the default 5,000 customers)", () => {
    const plan = loadPlan("scenarios/batch-and-blast.yaml");
    expect(() => contributions(plan, anyway({ customer: 100 }))).toThrow(/^contributions: options: unknown option 'customer'; did you mean 'customers'\?/);
    expect(() => contributions(anyway("scenarios/batch-and-blast.yaml"))).toThrow(`contributions: expected a loaded plan, got the text 'scenarios/batch-and-blast.yaml': load it first, contributions(loadPlan("scenarios/batch-and-blast.yaml"), …)`);
    expect(() => contributions(plan, anyway(null))).toThrow(/^contributions: options: expected an object/);
    expect(() => contributions(plan, { start: "2026-13-01" })).toThrow(/start/);
  });
});

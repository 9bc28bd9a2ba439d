/** YAML-level errors in plan files: file, line, what is wrong, exit 2, never a stack trace (issue 9 #10). */
import { describe, expect, it } from "vitest";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parsePlan } from "../../engine/plan/load.ts";
import { InputError } from "../../engine/plan/errors.ts";
import { main } from "../../engine/cli/main.ts";
import { capture } from "../capture.ts";

function errorOf(text: string, file = "plan.yaml"): string {
  try {
    parsePlan(text, file);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error("the plan was accepted");
}

describe("YAML errors name the file and line", () => {
  it.each([
    ["an alias to an undefined anchor", "channels:\n  email: *a\nprograms: []\n", "plan.yaml:2: invalid YAML: alias *a refers to no anchor: define &a before it"],
    ["an alias used before its anchor", "channels:\n  sms: *e\n  email: &e {}\n", "plan.yaml:2: invalid YAML: alias *e refers to no anchor: define &e before it"],
    ["an alias inside its own anchor", "programs: &p\n  - *p\n", "plan.yaml:2: invalid YAML: alias *p is inside the node its anchor &p names: a plan cannot contain itself"],
    ["duplicate keys", "channels:\n  email: {}\n  email: {}\n", "plan.yaml:3: invalid YAML: Map keys must be unique (column 3)"],
    ["bad indentation", "channels:\n  email: {}\n   sms: {}\n", "plan.yaml:3: invalid YAML: All mapping items must start at the same column (column 1)"],
    ["a tab as indentation", "channels:\n\temail: {}\n", "plan.yaml:2: invalid YAML: Tabs are not allowed as indentation (column 1)"],
    ["an unknown tag", "channels: !foo {}\n", "plan.yaml:1: invalid YAML: Unresolved tag: !foo (column 11)"],
    ["an alias bomb", "a: &a [x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nprograms: [*c, *c]\n", "plan.yaml:2: invalid YAML: aliases expand to too many nodes (more than 100 per file); write the repeated parts out or use program templates"],
  ])("%s", (_, text, message) => {
    expect(errorOf(text)).toBe(message);
  });

  it("a second document says a plan file holds one plan (it passed on the parser's advice to use YAML.parseAllDocuments())", () => {
    expect(errorOf("name: a\n---\nname: b\n")).toBe("plan.yaml:2: invalid YAML: a second YAML document starts here ('---'): a plan file holds one plan; put each plan in its own file");
  });

  it("an anchor and alias that resolve are fine", () => {
    const plan = parsePlan("channels:\n  email: &e { cost: 0.01 }\n  push: *e\nprograms: []\n", "plan.yaml").plan;
    expect(plan.channels[0]?.cost).toBe(0.01);
    expect(plan.channels[2]?.cost).toBe(0.01);
  });

  it("a template with broken YAML is reported at the use: line, with the template's own line", () => {
    const dir = mkdtempSync(join(tmpdir(), "cadence-tpl-"));
    mkdirSync(join(dir, "programs"));
    writeFileSync(join(dir, "programs", "bad.yaml"), "id: bad\ntype: journey\nsteps: *nothing\n");
    const msg = errorOf("channels:\n  email: {}\nprograms:\n  - use: programs/bad\n", join(dir, "plan.yaml"));
    expect(msg).toBe(`${join(dir, "plan.yaml")}:4: programs[0].use: template 'programs/bad' is not valid YAML:\n${join(dir, "programs", "bad.yaml")}:3: invalid YAML: alias *nothing refers to no anchor: define &nothing before it`);
  });

  it("cadence simulate exits 2 on `email: *a`, with the line and no stack trace", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cadence-yaml-"));
    writeFileSync(join(dir, "p.yaml"), "channels:\n  email: *a\nprograms: []\n");
    const r = await capture(() => main(["simulate", join(dir, "p.yaml"), "--customers", "50", "--days", "3"]));
    expect(r).toMatchObject({ code: 2, out: "" });
    expect(r.err).toBe(`${join(dir, "p.yaml")}:2: invalid YAML: alias *a refers to no anchor: define &a before it`);
  });
});

import { describe, expect, it } from "vitest";
import { capture } from "../capture.ts";
import { COMMAND_NAMES, main } from "../../engine/cli/main.ts";
import { parse } from "../../engine/cli/args.ts";
import { InputError } from "../../engine/plan/errors.ts";

const cli = (...args: string[]) => capture(() => main(args));

// Every command main.ts registers, including any added later: the list comes from main.ts itself.
describe("every command answers --help and -h, and names a mistyped flag", () => {
  it("registers the known commands (the loop below covers whatever is registered)", () => {
    expect(COMMAND_NAMES).toEqual(expect.arrayContaining(["simulate", "demo", "compare", "sweep", "fit", "backtest"]));
  });

  for (const name of COMMAND_NAMES) {
    it(`${name} --help / -h / help ${name}: usage on stdout, exit 0`, async () => {
      for (const args of [[name, "--help"], [name, "-h"], ["help", name], [name, "x.yaml", "--help"]]) {
        const r = await cli(...args);
        expect(r, args.join(" ")).toMatchObject({ code: 0, err: "" });
        expect(r.out).toMatch(new RegExp(`^usage: cadence ${name}\\b`));
      }
    });

    it(`${name} --customerz 2000: unknown option, a suggestion or the valid list, the usage, exit 2`, async () => {
      const r = await cli(name, "--customerz", "2000");
      expect(r.code).toBe(2);
      expect(r.out).toBe("");
      expect(r.err).toMatch(/unknown option '--customerz'; (did you mean '--customers?'\?|valid options: --\w+)/);
      expect(r.err).toMatch(new RegExp(`\\nusage: cadence ${name}\\b`));
      expect(r.err).not.toMatch(/Unknown option|positional|at |Error/);
    });
  }

  it("help <unknown command>: the same error as the unknown command itself, exit 2 (it printed the general help, exit 0)", async () => {
    const valid = "valid commands: simulate, demo, compare, sweep, explain, fit, backtest, calibration, contributions, serve, keys, extract, live-report, live-demo";
    const direct = await cli("nosuch");
    expect(direct).toEqual({ code: 2, out: "", err: `unknown command 'nosuch'; ${valid}` });
    expect(await cli("help", "nosuch")).toEqual(direct);
    expect(await cli("help", "simulate", "demo")).toEqual({ code: 2, out: "", err: `help takes one command, got 'simulate demo'; ${valid}` });
    expect(await cli("help")).toMatchObject({ code: 0, err: "" });
    expect((await cli("help")).out).toMatch(/^cadence — campaign simulation/);
  });

  // the usage is the only list of a command's flags a user sees: one it accepts and does not list is
  // hidden, one it lists and refuses is a trap. The parser's own list is the one its errors print.
  for (const name of COMMAND_NAMES) {
    it(`${name} --help lists exactly the flags ${name} accepts`, async () => {
      const help = (await cli(name, "--help")).out;
      const listed = new Set([...help.matchAll(/--([a-z][a-z-]*)/g)].map((m) => m[1]));
      const err = (await cli(name, "--zzzzzzzzzz")).err.split("\n")[0];
      const valid = /valid options: (.*)$/.exec(err)![1].split(", ").map((f) => f.slice(2)).filter((f) => f !== "help");
      expect([...listed].sort(), help).toEqual([...new Set(valid)].sort());
    });
  }

  it("extract refuses the --history form's flags with --db (it ignored them: --plan wrote the live plan's lists, exit 0)", async () => {
    for (const [flag, value] of [["--plan", "scenarios/lifecycle.yaml"], ["--seed", "7"]]) {
      const r = await cli("extract", "--db", "no-such.sqlite", "--date", "2026-03-02", flag, value);
      expect(r.code).toBe(2);
      expect(r.out).toBe("");
      expect(r.err.split("\n")[0]).toBe(`${flag}: goes with --history CONFIG.yaml (lists from a brand's own exports); from a live database (--db) the lists are the live plan's, and it takes --date, --out and --confirm only`);
      expect(r.err).toMatch(/\nusage: cadence extract --db FILE --date YYYY-MM-DD \[--out DIR\] \[--confirm\]\n/);
    }
  });

  it("suggests --customers for every command that has it", async () => {
    for (const name of ["simulate", "demo", "compare", "sweep"]) {
      const r = await cli(name, "--customer", "2000");
      expect(r.err.split("\n")[0]).toBe("unknown option '--customer'; did you mean '--customers'?");
    }
  });
});

describe("parse (engine/cli/args.ts)", () => {
  const opts = { days: { type: "string" as const }, json: { type: "boolean" as const, short: "j" } };
  const err = (args: string[]) => {
    try {
      parse(args, opts, "cadence x [--days D] [--json]");
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return (e as Error).message;
    }
    return "no error";
  };

  it("reads good flags, = values, short booleans and positionals", () => {
    const f = parse(["a.yaml", "--days=30", "-j"], opts, "u");
    expect(f).toEqual({ values: { days: "30", json: true }, positionals: ["a.yaml"] });
    expect(parse(["--days=-5"], opts, "u").values.days).toBe("-5");
  });

  it("names the flag and what would be valid", () => {
    expect(err(["--dayz", "3"])).toBe("unknown option '--dayz'; did you mean '--days'?\nusage: cadence x [--days D] [--json]");
    expect(err(["--zzzzzzzz"])).toBe("unknown option '--zzzzzzzz'; valid options: --days, --json\nusage: cadence x [--days D] [--json]");
    expect(err(["-q"])).toBe("unknown option '-q'; valid options: --days, --json\nusage: cadence x [--days D] [--json]");
    expect(err(["--days"])).toBe("option '--days' needs a value, e.g. --days <value>\nusage: cadence x [--days D] [--json]");
    expect(err(["--days", "-5"])).toBe("option '--days' got a value starting with '-'; write it as --days=<value>\nusage: cadence x [--days D] [--json]");
    expect(err(["--json=yes"])).toBe("option '--json' takes no value\nusage: cadence x [--days D] [--json]");
  });

  it("does not read --help after -- as a request for help", () => {
    expect(parse(["--", "--help"], opts, "u").positionals).toEqual(["--help"]);
  });
});

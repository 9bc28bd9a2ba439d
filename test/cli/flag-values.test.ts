import { describe, expect, it } from "vitest";
import { capture } from "../capture.ts";
import { COMMAND_NAMES, main } from "../../engine/cli/main.ts";
import { decimalFlag, intFlag, parse } from "../../engine/cli/args.ts";

const cli = (...args: string[]) => capture(() => main(args));
const message = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return "no error";
};

describe("whole-number flags take plain decimal digits only", () => {
  // Number() read all of these: 0x10 ran 16 customers, 0b11 ran 3, 1e3 and 1_000 ran 1000, ' 50' ran 50.
  for (const text of ["0x10", "0b11", "0o17", "1e3", "1_000", " 50", "50 ", "+50", "50.0", "5.", "", "Infinity", "١٢"]) {
    it(`refuses --customers '${text}'`, () => {
      expect(message(() => intFlag(text, "customers", 10, 1, 20_000_000))).toBe(`--customers: expected a whole number from 1 to 20000000, got '${text}'`);
    });
  }

  it("reads plain digits (leading zeros included) and keeps the bounds", () => {
    expect(intFlag("50", "customers", 10, 1, 100)).toBe(50);
    expect(intFlag("050", "customers", 10, 1, 100)).toBe(50);
    expect(intFlag(undefined, "customers", 10, 1, 100)).toBe(10);
    expect(message(() => intFlag("0", "customers", 10, 1, 100))).toBe("--customers: expected a whole number from 1 to 100, got '0'");
    expect(message(() => intFlag("-5", "customers", 10, 1, 100))).toBe("--customers: expected a whole number from 1 to 100, got '-5'");
  });

  it("refuses them on the command line with exit 2, before any run", async () => {
    expect(await cli("simulate", "scenarios/lifecycle.yaml", "--customers", "0x10", "--days", "7"))
      .toMatchObject({ code: 2, out: "", err: "--customers: expected a whole number from 1 to 20000000, got '0x10'" });
    expect(await cli("demo", "--customers", "1e3", "--days", "7"))
      .toMatchObject({ code: 2, out: "", err: "--customers: expected a whole number from 1 to 20000000, got '1e3'" });
    expect(await cli("simulate", "scenarios/lifecycle.yaml", "--seed", "0x7fffffff", "--customers", "10", "--days", "7"))
      .toMatchObject({ code: 2, err: "--seed: expected a whole number from 0 to 2147483647, got '0x7fffffff'" });
    expect((await cli("sweep", "scenarios/lifecycle-capped.yaml", "--set", "pressure.rules.two-a-week.cap=1", "--replications", "1_000")).err)
      .toBe("--replications: expected a whole number from 1 to 1000, got '1_000'");
  });
});

describe("decimal flags take a plain decimal only", () => {
  const share = (text: string | undefined) => decimalFlag(text, "control-share", 0.2, (x) => x > 0 && x < 0.9, "a share between 0 and 0.9");

  it("reads 0.25, .5 and 0.1", () => {
    expect([share("0.25"), share(".5"), share("0.1"), share(undefined)]).toEqual([0.25, 0.5, 0.1, 0.2]);
  });

  for (const text of ["1e-1", "0x0", " 0.2", "0.2 ", "0,2", "0.2.1", ".", "NaN", "0.9"]) {
    it(`refuses --control-share '${text}'`, () => {
      expect(message(() => share(text))).toBe(`--control-share: expected a share between 0 and 0.9, got '${text}'`);
    });
  }

  it("refuses one on the command line (live-demo) with exit 2", async () => {
    expect(await cli("live-demo", "--control-share", "1e-1")).toMatchObject({ code: 2, err: "--control-share: expected a share between 0 and 0.9, got '1e-1'" });
  });
});

describe("a flag given twice is refused, except one meant to repeat", () => {
  it("names the flag and both values", async () => {
    const r = await cli("simulate", "scenarios/lifecycle.yaml", "--customers", "100", "--customers", "300", "--days", "7");
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toBe("--customers given twice ('100', then '300'); give it once\nusage: cadence simulate <plan.yaml> [--population synthetic|history:<config.yaml>] [--customers N] [--days D] [--seed S] [--start YYYY-MM-DD] [--out DIR] [--json] [--contacts FILE] [--world FILE] [--workers N] [--no-cache]");
  });

  it("counts --flag=value and --flag value alike, and booleans too", () => {
    const opts = { days: { type: "string" as const }, json: { type: "boolean" as const }, set: { type: "string" as const, multiple: true } };
    expect(message(() => parse(["--days=3", "--days", "4"], opts, "u"))).toBe("--days given twice ('3', then '4'); give it once\nusage: u");
    expect(message(() => parse(["--json", "--json"], opts, "u"))).toBe("--json given twice; give it once\nusage: u");
    expect(parse(["--set", "a=1", "--set", "b=2", "--", "--days", "--days"], opts, "u")).toEqual({ values: { set: ["a=1", "b=2"] }, positionals: ["--days", "--days"] });
  });

  // Every flag of every command, from the command's own usage line: none may be given twice (but --set).
  for (const name of COMMAND_NAMES) {
    it(`${name}: every flag of its usage given twice is refused`, async () => {
      const usage = (await cli("help", name)).out;
      const flags = [...new Set([...usage.matchAll(/--([a-z][\w-]*)/g)].map((m) => m[1]))].filter((f) => f !== "set");
      expect(flags.length).toBeGreaterThan(0);
      for (const flag of flags) {
        // fit prefixes its messages with "cadence fit: "
        const first = async (...args: string[]) => {
          const r = await cli(name, ...args);
          return { code: r.code, line: r.err.split("\n")[0].replace(`cadence ${name}: `, "") };
        };
        let r = await first(`--${flag}=a`, `--${flag}=b`);
        // a boolean flag takes no value: given twice without one
        if (r.line === `option '--${flag}' takes no value`) r = await first(`--${flag}`, `--${flag}`), r.line = r.line.replace("twice;", "twice ('a', then 'b');");
        expect(r, `${name} --${flag}`).toEqual({ code: 2, line: `--${flag} given twice ('a', then 'b'); give it once` });
      }
    });
  }

  it("sweep's --set may repeat (with different paths)", () => {
    const opts = { set: { type: "string" as const, multiple: true } };
    expect(parse(["--set", "a=1", "--set", "b=2"], opts, "u").values.set).toEqual(["a=1", "b=2"]);
  });
});

describe("a command that takes options only refuses a stray word", () => {
  // They ignored it: `cadence demo scenarios/lifecycle.yaml` ran the three example plans, `calibration out.md`
  // printed to the terminal and wrote nothing, exit 0. A bad --days after the word (or no --date, --db)
  // shows the word is refused first, before any run.
  for (const name of ["demo", "calibration", "extract", "live-report", "live-demo"]) {
    it(`${name} stray: names the word and the usage, exit 2, nothing run`, async () => {
      const r = await cli(name, "stray.yaml", ...(name === "extract" || name === "live-report" ? [] : ["--days", "0"]));
      expect(r.code).toBe(2);
      expect(r.out).toBe("");
      expect(r.err).toMatch(new RegExp(`^unexpected argument 'stray\\.yaml': cadence ${name} takes options only\\nusage: cadence ${name} `));
    });
  }
});

describe("printed intervals", () => {
  it("print a value that rounds to zero as 0, never -0 or +0 (regression: the demo printed [−14, −0])", async () => {
    // compare's tables (fitTable): the mean on one line, its interval on the next
    const { fitTable } = await import("../../engine/cli/fit-table.ts");
    const n0 = (x: number) => Math.round(x).toLocaleString("en-US");
    const text = fitTable([["a", n0], ["b", n0]], [{ name: "plan", cells: [{ mean: -3.2, lo: -14.1, hi: -0.3 }, { mean: 0.2, lo: -0.4, hi: 5 }] }], { signed: true });
    expect(text).toContain("[-14, 0]");
    expect(text).toContain("[0, +5]");
    expect(text).not.toMatch(/[-+]0\b/);
  });
});

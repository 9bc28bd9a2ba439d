/** The benchmarks answer --help and refuse a mistyped option or a bad count in one line, exit 2 (bench/bench-args.ts). */
import { describe, expect, it } from "vitest";

async function bench(file: string, ...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), { args: ["run", "-A", `bench/${file}`, ...args], stdout: "piped", stderr: "piped" }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, out: text(out.stdout), err: text(out.stderr) };
}

describe("benchmark command lines", () => {
  for (const file of ["simulate-bench.ts", "tuning-bench.ts", "pressure-share.ts"]) {
    it(`${file}: --help prints the usage; --custmers gets a did-you-mean; --days 1e3 is refused`, async () => {
      const help = await bench(file, "--help");
      expect(help).toMatchObject({ code: 0, err: "" });
      expect(help.out).toMatch(/^usage: .*--customers N/);
      const typo = await bench(file, "--custmers", "10");
      expect(typo.code).toBe(2);
      expect(typo.err).toMatch(/^unknown option '--custmers'; did you mean '--customers'\?\nusage: /);
      const count = await bench(file, "--days", "1e3");
      expect(count.code).toBe(2);
      expect(count.err).toMatch(/^--days: expected a whole number ≥ 1, got '1e3'\nusage: /);
      expect(typo.err + count.err).not.toMatch(/ at |Error/);
    }, 60_000);
  }

  it("tuning-bench.ts: refuses a worker count of 0 or a list that is not whole numbers (0 ran the one-thread tuner as 'workers 0')", async () => {
    for (const workers of ["0", "1,0", "2,x", "1.5"]) {
      const r = await bench("tuning-bench.ts", "--workers", workers, "--customers", "1000", "--days", "2", "--runs", "1");
      expect(r.code).toBe(2);
      expect(r.out).toBe("");
      expect(r.err).toMatch(/^--workers: expected whole numbers ≥ 1 separated by commas \(such as 1,2\), got '/);
    }
  }, 60_000);

  it("simulate-bench.ts: refuses an unknown case before running any (it used to run `simulate` under the unknown name)", async () => {
    for (const cases of ["plan/1,foo/2", "plan/0", "out/two"]) {
      const r = await bench("simulate-bench.ts", "--cases", cases, "--customers", "1000", "--days", "2", "--runs", "1");
      expect(r.code).toBe(2);
      expect(r.out).toBe(""); // not even plan/1 ran
      expect(r.err).toMatch(/^--cases: unknown case '(foo\/2|plan\/0|out\/two)'; expected plan\/N, simulate\/N, cached\/N or out\/N \(N workers ≥ 1\)\nusage: /);
    }
  }, 60_000);

  it("live-bench.ts: refuses a bad count, a mistyped option, an unknown case or setting before starting a server", async () => {
    const help = await bench("live-bench.ts", "--help");
    expect(help).toMatchObject({ code: 0, err: "" });
    expect(help.out).toMatch(/^usage: .*--writer-thread on\|off/);
    for (const [args, message] of [
      [["--durtion", "3"], /^unknown option '--durtion'; did you mean '--duration'\?\nusage: /],
      [["--duration", "0"], /^--duration: expected a whole number ≥ 1, got '0'\nusage: /],
      [["--cases", "batch1000"], /^--cases: unknown case 'batch1000'; expected single, batch100\nusage: /],
      [["--writer-thread", "maybe"], /^--writer-thread: expected on or off, got 'maybe'\nusage: /],
    ] as const) {
      const r = await bench("live-bench.ts", ...args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(/ at |Error/);
    }
  }, 60_000);
});

/**
 * Shared command-line parsing: node:util parseArgs behind one front door, so every command answers
 * `--help`/`-h` the same way and a mistyped flag gets a did-you-mean instead of the parser's raw text.
 */
import { accessSync, closeSync, constants, mkdirSync, openSync, statSync, unlinkSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { closest, InputError, LIMITS } from "../plan/errors.ts";
import { writeProblem } from "../report/write-file.ts";

// deno-lint-ignore no-explicit-any
export type Flags = { values: Record<string, any>; positionals: string[] };
type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * Thrown by `parse` when the arguments ask for help; main() prints `usage` on stdout and exits 0.
 * A signal rather than a print-and-return so that no command has to handle help itself.
 */
export class HelpRequested extends Error {
  constructor(readonly usage: string) {
    super("help requested");
    this.name = "HelpRequested";
  }
}

/**
 * Parses a command's flags. `--help`/`-h` anywhere before a `--` throws HelpRequested, unless the
 * command declares its own `help` option (it then prints a longer help itself). Unknown flags,
 * missing values and a flag given twice (unless declared `multiple`, like sweep's `--set`) throw
 * InputError naming the flag, the closest valid one and the usage.
 * @example const { values } = parse(args, { days: { type: "string" } }, "cadence x [--days D]")
 */
export function parse(args: string[], options: Options | undefined, usage: string): Flags {
  const opts: Options = options ?? {};
  const end = args.indexOf("--");
  const flags = end < 0 ? args : args.slice(0, end);
  if (!Object.hasOwn(opts, "help") && flags.some((a) => a === "--help" || a === "-h")) throw new HelpRequested(usage);
  const names = Object.keys(opts);
  const shorts = new Map(Object.entries(opts).flatMap(([k, o]) => (o.short ? [[o.short, k] as const] : [])));
  const valid = () => `valid options: ${names.map((n) => `--${n}`).join(", ") || "none"}`;
  for (const a of flags) {
    if (a === "-" || !a.startsWith("-") || /^-\d/.test(a)) continue;
    if (a.startsWith("--")) {
      const name = a.slice(2).split("=")[0];
      if (!Object.hasOwn(opts, name)) {
        const hint = closest(name, names);
        throw new InputError(`unknown option '--${name}'${hint ? `; did you mean '--${hint}'?` : `; ${valid()}`}\nusage: ${usage}`);
      }
    } else {
      for (const c of a.slice(1)) {
        if (!shorts.has(c)) throw new InputError(`unknown option '-${c}'; ${valid()}\nusage: ${usage}`);
        if (opts[shorts.get(c)!].type === "string") break; // the rest is its value
      }
    }
  }
  let parsed;
  try {
    parsed = parseArgs({ args, options: opts, allowPositionals: true, strict: true, tokens: true });
  } catch (e) {
    // What remains: a string flag without a value, a value given to a boolean flag.
    const msg = (e as Error).message;
    const name = /--([\w-]+)/.exec(msg)?.[1] ?? "";
    const what = /does not take/.test(msg)
      ? `option '--${name}' takes no value`
      : /ambiguous/.test(msg)
      ? `option '--${name}' got a value starting with '-'; write it as --${name}=<value>`
      : /missing/.test(msg)
      ? `option '--${name}' needs a value, e.g. --${name} <value>`
      : msg.split("\n")[0];
    throw new InputError(`${what}\nusage: ${usage}`);
  }
  // parseArgs keeps the last of a repeated flag; a second value is more likely a slip than an intent
  const first = new Map<string, string | undefined>();
  for (const t of parsed.tokens ?? []) {
    if (t.kind !== "option" || opts[t.name].multiple || t.name === "help") continue;
    if (first.has(t.name)) {
      const both = t.value === undefined ? "" : ` ('${first.get(t.name)}', then '${t.value}')`;
      throw new InputError(`--${t.name} given twice${both}; give it once\nusage: ${usage}`);
    }
    first.set(t.name, t.value);
  }
  return { values: parsed.values, positionals: parsed.positionals };
}

/**
 * `parse` for a command that takes options only (demo, calibration, extract, live-report, live-demo): a
 * word that is no option's value is refused, naming it, instead of being ignored (`cadence demo
 * scenarios/lifecycle.yaml` ran the three example plans and said nothing of the file).
 * @example const { values } = parseOptions(args, { days: { type: "string" } }, "cadence x [--days D]")
 */
export function parseOptions(args: string[], options: Options | undefined, usage: string): Flags {
  const flags = parse(args, options, usage);
  const [word] = flags.positionals;
  if (word !== undefined) {
    const command = /^cadence [\w-]+/.exec(usage)?.[0] ?? "this command";
    throw new InputError(`unexpected argument '${word}': ${command} takes options only\nusage: ${usage}`);
  }
  return flags;
}

/** Plain decimal digits: no sign, exponent, hex/binary/octal prefix, `_` separator or surrounding space. */
const WHOLE = /^\d+$/;
/** A plain decimal such as 0.2, .5 or 3: digits with at most one point, nothing else. */
const DECIMAL = /^(\d+(\.\d+)?|\.\d+)$/;

/**
 * A whole number flag within bounds, written in plain decimal digits (`0x10`, `1e3`, `1_000` or ` 50`
 * are refused, not read as 16, 1000 or 50), or an InputError naming the flag (or `label`: the
 * environment variable the value came from, which the user set instead).
 */
export function intFlag(value: string | undefined, flag: string, fallback: number, min: number, max: number, label = `--${flag}`): number {
  if (value === undefined) return fallback;
  const n = WHOLE.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new InputError(`${label}: expected a whole number from ${min} to ${max}, got '${value}'`);
  }
  return n;
}

/**
 * A decimal flag written as a plain decimal (0.2, .5, 1), checked by `ok`; else an InputError naming
 * the flag and `expected` (what would be valid). `1e-1`, `0x1`, `Infinity` or ` 0.2` are refused.
 */
export function decimalFlag(value: string | undefined, flag: string, fallback: number, ok: (x: number) => boolean, expected: string, label = `--${flag}`): number {
  if (value === undefined) return fallback;
  const x = DECIMAL.test(value) ? Number(value) : NaN;
  if (!ok(x)) throw new InputError(`${label}: expected ${expected}, got '${value}'`);
  return x;
}

/** A run's customers, days, seed or replications, within the limits runs from code are checked against (LIMITS). */
export function sizeFlag(value: string | undefined, flag: keyof typeof LIMITS, fallback: number, label = `--${flag}`): number {
  return intFlag(value, flag, fallback, LIMITS[flag][0], LIMITS[flag][1], label);
}

/** An empty value (`--out ""`) would write into the current folder, or nowhere: refused. */
function nonEmpty(option: string, path: string, example: string): void {
  if (path === "") throw new InputError(`${option}: empty path; give ${example}`);
}

/**
 * The folder an option writes into, made before any work is done: a path where no folder can be (a
 * file in the way, no permission, an empty value) fails at once, in one line naming the option, not
 * after a long run. Every option that writes into a folder goes through here.
 */
export function outputFolder(option: string, dir: string): string {
  nonEmpty(option, dir, `a folder, e.g. ${option} out/run`);
  makeFolder(option, dir);
  try {
    accessSync(dir, constants.W_OK); // an existing folder we may not write into
  } catch (e) {
    throw new InputError(`${option} ${dir}: cannot write into that folder (${writeProblem(e)})`);
  }
  return dir;
}

function makeFolder(option: string, dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new InputError(`${option} ${dir}: cannot make a folder there (${writeProblem(e)})`);
  }
}

/**
 * The file an option writes, checked before any work is done: its folder made, a folder
 * of that name refused, and the file opened for writing once (then removed if it was not there), so a
 * file that cannot be written fails now in one line, not with a stack trace after the run. Every
 * option that writes one file goes through here.
 */
export function outputFile(option: string, file: string): string {
  nonEmpty(option, file, `a file, e.g. ${option} out/report.html`);
  makeFolder(option, dirname(file));
  const stat = statSync(file, { throwIfNoEntry: false });
  if (stat?.isDirectory()) throw new InputError(`${option} ${file}: a folder is there, not a file`);
  try {
    closeSync(openSync(file, "a")); // "a": an existing file is left as it is
    if (!stat) unlinkSync(file);
  } catch (e) {
    throw new InputError(`${option} ${file}: cannot write the file (${writeProblem(e)})`);
  }
  return file;
}

/** A progress line on stderr when it is a terminal; silent otherwise (CI logs, pipes). */
export function progress(label: string): ((phase: string, done: number, total: number, unit?: string) => void) | undefined {
  let tty = false;
  try {
    tty = Deno.stderr.isTerminal();
  } catch { /* not Deno: no bar */ }
  if (!tty) return undefined;
  const enc = new TextEncoder();
  let last = "";
  return (phase, done, total, unit = "days") => {
    const width = 30, fill = Math.round((done / total) * width);
    const line = `\r${label} ${phase.padEnd(8)} [${"#".repeat(fill)}${".".repeat(width - fill)}] ${done}/${total} ${unit}`;
    if (line === last) return;
    last = line;
    Deno.stderr.writeSync(enc.encode(done === total ? `${line}\n` : line));
  };
}

/** Shared command-line parsing: node:util parseArgs with errors that say which flag and what is valid. */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { InputError } from "../plan/errors.ts";

// deno-lint-ignore no-explicit-any
export type Flags = { values: Record<string, any>; positionals: string[] };

export function parse(args: string[], options: ParseArgsConfig["options"], usage: string): Flags {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true }) as Flags;
  } catch (e) {
    throw new InputError(`${(e as Error).message}\nusage: ${usage}`);
  }
}

/** A whole number flag within bounds, or an InputError naming the flag. */
export function intFlag(value: string | undefined, flag: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value.replace(/_/g, ""));
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new InputError(`--${flag}: expected a whole number from ${min} to ${max}, got '${value}'`);
  }
  return n;
}

/** A progress line on stderr when it is a terminal; silent otherwise (CI logs, pipes). */
export function progress(label: string): ((phase: string, done: number, total: number) => void) | undefined {
  let tty = false;
  try {
    tty = Deno.stderr.isTerminal();
  } catch { /* not Deno: no bar */ }
  if (!tty) return undefined;
  const enc = new TextEncoder();
  let last = "";
  return (phase, done, total) => {
    const width = 30, fill = Math.round((done / total) * width);
    const line = `\r${label} ${phase.padEnd(8)} [${"#".repeat(fill)}${".".repeat(width - fill)}] ${done}/${total} days`;
    if (line === last) return;
    last = line;
    Deno.stderr.writeSync(enc.encode(done === total ? `${line}\n` : line));
  };
}

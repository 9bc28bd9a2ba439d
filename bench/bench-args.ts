/**
 * The benchmarks' command lines, through the CLI's parser (engine/cli/args.ts): `--help` prints the
 * usage, a mistyped option gets a did-you-mean, and a count that is not a positive whole number is
 * refused; each in one line with the usage and exit status 2 (0 for help), never a stack trace.
 */
import type { ParseArgsConfig } from "node:util";
import { HelpRequested, parse } from "../engine/cli/args.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** `counts`: options that must be whole numbers ≥ 1 (customers, days, runs...). */
export function benchArgs<O extends Options>(usage: string, options: O, counts: (keyof O & string)[] = [], countLists: (keyof O & string)[] = []) {
  const line = `usage: ${usage}`;
  let values;
  try {
    values = parse(Deno.args, options, usage).values;
  } catch (e) {
    if (e instanceof HelpRequested) console.log(line), Deno.exit(0);
    console.error((e as Error).message), Deno.exit(2);
  }
  // counts, and lists of counts (tuning-bench's --workers 1,2: 0 ran the one-thread tuner labelled "workers 0")
  const checks = [...counts.map((name) => [name, /^[1-9]\d*$/, "a whole number ≥ 1"] as const), ...countLists.map((name) => [name, /^[1-9]\d*(,[1-9]\d*)*$/, "whole numbers ≥ 1 separated by commas (such as 1,2)"] as const)];
  for (const [name, shape, what] of checks) {
    const v = String(values[name]);
    if (!shape.test(v)) console.error(`--${name}: expected ${what}, got '${v}'\n${line}`), Deno.exit(2);
  }
  return values as { [K in keyof O]: O[K]["type"] extends "boolean" ? boolean : string };
}

/** The median of some figures (the mean of the middle two for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

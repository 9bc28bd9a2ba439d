/**
 * Errors about a user's input (plan file, CSV, API body) name *where* and *what would be valid*.
 * Validators collect every problem through a Reporter instead of stopping at the first, so a user
 * fixes a plan in one pass.
 */
export type Path = (string | number)[];

export interface Problem {
  path: Path; // field path inside the document, e.g. ["programs", 2, "steps", 0, "send", "channel"]
  message: string; // what is wrong and what would be valid
  line?: number; // 1-based line in the file, when known
}

export function formatPath(path: Path): string {
  let s = "";
  for (const p of path) s += typeof p === "number" ? `[${p}]` : s ? `.${p}` : p;
  return s || "(root)";
}

/** Collects problems; `lineOf` maps a path to its source line when the input came from a file. */
export class Reporter {
  readonly problems: Problem[] = [];
  constructor(readonly file = "<plan>", readonly lineOf: (path: Path) => number | undefined = () => undefined) {}
  error(path: Path, message: string): void {
    this.problems.push({ path, message, line: this.lineOf(path) });
  }
  get ok(): boolean {
    return this.problems.length === 0;
  }
  format(): string {
    return this.problems.map((p) => `${this.file}${p.line ? `:${p.line}` : ""}: ${formatPath(p.path)}: ${p.message}`)
      .join("\n");
  }
}

/** Thrown when input is invalid; `message` lists every problem, one per line. */
export class InputError extends Error {
  constructor(message: string, readonly problems: Problem[] = []) {
    super(message);
    this.name = "InputError";
    // the message says where (file:line, field, option) and what is valid: a notebook shows the stack
    // under it, and the engine's frames (set-path.ts, tuner.ts…) told the analyst nothing more
    this.stack = `${this.name}: ${message}`;
  }
}

/**
 * A count or size given in code (a notebook's runPlan, compare or sweep options), checked as the command
 * line checks its flags: 10.5 customers used to loop for ever, -5 to fail deep in an array.
 */
function wholeNumber(name: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined || (Number.isInteger(value) && value >= min && value <= max)) return;
  // the text "2" printed bare would read as the number 2, which is valid
  const got = typeof value === "string" ? `the text '${value}' (a number is expected, not its text)` : typeof value === "number" || value === null ? String(value) : `${typeof value} ${JSON.stringify(value)}`;
  throw new InputError(`${name}: expected a whole number from ${min.toLocaleString("en-US")} to ${max.toLocaleString("en-US")}, got ${got}`);
}

/** The limits of a run's options, as the command line has them (engine/cli); workers as its --workers. */
export const LIMITS = { customers: [1, 20_000_000], days: [1, 3650], seed: [0, 2 ** 31 - 1], replications: [1, 1000], workers: [1, 256] } as const;

/**
 * Checks a run's customers, days, seed, replications and workers (those given) against LIMITS. Options
 * come from code (a notebook) as often as from the command line: a NaN or a null is refused, not read as
 * "not given" (a NaN seed used to run with seed null and no rows).
 */
export function checkRunSizes(o: { customers?: number; days?: number; seed?: number; replications?: number; workers?: number }): void {
  for (const k of ["customers", "days", "seed", "replications", "workers"] as const) wholeNumber(k, o[k], LIMITS[k][0], LIMITS[k][1]);
}

/** Refuses an option not among `known`, naming the closest: a misspelt one was ignored ({ customer: 100 } ran 10,000 customers). One left undefined says nothing. */
export function checkOptionNames(fn: string, o: unknown, known: readonly string[]): void {
  for (const [k, v] of Object.entries(o ?? {})) {
    if (v === undefined || known.includes(k)) continue;
    const near = closest(k, known);
    throw new InputError(`${fn}: options: unknown option '${k}'${near ? `; did you mean '${near}'?` : ""} (options: ${known.join(", ")})`);
  }
}

/** Suggests the closest valid word, for "did you mean" hints. */
export function closest(word: string, valid: readonly string[]): string | undefined {
  let best: string | undefined, bestD = Infinity;
  for (const v of valid) {
    const d = editDistance(word.toLowerCase(), v.toLowerCase());
    if (d < bestD) bestD = d, best = v;
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

/** "one of a, b or c" */
export function oneOf(valid: readonly string[]): string {
  if (valid.length <= 1) return valid.join("");
  return `one of ${valid.slice(0, -1).join(", ")} or ${valid[valid.length - 1]}`;
}

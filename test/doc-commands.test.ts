/**
 * Every command README.md and docs/*.md show a user to paste (test/doc-commands.ts collects them) names
 * a command that exists, flags it accepts and files that are there, checked without running the
 * commands: each command's or benchmark's own parser lists its options (`--zzzzzzzzzz` is refused with
 * `valid options: …`, the list test/cli/help-flags.test.ts holds equal to its --help). A few fast ones are
 * run as written, and their output compared with what the text quotes.
 */
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { capture } from "./capture.ts";
import { COMMAND_NAMES, main } from "../engine/cli/main.ts";
import { commandsOf, type DocCommand, docCommands, shellWords } from "./doc-commands.ts";

const TASKS: Record<string, string> = JSON.parse(readFileSync("deno.json", "utf8")).tasks;
// Options whose value is written, not read (--db: `keys create` makes the database the next lines use).
const WRITES = new Set(["out", "report", "csv", "world-out", "db", "print-to-pdf"]);
// Options whose value is a file the command reads.
const READS = new Set(["history", "plan", "world", "contacts", "population"]);

/** What a doc command runs: a cadence command, a script under `deno run`, or another program. */
interface Invocation {
  kind: "cadence" | "script" | "other";
  /** The cadence command, or the script's path. */
  target: string;
  args: string[];
}

function invocation(words: string[]): Invocation {
  // `KEY=$(npx deno task -q cadence keys create …)`: the command inside; `CADENCE_DATA=… npm test`: npm
  const sub = /^\w+=\$\((.*)\)$/.exec(words[0] ?? "");
  if (sub && words.length === 1) return invocation(shellWords(sub[1]));
  const w = words.slice(words.findIndex((x) => !/^\w+=/.test(x)));
  if (w[0] === "npx" && w[1] === "deno" && w[2] === "task") {
    const rest = w.slice(3).filter((x) => x !== "-q");
    const task = TASKS[rest[0]];
    if (task === undefined) return { kind: "other", target: `task ${rest[0]}`, args: rest.slice(1) };
    return invocation([...shellWords(task), ...rest.slice(1)]);
  }
  const deno = w[0] === "./node_modules/.bin/deno" || (w[0] === "npx" && w[1] === "deno") ? w.slice(w[0] === "npx" ? 2 : 1) : undefined;
  if (deno?.[0] === "run") {
    const script = deno.slice(1).find((x) => !x.startsWith("-"))!;
    const args = deno.slice(deno.indexOf(script) + 1);
    return script === "engine/cli/main.ts" ? { kind: "cadence", target: args[0], args: args.slice(1) } : { kind: "script", target: script, args };
  }
  return { kind: "other", target: w[0], args: w.slice(1) };
}

/** A command's or a benchmark's options, from its own parser's refusal of an unknown one. */
const optionsOf = new Map<string, Promise<Set<string> | undefined>>();
function validOptions(inv: Invocation): Promise<Set<string> | undefined> {
  const key = `${inv.kind} ${inv.target}`;
  if (!optionsOf.has(key)) optionsOf.set(key, readOptions(inv));
  return optionsOf.get(key)!;
}

async function readOptions(inv: Invocation): Promise<Set<string> | undefined> {
  let err: string;
  if (inv.kind === "cadence") err = (await capture(() => main([inv.target, "--zzzzzzzzzz"]))).err;
  else {
    // a script that reads Deno.args itself would run with the flag: only those going through the CLI's parser
    if (!/benchArgs\(|parse\(Deno\.args/.test(readFileSync(inv.target, "utf8"))) return undefined;
    const out = await new Deno.Command(Deno.execPath(), { args: ["run", "-A", inv.target, "--zzzzzzzzzz"], stderr: "piped", stdout: "null" }).output();
    err = new TextDecoder().decode(out.stderr);
  }
  const list = /valid options: (.*)/.exec(err)?.[1];
  if (!list) throw new Error(`${inv.target}: no list of valid options in its answer to --zzzzzzzzzz: ${err}`);
  return new Set(list.split(", ").map((f) => f.slice(2)));
}

/** `--name` of a flag word (`--print-to-pdf=x` too), or undefined for a word that is not a flag. */
const flagName = (word: string) => /^--([a-z][\w-]*)/.exec(word)?.[1];

/** What is wrong with one doc command, in words (empty when nothing is). */
async function problems(cmd: DocCommand, written: Set<string>): Promise<string[]> {
  // `… > meetings.csv` writes the file a later line reads; what follows a pipe is another program
  const redirect = cmd.words.indexOf(">");
  if (redirect >= 0) written.add(cmd.words[redirect + 1]);
  const end = cmd.words.findIndex((w) => w === ">" || w === "|");
  const inv = invocation(end < 0 ? cmd.words : cmd.words.slice(0, end));
  const found: string[] = [];
  if (inv.kind === "other" && inv.target.startsWith("task ")) return [`no deno task '${inv.target.slice(5)}' in deno.json`];
  if (inv.kind === "cadence" && !COMMAND_NAMES.includes(inv.target)) return [`no cadence command '${inv.target}'`];
  if (inv.kind === "script" && !existsSync(inv.target)) return [`no file ${inv.target}`];
  const options = inv.kind === "other" ? undefined : await validOptions(inv);
  if (inv.kind === "script" && !options) {
    // read by hand: a flag it takes is written in its source
    const source = readFileSync(inv.target, "utf8");
    for (const f of inv.args.map(flagName)) if (f && !source.includes(`"--${f}"`)) found.push(`${inv.target} takes no --${f}`);
  }
  for (const [i, word] of inv.args.entries()) {
    const flag = flagName(word);
    if (flag && options && !options.has(flag)) found.push(`${inv.target}: unknown option --${flag}`);
    // the files it reads: its plans and scripts (positionals with a file's extension) and READS options' values
    const prev = flagName(inv.args[i - 1] ?? "");
    const value = word.includes("=") && flag ? word.slice(word.indexOf("=") + 1) : word;
    if (flag && WRITES.has(flag) && word.includes("=")) written.add(value);
    if (prev && WRITES.has(prev)) written.add(word);
    if (flag || (prev && !READS.has(prev) && options?.has(prev))) continue;
    const path = value.replace(/^(history:|@)/, ""); // curl's --data-binary @plan.yaml reads the file
    const isFile = /\.(ya?ml|csv|json|ts|html)$/.test(path) && !/^https?:/.test(path);
    if (inv.target === "datasets/retail-example.ts") written.add(path); // its argument is the folder it writes
    else if (isFile && !existsSync(path) && ![...written].some((w) => path === w || path.startsWith(`${w}/`))) {
      found.push(`no file ${path} (nor an earlier command on the page that writes it)`);
    }
  }
  return found;
}

async function pageProblems(file: string): Promise<string[]> {
  const written = new Set<string>();
  const found: string[] = [];
  for (const cmd of commandsOf(file)) for (const p of await problems(cmd, written)) found.push(`${cmd.where}: ${p}`);
  return found;
}

/**
 * The one command of `file` whose text holds `needle`: a test names the example it runs by its content,
 * not by its line (a test that named README.md:611 broke when a paragraph above it grew).
 */
function commandWith(file: string, needle: string, also: (c: DocCommand) => boolean = () => true): DocCommand {
  const hits = docCommands().filter((c) => c.where.startsWith(`${file}:`) && c.text.includes(needle) && also(c));
  expect(hits.map((c) => c.where), `one command of ${file} holding '${needle}'`).toHaveLength(1);
  return hits[0];
}

/** The lines a page quotes right under a command (after its continuation lines), to its block's end: `# ` taken off. */
function quotedUnder(c: DocCommand): string[] {
  const [file, line] = c.where.split(":"), lines = readFileSync(file, "utf8").split("\n"), quoted: string[] = [];
  let i = Number(line) - 1;
  while (lines[i].trimEnd().endsWith("\\")) i++;
  for (i++; i < lines.length && !lines[i].trimStart().startsWith("```") && !PROGRAM_LINE.test(lines[i]); i++) {
    if (lines[i].trim() !== "..." && lines[i].trim() !== "") quoted.push(lines[i].replace(/^# /, ""));
  }
  return quoted;
}

/** A line that is itself a command (the next command of a block ends the lines quoted under one). */
const PROGRAM_LINE = /^\s*(\$ )?(npx|\.\/node_modules|deno|printf|curl|chromium|python3|npm)\b/;

describe("the commands of README.md and docs/*.md", () => {
  it("are found: the README's command-line section, the sweep, the benchmarks and the history pages", () => {
    commandWith("README.md", "simulate scenarios/lifecycle.yaml --customers 20000 --days 180");
    commandWith("docs/history.md", "datasets/retail-example.ts out/retail");
    commandWith("docs/pressure-rules.md", "sweep scenarios/lifecycle-capped.yaml");
    // docs/live.md's lines outside the blocks test/live/live-doc.test.ts runs (a benchmark in its prose) too
    commandWith("docs/live.md", "bench/scale-bench.ts --customers N --plan");
    // a command continued over lines with `\`, read whole
    expect(commandWith("README.md", "--out out/sweep --csv out/sweep/csv").words).toContain("--set");
    expect(docCommands().length).toBeGreaterThan(100);
  });

  for (const file of new Set(docCommands().map((c) => c.where.split(":")[0]))) {
    it(`${file}: every command exists, every flag is accepted and every file it reads is there`, async () => {
      expect(await pageProblems(file)).toEqual([]);
    });
  }

  it("a misspelt flag, a command or task that does not exist and a missing plan file are each named", async () => {
    const page = join(mkdtempSync(join(tmpdir(), "doc-commands-")), "page.md");
    writeFileSync(page, [
      "```sh",
      "npx deno task cadence simulate scenarios/lifecycle.yaml --custmers 2000",
      "npx deno task cadence simulte scenarios/lifecycle.yaml",
      "npx deno task benchmark",
      "./node_modules/.bin/deno run -A bench/tuning-bench.ts --customer 1000",
      "```",
      "",
      "Then `npx deno task cadence compare scenarios/lifecycle.yaml scenarios/no-such.yaml\n--report out/r.html`.",
    ].join("\n"));
    expect(await pageProblems(page)).toEqual([
      `${page}:2: simulate: unknown option --custmers`,
      `${page}:3: no cadence command 'simulte'`,
      `${page}:4: no deno task 'benchmark' in deno.json`,
      `${page}:5: bench/tuning-bench.ts: unknown option --customer`,
      `${page}:8: no file scenarios/no-such.yaml (nor an earlier command on the page that writes it)`,
    ]);
  }, 60_000);
});

describe("a few of them, run as written", () => {
  // in a folder of its own (they write out/…), the project's plans beside it
  const root = resolve(".");
  const run = async (words: string[], cwd = mkdtempSync(join(tmpdir(), "doc-run-"))) => {
    symlinkSync(join(root, "scenarios"), join(cwd, "scenarios"));
    const inv = invocation(words);
    const out = await new Deno.Command(Deno.execPath(), { args: ["run", "-A", join(root, "engine/cli/main.ts"), inv.target, ...inv.args], cwd, stdout: "piped", stderr: "piped" }).output();
    return { code: out.code, out: new TextDecoder().decode(out.stdout), err: new TextDecoder().decode(out.stderr), cwd };
  };

  it("explain (README.md, docs/explain.md) prints the timeline lines the pages quote", async () => {
    // the README gives it twice (the command line's list, then the timeline it prints): the one with its output under it
    const readme = commandWith("README.md", "explain scenarios/lifecycle-capped.yaml --customer C0000042", (c) => !c.text.includes("--json") && quotedUnder(c).length > 0);
    const r = await run(readme.words);
    expect(r.code, r.err).toBe(0);
    const lines = r.out.split("\n"), quotedLines = [...quotedUnder(readme), ...quotedUnder(commandWith("docs/explain.md", "--customer C0000042"))];
    expect(quotedLines.length).toBeGreaterThanOrEqual(4);
    for (const line of quotedLines) expect(lines).toContain(line);
  });

  it("compare --csv (README.md, Exports) writes the four files the comment under it names", async () => {
    const cmd = commandWith("README.md", "--csv out/compare/csv");
    const r = await run(cmd.words);
    expect(r.code, r.err).toBe(0);
    const files = quotedUnder(cmd)[0].split(", ");
    expect(files).toHaveLength(4);
    for (const f of files) expect(existsSync(join(r.cwd, "out/compare/csv", f)), f).toBe(true);
  });

  it("simulate --contacts (README.md, Live execution) reads the file the line before writes, and says what the comment quotes", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "doc-run-"));
    const printf = commandWith("README.md", "> meetings.csv"), cmd = commandWith("README.md", "--contacts meetings.csv");
    expect((await new Deno.Command("sh", { args: ["-c", printf.text], cwd }).output()).code).toBe(0);
    const r = await run(cmd.words, cwd);
    expect(r.code, r.err).toBe(0);
    expect(r.out.trimEnd().split("\n").at(-1)).toBe(quotedUnder(cmd)[0]);
  });

  it("simulate of the custom-channels example (README.md, Plans) runs", async () => {
    const r = await run(commandWith("README.md", "simulate scenarios/custom-channels.yaml").words);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^plan custom-channels · 2,000 customers · 90 days/);
  });
});

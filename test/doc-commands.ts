/**
 * The shell commands a user copies from README.md and docs/*.md (docs/live.md's marked blocks are also run
 * whole by test/live/live-doc.test.ts, but its other lines and inline benchmarks are run by nothing): the lines of `sh`/`bash`/`console` and untagged code blocks, and inline
 * code that is a whole command (`npx deno task cadence …`, `./node_modules/.bin/deno run -A bench/…`).
 */
import { readdirSync, readFileSync } from "node:fs";

export interface DocCommand {
  /** `README.md:31`: where a reader finds it. */
  where: string;
  /** The command as written (continued lines joined). */
  text: string;
  /** Its words, as the shell splits them (quotes removed; `$VAR` and `$(…)` kept as written). */
  words: string[];
}

/** The files whose commands are checked: README.md and every docs/*.md. */
export function docFiles(): string[] {
  const docs = readdirSync("docs").filter((f) => f.endsWith(".md")).sort();
  return ["README.md", ...docs.map((f) => `docs/${f}`)];
}

// The programs a doc's command starts with; a block's other lines (output, comments) are not commands.
const PROGRAM = /^(\$ )?((\w+=\S+ )*)(npx|npm|\.\/node_modules\/\.bin\/deno|deno|curl|chromium|jupyter|python3|printf|echo)\b/;
const SHELL_BLOCKS = new Set(["", "sh", "bash", "console"]);

/** Every command of one Markdown file, with the line it starts on. */
export function commandsOf(file: string): DocCommand[] {
  const lines = readFileSync(file, "utf8").split("\n");
  const found: DocCommand[] = [];
  let block: string | undefined; // the open fence's language, or undefined outside a block
  let prose: { text: string; line: number }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^\s*```\s*(\w*)/.exec(lines[i]);
    if (fence) {
      block = block === undefined ? fence[1] : undefined;
      continue;
    }
    if (block === undefined) {
      prose.push({ text: lines[i], line: i + 1 });
      if (lines[i].trim() === "") found.push(...inlineCommands(file, prose)), prose = [];
      continue;
    }
    if (!SHELL_BLOCKS.has(block)) continue;
    const start = i;
    let text = lines[i].trim();
    while (text.endsWith("\\") && i + 1 < lines.length) text = `${text.slice(0, -1)} ${lines[++i].trim()}`;
    text = text.replace(/^\$ /, "");
    if (PROGRAM.test(text)) found.push({ where: `${file}:${start + 1}`, text, words: shellWords(text) });
  }
  found.push(...inlineCommands(file, prose));
  return found;
}

/** Inline code spans of a paragraph (they may wrap across lines) that are a whole command. */
function inlineCommands(file: string, paragraph: { text: string; line: number }[]): DocCommand[] {
  const text = paragraph.map((l) => l.text).join("\n");
  const found: DocCommand[] = [];
  for (const m of text.matchAll(/`([^`]+)`/g)) {
    const span = m[1].replace(/\s*\n\s*/g, " ");
    if (!/^(npx deno (task|run)|\.\/node_modules\/\.bin\/deno run) /.test(span)) continue;
    const line = paragraph[text.slice(0, m.index).split("\n").length - 1].line;
    found.push({ where: `${file}:${line}`, text: span, words: shellWords(span) });
  }
  return found;
}

/**
 * A command line split into words as sh would: quotes removed, a `#` comment dropped; `$(…)` stays one
 * word. Enough for the commands the docs show, not a shell.
 */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined, quote = "", depth = 0;
  for (const c of line) {
    if (quote) {
      if (c === quote) quote = "";
      else word += c;
    } else if (depth) {
      word += c;
      if (c === "(") depth++;
      if (c === ")") depth--;
    } else if (c === "'" || c === '"') quote = c, word ??= "";
    else if (c === "(" && word?.endsWith("$")) word += c, depth = 1;
    else if (c === "#" && word === undefined) break;
    else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? "") + c;
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** Every command of README.md and docs/*.md, in reading order. */
export function docCommands(): DocCommand[] {
  return docFiles().flatMap(commandsOf);
}

if (import.meta.main) for (const c of docCommands()) console.log(`${c.where}\t${c.words.join(" ")}`);

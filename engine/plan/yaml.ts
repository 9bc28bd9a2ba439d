/**
 * YAML text → plain values for plan files and program templates, where every YAML-level problem
 * (syntax, duplicate keys, tabs, bad indentation, an alias to an undefined anchor, an alias inside its
 * own anchor, too many alias expansions, unknown tags) becomes an InputError naming the file and line,
 * never an exception from the parser (issue 9 #10). `lineOf` maps a field path to its source line.
 */
import { type Document, isMap, isSeq, LineCounter, type Node, parseDocument, visit } from "yaml";
import { InputError, type Path } from "./errors.ts";

/** Alias expansions allowed in one file: enough for any hand-written plan, not for a "billion laughs". */
export const MAX_ALIAS_COUNT = 100;

export interface ParsedYaml {
  value: unknown;
  lineOf: (path: Path) => number | undefined;
}

/** Parses one YAML (or JSON) document; throws InputError listing each problem as `file:line: invalid YAML: ...`. */
export function parseYaml(text: string, file: string): ParsedYaml {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const lineAt = (offset: number | undefined) => (offset === undefined ? undefined : lines.linePos(offset).line);
  const problems: string[] = [];
  const add = (line: number | undefined, message: string) =>
    problems.push(`${file}${line ? `:${line}` : ""}: invalid YAML: ${message.split("\n")[0]}`);
  for (const e of [...doc.errors, ...doc.warnings]) {
    const pos = e.linePos?.[0];
    // The parser's text ends "at line L, column C:"; the line leads our message, the column stays.
    const text = e.message.split("\n")[0].replace(/ at line \d+, column (\d+):?$/, " (column $1)");
    // the parser's advice is to its programmer ("please use YAML.parseAllDocuments()"): say what the author can do
    add(pos?.line, /multiple documents/i.test(text) ? "a second YAML document starts here ('---'): a plan file holds one plan; put each plan in its own file" : text);
  }
  if (!problems.length) checkAliases(doc, (offset, message) => add(lineAt(offset), message));
  let value: unknown;
  if (!problems.length) {
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      // Left after checkAliases: the alias expansion limit (the parser's own wording is about attacks).
      const first = firstAlias(doc);
      add(lineAt(first?.range?.[0]), /alias count/i.test((e as Error).message)
        ? `aliases expand to too many nodes (more than ${MAX_ALIAS_COUNT} per file); write the repeated parts out or use program templates`
        : (e as Error).message);
    }
  }
  if (problems.length) throw new InputError(problems.join("\n"));
  const lineOf = (path: Path): number | undefined => {
    // Deepest existing node on the path: a missing field points at its parent.
    let node: unknown = doc.contents;
    let line = lineAt((node as { range?: number[] } | null)?.range?.[0]);
    for (const key of path) {
      let next: unknown, at: unknown;
      if (isMap(node)) {
        const pair = node.items.find((p) => (p.key as { value?: unknown })?.value === key);
        next = pair?.value ?? pair?.key;
        at = pair?.key; // a field's line is its key's line
      } else if (isSeq(node) && typeof key === "number") next = at = node.items[key];
      if (!next) break;
      node = next;
      const range = (at as { range?: number[] } | undefined)?.range ?? (node as { range?: number[] }).range;
      if (range) line = lineAt(range[0]);
    }
    return line;
  };
  return { value, lineOf };
}

/** Reports aliases to an anchor that is not defined before them, and aliases inside their own anchor (cycles). */
function checkAliases(doc: Document, report: (offset: number | undefined, message: string) => void): void {
  visit(doc, {
    Alias(_, alias) {
      const target = alias.resolve(doc) as Node | undefined;
      if (!target) {
        report(alias.range?.[0], `alias *${alias.source} refers to no anchor: define &${alias.source} before it`);
      } else if (target.range && alias.range && alias.range[0] >= target.range[0] && alias.range[0] < target.range[1]) {
        report(alias.range[0], `alias *${alias.source} is inside the node its anchor &${alias.source} names: a plan cannot contain itself`);
      }
    },
  });
}

function firstAlias(doc: Document): Node | undefined {
  let found: Node | undefined;
  visit(doc, {
    Alias(_, alias) {
      found = alias;
      return visit.BREAK;
    },
  });
  return found;
}


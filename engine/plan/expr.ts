/**
 * The safe expression language of plan files: audiences, conditions, priorities, scores, weights.
 *
 *   consent.email && lifecycle != "churned" && daysSince(lastPurchase) > 60
 *   message.channel == "sms" && tenure < 30 ? 3 : 1
 *   lifecycle in ["new", "regular"]
 *
 * Source text is tokenized, parsed (precedence climbing) and compiled to closures. Names resolve only
 * through the Scope the caller gives, at compile time: no eval, no globals, no prototypes.
 *
 * Semantics are total — an expression never throws at run time:
 * - arithmetic on null or a non-number gives null; division or modulo by zero gives null;
 *   `+` of two texts concatenates;
 * - `<`, `<=`, `>`, `>=` compare two numbers or two texts, anything else (null included) is false;
 * - `==` and `!=` compare values strictly (`x == null` tests for a missing value);
 * - `&&`, `||`, `!` use truthiness (null, false, 0, "" are false) and short-circuit; `a && b` gives
 *   a boolean;
 * - `x in [..]` is true when x equals one of the listed literals.
 */

import { closest } from "./errors.ts";

export type Value = number | string | boolean | null;

export interface Scope<C> {
  vars: Record<string, (ctx: C) => Value>;
  functions: Record<string, { args: number | [number, number]; call: (ctx: C, args: Value[]) => Value }>;
}

export type Compiled<C> = ((ctx: C) => Value) & { source: string; refs: string[] };

export class ExprError extends Error {
  constructor(message: string, readonly column: number) {
    super(message);
    this.name = "ExprError";
  }
}

export const truthy = (v: Value): boolean => v !== null && v !== false && v !== 0 && v !== "";
export const toNumber = (v: Value): number => (typeof v === "number" ? v : typeof v === "boolean" ? Number(v) : NaN);

// ---- tokens --------------------------------------------------------------------------------------
type Tok =
  | { t: "num"; v: number; col: number }
  | { t: "str"; v: string; col: number }
  | { t: "name"; v: string; col: number }
  | { t: "op"; v: string; col: number }
  | { t: "end"; col: number };

const OPS = ["&&", "||", "==", "!=", "<=", ">=", "<", ">", "+", "-", "*", "/", "%", "!", "?", ":", "(", ")", "[", "]", ","];
const FORBIDDEN = new Set(["__proto__", "constructor", "prototype", "this", "globalThis", "window", "Deno", "eval", "Function"]);

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const col = i + 1;
    if (/[0-9]/.test(ch) || (ch === "." && /[0-9]/.test(src[i + 1] ?? ""))) {
      const m = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(src.slice(i))!;
      out.push({ t: "num", v: Number(m[0]), col });
      i += m[0].length;
      if (/[A-Za-z_]/.test(src[i] ?? "")) throw new ExprError(`unexpected '${src[i]}' after a number at column ${i + 1}`, i + 1);
      continue;
    }
    if (ch === '"' || ch === "'") {
      let s = "", j = i + 1;
      for (;;) {
        if (j >= src.length) throw new ExprError(`unterminated text starting at column ${col}: add the closing ${ch}`, col);
        const c = src[j];
        if (c === ch) break;
        if (c === "\\") {
          const e = src[j + 1];
          s += e === "n" ? "\n" : e === "t" ? "\t" : e ?? "";
          j += 2;
          continue;
        }
        s += c;
        j++;
      }
      out.push({ t: "str", v: s, col });
      i = j + 1;
      continue;
    }
    if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(src.slice(i))!;
      out.push({ t: "name", v: m[0], col });
      i += m[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new ExprError(`unexpected character '${ch}' at column ${col}`, col);
    out.push({ t: "op", v: op, col });
    i += op.length;
  }
  out.push({ t: "end", col: src.length + 1 });
  return out;
}

// ---- parse + compile -----------------------------------------------------------------------------
type Fn<C> = (ctx: C) => Value;

const WORD_OPS: Record<string, string> = { and: "&&", or: "||", not: "!" };
const BINARY: Record<string, number> = {
  "||": 1, "&&": 2, "==": 3, "!=": 3, "in": 3, "not in": 3, "<": 4, "<=": 4, ">": 4, ">=": 4, "+": 5, "-": 5, "*": 6, "/": 6, "%": 6,
};

function describeTok(t: Tok): string {
  return t.t === "end" ? "the end of the expression" : t.t === "str" ? `text "${t.v}"` : `'${t.v}'`;
}

function listNames(names: string[]): string {
  return names.length > 25 ? `${names.slice(0, 25).join(", ")}, …` : names.join(", ");
}

/**
 * Compiles an expression against a scope; throws ExprError naming the column.
 * @example compileExpression("orders > 1", { vars: { orders: (c) => c.orders }, functions: {} })
 */
export function compileExpression<C>(source: string, scope: Scope<C>): Compiled<C> {
  const toks = tokenize(source);
  const refs = new Set<string>();
  let p = 0;
  const peek = () => {
    const t = toks[p];
    return t.t === "name" && t.v in WORD_OPS ? { t: "op" as const, v: WORD_OPS[t.v], col: t.col } : t;
  };
  const next = () => toks[p++];
  const expectOp = (v: string) => {
    const t = peek();
    if (t.t !== "op" || t.v !== v) throw new ExprError(`expected '${v}' at column ${t.col}, found ${describeTok(t)}`, t.col);
    p++;
  };

  const ternary = (): Fn<C> => {
    const cond = binary(1);
    const t = peek();
    if (t.t === "op" && t.v === "?") {
      p++;
      const a = ternary();
      expectOp(":");
      const b = ternary();
      return (x) => (truthy(cond(x)) ? a(x) : b(x));
    }
    return cond;
  };

  const binaryOp = (): string | null => {
    const t = peek();
    if (t.t === "op" && t.v in BINARY) return t.v;
    if (t.t === "name" && t.v === "in") return "in";
    if (t.t === "op" && t.v === "!" && toks[p + 1]?.t === "name" && (toks[p + 1] as { v: string }).v === "in") return "not in";
    if (t.t === "name" && t.v === "not" && toks[p + 1]?.t === "name" && (toks[p + 1] as { v: string }).v === "in") return "not in";
    return null;
  };

  const binary = (minPrec: number): Fn<C> => {
    let left = unary();
    for (;;) {
      const op = binaryOp();
      if (!op || BINARY[op] < minPrec) return left;
      p += op === "not in" ? 2 : 1;
      if (op === "in" || op === "not in") {
        const set = literalList();
        const l = left, neg = op === "not in";
        left = (x) => set.includes(l(x)) !== neg;
        continue;
      }
      const right = binary(BINARY[op] + 1);
      left = combine(op, left, right);
    }
  };

  const literalList = (): Value[] => {
    expectOp("[");
    const out: Value[] = [];
    if (peek().t === "op" && (peek() as { v: string }).v === "]") {
      p++;
      return out;
    }
    for (;;) {
      const t = next();
      if (t.t === "num" || t.t === "str") out.push(t.v);
      else if (t.t === "op" && t.v === "-" && toks[p].t === "num") out.push(-(next() as { v: number }).v);
      else if (t.t === "name" && (t.v === "true" || t.v === "false" || t.v === "null")) out.push(t.v === "null" ? null : t.v === "true");
      else throw new ExprError(`expected a number or text in the list at column ${t.col}, found ${describeTok(t)}`, t.col);
      const s = peek();
      if (s.t === "op" && s.v === ",") {
        p++;
        continue;
      }
      expectOp("]");
      return out;
    }
  };

  const unary = (): Fn<C> => {
    const t = peek();
    if (t.t === "op" && t.v === "!") {
      p++;
      const a = unary();
      return (x) => !truthy(a(x));
    }
    if (t.t === "op" && t.v === "-") {
      p++;
      const a = unary();
      return (x) => {
        const v = a(x);
        return typeof v === "number" ? -v : null;
      };
    }
    return primary();
  };

  const primary = (): Fn<C> => {
    const t = next();
    switch (t.t) {
      case "num":
      case "str": {
        const v = t.v;
        return () => v;
      }
      case "op":
        if (t.v === "(") {
          const e = ternary();
          expectOp(")");
          return e;
        }
        if (t.v === "[") throw new ExprError(`a list may only follow 'in' (column ${t.col})`, t.col);
        throw new ExprError(`unexpected ${describeTok(t)} at column ${t.col}`, t.col);
      case "end":
        throw new ExprError(`the expression ends too early (column ${t.col}): a value is missing`, t.col);
      case "name": {
        if (t.v === "true") return () => true;
        if (t.v === "false") return () => false;
        if (t.v === "null") return () => null;
        if (t.v.split(".").some((part) => FORBIDDEN.has(part))) throw new ExprError(`'${t.v}' is not allowed (column ${t.col})`, t.col);
        const after = toks[p];
        if (after.t === "op" && after.v === "(") return call(t.v, t.col);
        if (!Object.hasOwn(scope.vars, t.v)) {
          const names = Object.keys(scope.vars);
          const hint = closest(t.v, names);
          throw new ExprError(`unknown name '${t.v}' at column ${t.col}${hint ? `; did you mean '${hint}'?` : ""} valid names: ${listNames(names)}`, t.col);
        }
        refs.add(t.v);
        return scope.vars[t.v];
      }
    }
  };

  const call = (name: string, col: number): Fn<C> => {
    if (!Object.hasOwn(scope.functions, name)) {
      const names = Object.keys(scope.functions);
      const hint = closest(name, names);
      throw new ExprError(`unknown function '${name}' at column ${col}${hint ? `; did you mean '${hint}'?` : ""} valid functions: ${listNames(names)}`, col);
    }
    const f = scope.functions[name];
    expectOp("(");
    const args: Fn<C>[] = [];
    if (!(peek().t === "op" && (peek() as { v: string }).v === ")")) {
      for (;;) {
        args.push(ternary());
        const s = peek();
        if (s.t === "op" && s.v === ",") {
          p++;
          continue;
        }
        break;
      }
    }
    expectOp(")");
    const [lo, hi] = typeof f.args === "number" ? [f.args, f.args] : f.args;
    if (args.length < lo || args.length > hi) {
      const want = lo === hi ? `${lo}` : `${lo} to ${hi}`;
      throw new ExprError(`${name}() takes ${want} argument${hi === 1 ? "" : "s"}, got ${args.length} (column ${col})`, col);
    }
    if (args.length === 0) return (x) => f.call(x, []);
    if (args.length === 1) {
      const [a] = args;
      return (x) => f.call(x, [a(x)]);
    }
    return (x) => f.call(x, args.map((a) => a(x)));
  };

  const body = ternary();
  const end = peek();
  if (end.t !== "end") throw new ExprError(`unexpected ${describeTok(end)} at column ${end.col}: expected an operator or the end`, end.col);
  return Object.assign((x: C) => body(x), { source, refs: [...refs] });
}

function combine<C>(op: string, l: Fn<C>, r: Fn<C>): Fn<C> {
  switch (op) {
    case "&&":
      return (x) => truthy(l(x)) && truthy(r(x));
    case "||":
      return (x) => truthy(l(x)) || truthy(r(x));
    case "==":
      return (x) => l(x) === r(x);
    case "!=":
      return (x) => l(x) !== r(x);
    case "<":
      return (x) => cmp(l(x), r(x), (a, b) => a < b);
    case "<=":
      return (x) => cmp(l(x), r(x), (a, b) => a <= b);
    case ">":
      return (x) => cmp(l(x), r(x), (a, b) => a > b);
    case ">=":
      return (x) => cmp(l(x), r(x), (a, b) => a >= b);
    case "+":
      return (x) => {
        const a = l(x), b = r(x);
        if (typeof a === "number" && typeof b === "number") return a + b;
        if (typeof a === "string" && typeof b === "string") return a + b;
        return null;
      };
    case "-":
      return arith(l, r, (a, b) => a - b);
    case "*":
      return arith(l, r, (a, b) => a * b);
    case "/":
      return arith(l, r, (a, b) => (b === 0 ? null : a / b));
    default:
      return arith(l, r, (a, b) => (b === 0 ? null : a % b));
  }
}

function cmp(a: Value, b: Value, f: (a: number | string, b: number | string) => boolean): boolean {
  if ((typeof a === "number" && typeof b === "number") || (typeof a === "string" && typeof b === "string")) return f(a, b);
  return false;
}

function arith<C>(l: Fn<C>, r: Fn<C>, f: (a: number, b: number) => number | null): Fn<C> {
  return (x) => {
    const a = l(x), b = r(x);
    if (typeof a !== "number" || typeof b !== "number") return null;
    const v = f(a, b);
    return v === null || !Number.isFinite(v) ? null : v;
  };
}

/** Compiles, reporting an ExprError's message through `onError` instead of throwing; null on error. */
export function compileWithin<C>(source: string, scope: Scope<C>, onError: (message: string) => void): Compiled<C> | null {
  try {
    return compileExpression(source, scope);
  } catch (e) {
    if (e instanceof ExprError) {
      onError(e.message);
      return null;
    }
    throw e;
  }
}

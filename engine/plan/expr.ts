/**
 * The safe expression language of plan files: audiences, conditions, priorities, scores, weights.
 *
 *   consent.email && lifecycle != "churned" && daysSince(lastPurchase) > 60
 *   message.channel == "sms" && tenure < 30 ? 3 : 1
 *   lifecycle in ["new", "regular"]        not journey.opened
 *
 * Source text is tokenized, parsed (Pratt) and compiled to a tree of closures. Names resolve only
 * through the Scope the caller gives, at compile time: no eval, no globals, no member access, and
 * `__proto__`, `constructor`, `prototype` never resolve, even if a scope defines them.
 *
 * Precedence, loosest first: `c ? a : b` (right-assoc) · `||` `or` · `&&` `and` · `not` ·
 * `==` `!=` `in` `not in` · `<` `<=` `>` `>=` (they don't chain) · `+` `-` · `*` `/` `%` · `!` `-`.
 * `not` binds like Python's, looser than comparisons: `not a == b` is `not (a == b)`, while
 * `!a == b` is `(!a) == b` as in JavaScript.
 *
 * Semantics are total — an expression never throws at run time (scope functions aside):
 * - arithmetic on null or a non-number gives null; division or modulo by zero gives null; a result
 *   that is not finite (overflow, a NaN from a scope value) gives null; `+` of two texts concatenates;
 * - `<` `<=` `>` `>=` compare two numbers or two texts; anything else (null included) is false;
 * - `==` `!=` compare strictly, no conversion: `1 == "1"` is false, `x == null` tests for a missing
 *   value, `null == null` is true;
 * - `!`, `&&`, `||`, `?:` use truthiness (null, false, 0 and "" are false) and short-circuit;
 *   `!`, `&&`, `||`, comparisons and `in` give booleans; unary `-` of a non-number gives null;
 * - `x in [..]` is true when x strictly equals one of the listed literals.
 */

import { closest } from "./errors.ts";
import { type Compiled, truthy, type Value } from "../core/truthy.ts";
export { type Compiled, truthy, type Value };

/** A compiled expression from this compiler: `constant` when folded at compile time (reads no context). */
export type CompiledExpr<C> = Compiled<C> & { constant?: true };

/**
 * What an expression may name. Dotted keys are whole names (`"consent.email"`); functions are called
 * as plain functions (no `this`) with their evaluated arguments, arity checked at compile time.
 * @example const scope: Scope<Row> = { vars: { orders: (r) => r.orders }, functions: {} };
 */
export interface Scope<C> {
  vars: Record<string, (ctx: C) => Value>;
  functions: Record<string, { args: number | [number, number]; call: (ctx: C, args: Value[]) => Value }>;
}

/** A compile-time error in an expression; `column` is 1-based. @example e.column === 9 */
export class ExprError extends Error {
  constructor(message: string, readonly column: number) {
    super(message);
    this.name = "ExprError";
  }
}


/** A weight or score as a number: booleans are 0/1, text and null are NaN. @example toNumber(true) === 1 */
export const toNumber = (v: Value): number => (typeof v === "number" ? v : typeof v === "boolean" ? +v : NaN);

// ---- tokens --------------------------------------------------------------------------------------
type Tok = { k: "num" | "str" | "name" | "op" | "end"; v: string; n: number; col: number };

// Longest first, so "<=" is never read as "<" then "=".
const OPS = "&& || == != <= >= < > + - * / % ! ? : ( ) [ ] ,".split(" ");
// Characters people bring from other languages, with what they probably meant.
const MISTAKES: Record<string, string> = { "=": "==", "&": "&&", "|": "||", "===": "==", "!==": "!=" };
const ESCAPES: Record<string, string> = { "\\": "\\", '"': '"', "'": "'", n: "\n", t: "\t", r: "\r" };
const NAME = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/;
const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  const push = (k: Tok["k"], v: string, col: number, n = 0) => out.push({ k, v, n, col });
  let i = 0;
  while (i < src.length) {
    const ch = src[i], col = i + 1;
    if (ch === " " || ch === "\t" || ch === "\n" || ch === "\r") {
      i++;
    } else if (NUMBER.test(src.slice(i, i + 2))) {
      const m = NUMBER.exec(src.slice(i))![0];
      i += m.length;
      if (/[A-Za-z_.]/.test(src[i] ?? "")) {
        fail(`unexpected '${src[i]}' right after the number ${m} at column ${i + 1}`, i + 1);
      }
      if (!Number.isFinite(Number(m))) fail(`number ${m} at column ${col} is too large`, col);
      push("num", m, col, Number(m));
    } else if (ch === '"' || ch === "'") {
      let s = "";
      for (i++; src[i] !== ch; i++) {
        if (i >= src.length) fail(`unterminated text starting at column ${col}; close it with ${ch}`, col);
        if (src[i] === "\\") {
          const e = ESCAPES[src[++i]];
          if (e === undefined) {
            if (i >= src.length) {
              fail(`unterminated text starting at column ${col}; close it with ${ch}`, col);
            }
            fail(
              `unknown escape '\\${src[i]}' at column ${i}; valid escapes are \\\\ \\" \\' \\n \\t \\r`,
              i,
            );
          }
          s += e;
        } else s += src[i];
      }
      i++;
      push("str", s, col);
    } else if (NAME.test(src.slice(i, i + 1))) {
      const m = NAME.exec(src.slice(i))![0];
      i += m.length;
      push("name", m, col);
    } else {
      const bad = ["===", "!=="].find((o) => src.startsWith(o, i)) ?? OPS.find((o) => src.startsWith(o, i)) ??
        ch;
      if (MISTAKES[bad]) {
        fail(`unknown operator '${bad}' at column ${col}; did you mean '${MISTAKES[bad]}'?`, col);
      }
      if (!OPS.includes(bad)) fail(`unexpected character '${ch}' at column ${col}`, col);
      i += bad.length;
      push("op", bad, col);
    }
  }
  push("end", "", src.length + 1);
  return out;
}

function fail(message: string, column: number): never {
  throw new ExprError(message, column);
}

function describe(t: Tok): string {
  return t.k === "end"
    ? "the end"
    : t.k === "str"
    ? `text ${JSON.stringify(t.v)}`
    : t.k === "num"
    ? `number ${t.v}`
    : `'${t.v}'`;
}

/**
 * Every valid name, in full (a user fixing a plan needs the one they meant, not the first twenty),
 * grouped: plain names first, then one group per dotted prefix (consent.*, event.*, message.*, …),
 * groups separated by "; ".
 */
function listNames(names: string[]): string {
  if (!names.length) return "(none)";
  const groups = new Map<string, string[]>([["", []]]);
  for (const n of names) {
    const dot = n.indexOf("."), key = dot > 0 ? n.slice(0, dot) : "";
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(n);
  }
  return [...groups.values()].filter((g) => g.length).map((g) => g.join(", ")).join("; ");
}

// ---- parse + compile -----------------------------------------------------------------------------
type Fn<C> = (ctx: C) => Value;
// `k` marks a constant (folded at compile time); `shared` a scope getter we must not decorate.
// `and`/`or` keep the operands of a flattened `a && b && c` chain.
// `chain` keeps the operands and operators of a left-to-right arithmetic chain `a + b - c * ...`.
type Node<C> = { f: Fn<C>; k?: true; shared?: true; and?: Fn<C>[]; or?: Fn<C>[]; chain?: Chain<C> };
type Chain<C> = { fs: Fn<C>[]; ops: string[] };

const LITERALS: Record<string, Value> = { true: true, false: false, null: null };
const NOT_AN_ITEM = "list items must be numbers, texts, true, false or null";
const WANT_OP = "expected an operator or the end";
const RESERVED = new Set(["__proto__", "constructor", "prototype"]);
const BP_TERNARY = 1, BP_NOT = 4, BP_PREFIX = 9, MAX_DEPTH = 100;
/**
 * The most operators (infix, prefix, `?:`, calls) one expression may hold. Real audiences use tens; the
 * limit refuses a generated 20,000-term chain at load time instead of risking a deep evaluation during a
 * run (list items after `in` are not operators and do not count).
 */
export const MAX_OPERATORS = 1000;
/** From this many operators on, an arithmetic chain evaluates in one loop instead of nested closures. */
const CHAIN_LOOP = 8;
const INFIX: Record<string, number> = {
  "||": 2,
  or: 2,
  "&&": 3,
  and: 3,
  "==": 5,
  "!=": 5,
  in: 5,
  "<": 6,
  "<=": 6,
  ">": 6,
  ">=": 6,
  "+": 7,
  "-": 7,
  "*": 8,
  "/": 8,
  "%": 8,
};
const WORDS: Record<string, string> = { or: "||", and: "&&" };
const RELATIONAL = new Set(["<", "<=", ">", ">="]);
const FLIP: Record<string, string> = { "<": ">", "<=": ">=", ">": "<", ">=": "<=" };

/**
 * Compiles an expression against a scope; throws ExprError naming the column and what would be valid.
 * @example compileExpression("orders > 1", { vars: { orders: (c: { orders: number }) => c.orders }, functions: {} })
 */
export function compileExpression<C>(source: string, scope: Scope<C>): CompiledExpr<C> {
  const toks = tokenize(source);
  const refs: string[] = [];
  let p = 0, depth = 0, operators = 0;
  const operator = (t: Tok) => {
    if (++operators > MAX_OPERATORS) {
      fail(`expression too long: more than ${MAX_OPERATORS.toLocaleString("en")} operators (the limit) at column ${t.col}; split it or precompute a customer attribute`, t.col);
    }
  };
  const isOp = (t: Tok, v: string) => (t.k === "op" || t.k === "name") && t.v === v;
  const expect = (v: string, what: string) => {
    const t = toks[p++];
    if (!isOp(t, v)) fail(`expected '${v}' at column ${t.col} ${what}, found ${describe(t)}`, t.col);
  };

  const expr = (minBp: number): Node<C> => {
    if (++depth > MAX_DEPTH) {
      fail(`expression nested too deeply at column ${toks[p].col} (limit ${MAX_DEPTH})`, toks[p].col);
    }
    let left = prefix();
    let lastRel = "";
    for (;;) {
      const t = toks[p];
      if (isOp(t, "?") && minBp <= BP_TERNARY) {
        operator(t);
        p++;
        const a = expr(BP_TERNARY);
        expect(":", `to go with the '?' at column ${t.col}`);
        left = ternary(left, a, expr(BP_TERNARY));
        continue;
      }
      const negated = t.k === "name" && t.v === "not";
      if (negated && !isOp(toks[p + 1], "in")) {
        fail(`expected 'in' after 'not' at column ${toks[p + 1].col}`, toks[p + 1].col);
      }
      const op = negated ? "in" : t.k === "op" || t.k === "name" ? t.v : "";
      const bp = Object.hasOwn(INFIX, op) ? INFIX[op] : 0;
      if (bp === 0 || bp < minBp) break;
      if (RELATIONAL.has(op) && lastRel) {
        fail(
          `comparisons don't chain: '${lastRel}' then '${op}' at column ${t.col}; write a < b && b < c`,
          t.col,
        );
      }
      operator(t);
      p += negated ? 2 : 1;
      lastRel = RELATIONAL.has(op) ? op : "";
      left = op === "in" ? inList(left, negated) : binary(WORDS[op] ?? op, left, expr(bp + 1));
    }
    depth--;
    return left;
  };

  const prefix = (): Node<C> => {
    const t = toks[p++];
    if (isOp(t, "!") || isOp(t, "not") || isOp(t, "-") || (t.k === "name" && isOp(toks[p], "("))) operator(t);
    if (isOp(t, "!") || isOp(t, "not")) {
      const a = expr(t.v === "not" ? BP_NOT + 1 : BP_PREFIX);
      const af = a.f;
      return fold([a], (x) => !truthy(af(x)));
    }
    if (isOp(t, "-")) {
      const a = expr(BP_PREFIX), af = a.f;
      return fold([a], (x) => {
        const v = af(x);
        return typeof v === "number" ? -v : null;
      });
    }
    if (isOp(t, "(")) {
      const e = expr(0);
      expect(")", `to close the '(' at column ${t.col}`);
      return e;
    }
    if (t.k === "num" || t.k === "str") return constant(t.k === "num" ? t.n : t.v);
    if (t.k === "name") {
      if (Object.hasOwn(LITERALS, t.v)) return constant(LITERALS[t.v]);
      if (t.v === "and" || t.v === "or" || t.v === "in") {
        fail(`unexpected '${t.v}' at column ${t.col}; expected a value`, t.col);
      }
      return isOp(toks[p], "(") ? call(t) : variable(t);
    }
    if (isOp(t, "[")) fail(`a list at column ${t.col} may only follow 'in' or 'not in'`, t.col);
    if (t.k === "end" && toks.length === 1) fail("empty expression; expected a value at column 1", 1);
    if (t.k === "end") fail(`missing a value at column ${t.col}, where the expression ends`, t.col);
    return fail(`unexpected ${describe(t)} at column ${t.col}; expected a value`, t.col);
  };

  const inList = (left: Node<C>, negated: boolean): Node<C> => {
    const open = toks[p];
    if (!isOp(open, "[")) {
      fail(
        `expected a list like ["a", "b"] after 'in' at column ${open.col}, found ${describe(open)}`,
        open.col,
      );
    }
    p++;
    const items: Value[] = [];
    while (!isOp(toks[p], "]")) {
      let t = toks[p++];
      const minus = isOp(t, "-") && toks[p].k === "num";
      if (minus) t = toks[p++];
      if (t.k === "num") items.push(minus ? -t.n : t.n);
      else if (t.k === "str") items.push(t.v);
      else if (t.k === "name" && Object.hasOwn(LITERALS, t.v)) items.push(LITERALS[t.v]);
      else fail(`${NOT_AN_ITEM}; found ${describe(t)} at column ${t.col}`, t.col);
      if (isOp(toks[p], ",")) p++;
      else if (!isOp(toks[p], "]")) {
        fail(
          `expected ',' or ']' in the list at column ${toks[p].col}, found ${describe(toks[p])}`,
          toks[p].col,
        );
      }
    }
    p++;
    const lf = left.f;
    if (items.length === 1) {
      const a = items[0];
      return fold([left], negated ? (x) => lf(x) !== a : (x) => lf(x) === a);
    }
    return fold([left], negated ? (x) => !items.includes(lf(x)) : (x) => items.includes(lf(x)));
  };

  const variable = (t: Tok): Node<C> => {
    const name = t.v, at = `at column ${t.col}`;
    if (name.split(".").some((part) => RESERVED.has(part))) {
      fail(
        `reserved name '${name}' ${at} never resolves; valid names: ${listNames(Object.keys(scope.vars))}`,
        t.col,
      );
    }
    if (Object.hasOwn(scope.vars, name)) {
      if (!refs.includes(name)) refs.push(name);
      return { f: scope.vars[name], shared: true };
    }
    if (Object.hasOwn(scope.functions, name)) {
      fail(`'${name}' ${at} is a function; call it like ${name}(...)`, t.col);
    }
    const names = Object.keys(scope.vars);
    const fields = names.filter((n) => n.startsWith(name + "."));
    const parts = name.split(".");
    const owner = parts.map((_, i) => parts.slice(0, i).join(".")).reverse().find((n) =>
      n && Object.hasOwn(scope.vars, n)
    );
    const near = closest(name, names);
    const hint = fields.length
      ? `did you mean ${fields.length === 1 ? `'${fields[0]}'` : `one of ${listNames(fields)}`}? `
      : owner
      ? `'${owner}' is a value and has no field '${name.slice(owner.length + 1)}'; `
      : near
      ? `did you mean '${near}'? `
      : "";
    return fail(`unknown name '${name}' ${at}; ${hint}valid names: ${listNames(names)}`, t.col);
  };

  const call = (t: Tok): Node<C> => {
    const name = t.v, at = `at column ${t.col}`;
    const names = Object.keys(scope.functions);
    if (name.split(".").some((part) => RESERVED.has(part)) || !Object.hasOwn(scope.functions, name)) {
      const near = closest(name, names);
      const hint = Object.hasOwn(scope.vars, name)
        ? `'${name}' is a value, not a function; `
        : near
        ? `did you mean '${near}'? `
        : "";
      fail(`unknown function '${name}' ${at}; ${hint}valid functions: ${listNames(names)}`, t.col);
    }
    p++; // the "(" seen by prefix()
    const args: Fn<C>[] = [];
    while (!isOp(toks[p], ")")) {
      args.push(expr(BP_TERNARY).f);
      if (isOp(toks[p], ",")) p++;
      else if (!isOp(toks[p], ")")) {
        fail(
          `expected ',' or ')' in the call of ${name}() at column ${toks[p].col}, found ${describe(toks[p])}`,
          toks[p].col,
        );
      }
    }
    p++;
    const { args: arity, call: fn } = scope.functions[name];
    const [lo, hi] = typeof arity === "number" ? [arity, arity] : arity;
    if (args.length < lo || args.length > hi) {
      const want = lo === hi ? `${lo} argument${lo === 1 ? "" : "s"}` : `${lo} to ${hi} arguments`;
      fail(`${name}() takes ${want}, got ${args.length} ${at}`, t.col);
    }
    // One closure per arity so the common cases build their argument array without a loop.
    const [a, b, c] = args;
    switch (args.length) {
      case 0:
        return { f: (x) => fn(x, []) };
      case 1:
        return { f: (x) => fn(x, [a(x)]) };
      case 2:
        return { f: (x) => fn(x, [a(x), b(x)]) };
      case 3:
        return { f: (x) => fn(x, [a(x), b(x), c(x)]) };
      default:
        return { f: (x) => fn(x, args.map((g) => g(x))) };
    }
  };

  const body = expr(0);
  const end = toks[p];
  if (end.k !== "end") {
    fail(`unexpected ${describe(end)} at column ${end.col} after a complete expression; ${WANT_OP}`, end.col);
  }
  // Decorating a scope's own getter would leak `source` onto it: give a bare name its own closure.
  const g = body.f, f = body.shared ? (x: C) => g(x) : g;
  return body.k ? Object.assign(f, { source, refs, constant: true as const }) : Object.assign(f, { source, refs });
}

const constant = <C>(v: Value): Node<C> => ({ f: () => v, k: true });

/** A node from operands: folded to a constant when every operand is one (none read the context). */
function fold<C>(operands: Node<C>[], f: Fn<C>): Node<C> {
  return operands.every((o) => o.k) ? constant(f(undefined as C)) : { f };
}

function ternary<C>(cond: Node<C>, a: Node<C>, b: Node<C>): Node<C> {
  if (cond.k) return truthy(cond.f(undefined as C)) ? a : b;
  const c = cond.f, af = a.f, bf = b.f;
  return { f: (x) => (truthy(c(x)) ? af(x) : bf(x)) };
}

const finite = (v: number): Value => (v - v === 0 ? v : null); // false for NaN and ±Infinity

function binary<C>(op: string, l: Node<C>, r: Node<C>): Node<C> {
  // A constant on the left of a comparison moves right (60 < x is x > 60) to share the fast shapes.
  if (l.k && !r.k && (FLIP[op] || op === "==" || op === "!=")) return binary(FLIP[op] ?? op, r, l);
  const lf = l.f, rf = r.f;
  if (r.k && !l.k) {
    // Specialised shapes for `expr OP literal`, the most common form in plans: one call, no re-check.
    const k = rf(undefined as C);
    if (op === "==") return { f: (x) => lf(x) === k };
    if (op === "!=") return { f: (x) => lf(x) !== k };
    if (typeof k === "number" && RELATIONAL.has(op)) return { f: compareToNumber(op, lf, k) };
  }
  if (!(l.k && r.k) && (op === "&&" || op === "||")) {
    // A chain becomes one closure over all its operands: nesting the same `&&` closure in itself
    // makes its call sites polymorphic and costs several times more per evaluation.
    const key = op === "&&" ? "and" : "or";
    const fs = [...(l[key] ?? [lf]), ...(r[key] ?? [rf])];
    return { f: op === "&&" ? every(fs) : some(fs), [key]: fs };
  }
  if (ARITHMETIC.has(op) && !(l.k && r.k)) {
    // Extend the left operand's chain in place (nothing else holds it): the value of `l` is exactly the
    // chain's left-to-right result, whatever the precedence that built it, so `l op r` is one step more.
    const chain = l.chain ?? { fs: [lf], ops: [] };
    chain.fs.push(rf), chain.ops.push(op);
    return { f: chain.ops.length < CHAIN_LOOP ? operate(op, lf, rf) : chainLoop(chain), chain };
  }
  return fold([l, r], operate(op, lf, rf));
}

const ARITHMETIC = new Set(["+", "-", "*", "/", "%"]);

/** A long arithmetic chain in one loop: same semantics as the nested operators, stack depth 1. */
function chainLoop<C>({ fs, ops }: Chain<C>): Fn<C> {
  const first = fs[0], rest = fs.slice(1), codes = ops.map((o) => "+-*/%".indexOf(o));
  return (x) => {
    let a = first(x);
    for (let i = 0; i < rest.length; i++) {
      const b = rest[i](x);
      if (typeof a === "number" && typeof b === "number") {
        const c = codes[i];
        const v = c === 0 ? a + b : c === 1 ? a - b : c === 2 ? a * b : b === 0 ? NaN : c === 3 ? a / b : a % b;
        a = v - v === 0 ? v : null;
      } else a = codes[i] === 0 && typeof a === "string" && typeof b === "string" ? a + b : null;
    }
    return a;
  };
}

function every<C>(fs: Fn<C>[]): Fn<C> {
  const [a, b, c, d] = fs;
  switch (fs.length) {
    case 2:
      return (x) => truthy(a(x)) && truthy(b(x));
    case 3:
      return (x) => truthy(a(x)) && truthy(b(x)) && truthy(c(x));
    case 4:
      return (x) => truthy(a(x)) && truthy(b(x)) && truthy(c(x)) && truthy(d(x));
    default:
      return (x) => {
        for (let i = 0; i < fs.length; i++) if (!truthy(fs[i](x))) return false;
        return true;
      };
  }
}

function some<C>(fs: Fn<C>[]): Fn<C> {
  const [a, b, c, d] = fs;
  switch (fs.length) {
    case 2:
      return (x) => truthy(a(x)) || truthy(b(x));
    case 3:
      return (x) => truthy(a(x)) || truthy(b(x)) || truthy(c(x));
    case 4:
      return (x) => truthy(a(x)) || truthy(b(x)) || truthy(c(x)) || truthy(d(x));
    default:
      return (x) => {
        for (let i = 0; i < fs.length; i++) if (truthy(fs[i](x))) return true;
        return false;
      };
  }
}

function compareToNumber<C>(op: string, l: Fn<C>, k: number): Fn<C> {
  switch (op) {
    case "<":
      return (x) => {
        const a = l(x);
        return typeof a === "number" && a < k;
      };
    case "<=":
      return (x) => {
        const a = l(x);
        return typeof a === "number" && a <= k;
      };
    case ">":
      return (x) => {
        const a = l(x);
        return typeof a === "number" && a > k;
      };
    default:
      return (x) => {
        const a = l(x);
        return typeof a === "number" && a >= k;
      };
  }
}

// One literal closure per operator, rather than a shared closure calling an operator callback,
// so V8 sees a monomorphic body for each.
function operate<C>(op: string, l: Fn<C>, r: Fn<C>): Fn<C> {
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
      return (x) => {
        const a = l(x), b = r(x);
        return typeof a === "number"
          ? typeof b === "number" && a < b
          : typeof a === "string" && typeof b === "string" && a < b;
      };
    case "<=":
      return (x) => {
        const a = l(x), b = r(x);
        return typeof a === "number"
          ? typeof b === "number" && a <= b
          : typeof a === "string" && typeof b === "string" && a <= b;
      };
    case ">":
      return (x) => {
        const a = l(x), b = r(x);
        return typeof a === "number"
          ? typeof b === "number" && a > b
          : typeof a === "string" && typeof b === "string" && a > b;
      };
    case ">=":
      return (x) => {
        const a = l(x), b = r(x);
        return typeof a === "number"
          ? typeof b === "number" && a >= b
          : typeof a === "string" && typeof b === "string" && a >= b;
      };
    case "+":
      return (x) => {
        const a = l(x), b = r(x);
        if (typeof a === "number") return typeof b === "number" ? finite(a + b) : null;
        return typeof a === "string" && typeof b === "string" ? a + b : null;
      };
    case "-":
      return (x) => {
        const a = l(x), b = r(x);
        return typeof a === "number" && typeof b === "number" ? finite(a - b) : null;
      };
    case "*":
      return (x) => {
        const a = l(x), b = r(x);
        return typeof a === "number" && typeof b === "number" ? finite(a * b) : null;
      };
    case "/":
      return (x) => {
        const a = l(x), b = r(x);
        return typeof a === "number" && typeof b === "number" && b !== 0 ? finite(a / b) : null;
      };
    case "%":
      return (x) => {
        const a = l(x), b = r(x);
        return typeof a === "number" && typeof b === "number" && b !== 0 ? finite(a % b) : null;
      };
    default:
      throw new Error(`no such operator: ${op}`); // a bug: INFIX and this switch disagree
  }
}

/**
 * Compiles, reporting an ExprError's message through `onError` instead of throwing; null on error.
 * @example compileWithin(src, scope, (m) => reporter.error(path, `invalid expression: ${m}`)) ?? always
 */
export function compileWithin<C>(
  source: string,
  scope: Scope<C>,
  onError: (message: string) => void,
): CompiledExpr<C> | null {
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

import { describe, expect, it } from "vitest";
import {
  compileExpression,
  compileWithin,
  ExprError,
  type Scope,
  toNumber,
  truthy,
  MAX_OPERATORS,
  type Value,
} from "../../engine/plan/expr.ts";

// A plain-object context: the tests exercise the language, not the customer table.
type Ctx = Record<string, Value>;
const NOW = 1000;

function scopeWith(counter = { calls: 0 }): Scope<Ctx> {
  const vars: Scope<Ctx>["vars"] = {};
  for (
    const name of [
      "lifecycle",
      "orders",
      "tenure",
      "lastPurchase",
      "revenue",
      "name",
      "missing",
      "consent.email",
      "consent.sms",
      "message.channel",
      "journey.opened",
    ]
  ) {
    vars[name] = (c) => (name in c ? c[name] : null);
  }
  return {
    vars,
    functions: {
      daysSince: { args: 1, call: (_c, [t]) => (typeof t === "number" ? NOW - t : null) },
      max: {
        args: [2, 4],
        call: (_c, a) => (a.every((v) => typeof v === "number") ? Math.max(...(a as number[])) : null),
      },
      tick: { args: 0, call: () => ++counter.calls },
      count: { args: 1, call: (_c, [v]) => (counter.calls++, v) },
    },
  };
}

const base: Ctx = {
  lifecycle: "regular",
  orders: 3,
  tenure: 12,
  lastPurchase: 900,
  revenue: 120.5,
  name: "Ann",
  missing: null,
  "consent.email": true,
  "consent.sms": false,
  "message.channel": "sms",
  "journey.opened": false,
};

const run = (src: string, ctx: Ctx = base, scope = scopeWith()) => compileExpression(src, scope)(ctx);

function errorOf(src: string, scope = scopeWith()): ExprError {
  try {
    compileExpression(src, scope);
  } catch (e) {
    expect(e).toBeInstanceOf(ExprError);
    return e as ExprError;
  }
  throw new Error(`compiled: ${src}`);
}

describe("literals and names", () => {
  it("reads numbers, texts, booleans and null", () => {
    expect(run("42")).toBe(42);
    expect(run("3.25")).toBe(3.25);
    expect(run(".5")).toBe(0.5);
    expect(run("1e3")).toBe(1000);
    expect(run('"double"')).toBe("double");
    expect(run("'single'")).toBe("single");
    expect([run("true"), run("false"), run("null")]).toEqual([true, false, null]);
  });

  it("decodes escapes in either quote style", () => {
    expect(run(String.raw`"a\"b"`)).toBe('a"b');
    expect(run(String.raw`'it\'s'`)).toBe("it's");
    expect(run(String.raw`"back\\slash"`)).toBe("back\\slash");
    expect(run(String.raw`"tab\tnew\nret\r"`)).toBe("tab\tnew\nret\r");
    expect(run(`"it's"`)).toBe("it's");
    expect(run(`'say "hi"'`)).toBe('say "hi"');
  });

  it("resolves dotted names as whole keys and records the names used", () => {
    const e = compileExpression('consent.email && message.channel == "sms" && consent.email', scopeWith());
    expect(e(base)).toBe(true);
    expect(e.refs).toEqual(["consent.email", "message.channel"]);
    expect(e.source).toBe('consent.email && message.channel == "sms" && consent.email');
  });

  it("does not decorate the scope's own getter when the expression is a bare name", () => {
    const scope = scopeWith();
    const e = compileExpression("orders", scope);
    expect(e(base)).toBe(3);
    expect(e).not.toBe(scope.vars.orders);
    expect("source" in scope.vars.orders).toBe(false);
  });
});

describe("operators", () => {
  it("does arithmetic and concatenation", () => {
    expect(run("orders + 2")).toBe(5);
    expect(run("orders - 5")).toBe(-2);
    expect(run("orders * 1.5")).toBe(4.5);
    expect(run("orders / 2")).toBe(1.5);
    expect(run("7 % orders")).toBe(1);
    expect(run("-orders")).toBe(-3);
    expect(run("- -orders")).toBe(3);
    expect(run('name + " B."')).toBe("Ann B.");
  });

  it("compares numbers and texts", () => {
    expect([run("orders < 3"), run("orders <= 3"), run("orders > 3"), run("orders >= 3")]).toEqual([
      false,
      true,
      false,
      true,
    ]);
    expect([run("2 < orders"), run("3 <= orders"), run("4 > orders"), run("3 >= orders")]).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect([run("tenure < orders"), run("tenure <= orders"), run("tenure > orders"), run("tenure >= orders")])
      .toEqual([false, false, true, true]);
    expect([run('name < "Bob"'), run('name >= "Ann"'), run('"b" > name')]).toEqual([true, true, true]);
    expect([run('lifecycle == "regular"'), run('lifecycle != "regular"'), run('"regular" == lifecycle')])
      .toEqual([true, false, true]);
    expect([run("orders == tenure"), run("orders != tenure")]).toEqual([false, true]);
  });

  it("compares strictly, without conversion", () => {
    expect(run('orders == "3"')).toBe(false);
    expect(run("1 == true")).toBe(false);
    expect(run('orders < "4"')).toBe(false);
  });

  it("has logical operators in symbols and words, giving booleans", () => {
    expect(run("orders && name")).toBe(true);
    expect(run("orders && journey.opened")).toBe(false);
    expect(run("journey.opened || 0")).toBe(false);
    expect(run("journey.opened || orders")).toBe(true);
    expect(run("consent.email and not consent.sms")).toBe(true);
    expect(run("consent.sms or journey.opened")).toBe(false);
    expect(run("!journey.opened")).toBe(true);
    expect(run("!!name")).toBe(true);
  });

  it("chooses with a ternary, nested to the right", () => {
    expect(run('message.channel == "sms" && tenure < 30 ? 3 : 1')).toBe(3);
    expect(run('message.channel == "sms" && tenure < 30 ? 3 : 1', { ...base, tenure: 40 })).toBe(1);
    expect(run('orders > 5 ? "many" : orders > 1 ? "some" : "few"')).toBe("some");
    expect(run("true ? false ? 1 : 2 : 3")).toBe(2);
  });

  it("tests membership in a literal list", () => {
    expect(run('lifecycle in ["new", "regular"]')).toBe(true);
    expect(run('lifecycle not in ["new", "regular"]')).toBe(false);
    expect(run('lifecycle in ["churned"]')).toBe(false);
    expect(run('lifecycle not in ["churned"]')).toBe(true);
    expect(run("orders in [1, 2, 3]")).toBe(true);
    expect(run("-orders in [-3, 0]")).toBe(true);
    expect(run("missing in [null, false]")).toBe(true);
    expect(run("orders in []")).toBe(false);
    expect(run("orders in [1, 2, 3,]")).toBe(true);
  });

  it("calls scope functions, with a range of arguments", () => {
    expect(run("daysSince(lastPurchase) > 60")).toBe(true);
    expect(run("max(orders, tenure)")).toBe(12);
    expect(run("max(1, 2, orders + 10)")).toBe(13);
    expect(run("max(1, 2, 3, 4)")).toBe(4);
    expect(run("daysSince(orders > 1 ? lastPurchase : 0)")).toBe(100);
  });
});

describe("precedence", () => {
  it.each([
    ["1 + 2 * 3", 7],
    ["(1 + 2) * 3", 9],
    ["10 - 4 - 3", 3],
    ["24 / 4 / 2", 3],
    ["2 * 3 % 4", 2],
    ["-2 * 3", -6],
    ["1 + 2 < 4", true],
    ["1 < 2 == true", true],
    ["false && false || true", true],
    ["true || false && false", true],
    ["!false && false", false],
    ["!(false && false)", true],
    ["!orders == false", true], // ! binds tighter than ==, as in JavaScript
    ["not orders == 4", true], // not binds looser, as in Python
    ["not orders in [3] or true", true],
    ["not true and false", false],
    ["orders > 1 ? 10 : 20 + 1", 10],
    ["orders > 9 ? 10 : 20 + 1", 21],
    ["true || false ? 1 : 2", 1],
    ["orders + 1 in [4]", true],
    ["orders < 4 == tenure > 4", true],
  ] as [string, Value][])("%s gives %s", (src, want) => {
    expect(run(src)).toBe(want);
  });

  it("folds constant parts at compile time", () => {
    expect(run('2 * 3 + 1 == 7 ? "yes" : "no"')).toBe("yes");
    expect(run("false ? orders : 5")).toBe(5);
  });
});

describe("null and type semantics never throw", () => {
  const none: Ctx = {};
  it.each([
    ["missing + 1", null],
    ["1 - missing", null],
    ["missing * 2", null],
    ["name * 2", null],
    ["name + 1", null],
    ["1 + name", null],
    ["true + 1", null],
    ["-name", null],
    ["-missing", null],
    ["orders / 0", null],
    ["orders % 0", null],
    ["0 / 0", null],
    ["1e308 * 10", null],
    ["missing < 1", false],
    ["missing >= 1", false],
    ["1 > missing", false],
    ["missing <= missing", false],
    ["orders < name", false],
    ["missing == null", true],
    ["missing != null", false],
    ["orders == null", false],
    ["orders != null", true],
    ["null == null", true],
    ["!missing", true],
    ["missing ? 1 : 2", 2],
    ["missing || 0", false],
    ["daysSince(missing) > 60", false],
  ] as [string, Value][])("%s gives %s", (src, want) => {
    expect(run(src)).toBe(want);
  });

  it("evaluates every expression against an empty context without throwing", () => {
    for (
      const src of [
        'consent.email && lifecycle != "churned" && daysSince(lastPurchase) > 60',
        "-revenue / orders * 2 % 3",
        "name + name < lifecycle",
      ]
    ) {
      expect(() => run(src, none)).not.toThrow();
    }
  });

  it("defines truthy and toNumber", () => {
    expect([null, false, 0, ""].map(truthy)).toEqual([false, false, false, false]);
    expect([true, 1, -1, "0", "x"].map(truthy)).toEqual([true, true, true, true, true]);
    expect([toNumber(2.5), toNumber(true), toNumber(false)]).toEqual([2.5, 1, 0]);
    expect(toNumber(null)).toBeNaN();
    expect(toNumber("3")).toBeNaN();
  });
});

describe("short-circuit evaluation", () => {
  it("skips the right side of && and || and the branch not taken", () => {
    const counter = { calls: 0 };
    const scope = scopeWith(counter);
    const at = (src: string) => {
      counter.calls = 0;
      compileExpression(src, scope)(base);
      return counter.calls;
    };
    expect(at("journey.opened && tick()")).toBe(0);
    expect(at("consent.email && tick()")).toBe(1);
    expect(at("consent.email || tick()")).toBe(0);
    expect(at("journey.opened or tick()")).toBe(1);
    expect(at("false and tick() > 0")).toBe(0);
    expect(at("orders > 1 ? count(1) : count(2) + count(3)")).toBe(1);
    expect(at("orders > 9 ? count(1) : count(2) + count(3)")).toBe(2);
    expect(at("count(1) + count(2) > 0 && count(3)")).toBe(3);
  });

  it("stops a long chain at the first deciding operand", () => {
    const counter = { calls: 0 };
    const scope = scopeWith(counter);
    const at = (src: string) => {
      counter.calls = 0;
      const v = compileExpression(src, scope)(base);
      return [v, counter.calls];
    };
    expect(at("count(1) && count(2) && count(0) && count(3) && count(4) && count(5)")).toEqual([false, 3]);
    expect(at("count(1) && count(2) && count(3) && count(4) && count(5) && count(6)")).toEqual([true, 6]);
    expect(at("count(0) || count(0) || count(0) || count(7) || count(0) || count(0)")).toEqual([true, 4]);
    expect(at("count(0) || count(0) || count(0) || count(0) || count(0)")).toEqual([false, 5]);
    expect(at("count(0) && count(1) || count(2) && count(0) || count(3)")).toEqual([true, 4]);
    expect(at("(count(0) || count(1)) && (count(1) || count(0))")).toEqual([true, 3]);
  });

  it("calls functions at run time, never at compile time", () => {
    const counter = { calls: 0 };
    const e = compileExpression("tick() + tick()", scopeWith(counter));
    expect(counter.calls).toBe(0);
    expect(e(base)).toBe(3);
    expect(counter.calls).toBe(2);
  });
});

describe("compile errors name the column and what would be valid", () => {
  it("suggests the closest name and lists the valid ones", () => {
    const e = errorOf('lifecylce == "new"');
    expect(e.message).toBe(
      "unknown name 'lifecylce' at column 1; did you mean 'lifecycle'? valid names: lifecycle, orders, tenure, lastPurchase, revenue, name, missing; consent.email, consent.sms; message.channel; journey.opened",
    );
    expect(e.column).toBe(1);
    expect(errorOf("orders > 1 && zzzz").message).toMatch(
      /^unknown name 'zzzz' at column 15; valid names: lifecycle, /,
    );
  });

  it("lists every valid name, grouped by prefix, however many there are (issue 12 #7)", () => {
    const vars: Scope<Ctx>["vars"] = {};
    for (let i = 0; i < 30; i++) vars[`v${i}`] = () => i;
    for (const k of ["b", "a"]) vars[`event.${k}`] = () => k;
    vars["message.channel"] = () => "email";
    expect(errorOf("nope", { vars, functions: {} }).message).toBe(
      `unknown name 'nope' at column 1; valid names: ${
        Array.from({ length: 30 }, (_, i) => `v${i}`).join(", ")
      }; event.b, event.a; message.channel`,
    );
  });

  it("explains dotted names: a group, a value without fields", () => {
    expect(errorOf("consent").message).toMatch(
      /^unknown name 'consent' at column 1; did you mean one of consent\.email, consent\.sms\? valid names: /,
    );
    expect(errorOf("journey.opened.at").message).toMatch(
      /^unknown name 'journey\.opened\.at' at column 1; 'journey\.opened' is a value and has no field 'at'; valid names: /,
    );
  });

  it("rejects unknown functions, suggesting the closest", () => {
    const e = errorOf("daysSnce(lastPurchase) > 60");
    expect(e.message).toBe(
      "unknown function 'daysSnce' at column 1; did you mean 'daysSince'? valid functions: daysSince, max, tick, count",
    );
    expect(e.column).toBe(1);
    expect(errorOf("1 + orders(2)").message).toBe(
      "unknown function 'orders' at column 5; 'orders' is a value, not a function; valid functions: daysSince, max, tick, count",
    );
    expect(errorOf("daysSince > 3").message).toBe(
      "'daysSince' at column 1 is a function; call it like daysSince(...)",
    );
  });

  it("checks arity at compile time", () => {
    expect(errorOf("orders + daysSince()").message).toBe("daysSince() takes 1 argument, got 0 at column 10");
    expect(errorOf("daysSince(1, 2)").column).toBe(1);
    expect(errorOf("max(1)").message).toBe("max() takes 2 to 4 arguments, got 1 at column 1");
    expect(errorOf("max(1, 2, 3, 4, 5)").message).toBe("max() takes 2 to 4 arguments, got 5 at column 1");
    expect(errorOf("tick(1)").message).toBe("tick() takes 0 arguments, got 1 at column 1");
  });

  it.each([
    ["orders >", "missing a value at column 9, where the expression ends", 9],
    ["", "empty expression; expected a value at column 1", 1],
    ["   ", "empty expression; expected a value at column 1", 1],
    ["orders > > 1", "unexpected '>' at column 10; expected a value", 10],
    ["(orders > 1", "expected ')' at column 12 to close the '(' at column 1, found the end", 12],
    [
      "orders > 1)",
      "unexpected ')' at column 11 after a complete expression; expected an operator or the end",
      11,
    ],
    [
      "orders 1",
      "unexpected number 1 at column 8 after a complete expression; expected an operator or the end",
      8,
    ],
    [
      "orders > 1 tenure",
      "unexpected 'tenure' at column 12 after a complete expression; expected an operator or the end",
      12,
    ],
    ["orders ? 1", "expected ':' at column 11 to go with the '?' at column 8, found the end", 11],
    ["max(1 2)", "expected ',' or ')' in the call of max() at column 7, found number 2", 7],
    ['name == "Ann', 'unterminated text starting at column 9; close it with "', 9],
    ["name == 'Ann\\'", "unterminated text starting at column 9; close it with '", 9],
    [String.raw`"a\qb"`, String.raw`unknown escape '\q' at column 3; valid escapes are \\ \" \' \n \t \r`, 3],
    ["orders = 3", "unknown operator '=' at column 8; did you mean '=='?", 8],
    ["orders === 3", "unknown operator '===' at column 8; did you mean '=='?", 8],
    ["a & b", "unknown operator '&' at column 3; did you mean '&&'?", 3],
    ["orders # 3", "unexpected character '#' at column 8", 8],
    ["orders > 3x", "unexpected 'x' right after the number 3 at column 11", 11],
    ["1.2.3", "unexpected '.' right after the number 1.2 at column 4", 4],
    ["1e999 > orders", "number 1e999 at column 1 is too large", 1],
    ['["a"] == lifecycle', "a list at column 1 may only follow 'in' or 'not in'", 1],
    ["lifecycle in name", "expected a list like [\"a\", \"b\"] after 'in' at column 14, found 'name'", 14],
    [
      "lifecycle in [name]",
      "list items must be numbers, texts, true, false or null; found 'name' at column 15",
      15,
    ],
    ['lifecycle in ["a" "b"]', "expected ',' or ']' in the list at column 19, found text \"b\"", 19],
    ["lifecycle not [1]", "expected 'in' after 'not' at column 15", 15],
    ["0 < orders < 5", "comparisons don't chain: '<' then '<' at column 12; write a < b && b < c", 12],
    ["orders and or tenure", "unexpected 'or' at column 12; expected a value", 12],
  ] as [string, string, number][])("%j: %s", (src, message, column) => {
    const e = errorOf(src);
    expect(e.message).toBe(message);
    expect(e.column).toBe(column);
  });

  it("stops runaway nesting with an error, not a stack overflow", () => {
    expect(errorOf("(".repeat(500) + "1" + ")".repeat(500)).message).toMatch(
      /^expression nested too deeply at column \d+ \(limit 100\)$/,
    );
    expect(run("(".repeat(50) + "1" + ")".repeat(50))).toBe(1);
  });

  it("compileWithin reports the message and returns null", () => {
    const messages: string[] = [];
    expect(compileWithin("lifecylce", scopeWith(), (m) => messages.push(m))).toBeNull();
    expect(compileWithin("orders > 1", scopeWith(), (m) => messages.push(m))!(base)).toBe(true);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^unknown name 'lifecylce' at column 1; did you mean 'lifecycle'\?/);
  });
});

describe("nothing outside the scope is reachable", () => {
  it.each(["constructor", "__proto__", "prototype", "consent.constructor", "orders.__proto__"])(
    "%s never resolves as a name",
    (src) => {
      expect(errorOf(src).message).toMatch(
        new RegExp(`^reserved name '${src}' at column 1 never resolves; valid names: `),
      );
    },
  );

  it("never resolves reserved words even when a scope defines them", () => {
    const scope: Scope<Ctx> = {
      vars: { constructor: () => 1, __proto__: () => 2 } as Scope<Ctx>["vars"],
      functions: { constructor: { args: 0, call: () => 3 } },
    };
    expect(errorOf("constructor", scope).message).toMatch(/^reserved name 'constructor'/);
    expect(errorOf("constructor()", scope).message).toMatch(/^unknown function 'constructor' at column 1/);
  });

  it.each([
    "globalThis",
    "Deno",
    "this",
    "window",
    "process",
    "eval",
    "Function",
    "toString",
    "hasOwnProperty",
    "valueOf",
  ])(
    "%s is an unknown name",
    (src) => {
      expect(errorOf(src).message).toMatch(new RegExp(`^unknown name '${src}' at column 1; `));
    },
  );

  it.each([
    ["constructor()", "unknown function 'constructor'"],
    ["toString()", "unknown function 'toString'"],
    ['eval("1")', "unknown function 'eval'"],
    ["name.constructor", "reserved name 'name.constructor'"],
    ['"abc".length', "unexpected character '.' at column 6"],
    ['name["length"]', "unexpected '[' at column 5 after a complete expression"],
    ["globalThis.Deno.exit(1)", "unknown function 'globalThis.Deno.exit'"],
  ])("%s is rejected: %s", (src, start) => {
    expect(errorOf(src).message.startsWith(start)).toBe(true);
  });
});

describe("size limit and long chains (issue 9 #7)", () => {
  const scope = scopeWith();
  // Independent reference: the documented semantics applied left to right, one operator at a time.
  const ref = (vals: Value[], ops: string[]): Value => {
    let a = vals[0];
    ops.forEach((op, i) => {
      const b = vals[i + 1];
      if (op === "+" && typeof a === "string" && typeof b === "string") return void (a = a + b);
      if (typeof a !== "number" || typeof b !== "number" || ((op === "/" || op === "%") && b === 0)) return void (a = null);
      const v = op === "+" ? a + b : op === "-" ? a - b : op === "*" ? a * b : op === "/" ? a / b : a % b;
      a = Number.isFinite(v) ? v : null;
    });
    return a;
  };
  const chain = (n: number, op: (i: number) => string) =>
    Array.from({ length: n }, (_, i) => `${i ? ` ${op(i)} ` : ""}${i % 3 === 0 ? "orders" : i % 3 === 1 ? String((i % 11) + 1) : "tenure"}`).join("");

  it("refuses more than MAX_OPERATORS operators with the limit, at compile time", () => {
    const long = chain(20_000, () => "+");
    const e = (() => {
      try {
        compileExpression(long, scope);
      } catch (e) {
        return e as ExprError;
      }
    })();
    expect(e).toBeInstanceOf(ExprError);
    expect(e!.message).toMatch(/^expression too long: more than 1,000 operators \(the limit\) at column \d+; split it/);
    expect(MAX_OPERATORS).toBe(1000);
    expect(() => compileExpression(chain(1002, () => "+"), scope)).toThrow(/too long/); // 1,001 operators
    expect(() => compileExpression(chain(1001, () => "+") + " > 3", scope)).toThrow(/too long/);
    expect(() => compileExpression(chain(1001, () => "+"), scope)).not.toThrow(); // exactly 1,000
    expect(() => compileExpression(`-${"-".repeat(50)}orders`, scope)).not.toThrow();
  });

  it("evaluates a 1,000-term chain in a loop, equal to the left-to-right semantics", () => {
    const ops = ["+", "-"];
    const src = chain(1000, (i) => ops[i % 2]);
    const f = compileExpression(src, scope);
    const vals = (ctx: Ctx) => Array.from({ length: 1000 }, (_, i) => (i % 3 === 0 ? ctx.orders : i % 3 === 1 ? (i % 11) + 1 : ctx.tenure));
    const opList = Array.from({ length: 999 }, (_, i) => ops[(i + 1) % 2]);
    for (const ctx of [{ orders: 3, tenure: 40 }, { orders: -2.5, tenure: 0 }, { orders: null, tenure: 1 }, { orders: "x", tenure: 2 }] as Ctx[]) {
      expect(f(ctx)).toBe(ref(vals(ctx), opList));
    }
    expect(f({ orders: 3, tenure: 40 })).toBe(ref(vals({ orders: 3, tenure: 40 }), opList));
    expect(typeof f({ orders: 3, tenure: 40 })).toBe("number");
  });

  it("keeps division by zero, overflow and text concatenation in long mixed chains", () => {
    let seed = 9;
    const u = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let trial = 0; trial < 300; trial++) {
      const n = 2 + Math.floor(u() * 40);
      const ctx: Ctx = { orders: u() < 0.2 ? null : Math.round((u() - 0.5) * 40) / 4, name: "ab" };
      const terms: string[] = [], vals: Value[] = [], ops: string[] = [];
      for (let i = 0; i < n; i++) {
        const r = u(), k = 1 + Math.floor(u() * 9);
        const [t, v]: [string, Value] = r < 0.3 ? ["orders", ctx.orders] : r < 0.4 ? ["name", "ab"] : r < 0.5 ? ["0", 0] : r < 0.55 ? ["1e308", 1e308] : r < 0.6 ? ["null", null] : [String(k), k];
        terms.push(t), vals.push(v);
        if (i) ops.push(["+", "+", "-", "*", "/", "%"][Math.floor(u() * 6)]);
      }
      // Parenthesise each prefix so precedence does not reorder: the value is the left-to-right chain.
      let src = terms[0];
      for (let i = 1; i < n; i++) src = `(${src}) ${ops[i - 1]} ${terms[i]}`;
      expect(compileExpression(src, scope)(ctx), src).toBe(ref(vals, ops));
    }
  });
});

/**
 * Expression evaluation speed: the README's audience example over a struct-like context, a million
 * evaluations after a warm-up, and a 500-term arithmetic chain (the loop path). Prints ns/eval.
 * Moved out of the unit suite: a timing has no assertion that can fail on a shared machine.
 * Run: ./node_modules/.bin/deno run -A bench/expr-bench.ts [evaluations]
 */
import { compileExpression, type Scope } from "../engine/plan/expr.ts";

const N = Number(Deno.args[0] ?? 1_000_000);
const NOW = 1000;
type Row = { email: boolean; lifecycle: string; lastPurchase: number };
const scope: Scope<Row> = {
  vars: {
    "consent.email": (r) => r.email,
    lifecycle: (r) => r.lifecycle,
    lastPurchase: (r) => r.lastPurchase,
  },
  functions: { daysSince: { args: 1, call: (_r, [t]) => (typeof t === "number" ? NOW - t : null) } },
};
const ctxs: Row[] = Array.from({ length: 1024 }, (_, i) => ({
  email: i % 7 !== 0,
  lifecycle: i % 5 ? "regular" : "churned",
  lastPurchase: 900 - (i % 200),
}));

function time(label: string, source: string, n: number): void {
  const e = compileExpression(source, scope);
  let sink = 0;
  for (let i = 0; i < Math.min(n, 100_000); i++) sink += e(ctxs[i & 1023]) ? 1 : 0; // warm up
  sink = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) sink += e(ctxs[i & 1023]) ? 1 : 0;
  const ns = ((performance.now() - t0) * 1e6) / n;
  console.log(`${label.padEnd(28)} ${ns.toFixed(1).padStart(8)} ns/eval  (${sink.toLocaleString("en")} of ${n.toLocaleString("en")} truthy)`);
}

time("audience example", 'consent.email && lifecycle != "churned" && daysSince(lastPurchase) > 60', N);
time("500-term arithmetic chain", Array.from({ length: 500 }, (_, i) => (i % 2 ? "lastPurchase" : String(i))).join(" + "), Math.max(1, Math.floor(N / 100)));

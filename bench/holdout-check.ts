// Known truth, simulator: a program's holdout estimate (its treated entrants' mean revenue minus its held-out
// entrants', times the treated entrants) beside the paired no-plan difference of a plan of that program
// alone, seed by seed. Entrants: customers with a decision of the program (the first one comes before any
// effect). Usage: bench/holdout-check.ts [customers] [days] [seeds] [holdout share] (docs/report.md).
import { parsePlan, runPlan } from "../engine/mod.ts";
import { inHoldout } from "../engine/core/decide.ts";
import { PER4 } from "../engine/core/record.ts";
import { T8 } from "../engine/sim/metrics.ts";

const customers = Number(Deno.args[0] ?? 4000), days = Number(Deno.args[1] ?? 90), seeds = Number(Deno.args[2] ?? 5);
const share = Number(Deno.args[3] ?? 0.2);
const plans = {
  welcome: `name: w\ncurrency: EUR\nchannels: { email: { cost: 0.002 } }\nprograms:\n  - use: programs/welcome\n    with: { holdout: ${share} }\n`,
  newsletter: `name: n\ncurrency: EUR\nchannels: { email: { cost: 0.002 } }\nprograms:\n  - use: programs/newsletter\n    holdout: ${share}\n`,
};
const t975 = (df: number) => ({ 1: 12.71, 2: 4.30, 3: 3.18, 4: 2.78, 5: 2.57, 6: 2.45, 7: 2.36, 8: 2.31, 9: 2.26 } as Record<number, number>)[df] ?? 1.96;
for (const [name, src] of Object.entries(plans)) {
  const loaded = parsePlan(src, "scenarios/holdout-check.yaml");
  const est: number[] = [], truth: number[] = [];
  for (let s = 1; s <= seeds; s++) {
    const r = runPlan(loaded, { customers, days, seed: s, record: true });
    const entered = new Set(r.recorder!.mCust);
    const t = r.run.population.table, m = r.run.metrics, prog = r.run.plan.programs[0];
    const g: [number[], number[]] = [[], []];
    for (let c = 0; c < t.size; c++) if (entered.has(c)) g[inHoldout(r.run.seed, t.key[c * PER4], prog) ? 1 : 0].push(m.revenueOf[c * T8]);
    const st = (v: number[]) => { const n = v.length, mu = v.reduce((a, b) => a + b, 0) / n; return { n, mu, v: v.reduce((a, x) => a + (x - mu) ** 2, 0) / (n - 1) }; };
    const T = st(g[0]), H = st(g[1]);
    const d = T.mu - H.mu, se = Math.sqrt(T.v / T.n + H.v / H.n);
    est.push(d * T.n);
    truth.push(r.summary.incrementalRevenue);
    console.log(`${name} seed ${s}: treated ${T.n}, holdout ${H.n}; holdout estimate ${(d * T.n).toFixed(0)} [${((d - 1.96 * se) * T.n).toFixed(0)}, ${((d + 1.96 * se) * T.n).toFixed(0)}]; paired no-plan difference ${r.summary.incrementalRevenue.toFixed(0)}; holdout decisions ${r.summary.holdout}, contacts ${r.summary.contacts}`);
  }
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const sd = (v: number[]) => Math.sqrt(v.reduce((a, x) => a + (x - mean(v)) ** 2, 0) / (v.length - 1));
  const k = t975(seeds - 1) / Math.sqrt(seeds);
  console.log(`${name}: mean over ${seeds} seeds: holdout estimate ${mean(est).toFixed(0)} ± ${(k * sd(est)).toFixed(0)}, paired difference ${mean(truth).toFixed(0)} ± ${(k * sd(truth)).toFixed(0)}`);
}

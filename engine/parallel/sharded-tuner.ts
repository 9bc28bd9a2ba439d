/**
 * The tuner (engine/sim/tuner.ts) with the population split across workers that stay: each worker
 * draws its customers once, and each slider move re-runs the plan on a copy of them in every worker at
 * once, then the shards are merged. Results are those of `tuner` (and so of `runPlan`), whatever the
 * number of workers: the rules of engine/parallel/sharded-run.ts.
 */
import { parseDate } from "../core/time.ts";
import { type LoadedPlan, parsePlan } from "../plan/load.ts";
import { planWorld } from "../plan/world-section.ts";
import { setPath } from "../sweep/set-path.ts";
import { baselineKey, peek, store } from "../sim/baseline-cache.ts";
import { syntheticDescribe } from "../sim/population.ts";
import { type BaselineFigures, DEFAULT_START, type RunOptions, type RunResult, summarise } from "../sim/run.ts";
import { ShardPool } from "./shard-pool.ts";

export interface ShardedTuner {
  /** The plan with these values set (paths as in `sweep --set`), run on the same customers. */
  run(values: Record<string, unknown>): Promise<RunResult>;
  baseline: BaselineFigures;
  /** Stops the workers. */
  close(): void;
}

/**
 * @example const t = await shardedTuner(loadPlan("scenarios/lifecycle-capped.yaml"), { customers: 50_000, workers: 2 }); (await t.run({ "pressure.rules.two-a-week.cap": 3 })).summary; t.close()
 */
export async function shardedTuner(loaded: LoadedPlan, o: Omit<RunOptions, "baseline" | "population" | "record" | "recorder"> & { workers: number }): Promise<ShardedTuner> {
  const customers = o.customers ?? 10_000, seed = o.seed ?? 1, days = o.days ?? 365, startText = o.start ?? DEFAULT_START;
  const start = parseDate(startText);
  if (start === null) throw new Error(`invalid start date: ${startText}`);
  const text = (p: LoadedPlan) => ({ text: JSON.stringify(p.source), file: p.file });
  const pool = await ShardPool.open({ plan: text(loaded), baseline: false, customers, days, seed, start: o.start, world: o.world, record: "none" }, o.workers);
  try {
    const key = baselineKey("run", syntheticDescribe({ customers, seed, start, days, world: planWorld(loaded, o.world) }));
    const baseline = peek<BaselineFigures>(key, o.cache ?? "memory") ??
      store(key, o.cache ?? "memory", await pool.baselineFigures(text(loaded)));
    return {
      baseline,
      async run(values) {
        let doc: unknown = loaded.source;
        for (const [path, v] of Object.entries(values)) doc = setPath(doc, path, v);
        const variant = Object.keys(values).length ? parsePlan(JSON.stringify(doc), loaded.file) : loaded;
        const world = planWorld(variant, o.world);
        const run = await pool.run(text(variant), { onDay: (d, n) => o.onDay?.("plan", d, n) });
        return { summary: summarise(variant, run, baseline, world, startText), run, baseline, recorder: null, world };
      },
      close: () => pool.close(),
    };
  } catch (e) {
    pool.close();
    throw e;
  }
}

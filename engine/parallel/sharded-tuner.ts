/**
 * The tuner (engine/sim/tuner.ts) with the population split across workers that stay: each worker
 * draws its customers once, and each slider move re-runs the plan on them in every worker at once.
 * Results are those of `tuner` (and so of `runPlan`), whatever the number of workers: the rules of
 * engine/parallel/sharded-run.ts.
 *
 * What a move costs beyond the simulation itself is kept small (issue 14 #4: a move in ≤ 1 s):
 *  - the workers send back figures only (counters, series, end figures: engine/parallel/merge-figures.ts),
 *    never their customers' tables, so there is no merge of per-customer arrays and no summary loop
 *    over customers on this thread;
 *  - each worker refills one copy of its customers in place instead of allocating one per move, and
 *    keeps the plans it has parsed;
 *  - opening runs the plan as loaded twice (the first is the slider's starting position, and kept):
 *    the workers' code is compiled, and settled, before the first move;
 *  - a variant already run (the same plan, by its hash) is answered from memory: a slider moved back.
 * Moves asked before the previous one answered wait for it (the pool runs one at a time).
 */
import type { LoadedPlan } from "../plan/load.ts";
import { planWorld } from "../plan/world-section.ts";
import { tunerVariant } from "../sim/tuner.ts";
import { baselineKey, peek, store } from "../sim/baseline-cache.ts";
import { syntheticDescribe } from "../sim/population.ts";
import { type BaselineFigures, checkRun, DEFAULT_START, RUN_OPTIONS, type FiguresRun, type RunOptions, type Summary, summarise } from "../sim/run.ts";
import type { WorldModel } from "../sim/world-model.ts";
import { defaultWorkers } from "./pool.ts";
import { ShardPool } from "./shard-pool.ts";

/** A move's result: the summary `runPlan` gives for the variant, and the figures it was made from. */
export interface TunerFigures {
  summary: Summary;
  run: FiguresRun;
  baseline: BaselineFigures;
  world: WorldModel;
}

export interface ShardedTuner {
  /** The plan with these values set (paths as in `sweep --set`), run on the same customers. */
  run(values: Record<string, unknown>): Promise<TunerFigures>;
  /**
   * `run` for a slider being dragged: only the newest value asked counts. It waits for the move
   * running now, then runs if no later `latest` came meanwhile, and answers null if one did (a value
   * already run answers at once). Without it every value the slider passed would run in turn.
   */
  latest(values: Record<string, unknown>): Promise<TunerFigures | null>;
  baseline: BaselineFigures;
  /** Stops the workers; a move asked after it is refused (a move still running is refused by its workers). */
  close(): void;
}

/** What a sharded tuner takes: runPlan's options but those its workers make or cannot record, and `workers`. */
const SHARDED_TUNER_OPTIONS = [...RUN_OPTIONS.filter((k) => !["baseline", "population", "record", "recorder"].includes(k)), "workers"];

/** Variants remembered by plan hash (≈ 100 KB each: daily series and histograms). */
const REMEMBERED = 32;

/**
 * `workers` (default: the machine's cores, as the other runs in workers) is a whole number from 1 to 256.
 * @example const t = await shardedTuner(loadPlan("scenarios/lifecycle-capped.yaml"), { customers: 50_000, workers: 2 }); (await t.run({ "pressure.rules.two-a-week.cap": 3 })).summary; t.close()
 */
export async function shardedTuner(loaded: LoadedPlan, o: Omit<RunOptions, "baseline" | "population" | "record" | "recorder"> & { workers?: number } = {}): Promise<ShardedTuner> {
  const start = checkRun("shardedTuner", loaded, o, SHARDED_TUNER_OPTIONS); // workers too (checkRunSizes): a missing or NaN count failed in the merge, 1.5 in a worker
  const customers = o.customers ?? 10_000, seed = o.seed ?? 1, days = o.days ?? 365, startText = o.start ?? DEFAULT_START;
  const text = (p: LoadedPlan) => ({ text: JSON.stringify(p.source), file: p.file });
  const pool = await ShardPool.open({ plan: text(loaded), baseline: false, customers, days, seed, start: o.start, world: o.world, record: "none" }, o.workers ?? defaultWorkers());
  try {
    const key = baselineKey("run", syntheticDescribe({ customers, seed, start, days, world: planWorld(loaded, o.world) }), days);
    const baseline = peek<BaselineFigures>(key, o.cache ?? "memory") ??
      store(key, o.cache ?? "memory", await pool.baselineFigures(text(loaded)));
    // by plan hash, in the order of use; a move still running is there too, so the same variant asked twice runs once
    const seen = new Map<string, Promise<TunerFigures>>();
    const simulate = (variant: LoadedPlan): Promise<TunerFigures> => {
      const world = planWorld(variant, o.world);
      const onDay = o.onDay && ((d: number, n: number) => o.onDay!("plan", d, n));
      const figures = pool.summary(text(variant), variant.compiled, onDay)
        .then((run) => ({ summary: summarise(variant, run, baseline, world, startText), run, baseline, world }));
      seen.set(variant.hash, figures);
      figures.catch(() => seen.delete(variant.hash));
      if (seen.size > REMEMBERED) seen.delete(seen.keys().next().value!);
      return figures;
    };
    // the warm-up: the plan as loaded (its figures are the slider's first position), then the same plan as
    // other text, so that the workers parse, compile and run a plan they have not seen, as a move does. One
    // run was not enough: the second run of a process meets new closures (each run makes its own) where the
    // first run's optimised code expected the old ones, and V8 deoptimises; after one warm-up the first move
    // was deoptimised ≈ 60 times and optimised ≈ 240 times, after these two ≈ 6 and ≈ 100 (--trace-deopt)
    await simulate(loaded);
    await pool.summary({ text: JSON.stringify(loaded.source, null, 1), file: loaded.file }, loaded.compiled);
    const variantOf = (values: Record<string, unknown>): LoadedPlan => tunerVariant("shardedTuner", loaded, values);
    const remembered = (variant: LoadedPlan): Promise<TunerFigures> | undefined => {
      const known = seen.get(variant.hash);
      if (known) seen.delete(variant.hash), seen.set(variant.hash, known); // the most recently used is forgotten last
      return known;
    };
    let newest = 0, dragged: Promise<unknown> = Promise.resolve(), closed = false;
    // after close() every move is refused alike: a value in memory came back while any other named the
    // pool ('the shard pool is closed (a run failed in a worker, …)'), which the caller never opened
    const open = () => {
      if (closed) throw new Error(`shardedTuner: closed: close() stopped its workers; open another, e.g. await shardedTuner(plan, options)`);
    };
    return {
      baseline,
      async run(values) {
        open();
        const variant = variantOf(values);
        return remembered(variant) ?? simulate(variant);
      },
      async latest(values) {
        open();
        const variant = variantOf(values), ticket = ++newest, known = remembered(variant);
        if (known) return known;
        const turn = dragged.then(() => (ticket === newest ? remembered(variant) ?? simulate(variant) : null));
        dragged = turn.then(() => undefined, () => undefined);
        return turn;
      },
      close: () => {
        closed = true;
        pool.close();
      },
    };
  } catch (e) {
    pool.close();
    throw e;
  }
}

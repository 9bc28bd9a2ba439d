/**
 * A shard's worker (engine/parallel/sharded-run.ts). One message runs one shard and posts its result.
 * Or it stays (engine/parallel/shard-pool.ts): `open` draws this shard's customers once, then each
 * `job` runs a plan on a copy of them (a tuner's slider move: no worker start, no population drawn,
 * and for a run that sends back only figures, the same copy refilled in place: nothing allocated).
 * Shard 0 posts its progress (unless the message is `quiet`: nobody listens); an error is posted, and
 * raises the link's abort flag so the other shards stop at their next barrier instead of waiting for
 * this one.
 */
import { InputError } from "../plan/errors.ts";
import type { Population } from "../sim/population.ts";
import { copyPopulation, refillPopulation } from "../sim/tuner.ts";
import { abortLink, type ShardLink } from "./shard-link.ts";
import { drawShard, jobJourneys, runShard, type ShardedJob, type ShardMessage, simulateShard, transferables } from "./shard.ts";

// deno-lint-ignore no-explicit-any
const self_ = globalThis as any;
// the customers as drawn, and `scratch`: the copy that a run which sends nothing per customer back
// (a tuner's move, a baseline's figures) works on, refilled from them before each such run
let kept: { msg: ShardMessage; link: ShardLink; population: Population; journeys: number; scratch: Population | null } | null = null;

self_.onmessage = (e: MessageEvent) => {
  const m = e.data as ShardMessage & { open?: boolean; next?: ShardedJob; last?: boolean; quiet?: boolean };
  const msg: ShardMessage = m.next ? { ...kept!.msg, job: m.next } : m;
  try {
    const onDay = msg.shard === 0 && !m.quiet ? (day: number, days: number) => self_.postMessage({ progress: [day, days] }) : undefined;
    if (m.open) {
      const journeys = jobJourneys(m.job), { link, population } = drawShard(m, journeys);
      kept = { msg: m, link, population, journeys, scratch: null };
      return self_.postMessage({ result: true });
    }
    if (m.next) {
      if (!kept) throw new Error("this shard's customers were handed to the pool's last run");
      // a variant with another number of journeys needs other tables: every shard redraws (the same rule in each)
      const journeys = jobJourneys(m.next);
      if (!m.next.baseline && journeys !== kept.journeys) kept = { ...kept, journeys, population: drawShard(msg, journeys, kept.link).population, scratch: null };
      // the last run of the pool takes the kept customers themselves: no copy, and nothing kept after;
      // a run whose customers' tables go back to the coordinator (transferred) gets a copy of its own
      const { link } = kept, local = m.next.summary || m.next.figures;
      // (a no-plan baseline's copy leaves the journey columns out: most of the bytes, none of its reads)
      const slots = m.next.baseline ? 0 : kept.journeys;
      const population = m.last ? kept.population : local ? (kept.scratch = refillPopulation(kept.population, kept.scratch, slots)) : copyPopulation(kept.population, slots);
      if (m.last) kept = null;
      const result = simulateShard(msg, link, population, onDay);
      return self_.postMessage({ result }, transferables(result));
    }
    const result = runShard(msg, onDay);
    self_.postMessage({ result }, transferables(result));
  } catch (err) {
    abortLink(msg.link);
    self_.postMessage({ error: { message: (err as Error).message ?? String(err), input: err instanceof InputError } });
  }
};

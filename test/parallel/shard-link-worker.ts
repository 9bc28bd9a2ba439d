/** A test worker: one shard of a ShardLink that sums a day's counts with the others (a reputation lagging `lag` days), then waits at a barrier. */
import { ShardLink } from "../../engine/parallel/shard-link.ts";

// deno-lint-ignore no-explicit-any
const self_ = globalThis as any;
self_.onmessage = (e: MessageEvent) => {
  const { link, shard, shards, days, lag = 1, pause = 0 } = e.data;
  const l = new ShardLink(link, shard, shards, shard, shard + 1, shards);
  try {
    const sums: [number, number][] = [];
    l.startRun(lag);
    for (let d = 0; d < days; d++) {
      if (pause) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pause); // a slow shard: the others must wait for its days
      sums.push(l.sumDay(10 * (shard + 1) + d, shard));
    }
    self_.postMessage({ sums });
    l.wait(); // the test never lets the other shard arrive: only an abort ends this
    self_.postMessage({ passed: true });
  } catch (err) {
    self_.postMessage({ error: (err as Error).message });
  }
};

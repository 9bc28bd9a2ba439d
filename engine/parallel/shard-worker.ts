/** A shard's worker (engine/parallel/sharded-run.ts): runs one shard, posts progress (shard 0), then its result or error. */
import { InputError } from "../plan/errors.ts";
import { abortLink } from "./shard-link.ts";
import { runShard, type ShardMessage, transferables } from "./shard.ts";

// deno-lint-ignore no-explicit-any
const self_ = globalThis as any;
self_.onmessage = (e: MessageEvent) => {
  const msg = e.data as ShardMessage;
  try {
    const onDay = msg.shard === 0 ? (day: number, days: number) => self_.postMessage({ progress: [day, days] }) : undefined;
    const result = runShard(msg, onDay);
    self_.postMessage({ result }, transferables(result));
  } catch (err) {
    abortLink(msg.link); // the other shards stop at their next barrier instead of waiting for this one
    self_.postMessage({ error: { message: (err as Error).message ?? String(err), input: err instanceof InputError } });
  }
};

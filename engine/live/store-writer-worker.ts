/// <reference lib="deno.worker" />
/**
 * The writer thread (engine/live/store-writer.ts): its own connection to the server's database. Each
 * group's writes — calls of the store's write methods, in the order the main thread made them — run
 * in one transaction; the answer follows the COMMIT. After a failed group every later one is refused
 * until `{reset: true}`: they were decided on top of the failed one.
 */
import type { Op } from "./sqlite-store.ts";
import { SqliteStore, type Synchronous } from "./sqlite-store.ts";
import { BACKSTOP_PAGES } from "./checkpointer.ts";

type Message =
  | { open: { path: string; synchronous: Synchronous; flight: SharedArrayBuffer } }
  | { id: number; ops: Op[] }
  | { reset: true }
  | { close: true };

let store: SqliteStore | null = null;
let flight: Int32Array;
let broken = false;

function finished(): void {
  Atomics.sub(flight, 0, 1);
  Atomics.notify(flight, 0);
}

self.onmessage = (e: MessageEvent<Message>) => {
  const m = e.data;
  if ("open" in m) {
    store = new SqliteStore(m.open.path, m.open.synchronous);
    store.db.exec(`PRAGMA wal_autocheckpoint=${BACKSTOP_PAGES}`);
    flight = new Int32Array(m.open.flight);
    self.postMessage("ready");
  } else if ("reset" in m) {
    broken = false;

  } else if ("close" in m) {
    store?.close();
    store = null;
    self.postMessage("closed");
  } else if (broken || !store) {
    finished();
    self.postMessage({ id: m.id, error: "an earlier group failed", refused: true });
  } else {
    try {
      store.apply(m.ops);
      finished();
      self.postMessage({ id: m.id });
    } catch (err) {
      broken = true;
      Atomics.store(flight, 1, 1); // before the group counts as finished: the main thread's next transaction sees it
      finished();
      self.postMessage({ id: m.id, error: (err as Error).message });
    }
  }
};

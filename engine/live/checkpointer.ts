/**
 * WAL checkpoints off the request path. SQLite's automatic checkpoint runs inside the COMMIT of
 * whichever transaction crosses the threshold, so one request in a few hundred paid for copying the
 * whole WAL into the database (and its fsync): it was most of the ingest's time under load
 * (docs/performance.md, "Live server"). The server instead runs PASSIVE checkpoints from a worker
 * thread with its own connection: WAL mode lets a checkpoint proceed beside the writer, and once one
 * has copied every frame the next commit rewinds the WAL. The writer keeps a high automatic threshold
 * only as a backstop should the worker fall behind.
 *
 * Durability is unchanged: a commit is in the WAL before it is acknowledged; the checkpoint only moves
 * committed pages into the main file, and after a crash SQLite replays the WAL on open.
 */
import type { SqliteStore } from "./sqlite-store.ts";

/** Writer-side backstop, in pages (4 KiB): 256 MiB of WAL before a commit checkpoints by itself. */
export const BACKSTOP_PAGES = 65_536;

export interface Checkpointer {
  /** Asks the thread to close its connection, then ends it (at most ~1 s later if it does not answer). */
  stop(): Promise<void>;
}

export function startCheckpointer(store: SqliteStore, periodMs = 200): Checkpointer {
  store.db.exec(`PRAGMA wal_autocheckpoint=${BACKSTOP_PAGES}`);
  const worker = new Worker(new URL("./checkpoint-worker.ts", import.meta.url), { type: "module" });
  worker.postMessage({ path: store.path, periodMs });
  return {
    // a terminated thread's connection would stay open, its locks held, until the process ends: a
    // server started again on the same file in this process (the tests do) could find it busy
    stop: () =>
      new Promise<void>((resolve) => {
        const done = () => (clearTimeout(timer), worker.terminate(), resolve());
        const timer = setTimeout(done, 1000);
        worker.onmessage = done;
        worker.postMessage({ stop: true });
      }),
  };
}

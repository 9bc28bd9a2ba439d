/**
 * The checkpoint thread (engine/live/checkpointer.ts): its own connection to the server's database,
 * a PASSIVE checkpoint every `periodMs`. PASSIVE never waits for the writer or blocks it; a frame the
 * writer is still adding is simply left for the next round.
 */
import { DatabaseSync } from "node:sqlite";

self.onmessage = (e: MessageEvent<{ path: string; periodMs: number }>) => {
  const db = new DatabaseSync(e.data.path);
  db.exec("PRAGMA busy_timeout=0");
  setInterval(() => {
    try {
      db.prepare("PRAGMA wal_checkpoint(PASSIVE)").get();
    } catch (err) {
      console.error("cadence serve: checkpoint failed (retried next round):", (err as Error).message);
    }
  }, e.data.periodMs);
};

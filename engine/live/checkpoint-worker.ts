/// <reference lib="deno.worker" />
/**
 * The checkpoint thread (engine/live/checkpointer.ts): its own connection to the server's database,
 * a PASSIVE checkpoint every `periodMs`. PASSIVE never waits for the writer or blocks it; a frame the
 * writer is still adding is simply left for the next round. `{stop: true}` closes the connection and
 * answers, so no lock outlives the server.
 */
import { DatabaseSync } from "node:sqlite";
import { FailureLog } from "./failure-log.ts";

let db: DatabaseSync | null = null;
let timer: ReturnType<typeof setInterval> | undefined;

self.onmessage = (e: MessageEvent<{ path: string; periodMs: number } | { stop: true }>) => {
  if ("stop" in e.data) {
    clearInterval(timer);
    db?.close();
    db = null;
    self.postMessage("closed");
    return;
  }
  const open = db = new DatabaseSync(e.data.path);
  open.exec("PRAGMA busy_timeout=0");
  const log = new FailureLog("checkpoint (retried every round)");
  timer = setInterval(() => {
    try {
      open.prepare("PRAGMA wal_checkpoint(PASSIVE)").get();
      log.ok();
    } catch (err) {
      log.failed((err as Error).message);
    }
  }, e.data.periodMs);
};

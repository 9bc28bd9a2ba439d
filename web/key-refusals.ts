/**
 * The log of requests refused for their key (401 invalid_token): what an operator needs to see a leaked
 * key still in use after its revocation, or someone trying keys. A key's secret is 192 random bits, so
 * guessing one is hopeless and no request is slowed down; the log is for noticing. The first refusal is
 * logged at once, then at most one line a minute with the count, so a flood of bad keys cannot flood the
 * log. A line names the key's public id when it is one of this database's keys, never the secret, and
 * never text the client chose (an unknown key is "an unknown key", whatever it says).
 */
import type { Store } from "../engine/live/store.ts";

const EVERY_MS = 60_000;

interface Window {
  refused: number; // refusals since the last line, not yet logged
  latest: string;
  flush: ReturnType<typeof setTimeout> | null; // the timer that logs them
}

const windows = new WeakMap<Store, Window>();

/** What a refused key is, in words safe to log. */
function describe(store: Store, key: string): string {
  const id = /^cad_([0-9a-f]{12})_/.exec(key)?.[1];
  const row = id ? store.listKeys().find((k) => k.id === id) : undefined;
  if (!row) return "an unknown key";
  return row.revoked !== null ? `revoked key ${row.id} (${row.role}, ${JSON.stringify(row.name)})` : `key id ${row.id} (${row.role}) with a wrong secret`;
}

/**
 * Records a request refused for its key (`route`: as routeOf writes it), logging as said above: the
 * refusals after a logged one are counted and logged together a minute after it.
 */
export function keyRefused(store: Store, key: string, route: string, log: (line: string) => void = (l) => console.error(l)): void {
  const what = `${route} with ${describe(store, key)}`;
  let w = windows.get(store);
  if (!w) windows.set(store, w = { refused: 0, latest: what, flush: null });
  else if (w.flush !== null) {
    w.refused++, w.latest = what;
    return;
  }
  log(`cadence serve: refused ${what}; further refusals of unknown or revoked keys are counted and logged once a minute`);
  const started = performance.now();
  // unref'd: a pending count never keeps a stopped server's process alive
  const flush = w.flush = setTimeout(() => {
    w.flush = null;
    if (!w.refused) return;
    log(`cadence serve: refused ${w.refused} more request(s) with an unknown or revoked key in the last ${Math.round((performance.now() - started) / 1000)} s; the latest: ${w.latest}`);
    w.refused = 0;
  }, EVERY_MS);
  Deno.unrefTimer(flush);
}

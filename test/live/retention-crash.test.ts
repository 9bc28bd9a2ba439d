/**
 * Retention and crashes: a server pruning a large table is killed with SIGKILL in the middle of its
 * prune, several times, while a client posts events; then a server finishes the prune. Every event the
 * server acknowledged is stored, and nothing deleted is lost or counted twice: each window's aggregates
 * and deletes commit together (engine/live/sqlite-prune.ts), so the purchases, decisions and messages
 * kept plus those aggregated are exactly those made, and forecast vs actual's actuals are unchanged.
 */
import { describe, expect, it } from "vitest";
import { DatabaseSync } from "node:sqlite";
import { DAY } from "../../engine/core/time.ts";
import { at, promote, RECEIPT_PLAN, spawnServe, T0, tempDb, testServer } from "./live-helpers.ts";

const PURCHASES = 30_000, CUSTOMERS = 500, KILLS = 3;
/** Purchase k is worth 1 + k % 7: 4,285 runs of 1..7 (28 each), then 1, 2, 3, 4 and 5. */
const REVENUE = 4285 * 28 + 15;

/** What the database holds of what was made, deleted rows included through their aggregates. */
function totals(db: string) {
  const d = new DatabaseSync(db, { readOnly: true });
  const one = (sql: string) => d.prepare(sql).get() as Record<string, number>;
  const out = {
    purchases: one("SELECT (SELECT count(*) FROM events WHERE type = 'purchase') + (SELECT coalesce(sum(n), 0) FROM pruned_events WHERE type = 'purchase') AS n").n,
    revenue: one("SELECT (SELECT coalesce(sum(value), 0) FROM events WHERE type = 'purchase') + (SELECT coalesce(sum(v), 0) FROM pruned_events WHERE type = 'purchase') AS n").n,
    decisions: one("SELECT (SELECT count(*) FROM decisions) + (SELECT coalesce(sum(n), 0) FROM pruned_decisions) AS n").n,
    messages: one("SELECT (SELECT count(*) FROM outbox) + (SELECT coalesce(sum(n), 0) FROM pruned_outbox) AS n").n,
    oldEvents: one(`SELECT count(*) AS n FROM events WHERE processed < ${T0 + 20 * DAY}`).n,
  };
  d.close();
  return out;
}

const actuals = (body: { metrics: { name: string; actual: number }[] }) => Object.fromEntries(body.metrics.map((m) => [m.name, m.actual]));

describe("retention and crashes", () => {
  it("loses no acknowledged event and counts every deleted row once, killed with SIGKILL in the middle of a prune", async () => {
    const db = tempDb("retention-crash");
    // ten days of purchases, each sending a receipt, under a live plan
    const s = testServer({ db, start: T0 });
    const plan = await promote(s, RECEIPT_PLAN);
    const cid = (i: number) => `R${i % CUSTOMERS}`;
    for (let k = 0; k < PURCHASES; k += 500) {
      const events = Array.from({ length: 500 }, (_, j) => ({ id: `p${k + j}`, customer: cid(k + j), type: "purchase", time: at(((k + j) * 240) / PURCHASES), value: 1 + ((k + j) % 7) }));
      expect((await s.api("POST", "/v1/events", { events }, { key: s.keys.ingest })).body).toMatchObject({ accepted: 500 });
    }
    const key = s.keys.admin, analyst = s.keys.analyst;
    await s.stop();
    const before = totals(db);
    expect(before).toMatchObject({ purchases: PURCHASES, revenue: REVENUE, decisions: PURCHASES, messages: PURCHASES, oldEvents: PURCHASES });

    // 40 days later, --retain-days 7: every one of those rows is older than the window, and the prune starts with the server
    const args = ["--db", db, "--port", "0", "--clock", "manual", "--start", "2026-04-11", "--retain-days", "7", "--tick-ms", "20"];
    const acked: string[] = [];
    let n = 0, midPrune = 0;
    const post = async (url: string, stop: () => boolean) => {
      while (!stop()) {
        const events = Array.from({ length: 20 }, () => ({ id: `v${n++}`, customer: cid(n), type: "visit" }));
        try {
          const r = await fetch(`${url}/v1/events`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify({ events }) });
          if (r.status === 200) acked.push(...events.map((e) => e.id));
          await r.body?.cancel();
        } catch {
          return; // killed: this request was not acknowledged
        }
      }
    };
    for (let kill = 0; kill < KILLS; kill++) {
      const { p, url } = await spawnServe(args);
      let killed = false;
      const client = post(url, () => killed);
      // killed once the prune has deleted something and this server has acknowledged events, with old rows still left
      const acks = acked.length;
      for (let i = 0; i < 1000 && (totals(db).oldEvents === before.oldEvents || acked.length === acks); i++) await new Promise((r) => setTimeout(r, 5));
      p.kill("SIGKILL");
      killed = true;
      await p.status;
      await client;
      const left = totals(db).oldEvents;
      if (left > 0 && left < PURCHASES) midPrune++;
      // nothing deleted is lost or counted twice, whatever the kill interrupted
      expect(totals(db)).toMatchObject({ purchases: PURCHASES, revenue: REVENUE, decisions: PURCHASES, messages: PURCHASES });
    }
    expect(midPrune).toBeGreaterThan(0);

    // a server that is not killed finishes the prune
    const { p, url } = await spawnServe(args);
    let health: { retention: { lastPrune: { events: number } | null } } = { retention: { lastPrune: null } };
    for (let i = 0; i < 1000 && !health.retention.lastPrune; i++) {
      await new Promise((r) => setTimeout(r, 20));
      health = await (await fetch(`${url}/healthz`)).json();
    }
    const fva = await (await fetch(`${url}/v1/plans/${plan}/forecast-vs-actual`, { headers: { authorization: `Bearer ${analyst}` } })).json();
    p.kill("SIGTERM");
    await p.status;
    const after = totals(db);
    expect(after).toEqual({ purchases: PURCHASES, revenue: REVENUE, decisions: PURCHASES, messages: PURCHASES, oldEvents: 0 });
    // every acknowledged event is stored
    const d = new DatabaseSync(db, { readOnly: true });
    const stored = new Set((d.prepare("SELECT idem FROM events WHERE idem LIKE 'v%'").all() as { idem: string }[]).map((r) => r.idem));
    d.close();
    expect(acked.length).toBeGreaterThan(0);
    expect(acked.filter((id) => !stored.has(id))).toEqual([]);
    // the plan's actuals: every receipt went to a treated customer (no control group), every purchase was a receipt's
    expect(actuals(fva)).toMatchObject({ contacts: PURCHASES, reach: CUSTOMERS, conversions: 0 });
  }, 240_000);
});

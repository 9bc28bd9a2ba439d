/**
 * Crash safety (issue 10, item 12): the server runs as a child process; a client sends 20,000 events in
 * batches of 400 (large enough for the writer thread, engine/live/store-writer.ts) and retries a batch until it is acknowledged, while the server is killed with SIGKILL at
 * seeded random moments (at least 20 times) and restarted on the same database. Afterwards every event
 * is stored exactly once; the decision log and the outbox hold exactly the decisions of an uncrashed
 * reference run of the same stream (so no timer was lost or fired twice, no decision made twice); and
 * the webhook receiver on loopback saw no key twice. Delivery is at most once per key: a message the
 * server was POSTing when it died is `unknown` after the restart, never resent. After each kill the
 * test reads which messages the dead server had marked `sending`; every unknown message must be one of
 * them, a kill never leaves more in flight than the delivery concurrency, and every other message is
 * delivered (or cancelled), with a valid signature (docs/live.md, "Delivery").
 */
import { describe, expect, it } from "vitest";
import { createHmac } from "node:crypto";
import { loadPlan } from "../../engine/plan/load.ts";
import { runPlan } from "../../engine/sim/run.ts";
import { syntheticPopulation } from "../../engine/sim/population.ts";
import { formatTime, parseDate } from "../../engine/core/time.ts";
import { DEFAULT_WORLD } from "../../engine/sim/world-model.ts";
import { createKey } from "../../engine/live/keys.ts";
import { SqliteStore } from "../../engine/live/sqlite-store.ts";
import { WEBHOOK_DEFAULTS } from "../../engine/live/webhook.ts";
import { uniform } from "../../engine/core/hash.ts";
import { eventsOf, profilesOf, promote, spawnServe, tempDb, testServer } from "./live-helpers.ts";

const EVENTS = 20_000, BATCH = 400, KILLS = 22, START = "2026-01-01", DAYS = 120, CUSTOMERS = 3000;
const SECRET = "crash-test-secret";

function world() {
  const loaded = loadPlan("scenarios/lifecycle-capped.yaml");
  let profiles: Record<string, unknown>[] = [];
  const res = runPlan(loaded, {
    customers: CUSTOMERS, days: DAYS, seed: 5, start: START, record: true, baseline: false,
    world: { channels: DEFAULT_WORLD.channels.map((c) => ({ ...c, hardBounce: 0 })) },
    population: (o) => {
      const p = syntheticPopulation({ customers: CUSTOMERS, seed: o.seed, start: o.start, days: o.days, journeys: o.journeys, world: o.world });
      profiles = profilesOf(p);
      return p;
    },
  });
  const events = eventsOf(res.run.plan, res.run.population.table.ids, res.recorder!).slice(0, EVENTS);
  return { profiles, events, end: parseDate(events.at(-1)!.time as string)! + 1 };
}

// the stream moves the manual clock through 120 days in two minutes, far faster than the webhook drains:
// with the default expiry (24 h after its decision) most messages would expire before their turn. What
// this test checks is delivery across kills, so its messages never expire.
function child(db: string, hook: string) {
  return spawnServe(["--db", db, "--port", "0", "--clock", "manual", "--start", START, "--seed", "5",
    "--webhook-url", hook, "--webhook-secret", SECRET, "--webhook-expire-after", "never", "--tick-ms", "20"]);
}

describe("crash safety", () => {
  it("survives 20+ SIGKILLs: every event once, every decision once, no timer lost, no key delivered twice", async () => {
    const t0 = performance.now(), lap = (what: string) => console.log(`crash test: ${what} at ${Math.round(performance.now() - t0)} ms`);
    const { profiles, events, end } = world();
    expect(events.length).toBe(EVENTS);
    // the receiver: verifies signatures, counts keys
    const seen = new Map<string, number>();
    let badSignatures = 0;
    const receiver = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
      const body = await req.text(), ts = req.headers.get("x-cadence-timestamp") ?? "";
      const expected = `sha256=${createHmac("sha256", SECRET).update(`${ts}.${body}`).digest("hex")}`;
      if (req.headers.get("x-cadence-signature") !== expected) badSignatures++;
      const key = req.headers.get("idempotency-key")!;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      return new Response("ok");
    });
    const hook = `http://127.0.0.1:${(receiver.addr as Deno.NetAddr).port}/hook`;

    // reference: the same stream, no crash, in process
    const ref = testServer({ start: parseDate(START)!, seed: 5 });
    await ref.api("POST", "/v1/customers", { customers: profiles }, { key: ref.keys.ingest });
    await promote(ref, Deno.readTextFileSync("scenarios/lifecycle-capped.yaml"));
    for (let i = 0; i < events.length; i += BATCH) await ref.api("POST", "/v1/events", { events: events.slice(i, i + BATCH) }, { key: ref.keys.ingest });
    await ref.api("POST", "/v1/clock", { now: formatTime(end) });
    const decisionsOf = (s: SqliteStore) => s.query<{ r: string }>("SELECT customer || ',' || program || ',' || message || ',' || time || ',' || status || ',' || rule AS r FROM decisions").map((x) => x.r).sort();
    const expected = decisionsOf(ref.store);
    const expectedSent = ref.store.query<{ key: string }>("SELECT key FROM outbox").map((x) => x.key).sort();
    await ref.stop();
    lap("reference run done");

    // the crashed server's database: keys made before the first start; customers and plan through the API
    const db = tempDb("crash");
    const boot = new SqliteStore(db);
    boot.migrate();
    const admin = createKey(boot, "admin", "crash test", 0).key;
    boot.close();
    let server = await child(db, hook);
    const call = async (path: string, body?: unknown, type = "application/json") => {
      for (;;) {
        try {
          const res = await fetch(server.url + path, {
            method: body === undefined ? "GET" : "POST", body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
            headers: { authorization: `Bearer ${admin}`, ...(body === undefined ? {} : { "content-type": type }) },
          });
          const text = await res.text();
          if (res.status >= 500) throw new Error(text);
          return { status: res.status, body: JSON.parse(text) };
        } catch {
          await new Promise((r) => setTimeout(r, 30)); // the server is down or restarting: retry
        }
      }
    };
    await call("/v1/customers", { customers: profiles });
    const plan = await call("/v1/plans", Deno.readTextFileSync("scenarios/lifecycle-capped.yaml"), "application/yaml");
    await call(`/v1/plans/${plan.body.id}/forecast`, { customers: 200, days: 14, replications: 2 });
    // four eyes: an approver key other than the author's
    const approver = (await call("/v1/keys", { role: "approver", name: "approver" })).body.key;
    const approve = await fetch(`${server.url}/v1/plans/${plan.body.id}/approve`, { method: "POST", headers: { authorization: `Bearer ${approver}` } });
    expect(approve.status).toBe(200);
    await call(`/v1/plans/${plan.body.id}/promote`, {});

    // kills land at seeded random moments inside the ingest: after 0–3 acknowledged batches since the
    // last start, 0–60 ms into the next request (so the server does progress between kills)
    let kills = 0, acknowledged = 0, done = false, batchesSinceStart = 0;
    const inFlightPerKill: number[] = [], inFlightAtKills = new Map<string, number>();
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const killer = (async () => {
      for (let k = 0; kills < KILLS && !done; k++) {
        const want = Math.floor(uniform(99, k, 1, 0) * 4);
        while (batchesSinceStart < want && !done) await sleep(5);
        await sleep(Math.floor(uniform(99, k, 2, 0) * 60));
        if (done) break;
        server.p.kill("SIGKILL");
        await server.p.status;
        kills++;
        // what the dead server had POSTed without recording the answer: the only messages whose fate is unknown
        const dead = new SqliteStore(db);
        const flying = dead.query<{ key: string }>("SELECT key FROM outbox WHERE state = 'sending'").map((x) => x.key);
        dead.close();
        inFlightPerKill.push(flying.length);
        for (const key of flying) inFlightAtKills.set(key, (inFlightAtKills.get(key) ?? 0) + 1);
        server = await child(db, hook);
        batchesSinceStart = 0;
      }
    })();
    for (let i = 0; i < events.length; i += BATCH) {
      const r = await call("/v1/events", { events: events.slice(i, i + BATCH) });
      expect(r.status).toBe(200);
      acknowledged += r.body.accepted + r.body.duplicates;
      batchesSinceStart++;
    }
    done = true;
    lap(`events acknowledged after ${kills} kills`);
    await killer;
    lap("kills done");
    await call("/v1/clock", { now: formatTime(end) });
    lap("clock moved to the end");
    // let the webhook loop drain the outbox
    let left = -1, polls = 0;
    for (; polls < 600 && left !== 0; polls++) {
      if (polls) await new Promise((r) => setTimeout(r, 100));
      const store = new SqliteStore(db);
      left = store.query<{ n: number }>("SELECT count(*) AS n FROM outbox WHERE state IN ('pending', 'sending')")[0].n;
      store.close();
    }
    lap(`outbox drained after ${polls} polls (${left} pending)`);
    server.p.kill("SIGTERM");
    await server.p.status;
    await receiver.shutdown();

    const store = new SqliteStore(db);
    expect(kills).toBeGreaterThanOrEqual(20);
    expect(acknowledged).toBe(EVENTS);
    expect(store.query("SELECT count(*) AS n, count(DISTINCT idem) AS d FROM events")).toEqual([{ n: EVENTS, d: EVENTS }]);
    const got = decisionsOf(store);
    expect(got.length).toBe(expected.length);
    expect(got).toEqual(expected);
    const keys = store.query<{ key: string; state: string }>("SELECT key, state FROM outbox");
    expect(keys.map((k) => k.key).sort()).toEqual(expectedSent);
    // at most once per key: the receiver saw no key twice, crashes included
    const repeated = [...seen].filter(([, n]) => n > 1);
    expect(repeated).toEqual([]);
    for (const k of keys.filter((k) => k.state === "delivered")) expect(seen.has(k.key)).toBe(true);
    expect(badSignatures).toBe(0);
    // every message is delivered, or unknown (in flight at a kill: never resent, left to an operator)
    const unknown = keys.filter((k) => k.state === "unknown");
    expect(keys.filter((k) => !["delivered", "unknown", "cancelled"].includes(k.state))).toEqual([]);
    for (const k of unknown) expect({ key: k.key, inFlightAtAKill: inFlightAtKills.has(k.key) }).toEqual({ key: k.key, inFlightAtAKill: true });
    for (const n of inFlightPerKill) expect(n).toBeLessThanOrEqual(WEBHOOK_DEFAULTS.concurrency);
    expect(unknown.length).toBeLessThanOrEqual(kills * WEBHOOK_DEFAULTS.concurrency);
    const inFlight = inFlightPerKill.reduce((a, b) => a + b, 0), arrived = unknown.filter((k) => seen.has(k.key)).length;
    console.log(`crash test: ${kills} kills, ${EVENTS} events, ${got.length} decisions, ${keys.length} messages, ${keys.filter((k) => k.state === "delivered").length} delivered, ${unknown.length} unknown (${arrived} of them had reached the receiver), 0 keys seen twice; ${inFlight} in flight at the kills (max ${Math.max(...inFlightPerKill)} at one kill)`);
    store.close();
  }, 300_000);
});

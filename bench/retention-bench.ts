/**
 * Database growth and retention, loopback only: a `cadence serve` child process (manual clock driven by
 * the events, the lifecycle plan live, 10,000 customers) takes `--events` events spread over `--days`
 * days; then it is stopped (its WAL checkpointed into the file) and the file measured: bytes per event
 * and per message, per table (SQLite's dbstat), and a year at 1 M events a day. Then a server with
 * `--retain-days` starts on it (its first prune runs at start) while `--connections` clients post
 * single events: the latency of POST /v1/events during the prune and after it. Then the file again
 * (freed pages are reused, not given back), and a VACUUM of a copy (what an operator runs to shrink it).
 *
 *   ./node_modules/.bin/deno run -A bench/retention-bench.ts [--events 50000] [--days 30] [--retain-days 7] [--connections 4]
 */
import { benchArgs } from "./bench-args.ts";
import { apiOf, benchId as cid, benchKeys, lifecycleLive, spawnServe } from "./serve-child.ts";
import { copyFileSync, mkdtempSync, statSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { DatabaseSync } from "node:sqlite";
import { hash4 } from "../engine/core/hash.ts";
import { DAY, parseDate } from "../engine/core/time.ts";
import { PRUNE_BATCH } from "../engine/live/retention.ts";

const USAGE = "deno run -A bench/retention-bench.ts [--events 50000] [--days 30] [--retain-days 7] [--connections 4] [--customers 10000]";
const values = benchArgs(USAGE, {
  events: { type: "string", default: "50000" },
  days: { type: "string", default: "30" },
  "retain-days": { type: "string", default: "7" },
  connections: { type: "string", default: "4" },
  customers: { type: "string", default: "10000" },
}, ["events", "days", "retain-days", "connections", "customers"]);
const N = Number(values.events), days = Number(values.days), retain = Number(values["retain-days"]), connections = Number(values.connections), customers = Number(values.customers);

const START = parseDate("2026-01-05")!;
const db = join(mkdtempSync(join(tmpdir(), "cadence-retention-bench-")), "cadence.sqlite");
const { admin, approver } = benchKeys(db);

const serve = (extra: string[]) => spawnServe(["--db", db, "--port", "0", "--clock", "manual", "--start", "2026-01-05", ...extra]);
async function stop(child: Deno.ChildProcess) {
  child.kill("SIGTERM");
  await child.status;
}

let url = "";
const api = apiOf(() => url, admin);
const TYPES = ["purchase", "visit", "cart_abandoned"];
const event = (k: number, time: number) => {
  const h = hash4(11, k, 0, 0), type = TYPES[h % 3];
  return { id: `e-${k}`, customer: cid(h % customers), type, time: new Date(time * 60000).toISOString(), ...(type === "purchase" ? { value: 10 + (h % 90) } : {}) };
};

/** The file after a clean stop (the WAL checkpointed into it), per table with its indexes. */
function measure() {
  const file = statSync(db).size;
  const d = new DatabaseSync(db, { readOnly: true });
  const rows = (t: string) => Number((d.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n);
  const pages = d.prepare("SELECT tbl_name AS t, sum(pgsize) AS bytes FROM dbstat JOIN sqlite_master USING (name) GROUP BY tbl_name ORDER BY bytes DESC").all() as { t: string; bytes: number }[];
  const free = Number((d.prepare("PRAGMA freelist_count").get() as { freelist_count: number }).freelist_count) * 4096;
  const out = { file, free, tables: Object.fromEntries(pages.map((p) => [p.t, p.bytes])), rows: { events: rows("events"), decisions: rows("decisions"), outbox: rows("outbox"), customers: rows("customers") } };
  d.close();
  return out;
}

// 1. load: the events in time order, 500 a request, one request at a time (the clock follows them)
let server = await serve([]);
url = server.url;
const planId = await lifecycleLive(api, customers, "2025-06-01", approver);
const span = days * DAY, t0 = performance.now();
for (let k = 0; k < N; k += 500) {
  await api("POST", "/v1/events", { events: Array.from({ length: Math.min(500, N - k) }, (_, j) => event(k + j, START + Math.floor(((k + j) * span) / N))) });
}
await api("POST", "/v1/clock", { now: new Date((START + span) * 60000).toISOString() });
const loadSeconds = (performance.now() - t0) / 1000;
const fvaBefore = await api("GET", `/v1/plans/${planId}/forecast-vs-actual`);
await stop(server.child);
const loaded = measure();
const messages = loaded.rows.outbox, perEvent = loaded.file / N;
// bytes that grow with time: the three tables retention prunes (customers, plans, keys do not grow with events)
const growing = (loaded.tables.events ?? 0) + (loaded.tables.decisions ?? 0) + (loaded.tables.outbox ?? 0);
const MB = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
console.log(`retention benchmark: ${N.toLocaleString("en")} events over ${days} days, ${customers.toLocaleString("en")} customers, plan lifecycle live, loaded in ${loadSeconds.toFixed(1)} s; ${Deno.build.os} ${navigator.hardwareConcurrency} cores, load ${Deno.loadavg()[0].toFixed(1)}`);
console.log(`rows: ${JSON.stringify(loaded.rows)}`);
console.log(`file ${MB(loaded.file)} (free pages ${MB(loaded.free)}); per table with its indexes: ${Object.entries(loaded.tables).map(([t, b]) => `${t} ${MB(b)}`).join(", ")}`);
console.log(`per event (whole file / events): ${Math.round(perEvent)} B; events table ${Math.round(loaded.tables.events / loaded.rows.events)} B/event, decisions ${Math.round(loaded.tables.decisions / loaded.rows.decisions)} B/decision, outbox ${Math.round(loaded.tables.outbox / messages)} B/message; ${(loaded.rows.decisions / N).toFixed(2)} decisions and ${(messages / N).toFixed(2)} messages per event`);
console.log(`growing with time (events + decisions + outbox): ${Math.round(growing / N)} B per event; a year at 1 M events a day: ${(growing / N * 365e6 / 1e9).toFixed(0)} GB`);

// 2. a server with --retain-days: its first prune runs at start; clients post single events meanwhile
server = await serve(["--retain-days", String(retain)]);
url = server.url;
const end = START + span;
const lat: { start: number; ms: number }[] = [];
let k = N, pruneEnd = Infinity, stopAt = Infinity;
const t1 = performance.now();
const health = (async () => {
  for (;;) {
    const h = await (await fetch(`${url}/healthz`)).json();
    if (h.retention?.lastPrune) return (pruneEnd = performance.now() - t1, stopAt = 2 * pruneEnd + 2000, h.retention.lastPrune);
    await new Promise((r) => setTimeout(r, 20));
  }
})();
await Promise.all([health, ...Array.from({ length: connections }, async () => {
  while (performance.now() - t1 < stopAt) {
    const s = performance.now();
    await api("POST", "/v1/events", event(k++, end));
    lat.push({ start: s - t1, ms: performance.now() - s });
  }
})]);
const prune = await health;
const pct = (xs: number[], p: number) => xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] : NaN;
const during = lat.filter((l) => l.start < pruneEnd).map((l) => l.ms), after = lat.filter((l) => l.start >= pruneEnd).map((l) => l.ms);
console.log(`prune (--retain-days ${retain}): ${JSON.stringify(prune)}, ${Math.ceil(prune.events / PRUNE_BATCH) + Math.ceil(prune.decisions / PRUNE_BATCH) + Math.ceil(prune.outbox / PRUNE_BATCH)}+ transactions of ≤ ${PRUNE_BATCH} rows, ${Math.round((prune.events + prune.decisions + prune.outbox) / (prune.ms / 1000))} rows/s`);
console.log(`POST /v1/events (one event, ${connections} clients): during the prune ${during.length} requests, p50 ${pct(during, 0.5).toFixed(1)} ms, p99 ${pct(during, 0.99).toFixed(1)} ms, max ${Math.max(...during).toFixed(1)} ms; after it ${after.length} requests, p50 ${pct(after, 0.5).toFixed(1)} ms, p99 ${pct(after, 0.99).toFixed(1)} ms, max ${Math.max(...after).toFixed(1)} ms`);
const fvaAfter = await api("GET", `/v1/plans/${planId}/forecast-vs-actual`);
await stop(server.child);
const pruned = measure();
console.log(`after the prune: rows ${JSON.stringify(pruned.rows)}; file ${MB(pruned.file)}, of which free pages ${MB(pruned.free)} (reused by the next rows); forecast vs actual's contacts ${fvaBefore.metrics[0].actual} before, ${fvaAfter.metrics[0].actual} after (${lat.length} events posted meanwhile)`);

// 3. what an operator runs to give the space back: VACUUM (here of a copy; on the real file, with the server stopped)
const copy = `${db}.copy`;
copyFileSync(db, copy);
const v = new DatabaseSync(copy), t2 = performance.now();
v.exec("VACUUM");
v.close();
console.log(`VACUUM: ${((performance.now() - t2) / 1000).toFixed(2)} s, file ${MB(pruned.file)} → ${MB(statSync(copy).size)}`);

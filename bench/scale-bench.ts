/**
 * A brand's customer base on one live server, loopback only (docs/live.md, "Scale"): `--customers`
 * customers imported through POST /v1/customers (JSON batches of the route's maximum, 10,000), then the
 * server restarted: how long until /healthz and /readyz answer, what the log says meanwhile, and the
 * process's peak memory (VmHWM). With `--plan`, a plan with a daily newsletter to every e-mail opt-in is
 * promoted (manual clock), and the bench measures the timer pass of a minute (POST /v1/clock), the
 * campaign day (the clock moved over midnight: the audience selected and every newsletter held for
 * 10:00) and the send-time pass (the clock past 10:00: every held message fired) while `--connections`
 * clients post single events and one more uploads profiles of known customers (POST /v1/customers, 100
 * a request: a brand's nightly sync; a request in flight at any moment of a pass counts as posted during
 * it), and GET /v1/customers/{id}.
 *
 *   ./node_modules/.bin/deno run -A bench/scale-bench.ts [--customers 100000] [--plan] [--connections 4]
 *     [--db FILE]   (reuse a database made by an earlier run: its customers are not imported again)
 */
import { benchArgs } from "./bench-args.ts";
import { existsSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { apiOf, benchKeys } from "./serve-child.ts";
import { SqliteStore } from "../engine/live/sqlite-store.ts";
import { createKey } from "../engine/live/keys.ts";

const USAGE = "deno run -A bench/scale-bench.ts [--customers 100000] [--plan] [--connections 4] [--db FILE]";
const values = benchArgs(USAGE, {
  customers: { type: "string", default: "100000" },
  connections: { type: "string", default: "4" },
  plan: { type: "boolean", default: false },
  db: { type: "string" },
}, ["customers", "connections"]);
const N = Number(values.customers), connections = Number(values.connections);

const db = values.db ?? join(mkdtempSync(join(tmpdir(), "cadence-scale-bench-")), "cadence.sqlite");
const fresh = !existsSync(db);
let admin: string, approver: string;
if (fresh) ({ admin, approver } = benchKeys(db));
else {
  const s = new SqliteStore(db);
  admin = createKey(s, "admin", "scale bench", 0).key, approver = createKey(s, "approver", "scale bench approver", 0).key;
  s.close();
}
const START = "2026-03-02";
const t0 = performance.now();
const since = (t: number) => ((performance.now() - t) / 1000).toFixed(2);

/** A free port of 127.0.0.1 (the server is polled before it says where it listens). */
function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

let url = "";
let child: Deno.ChildProcess;
const log: string[] = [];

/** Starts the server and polls /healthz and /readyz every 100 ms until ready; prints what it saw. */
async function start(): Promise<void> {
  const port = freePort();
  url = `http://127.0.0.1:${port}`;
  const began = performance.now();
  child = new Deno.Command("./node_modules/.bin/deno", {
    args: ["run", "-A", "engine/cli/main.ts", "serve", "--db", db, "--port", String(port), "--clock", "manual", "--start", START],
    stdout: "piped", stderr: "piped",
  }).spawn();
  for (const stream of [child.stdout, child.stderr]) {
    (async () => {
      let rest = "";
      for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
        const lines = (rest + chunk).split("\n");
        rest = lines.pop()!;
        for (const l of lines) log.push(`  +${since(began)} s  ${l}`);
      }
    })();
  }
  let healthFirst = -1, healthFails = 0, healthOk = 0;
  for (;;) {
    const health = await fetch(`${url}/healthz`).then((r) => (r.body?.cancel(), r.status), () => 0);
    if (health === 200) {
      healthOk++;
      if (healthFirst < 0) healthFirst = performance.now() - began;
    } else healthFails++;
    const ready = await fetch(`${url}/readyz`).then((r) => (r.body?.cancel(), r.status), () => 0);
    if (ready === 200) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const readyMs = performance.now() - began;
  console.log(`start: /healthz first 200 after ${(healthFirst / 1000).toFixed(2)} s (${healthFails} polls failed, ${healthOk} answered), /readyz 200 after ${(readyMs / 1000).toFixed(2)} s; RSS peak ${hwm()}`);
  console.log(log.splice(0).join("\n"));
}

/** The server's peak resident memory (VmHWM) and current (VmRSS), from /proc. */
function hwm(): string {
  const s = Deno.readTextFileSync(`/proc/${child.pid}/status`);
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)![1]);
  return `${(kb("VmHWM") / 1024).toFixed(0)} MB (now ${(kb("VmRSS") / 1024).toFixed(0)} MB)`;
}

async function stop(): Promise<void> {
  child.kill("SIGTERM");
  await child.status;
}

const api = apiOf(() => url, admin);
const cid = (i: number) => `B${String(i).padStart(7, "0")}`;
const customer = (i: number) => ({ id: cid(i), consents: i % 5 ? ["email", "sms"] : ["sms"], timezone: "+01:00", signup: "2024-01-01", orders: i % 4, revenue: 40 * (i % 4) });

await start();
if (fresh) {
  const BATCH = 10_000, began = performance.now();
  let bytes = 0;
  for (let i = 0; i < N; i += BATCH) {
    const body = JSON.stringify({ customers: Array.from({ length: Math.min(BATCH, N - i) }, (_, k) => customer(i + k)) });
    bytes = Math.max(bytes, body.length);
    await api("POST", "/v1/customers", body);
  }
  const s = (performance.now() - began) / 1000;
  console.log(`import: ${N.toLocaleString("en")} customers in ${s.toFixed(1)} s (${Math.round(N / s).toLocaleString("en")}/s), batches of ${BATCH.toLocaleString("en")} (${(bytes / 1024).toFixed(0)} KiB a body); RSS peak ${hwm()}`);
  await stop();
  await start();
}

const latency = (ms: number[]) => {
  if (!ms.length) return "0 requests";
  ms.sort((a, b) => a - b);
  const q = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))].toFixed(1);
  return `${ms.length} requests, p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${ms.at(-1)!.toFixed(0)} ms`;
};

if (values.plan) {
  const PLAN = `name: daily-newsletter\ntimezone: "+01:00"\nchannels: { email: { cost: 0.002 }, sms: { cost: 0.05 } }\nprograms:\n` +
    `  - use: programs/newsletter\n    with: { every: 1d, start: "2026-03-01", audience: consent.email }\n  - use: programs/abandoned-cart\n`;
  const plan = await api("POST", "/v1/plans", PLAN, admin, "application/yaml");
  await api("POST", `/v1/plans/${plan.id}/forecast`, { customers: 500, days: 7, replications: 2 });
  await api("POST", `/v1/plans/${plan.id}/approve`, undefined, approver);
  const began = performance.now();
  await api("POST", `/v1/plans/${plan.id}/promote`);
  console.log(`promote: ${since(began)} s; RSS peak ${hwm()}`);
  const clockAt = async (iso: string) => {
    const b = performance.now();
    const r = await api("POST", "/v1/clock", { now: iso });
    return { ms: performance.now() - b, fired: r.fired };
  };
  // the promotion, at the clock's start (midnight), decided the day: the first pass moves the clock 12
  // hours and fires the day's newsletters held for 10:00; only then is a tick a minute with nothing due
  const first = await clockAt("2026-03-02T12:00:00Z");
  console.log(`first pass after the promotion (POST /v1/clock, 12 hours on): ${first.fired.toLocaleString("en-US")} timers fired in ${(first.ms / 1000).toFixed(2)} s`);
  const ticks: number[] = [];
  for (let m = 1; m <= 20; m++) ticks.push((await clockAt(`2026-03-02T12:${String(m).padStart(2, "0")}:00Z`)).ms);
  console.log(`tick (POST /v1/clock, one minute on, nothing due): ${latency(ticks)}`);
  // single events while the clock crosses midnight (the newsletter day), posted at the clock's time, and
  // uploads of known customers' profiles; a request in flight at any moment of a pass is counted as
  // during it (it may have waited for it)
  let running = true, k = 0;
  const requests: [start: number, end: number][] = [], uploads: [start: number, end: number][] = [];
  const clients = Array.from({ length: connections }, async () => {
    while (running) {
      const i = k++, b = performance.now();
      await api("POST", "/v1/events", { id: `v-${i}`, customer: cid((i * 7919) % N), type: "visit" });
      requests.push([b, performance.now()]);
    }
  });
  const UPLOAD = 100;
  clients.push((async () => {
    for (let u = 0; running; u++) {
      const from = (u * 7919 * UPLOAD) % N, b = performance.now();
      await api("POST", "/v1/customers", { customers: Array.from({ length: UPLOAD }, (_, j) => customer((from + j) % N)) });
      uploads.push([b, performance.now()]);
    }
  })());
  const pass = async (iso: string) => {
    const from = performance.now(), r = await clockAt(iso);
    return { ...r, from, to: performance.now() };
  };
  await new Promise((r) => setTimeout(r, 2000));
  const day = await pass("2026-03-03T00:00:00Z");
  console.log(`campaign day: POST /v1/clock over midnight answered in ${(day.ms / 1000).toFixed(2)} s; RSS peak ${hwm()}`);
  await new Promise((r) => setTimeout(r, 2000));
  // the newsletters' send time (10:00 at +01:00): the first pass after it fires every held message
  const sent = await pass("2026-03-03T09:01:00Z");
  console.log(`send time: POST /v1/clock at 10:01 fired ${sent.fired.toLocaleString("en")} timers in ${(sent.ms / 1000).toFixed(2)} s; RSS peak ${hwm()}`);
  running = false;
  await Promise.all(clients);
  const overlaps = (p: { from: number; to: number }) => (a: number, b: number) => a < p.to && b > p.from;
  for (const [route, made] of [["POST /v1/events", requests], [`POST /v1/customers (${UPLOAD} a request)`, uploads]] as const) {
    const waits = (keep: (start: number, end: number) => boolean) => latency(made.filter(([a, b]) => keep(a, b)).map(([a, b]) => b - a));
    console.log(`${route} before the day: ${waits((_, b) => b <= day.from)}`);
    console.log(`${route} during the day: ${waits(overlaps(day))}`);
    console.log(`${route} after it: ${waits((a, b) => a >= day.to && b <= sent.from)}`);
    console.log(`${route} during the send-time pass: ${waits(overlaps(sent))}`);
  }
  const out = await api("GET", "/v1/outbox?after=0&limit=1");
  console.log(`outbox: first message ${JSON.stringify(out.messages[0]?.key)}`);
  const reads: number[] = [];
  for (let i = 0; i < 200; i++) {
    const b = performance.now();
    await api("GET", `/v1/customers/${cid((i * 104729) % N)}`);
    reads.push(performance.now() - b);
  }
  console.log(`GET /v1/customers/{id}: ${latency(reads)}`);
  console.log(log.splice(0).join("\n"));
}
await stop();
console.log(`db ${db}; total ${since(t0)} s`);

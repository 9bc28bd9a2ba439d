/**
 * Live server load benchmark, loopback only: a `cadence serve` child process (system clock, the
 * lifecycle plan live, 10,000 customers imported) under autocannon, one case after another:
 *   single   POST /v1/events with one event per request
 *   batch    POST /v1/events with 100 events per request
 * Prints requests/s, events/s, p50 and p99 latency per case, the server's CPU time per event (all its
 * threads, from /proc: the figure that moves least with the machine's load), and the synchronous setting.
 * Events are purchases, visits and cart abandonments of customers drawn by a counter-based hash, so
 * they enter journeys, decide messages and write the outbox like real traffic.
 *
 *   ./node_modules/.bin/deno run -A bench/live-bench.ts [--duration 30] [--connections 32] [--synchronous NORMAL|FULL] [--writer-thread on|off]
 *     [--cases single,batch100] [--cpu-prof DIR]
 *
 * `--cpu-prof DIR` runs the server under V8's sampling profiler and leaves its .cpuprofile in DIR when
 * it stops (sum self time per function to see where an event's time goes).
 */
import { benchArgs } from "./bench-args.ts";
import { apiOf, benchId as id, benchKeys, lifecycleLive, spawnServe } from "./serve-child.ts";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import autocannon from "autocannon";
import { hash4 } from "../engine/core/hash.ts";

const USAGE = "deno run -A bench/live-bench.ts [--duration 30] [--connections 32] [--synchronous NORMAL|FULL] [--writer-thread on|off]\n" +
  "       [--customers 10000] [--cases single,batch100] [--cpu-prof DIR]";
const values = benchArgs(USAGE, {
  duration: { type: "string", default: "30" },
  connections: { type: "string", default: "32" },
  synchronous: { type: "string", default: "NORMAL" },
  "writer-thread": { type: "string", default: "on" },
  customers: { type: "string", default: "10000" },
  cases: { type: "string", default: "single,batch100" },
  "cpu-prof": { type: "string" },
}, ["duration", "connections", "customers"]);
const duration = Number(values.duration), connections = Number(values.connections), customers = Number(values.customers);
const sync = values.synchronous.toUpperCase();
const refuse = (msg: string) => (console.error(`${msg}\nusage: ${USAGE}`), Deno.exit(2));
if (sync !== "NORMAL" && sync !== "FULL") refuse(`--synchronous: expected NORMAL or FULL, got '${values.synchronous}'`);
const CASES: Record<string, number> = { single: 1, batch100: 100 };
for (const name of values.cases.split(",")) if (!(name in CASES)) refuse(`--cases: unknown case '${name}'; expected ${Object.keys(CASES).join(", ")}`);
if (!["on", "off"].includes(values["writer-thread"])) refuse(`--writer-thread: expected on or off, got '${values["writer-thread"]}'`);

const db = join(mkdtempSync(join(tmpdir(), "cadence-live-bench-")), "cadence.sqlite");
const { admin, approver } = benchKeys(db);

const { child, url } = await spawnServe(
  ["--db", db, "--port", "0", "--synchronous", sync, "--writer-thread", values["writer-thread"]],
  values["cpu-prof"] ? ["--cpu-prof", "--cpu-prof-dir", values["cpu-prof"]] : [],
);
const api = apiOf(() => url, admin);
await lifecycleLive(api, customers, "2024-01-01", approver);

const TYPES = ["purchase", "visit", "cart_abandoned"];
let n = 0;
const event = (tag: string) => {
  const k = n++, h = hash4(7, k, 0, 0);
  const type = TYPES[h % 3];
  return { id: `${tag}-${k}`, customer: id(h % customers), type, ...(type === "purchase" ? { value: 10 + (h % 90) } : {}) };
};

/**
 * The server process's CPU time (user + system, all its threads: the checkpointer included), from
 * /proc: CPU per acknowledged event hardly depends on what else loads the machine, unlike events/s.
 */
function serverCpuMs(): number {
  try {
    const f = Deno.readTextFileSync(`/proc/${child.pid}/stat`).split(") ")[1].split(" ");
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

/** CPU ms of each of the server's threads (name and id → ms), from /proc/<pid>/task. */
function threadCpuMs(): Map<string, number> {
  const out = new Map<string, number>();
  try {
    for (const t of Deno.readDirSync(`/proc/${child.pid}/task`)) {
      const stat = Deno.readTextFileSync(`/proc/${child.pid}/task/${t.name}/stat`);
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")), f = stat.split(") ")[1].split(" ");
      out.set(`${comm}#${t.name}`, ((Number(f[11]) + Number(f[12])) * 1000) / 100);
    }
  } catch { /* not Linux */ }
  return out;
}

async function run(name: string, perRequest: number) {
  const cpu0 = serverCpuMs(), threads0 = threadCpuMs();
  const r = await autocannon({
    url: `${url}/v1/events`, method: "POST", connections, duration,
    headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
    requests: [{
      setupRequest: (req: Record<string, unknown>) => ({
        ...req,
        body: JSON.stringify(perRequest === 1 ? event(name) : { events: Array.from({ length: perRequest }, () => event(name)) }),
      }),
    }],
  });
  const ok = r.requests.total - r.non2xx - r.errors, cpu = serverCpuMs() - cpu0;
  // the busiest threads: the main thread, the writer thread (batches), the checkpointer
  const threads = [...threadCpuMs()].map(([k, ms]) => [k.split("#")[0], Math.round((ms - (threads0.get(k) ?? 0)) * 1000 / (ok * perRequest) * 10) / 10] as const)
    .filter(([, us]) => us >= 0.5).sort((a, b) => b[1] - a[1]).slice(0, 4);
  return {
    case: name, connections, seconds: duration, requestsPerSecond: Math.round(r.requests.average), eventsPerSecond: Math.round(r.requests.average * perRequest),
    p50ms: r.latency.p50, p99ms: r.latency.p99, non2xx: r.non2xx, errors: r.errors, acknowledgedEvents: ok * perRequest,
    serverCpuUsPerEvent: Math.round((cpu * 1000) / (ok * perRequest) * 10) / 10,
    threadsCpuUsPerEvent: Object.fromEntries(threads.map(([k, us], i) => [`${i}:${k}`, us])),
  };
}

const results = [];
for (const name of values.cases.split(",")) results.push(await run(name, CASES[name]));
const stats = await api("GET", "/v1/metrics/live");
child.kill("SIGTERM");
await child.status;
console.log(`live server benchmark: synchronous=${sync}, writer thread ${values["writer-thread"]}, ${customers.toLocaleString("en")} customers, plan lifecycle live, ${Deno.build.os} ${navigator.hardwareConcurrency} cores`);
for (const r of results) {
  console.log(`${r.case.padEnd(9)} ${String(r.requestsPerSecond).padStart(7)} req/s ${String(r.eventsPerSecond).padStart(8)} events/s  p50 ${r.p50ms} ms  p99 ${r.p99ms} ms  server CPU ${r.serverCpuUsPerEvent} µs/event [${Object.entries(r.threadsCpuUsPerEvent).map(([k, us]) => `${k.split(":")[1]} ${us}`).join(", ")}]  (non-2xx ${r.non2xx}, errors ${r.errors}; load ${Deno.loadavg()[0].toFixed(1)})`);
}
console.log(`decisions made during the run: ${stats.total.treated.sends} sends, ${stats.total.treated.suppressed} suppressed`);
console.log(JSON.stringify(results));

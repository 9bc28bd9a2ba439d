/**
 * Test helpers for the live server: a real server (Deno.serve on 127.0.0.1, port chosen by the OS) over
 * a real SQLite file in a temp folder, one key per role, and a small JSON client. Also the bridge from
 * a simulation to the API: a population's starting profiles and the simulated world's event stream.
 */
import { afterEach } from "vitest";
import { parseDate } from "../../engine/core/time.ts";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { createKey } from "../../engine/live/keys.ts";
import { type RunningServer, type ServerConfig, startServer } from "../../engine/live/server.ts";
import { ROLES, type Role } from "../../engine/live/store.ts";

/** The live tests' start: a Monday, 2026-03-02 00:00 UTC; `at(h)`: h hours later, as an API time. */
export const T0 = parseDate("2026-03-02")!;
export const at = (h: number): string => new Date((T0 + h * 60) * 60000).toISOString();

/** A program (a plan's `programs:` item) that sends a transactional receipt e-mail for every purchase. */
export const RECEIPT_PROGRAM = `  - id: receipt
    type: journey
    trigger: { event: purchase }
    reentry: always
    steps:
      - send: { channel: email, message: receipt, category: transactional }
`;

/** A plan whose only program is RECEIPT_PROGRAM. */
export const RECEIPT_PLAN = `name: receipts
channels: { email: {} }
programs:
${RECEIPT_PROGRAM}`;

/**
 * `cadence serve` with these arguments as a child process, once it says it listens: the process and its
 * URL. Its stdout is drained after that line, so the child never blocks on a full pipe.
 */
export async function spawnServe(args: string[]): Promise<{ p: Deno.ChildProcess; url: string }> {
  const p = new Deno.Command("./node_modules/.bin/deno", {
    args: ["run", "-A", "engine/cli/main.ts", "serve", ...args], stdout: "piped", stderr: "null",
  }).spawn();
  const reader = p.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!/listening on (\S+)/.test(out)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`server did not start: ${out}`);
    out += value;
  }
  (async () => {
    try {
      while (!(await reader.read()).done);
    } catch { /* killed */ }
  })();
  return { p, url: /listening on (\S+)/.exec(out)![1] };
}

/** `server(config)`: a test server with its clock at `start`, stopped after the test that started it. */
export function serversStoppedAfterEach(start: number): (o?: Partial<ServerConfig>) => TestServer {
  let servers: TestServer[] = [];
  afterEach(async () => {
    for (const s of servers) await s.stop();
    servers = [];
  });
  return (o = {}) => {
    const s = testServer({ start, ...o }), stop = s.stop.bind(s);
    let stopped: ReturnType<typeof stop> | null = null;
    s.stop = () => stopped ??= stop(); // a test may stop one itself (a restart): stopped once
    servers.push(s);
    return s;
  };
}

/** What a test started (receivers, servers) to stop after it: push a stop function, it runs after the test. */
export function stoppedAfterEach(): (() => Promise<void>)[] {
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const f of stops.splice(0)) await f();
  });
  return stops;
}

/** Waits until `f()` holds, up to 4 s (a webhook's delivery, a writer's commit). */
export async function until(f: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !f(); i++) await new Promise((r) => setTimeout(r, 10));
}

export function tempDb(name = "live"): string {
  return join(mkdtempSync(join(tmpdir(), `cadence-${name}-`)), "cadence.sqlite");
}

export interface TestServer extends RunningServer {
  keys: Record<Role | "approver2", string>;
  api(method: string, path: string, body?: unknown, o?: { key?: string; type?: string }): Promise<{ status: number; body: any; headers: Headers }>;
}

export function testServer(cfg: Partial<ServerConfig> = {}): TestServer {
  const server = startServer({
    db: cfg.db ?? tempDb(), port: 0, host: "127.0.0.1", clock: "manual", seed: 1, control: { share: 0, salt: "t" },
    synchronous: "NORMAL", tickMs: 50, quiet: true, ...cfg,
  });
  const keys = Object.fromEntries(ROLES.map((r) => [r, createKey(server.store, r, `test ${r}`, 0).key])) as Record<Role | "approver2", string>;
  keys.approver2 = createKey(server.store, "approver", "second approver", 0).key;
  const api: TestServer["api"] = async (method, path, body, o = {}) => {
    const headers: Record<string, string> = {};
    const key = o.key ?? keys.admin;
    if (key) headers.authorization = `Bearer ${key}`;
    let payload: string | undefined;
    if (body !== undefined) {
      headers["content-type"] = o.type ?? "application/json";
      payload = typeof body === "string" ? body : JSON.stringify(body);
    }
    const res = await fetch(server.url + path, { method, headers, body: payload });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch { /* not JSON */ }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  return Object.assign(server, { keys, api });
}

/** Uploads, forecasts (small), approves with another key and promotes a plan; returns its id. */
export async function promote(s: TestServer, yaml: string, forecast = { customers: 200, days: 14, replications: 2 }): Promise<number> {
  const up = await s.api("POST", "/v1/plans", yaml, { key: s.keys.analyst, type: "application/yaml" });
  if (up.status !== 201) throw new Error(`upload: ${JSON.stringify(up.body)}`);
  const id = up.body.id;
  const steps: [string, unknown, string][] = [[`/v1/plans/${id}/forecast`, forecast, s.keys.analyst], [`/v1/plans/${id}/approve`, undefined, s.keys.approver], [`/v1/plans/${id}/promote`, undefined, s.keys.operator]];
  for (const [path, body, key] of steps) {
    const r = await s.api("POST", path, body, { key });
    if (r.status !== 200) throw new Error(`${path}: ${JSON.stringify(r.body)}`);
  }
  return id;
}

export { eventsOf, profilesOf } from "../../engine/live/sim-bridge.ts";

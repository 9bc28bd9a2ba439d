/**
 * Test helpers for the live server: a real server (Deno.serve on 127.0.0.1, port chosen by the OS) over
 * a real SQLite file in a temp folder, one key per role, and a small JSON client. Also the bridge from
 * a simulation to the API: a population's starting profiles and the simulated world's event stream.
 */
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { CHANNELS } from "../../engine/core/channels.ts";
import { monthDay } from "../../engine/core/calendar.ts";
import { NEVER } from "../../engine/core/customer-table.ts";
import { EVENT_TYPES, EV_INACTIVE } from "../../engine/core/events.ts";
import { formatTime } from "../../engine/core/time.ts";
import type { CompiledPlan } from "../../engine/core/compiled.ts";
import type { Population } from "../../engine/sim/population.ts";
import type { Recorder } from "../../engine/sim/recorder.ts";
import { createKey } from "../../engine/live/keys.ts";
import { type RunningServer, type ServerConfig, startServer } from "../../engine/live/server.ts";
import { ROLES, type Role } from "../../engine/live/store.ts";

export function tempDb(name = "live"): string {
  return join(mkdtempSync(join(tmpdir(), `cadence-${name}-`)), "cadence.sqlite");
}

export interface TestServer extends RunningServer {
  keys: Record<Role | "approver2", string>;
  api(method: string, path: string, body?: unknown, o?: { key?: string; type?: string }): Promise<{ status: number; body: any }>;
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
    return { status: res.status, body: parsed };
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

const iso = (t: number) => (t === NEVER ? null : formatTime(t));

/** The population's profiles as POST /v1/customers takes them (before the simulation changes them). */
export function profilesOf(p: Population): Record<string, unknown>[] {
  const t = p.table, out: Record<string, unknown>[] = [];
  for (let c = 0; c < t.size; c++) {
    const [m, d] = monthDay(Math.min(364, t.birthday[c]));
    out.push({
      id: t.ids[c], timezone: t.tz[c], signup: formatTime(t.signup[c]), consents: CHANNELS.filter((_, i) => t.consent[c] & (1 << i)),
      orders: t.orders[c], revenue: t.revenue[c], lastPurchase: iso(t.lastPurchase[c]), lastVisit: iso(t.lastVisit[c]),
      lastOpen: iso(t.lastOpen[c]), lastClick: iso(t.lastClick[c]), lastContact: iso(t.lastContact[c]),
      birthday: t.birthday[c] >= 0 ? `${String(m + 1).padStart(2, "0")}-${String(d).padStart(2, "0")}` : null,
      score: t.score[c], limit: t.limit[c], rfm: t.rfm[c],
    });
  }
  return out;
}

/**
 * The simulated world's event stream, in the recorder's time order, as POST /v1/events takes it.
 * Inactivity events are the plan's own (the live driver schedules them) and are left out.
 */
export function eventsOf(plan: CompiledPlan, ids: string[], rec: Recorder): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const i of rec.eventOrder()) {
    const type = rec.eType[i];
    if (type === EV_INACTIVE) continue;
    const send = rec.eSend[i];
    const e: Record<string, unknown> = { id: `e${i}`, customer: ids[rec.eCust[i]], type: type < 0 ? "left" : EVENT_TYPES[type], time: formatTime(rec.eTime[i]) };
    if (rec.eChannel[i] >= 0) e.channel = CHANNELS[rec.eChannel[i]];
    if (send >= 0) e.program = plan.names.programs[plan.sends[send].program], e.message = plan.sends[send].message;
    if (rec.eValue[i]) e.value = rec.eValue[i];
    out.push(e);
  }
  return out;
}

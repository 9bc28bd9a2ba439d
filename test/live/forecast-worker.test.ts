/**
 * A forecast runs in a worker (engine/live/forecast-job.ts): the server keeps answering while it
 * simulates (a 30,000 × 60 × 2 forecast held a health check for 0.64 s, and the schema allows 200,000 ×
 * 730 × 20), one forecast at a time, and the stored forecast is compare's, figure for figure.
 */
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { comparePlans } from "../../engine/compare/compare.ts";
import { parsePlan } from "../../engine/plan/load.ts";
import { T0, type TestServer, testServer } from "./live-helpers.ts";

const PLAN = readFileSync("scenarios/lifecycle.yaml", "utf8");

let servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers) await s.stop();
  servers = [];
});

async function upload(s: TestServer): Promise<number> {
  const up = await s.api("POST", "/v1/plans", PLAN, { key: s.keys.analyst, type: "application/yaml" });
  expect(up.status).toBe(201);
  return up.body.id;
}

describe("forecast in a worker", () => {
  it("stores compare's figures for the plan and the no-plan baseline", async () => {
    const s = testServer({ start: T0 });
    servers.push(s);
    const id = await upload(s);
    const o = { customers: 300, days: 21, replications: 2, seed: 4, start: "2026-01-05" };
    const r = await s.api("POST", `/v1/plans/${id}/forecast`, o, { key: s.keys.analyst });
    expect(r.status).toBe(200);
    const c = comparePlans([parsePlan(PLAN, `plan ${id}`)], o);
    expect(r.body.forecast.metrics).toEqual(JSON.parse(JSON.stringify(c.plans[0].metrics)));
    expect(r.body.forecast.baseline).toEqual(JSON.parse(JSON.stringify(c.plans[1].metrics)));
    expect(r.body.forecast.metrics.contacts.mean).toBeGreaterThan(0);
  });

  it("answers health checks while a forecast runs, and refuses a second forecast until the first has answered", async () => {
    const s = testServer({ start: T0 });
    servers.push(s);
    const [a, b] = [await upload(s), await upload(s)];
    const t0 = performance.now();
    let forecastAt = 0;
    const forecast = s.api("POST", `/v1/plans/${a}/forecast`, { customers: 30_000, days: 60, replications: 2 }, { key: s.keys.analyst })
      .then((r) => (forecastAt = performance.now(), r));
    await new Promise((r) => setTimeout(r, 200)); // the forecast is under way
    const second = s.api("POST", `/v1/plans/${b}/forecast`, {}, { key: s.keys.analyst });
    const health: { at: number; ms: number }[] = [];
    while (!forecastAt && health.length < 200) {
      const t = performance.now();
      const h = await s.api("GET", "/healthz");
      expect(h.status).toBe(200);
      health.push({ at: performance.now(), ms: performance.now() - t });
      await new Promise((r) => setTimeout(r, 50));
    }
    const done = await forecast;
    expect(done.status).toBe(200);
    expect(done.body.state).toBe("simulated");
    const during = health.filter((h) => h.at < forecastAt);
    // blocked, the checks waited for the whole forecast and came back after it (none answered during it);
    // generous bounds for a loaded 2-core machine (the forecast's length is the machine's: ≈ 1–4 s)
    expect(forecastAt - t0).toBeGreaterThan(400);
    expect(during.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...during.map((h) => h.ms))).toBeLessThan(500);
    expect((await second).status).toBe(409);
    expect((await second).body.error).toBe(`a forecast of plan ${a} is running; this server runs one at a time: POST again when it has answered`);
    // and the server takes a forecast again once the first has answered
    expect((await s.api("POST", `/v1/plans/${b}/forecast`, { customers: 100, days: 7, replications: 2 }, { key: s.keys.analyst })).status).toBe(200);
  });
});

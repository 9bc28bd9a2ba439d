/**
 * A start that loads many customers (docs/live.md, "Scale"): the server takes its address at once,
 * answers /healthz while it loads (a liveness probe must not kill it), refuses the rest with a 503 that
 * says how far the load is, and logs its progress; once loaded it serves every route.
 */
import { describe, expect, it } from "vitest";
import { startServerLoading } from "../../engine/live/server.ts";
import { type RunningServer } from "../../engine/live/server.ts";
import { tempDb, testServer } from "./live-helpers.ts";

const N = 20_000;

describe("a start with 20,000 customers to load", () => {
  it("answers /healthz meanwhile, /readyz and other routes 503 with the progress, and logs it", async () => {
    const db = tempDb("loading");
    const boot = testServer({ db });
    const admin = boot.keys.admin;
    boot.driver.upsert(Array.from({ length: N }, (_, i) => ({ id: `L${i}`, consent: 1 })));
    await boot.stop();

    const log: string[] = [];
    // 100 customers between two turns of the event loop, a log line at each: the load takes ≈ 200 turns
    const starting = startServerLoading({ db, port: 0, host: "127.0.0.1", clock: "manual", seed: 1, control: { share: 0, salt: "t" }, synchronous: "NORMAL", tickMs: 50 }, (l) => log.push(l), { everyMs: 0, step: 100 });
    const url = /(http:\/\/\S+)\/healthz/.exec(log[0])![1];
    expect(log[0]).toBe(`loading 20,000 customers (db ${db}); ${url}/healthz answers meanwhile, /readyz once they are loaded`);
    const health = await fetch(`${url}/healthz`).then((r) => r.json().then((body) => ({ status: r.status, body })));
    const ready = await fetch(`${url}/readyz`).then((r) => r.json().then((body) => ({ status: r.status, body })));
    const other = await fetch(`${url}/v1/customers/L1`, { headers: { authorization: `Bearer ${admin}` } });
    const otherBody = await other.json();
    const server: RunningServer = await starting;
    try {
      expect(health.status).toBe(200);
      expect(health.body.ok).toBe(true);
      expect(health.body.loading.of).toBe(N);
      expect(health.body.loading.customers).toBeGreaterThan(0);
      expect(health.body.loading.customers).toBeLessThan(N);
      expect(ready.status).toBe(503);
      expect(ready.body.ok).toBe(false);
      expect(ready.body.loading.of).toBe(N);
      expect(other.status).toBe(503);
      expect(other.headers.get("retry-after")).toBe("5");
      expect(otherBody.error).toMatch(/^the server is loading its customers \([\d,]+ of 20,000, \d+ %\); nothing was done: send the request again once GET \/readyz answers 200$/);
      // progress, every step here (every 5 s by default), then the end
      expect(log[1]).toMatch(/^loaded 100 of 20,000 customers \(0 %\) in \d+\.\d s$/);
      expect(log.at(-1)).toMatch(/^loaded 20,000 of 20,000 customers \(100 %\) in \d+\.\d s$/);
      expect(log.length).toBe(2 + N / 100 - 1);
      // loaded: every route answers, on the same address
      expect((await fetch(`${url}/readyz`).then((r) => (r.body?.cancel(), r.status)))).toBe(200);
      const c = await fetch(`${url}/v1/customers/L19999`, { headers: { authorization: `Bearer ${admin}` } });
      expect(c.status).toBe(200);
      expect((await c.json()).id).toBe("L19999");
      expect(server.driver.slots.size).toBe(N);
    } finally {
      await server.stop();
    }
  });
});

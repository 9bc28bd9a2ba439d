/**
 * Lifecycle steps in odd orders (promote twice, resume a retired plan, retire the retired, two promotions
 * at once, forecast vs actual of a plan not yet live): each a 409 that says what the plan's next step
 * is, never a 500; no event is lost, and forecast vs actual counts what the tables hold.
 */
import { describe, expect, it } from "vitest";
import { at, promote, RECEIPT_PLAN, serversStoppedAfterEach, T0 } from "./live-helpers.ts";

const server = serversStoppedAfterEach(T0);

describe("plan steps out of order", () => {
  it("answers each with a 409 naming the plan's next step, and keeps every event", async () => {
    const s = server();
    const id = await promote(s, RECEIPT_PLAN);
    const step = async (verb: string, plan = id) => (await s.api("POST", `/v1/plans/${plan}/${verb}`, undefined, { key: s.keys.operator }));
    expect(await step("promote")).toMatchObject({ status: 409, body: { error: `cannot promote plan ${id}: it is live; only a plan that is approved can be. It runs: POST /v1/plans/${id}/pause or /retire it; to change it, upload a new plan and promote it in its place` } });
    expect(await step("resume")).toMatchObject({ status: 409, body: { error: expect.stringMatching(/^cannot resume plan 1: it is live; only a plan that is paused can be\. It runs:/) } });
    await s.api("POST", "/v1/events", { events: [1, 2].map((i) => ({ id: `p${i}`, customer: `C${i}`, type: "purchase", value: 10, time: at(i) })) }, { key: s.keys.ingest });
    const fva = (await s.api("GET", `/v1/plans/${id}/forecast-vs-actual`)).body;
    const contacts = s.store.query<{ n: number }>("SELECT count(*) AS n FROM decisions WHERE plan = ? AND status = 'sent' AND control = 0", id)[0].n;
    expect(contacts).toBe(2); // one receipt per purchase
    expect(fva.metrics.find((m: { name: string }) => m.name === "contacts").actual).toBe(contacts);
    expect(fva.metrics.find((m: { name: string }) => m.name === "reach").actual).toBe(2);

    expect((await step("retire")).body.state).toBe("retired");
    // events after the retirement are stored (no plan decides on them) and not the retired plan's
    const after = await s.api("POST", "/v1/events", { id: "p3", customer: "C3", type: "purchase", value: 10, time: at(3) }, { key: s.keys.ingest });
    expect(after).toMatchObject({ status: 200, body: { accepted: 1 } });
    expect(s.store.query<{ n: number }>("SELECT count(*) AS n FROM events")[0].n).toBe(3);
    const retiredFva = (await s.api("GET", `/v1/plans/${id}/forecast-vs-actual`)).body;
    expect(retiredFva.metrics.find((m: { name: string }) => m.name === "contacts").actual).toBe(2);
    const final = "Retired is final: to run its text again, upload it as a new plan (POST /v1/plans) and take it through forecast, approve and promote";
    for (const verb of ["resume", "pause", "promote"]) {
      const r = await step(verb);
      expect(r.status).toBe(409);
      expect(r.body.error).toMatch(new RegExp(`^cannot ${verb} plan 1: it is retired; only a plan that is \\w+ can be\\. `));
      expect(r.body.error.endsWith(final)).toBe(true);
    }
    expect((await step("retire")).body.error).toBe(`cannot retire plan 1: it is retired; only a plan that is draft, simulated, approved, live or paused can be. ${final}`);

    // a draft: no forecast to compare, and what to do
    const draft = (await s.api("POST", "/v1/plans", RECEIPT_PLAN, { key: s.keys.analyst, type: "application/yaml" })).body.id;
    expect(await step("promote", draft)).toMatchObject({ status: 409, body: { error: `cannot promote plan ${draft}: it is draft; only a plan that is approved can be. Its next step: POST /v1/plans/${draft}/forecast, then approve (another person's key), then promote` } });
    expect(await s.api("GET", `/v1/plans/${draft}/forecast-vs-actual`)).toMatchObject({ status: 409, body: { error: `plan ${draft} has no forecast: POST /v1/plans/${draft}/forecast, approve and promote it; then this compares what happens live with that forecast` } });
  });

  it("two promotions at once: one plan is live, the other retired by it, and no event is lost", async () => {
    const s = server();
    const ids: number[] = [];
    for (const name of ["first", "second"]) {
      const up = (await s.api("POST", "/v1/plans", RECEIPT_PLAN.replace("receipts", name), { key: s.keys.analyst, type: "application/yaml" })).body.id;
      await s.api("POST", `/v1/plans/${up}/forecast`, { customers: 200, days: 14, replications: 2 }, { key: s.keys.analyst });
      await s.api("POST", `/v1/plans/${up}/approve`, undefined, { key: s.keys.approver });
      ids.push(up);
    }
    const [a, b, ev] = await Promise.all([
      ...ids.map((i) => s.api("POST", `/v1/plans/${i}/promote`, undefined, { key: s.keys.operator })),
      s.api("POST", "/v1/events", { id: "p1", customer: "C1", type: "purchase", value: 10, time: at(1) }, { key: s.keys.ingest }),
    ]);
    expect([a.status, b.status, ev.status]).toEqual([200, 200, 200]);
    const states = (await s.api("GET", "/v1/plans")).body.plans.map((p: { state: string }) => p.state);
    expect(states).toEqual(["retired", "live"]);
    expect(s.store.query<{ n: number }>("SELECT count(*) AS n FROM events")[0].n).toBe(1);
  });
});

/**
 * Forecast vs actual over a plan's own period and customers: a real server on a real SQLite file,
 * plans promoted and retired through the API, purchases posted while no plan was live and under the
 * next plan. And the comparison of counts (whole numbers) with a forecast scaled down to almost nothing.
 */
import { describe, expect, it } from "vitest";
import { inControl } from "../../engine/live/control-group.ts";
import { forecastVsActual } from "../../engine/live/forecast-vs-actual.ts";
import { fmtInterval, renderLiveReport } from "../../engine/live/live-report.ts";
import { SqliteStore } from "../../engine/live/sqlite-store.ts";
import { at, promote, RECEIPT_PROGRAM, serversStoppedAfterEach, T0, tempDb } from "./live-helpers.ts";

const server = serversStoppedAfterEach(T0);

const PLAN_A = `name: first
timezone: "+00:00"
channels: { email: {} }
programs:
  - id: welcome
    type: journey
    trigger: { event: signup }
    steps:
      - wait: 2d
      - send: { channel: email, message: welcome, category: relational }
${RECEIPT_PROGRAM}`;
const PLAN_B = `name: second
timezone: "+00:00"
channels: { email: {} }
programs:
  - id: winback
    type: journey
    trigger: { event: signup }
    steps:
      - wait: 30d
      - send: { channel: email, message: winback, category: promotional }
`;

const GROUP = { share: 0.5, salt: "s1" };
const IDS = Array.from({ length: 12 }, (_, i) => `K${i}`);
const TREATED = IDS.filter((id) => !inControl(GROUP, id)), CONTROL = IDS.filter((id) => inControl(GROUP, id));

describe("forecast vs actual: a plan's own period, customers and programs", () => {
  it("counts only what happened between promotion and retirement, by the treated customers, attributed to the plan's programs", async () => {
    expect(TREATED.length).toBeGreaterThan(2);
    expect(CONTROL.length).toBeGreaterThan(2);
    const s = server({ control: GROUP });
    const ingest = { key: s.keys.ingest };
    const a = await promote(s, PLAN_A); // live at T0
    await s.api("POST", "/v1/customers", { customers: IDS.map((id) => ({ id, signup: at(0), consents: ["email"] })) }, ingest);
    // every customer buys once, attributed to the welcome; each purchase sends a transactional receipt, to control customers too
    await s.api("POST", "/v1/events", {
      events: IDS.map((id) => ({ id: `p${id}`, customer: id, type: "purchase", time: at(1), value: CONTROL.includes(id) ? 4 : 10, program: "welcome", message: "welcome" })),
    }, ingest);
    await s.api("POST", "/v1/clock", { now: at(10) });
    expect((await s.api("POST", `/v1/plans/${a}/retire`, undefined, { key: s.keys.operator })).status).toBe(200);
    // no plan live: a purchase naming a program nobody has, and a new customer
    await s.api("POST", "/v1/events", { id: "ghost1", customer: TREATED[0], type: "purchase", time: at(10.5), value: 500, program: "ghost" }, ingest);
    await s.api("POST", "/v1/customers", { customers: [{ id: "N1", signup: at(10.5), consents: ["email"] }] }, ingest);
    await s.api("POST", "/v1/clock", { now: at(11) });
    const b = await promote(s, PLAN_B); // live at 11:00, then retired the same minute: live for 0 minutes
    await s.api("POST", `/v1/plans/${b}/retire`, undefined, { key: s.keys.operator });
    await s.api("POST", "/v1/events", { id: "ghost2", customer: TREATED[1], type: "purchase", time: at(12), value: 500, program: "winback" }, ingest);
    await s.api("POST", "/v1/clock", { now: at(13) });

    const fva = async (id: number) => {
      const r = await s.api("GET", `/v1/plans/${id}/forecast-vs-actual`, undefined, { key: s.keys.analyst });
      expect(r.status).toBe(200);
      return { ...r.body, actual: Object.fromEntries(r.body.metrics.map((m: { name: string; actual: number }) => [m.name, m.actual])) };
    };
    const first = await fva(a);
    expect(first.period).toEqual({ from: "2026-03-02T00:00:00Z", to: "2026-03-02T10:00:00Z", days: 0.417, pausedDays: 0 });
    expect(first.actual).toEqual({
      contacts: TREATED.length, // the treated customers' receipts; the control customers' receipts are not the forecast's
      reach: TREATED.length,
      unsubscribes: 0,
      complaints: 0,
      conversions: TREATED.length, // the welcome-attributed purchases of the treated; not the 500s after the retirement
      incrementalRevenue: (10 - 4) * TREATED.length,
    });
    // N1 came after the retirement: not one of this plan's customers
    expect(first.population).toMatchObject({ treated: TREATED.length, control: CONTROL.length });
    const second = await fva(b);
    expect(second.actual).toEqual({ contacts: 0, reach: 0, unsubscribes: 0, complaints: 0, conversions: 0, incrementalRevenue: 0 });
    expect(second.population).toMatchObject({ treated: TREATED.length + (inControl(GROUP, "N1") ? 0 : 1), control: CONTROL.length + (inControl(GROUP, "N1") ? 1 : 0) });
  });
});

describe("forecast vs actual: counts are whole numbers", () => {
  it("takes 0 purchases as inside a forecast scaled down to [0.00006, 0.00008], and prints the interval [0, 1]", () => {
    const store = new SqliteStore(tempDb("fva-count"));
    store.migrate();
    const forecast = { customers: 1000, days: 60, replications: 3, metrics: { conversions: { mean: 100, lo: 90, hi: 110 } } };
    const id = store.addPlan({ name: "p", source: "name: p\nprograms: []\n", hash: "h", engine: "e", state: "live", author: "k", approver: null, forecast: JSON.stringify(forecast), created: 0, promoted: 0, retired: null });
    store.tx(() => store.putCustomer("C1", "{}", 0, 0, ""));
    // one treated customer for one hour: the forecast's 100 ± 20 (one run) scaled by 1/1000 × 1/1440
    const r = forecastVsActual(store, store.getPlan(id)!, 60);
    const conversions = r.metrics.find((m) => m.name === "conversions")!;
    expect(conversions.forecast.mean).toBeCloseTo(100 / 1000 / 1440, 9);
    expect(conversions).toMatchObject({ actual: 0, inside: true, forecast: { lo: 0, hi: 1 } });
    expect(renderLiveReport(r)).toMatch(/<th>conversions \(purchases attributed to its programs\)<\/th><td>0\.0<\/td><td>\[0, 1\]<\/td><td>0<\/td><td class="in">inside<\/td>/);
    store.close();
  });

  it("prints money's interval rounded outward: a lower end of 0.00008 never prints as 0.0 below an upper end it might equal", () => {
    expect(fmtInterval(0.00008, 4.96, false)).toBe("[0.0, 5.0]");
    expect(fmtInterval(-0.04, 0.00008, false)).toBe("[-0.1, 0.1]");
    expect(fmtInterval(-1234.4, 5678.2, false)).toBe("[-1,235, 5,679]");
    expect(fmtInterval(0, 1234, true)).toBe("[0, 1,234]");
  });

  it("prints money's two ends at one precision, the larger end's (it printed [-24.8, 1,749])", () => {
    expect(fmtInterval(-24.8, 1748.3, false)).toBe("[-25, 1,749]");
    expect(fmtInterval(-150.02, 12.34, false)).toBe("[-151, 13]");
    expect(fmtInterval(-24.83, 99.91, false)).toBe("[-24.9, 100.0]"); // the ends' sizes decide, not the rounded upper end's
    expect(fmtInterval(-0.4, -0.2, false)).toBe("[-0.4, -0.2]");
    expect(fmtInterval(-250.5, -0.2, false)).toBe("[-251, 0]"); // not "-0"
  });
});

describe("forecast vs actual: no control group", () => {
  it("says the incremental revenue is not measured, and why, instead of a blank: in the route, the live metrics and the report", async () => {
    const s = server(); // control share 0: nobody is kept from the plan's messages
    const a = await promote(s, PLAN_A);
    await s.api("POST", "/v1/customers", { customers: IDS.map((id) => ({ id, signup: at(0), consents: ["email"] })) }, { key: s.keys.ingest });
    await s.api("POST", "/v1/events", { id: "p1", customer: IDS[0], type: "purchase", time: at(1), value: 10, program: "welcome", message: "welcome" }, { key: s.keys.ingest });
    await s.api("POST", "/v1/clock", { now: at(2) });
    const r = (await s.api("GET", `/v1/plans/${a}/forecast-vs-actual`, undefined, { key: s.keys.analyst })).body;
    expect(r.population).toMatchObject({ treated: 12, control: 0 });
    const inc = r.metrics.find((m: { name: string }) => m.name === "incrementalRevenue");
    const why = `not measured: plan ${a} was promoted with no control group (control share 0), so no customer is kept from its messages to compare with; ` +
      "to measure it, start the server with --control-share (0.05 to 0.2), retire the plan and promote it again";
    expect(inc).toMatchObject({ actual: null, actualInterval: null, inside: null, note: why });
    // the other metrics are measured as ever, and carry no note
    expect(r.metrics.filter((m: { note?: string }) => m.note).length).toBe(1);
    const live = (await s.api("GET", "/v1/metrics/live", undefined, { key: s.keys.analyst })).body;
    expect(live.total).toMatchObject({ incrementalRevenuePerCustomer: null, incrementalRevenue: null, incrementalRevenueNote: why });
    expect(renderLiveReport(r)).toContain(`<td>—<br><small>${why}</small></td>`);
  });

  it("says a control group with no customer yet is not measured yet, naming its share", () => {
    const store = new SqliteStore(tempDb("fva-no-control-yet"));
    store.migrate();
    const forecast = { customers: 1000, days: 60, replications: 3, metrics: { incrementalRevenue: { mean: 100, lo: 90, hi: 110 } } };
    const id = store.addPlan({ name: "p", source: "name: p\nprograms: []\n", hash: "h", engine: "e", state: "live", author: "k", approver: null, forecast: JSON.stringify(forecast), created: 0, promoted: 0, retired: null });
    store.updatePlan(id, { control: JSON.stringify({ share: 0.05, salt: "s" }) });
    const treatedId = ["A", "B", "C", "D"].find((x) => !inControl({ share: 0.05, salt: "s" }, x))!;
    store.tx(() => store.putCustomer(treatedId, "{}", 0, 0, ""));
    const inc = forecastVsActual(store, store.getPlan(id)!, 60).metrics.find((m) => m.name === "incrementalRevenue")!;
    expect(inc).toMatchObject({ actual: null, inside: null, note: "not measured yet: no customer of the control group (share 0.05) is stored, so there is no one to compare the treated customers with" });
    store.close();
  });
});

describe("forecast vs actual: a plan paused part of its period", () => {
  it("takes the forecast pro rata to the days the plan ran, leaving out the days it was paused and sent nothing", async () => {
    const s = server({ control: GROUP });
    const a = await promote(s, PLAN_A); // live at T0; the forecast: 200 customers × 14 days
    await s.api("POST", "/v1/customers", { customers: IDS.map((id) => ({ id, signup: at(0), consents: ["email"] })) }, { key: s.keys.ingest });
    const op = { key: s.keys.operator };
    const fva = async () => (await s.api("GET", `/v1/plans/${a}/forecast-vs-actual`, undefined, { key: s.keys.analyst })).body;
    await s.api("POST", "/v1/clock", { now: at(12) });
    expect((await s.api("POST", `/v1/plans/${a}/pause`, undefined, op)).status).toBe(200);
    await s.api("POST", "/v1/clock", { now: at(36) });
    // 1.5 days since promotion, the last one paused: the forecast is taken for the half day it ran
    const paused = await fva();
    expect(paused.period).toMatchObject({ days: 1.5, pausedDays: 1 });
    expect(paused.population.scale).toBeCloseTo((TREATED.length / 200) * (0.5 / 14), 12);
    expect((await s.api("POST", `/v1/plans/${a}/resume`, undefined, op)).status).toBe(200);
    await s.api("POST", "/v1/clock", { now: at(48) });
    const resumed = await fva();
    expect(resumed.period).toMatchObject({ days: 2, pausedDays: 1 });
    expect(resumed.population.scale).toBeCloseTo((TREATED.length / 200) * (1 / 14), 12);
    const stored = (await s.api("GET", `/v1/plans/${a}`, undefined, { key: s.keys.analyst })).body.forecast;
    const contacts = resumed.metrics.find((m: { name: string }) => m.name === "contacts");
    expect(stored.metrics.contacts.mean).toBeGreaterThan(0);
    expect(contacts.forecast.mean).toBeCloseTo(stored.metrics.contacts.mean * resumed.population.scale, 9);
    expect(renderLiveReport(resumed)).toContain("(2 days, of which 1 paused)");
  });
});

/**
 * The pressure rules in the live server's decision log (issue H22): a demanding rule set on the capped
 * lifecycle plan — a calendar week in another timezone, a rolling cap counted ahead, a spacing across
 * SMS and push, weighted pressure, a narrow SMS window — driven by a simulated world's event stream and
 * contacts made outside the plan (posted `contact` events), as test/live/parity.test.ts drives it. Every
 * message the live server sent is audited by test/core/pressure-audit.ts against the rules as written.
 */
import { describe, expect, it } from "vitest";
import { parsePlan } from "../../engine/plan/load.ts";
import { runPlan } from "../../engine/sim/run.ts";
import { syntheticPopulation } from "../../engine/sim/population.ts";
import { DAY, formatTime, parseDate } from "../../engine/core/time.ts";
import type { ExternalContacts } from "../../engine/sim/external-contacts.ts";
import { seeded } from "../helpers.ts";
import { auditPressure, type MessageRow } from "../core/pressure-audit.ts";
import { eventsOf, profilesOf, promote, testServer } from "./live-helpers.ts";

const CUSTOMERS = 300, DAYS = 45, SEED = 8, START = "2026-01-05";
const PRESSURE = `pressure:
  exempt: { categories: [transactional] }
  rules:
    - { name: two-a-tokyo-week, cap: 2, calendar: week, timezone: "+09:00" }
    - { name: three-in-10-days, cap: 3, window: 10d, lookahead: true }
    - { name: mobile-spacing, spacing: 36h, counts: { channels: [sms, push] } }
    - { name: weighted, weighted: { threshold: 3, weights: { email: 1, sms: 2, push: 0.5, promotional: 1.5 }, decay: { halfLife: 2d } } }
`;

describe("the pressure rules in the live decision log", () => {
  it("no message the live server sent breaks the plan's rules, outside contacts included", async () => {
    const text = Deno.readTextFileSync("scenarios/lifecycle-capped.yaml")
      .replace(/^pressure:\n(?: .*\n)+/m, PRESSURE).replace(`window: "09:00-20:00"`, `window: "10:00-18:00"`);
    const loaded = parsePlan(text, "audit.yaml");
    const source = loaded.source as Record<string, unknown>;
    expect((source.pressure as { rules: unknown[] }).rules.length).toBe(4);
    const start = parseDate(START)!, end = start + DAYS * DAY, u = seeded(SEED);
    // one outside contact per customer every 15 days or so, at odd minutes
    const outside: ExternalContacts = { customer: [], time: [], channel: [], category: [], source: "outside.csv" };
    for (let i = 0; i < CUSTOMERS * DAYS / 15; i++) {
      outside.customer.push(`C${String(1 + Math.floor(u() * CUSTOMERS)).padStart(7, "0")}`);
      outside.time.push(start + Math.floor(u() * DAYS * 1440));
      outside.channel.push(Math.floor(u() * 3)), outside.category.push(u() < 0.5 ? "relational" : "promotional");
    }
    let profiles: Record<string, unknown>[] = [];
    const res = runPlan(loaded, {
      customers: CUSTOMERS, days: DAYS, seed: SEED, start: START, record: true, baseline: false, external: outside,
      population: (o) => {
        const p = syntheticPopulation({ customers: CUSTOMERS, seed: o.seed, start: o.start, days: o.days, journeys: o.journeys, world: o.world });
        profiles = profilesOf(p);
        return p;
      },
    });
    const plan = res.run.plan, ids = res.run.population.table.ids, names = plan.names.channels;
    const contacts = outside.time.map((t, i) => ({ id: `x${i}`, customer: outside.customer[i], type: "contact", time: formatTime(t), channel: names[outside.channel[i]], category: outside.category[i] }));
    const events = [...eventsOf(plan, ids, res.recorder!).filter((e) => e.time < formatTime(end)), ...contacts].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));

    const s = testServer({ start, seed: SEED });
    const live: MessageRow[] = [];
    try {
      expect((await s.api("POST", "/v1/customers", { customers: profiles }, { key: s.keys.ingest })).body).toEqual({ created: CUSTOMERS, updated: 0 });
      await promote(s, text);
      for (let i = 0; i < events.length; i += 1000) {
        const r = await s.api("POST", "/v1/events", { events: events.slice(i, i + 1000) }, { key: s.keys.ingest });
        expect(r.status).toBe(200);
      }
      expect((await s.api("POST", "/v1/clock", { now: formatTime(end) })).status).toBe(200);
      const category = new Map(plan.sends.map((x) => [`${plan.names.programs[x.program]} ${x.message}`, plan.names.categories[x.category]]));
      for (let after = 0; ;) {
        const page = (await s.api("GET", `/v1/decisions?after=${after}&limit=10000`)).body;
        for (const d of page.decisions) live.push({ ...d, category: category.get(`${d.program} ${d.message}`)! });
        if (page.decisions.length < 10000) break;
        after = page.next;
      }
    } finally {
      await s.stop();
    }
    const a = auditPressure({
      plan: source, messages: live, timezones: new Map(profiles.map((p) => [String(p.id), Number(p.timezone)])),
      outside: contacts,
    });
    console.log(`live pressure audit: ${live.length} decisions, ${a.checked.sends} sends checked, ${contacts.length} outside contacts`);
    expect(a.violations).toEqual([]);
    // rules that bite, on a real workload
    expect(a.checked.sends).toBeGreaterThan(400);
    for (const rule of ["two-a-tokyo-week", "three-in-10-days", "weighted"]) expect(live.some((d) => d.status === "suppressed" && d.rule === rule), rule).toBe(true);
  });
});

/**
 * Same-day campaign arbitration through the drivers' own path (campaignOccurrences → runDays →
 * core.campaignDay), and the pieces it rests on: the schedule expansion and audience selection; and a
 * day's sends offered customer by customer (daySends, offerSends: the live server's slices).
 */
import { describe, expect, it } from "vitest";
import { type Action, harness, plan, T0 } from "../helpers.ts";
import { campaignOccurrences } from "../../engine/core/campaign-schedule.ts";
import { selectAudience } from "../../engine/core/audience.ts";
import { daySends, offerSends, selectedFirst } from "../../engine/core/campaign-day.ts";
import { DAY, formatTime, HOUR, parseDate } from "../../engine/core/time.ts";
import { runPlan } from "../../engine/sim/run.ts";
import { messagesTable } from "../../engine/sim/tables.ts";
import { PER1, PER4 } from "../../engine/core/record.ts";

type Row = { customer: string; message: string; status: string; rule: string; time: string };
const rows = (r: ReturnType<typeof runPlan>) => messagesTable(r.run, r.recorder!).objects() as Row[];

describe("same-day campaign arbitration", () => {
  it("groups campaigns by the plan's local day: in a +10:00 plan the priority-90 campaign wins over the priority-10 one", () => {
    // 09:00 and 11:00 local are 23:00 the day before and 01:00 in UTC: one local day, two UTC days
    const p = plan(`timezone: "+10:00"
channels: { email: {} }
pressure:
  rules:
    - { name: one-a-day, cap: 1, window: 1d, lookahead: true }
programs:
  - { id: low, type: campaign, priority: 10, schedule: { once: "2026-01-06", at: "09:00" }, send: { channel: email, message: low } }
  - { id: high, type: campaign, priority: 90, schedule: { once: "2026-01-06", at: "11:00" }, send: { channel: email, message: high } }
`);
    const r = runPlan(p, { customers: 300, days: 10, seed: 2, record: true, baseline: false });
    const m = rows(r);
    const sent = m.filter((x) => x.status === "sent");
    expect(sent.length).toBeGreaterThan(100);
    expect(new Set(sent.map((x) => x.message))).toEqual(new Set(["high"]));
    expect(m.filter((x) => x.message === "low" && x.status === "suppressed" && x.rule === "one-a-day").length).toBe(sent.length);
  });

  it("ranks each customer's campaigns by their own evaluated priority", () => {
    // vip's priority is the customer's score × 100: above 30 it beats promo, below it loses
    const p = plan(`channels: { email: {} }
pressure:
  rules:
    - { name: one-a-day, cap: 1, calendar: day, lookahead: true }
programs:
  - { id: vip, type: campaign, priority: "score * 100", schedule: { once: "2026-01-06", at: "18:00" }, send: { channel: email, message: vip } }
  - { id: promo, type: campaign, priority: 30, schedule: { once: "2026-01-06", at: "10:00" }, send: { channel: email, message: promo } }
`);
    const r = runPlan(p, { customers: 600, days: 10, seed: 5, record: true, baseline: false });
    const t = r.run.population.table, index = new Map(t.ids.map((id, c) => [id, c]));
    const sent = rows(r).filter((x) => x.status === "sent");
    let above = 0, below = 0;
    for (const x of sent) {
      const score = t.score[(index.get(x.customer)!) * PER4];
      expect(x.message).toBe(score * 100 > 30 ? "vip" : "promo");
      if (score * 100 > 30) above++;
      else below++;
    }
    expect(above).toBeGreaterThan(20);
    expect(below).toBeGreaterThan(20);
  });
});

describe("campaign schedule", () => {
  it("expands every schedule kind into occurrences in the plan's timezone, sorted by time then plan order", () => {
    const p = plan(`timezone: "+02:00"
channels: { email: {} }
programs:
  - { id: weekly, type: campaign, schedule: { weekly: [mon, thu], at: "07:30" }, send: { channel: email, message: w } }
  - { id: once, type: campaign, schedule: { once: "2026-01-08", at: "07:30" }, send: { channel: email, message: o } }
  - { id: every, type: campaign, schedule: { every: 3d, start: "2026-01-02", at: "01:00" }, send: { channel: email, message: e } }
  - { id: dates, type: campaign, schedule: { dates: ["2026-01-03T00:30", "2026-02-01"] }, send: { channel: email, message: d } }
`);
    const start = parseDate("2026-01-01")!, end = start + 10 * DAY;
    const occ = campaignOccurrences(p.compiled, start, end).map((o) => `${formatTime(o.time).slice(5, 16)} ${p.compiled.programs[p.compiled.campaigns[o.campaign].program].id}`);
    // Jan 1 2026 is a Thursday; 07:30 at +02:00 is 05:30Z; 00:30 local on Jan 3 is 22:30Z on Jan 2
    expect(occ).toEqual([
      "01-01T05:30 weekly",
      "01-01T23:00 every",
      "01-02T22:30 dates",
      "01-04T23:00 every",
      "01-05T05:30 weekly",
      "01-07T23:00 every",
      "01-08T05:30 weekly",
      "01-08T05:30 once",
      "01-10T23:00 every", // 01:00 on Jan 11 local is still inside [Jan 1, Jan 11) UTC
    ]);
  });

  it("sends a date written with its own offset at that instant, whatever the plan's timezone", () => {
    // a Paris plan at "+01:00" names its summer sends in summer time: 10:00+02:00 is 08:00 UTC. The date was
    // read as plan time and moved again by the plan's offset (07:00 UTC, 09:00 in Paris); "Z" likewise
    const p = plan(`timezone: "+01:00"
channels: { email: {} }
programs:
  - { id: summer, type: campaign, schedule: { once: "2026-07-01T10:00+02:00" }, send: { channel: email, message: s } }
  - { id: utc, type: campaign, schedule: { dates: ["2026-07-02T10:00Z", "2026-07-02T10:00"] }, send: { channel: email, message: u } }
  - { id: weekly, type: campaign, schedule: { weekly: [fri], at: "10:00", start: "2026-07-03T09:30Z" }, send: { channel: email, message: w } }
`);
    const start = parseDate("2026-07-01")!;
    const occ = campaignOccurrences(p.compiled, start, start + 14 * DAY).map((o) => `${formatTime(o.time).slice(5, 16)} ${p.compiled.programs[p.compiled.campaigns[o.campaign].program].id}`);
    // the weekly campaign starts at 10:30 in Paris on Friday Jul 3: its 10:00 that day is before the start
    expect(occ).toEqual(["07-01T08:00 summer", "07-02T09:00 utc", "07-02T10:00 utc", "07-10T09:00 weekly"]);
  });

  it("ends a weekly schedule at its end's time, as every and monthly do (the end is exclusive)", () => {
    // end 2026-07-10 is 10:00 that day (the schedule's time): the weekly Friday campaign sent on Jul 10 too
    const p = plan(`channels: { email: {} }
programs:
  - { id: weekly, type: campaign, schedule: { weekly: [fri], start: "2026-07-03", end: "2026-07-10" }, send: { channel: email, message: w } }
  - { id: every, type: campaign, schedule: { every: 1w, start: "2026-07-03", end: "2026-07-10" }, send: { channel: email, message: e } }
  - { id: monthly, type: campaign, schedule: { monthly: 3, start: "2026-07-03", end: "2026-08-03" }, send: { channel: email, message: m } }
`);
    const start = parseDate("2026-07-01")!;
    const occ = campaignOccurrences(p.compiled, start, start + 40 * DAY).map((o) => `${formatTime(o.time).slice(5, 16)} ${p.compiled.programs[p.compiled.campaigns[o.campaign].program].id}`);
    expect(occ).toEqual(["07-03T10:00 weekly", "07-03T10:00 every", "07-03T10:00 monthly"]);
  });
});

describe("audience selection", () => {
  it("selects existing, present customers matching the audience, and for a targeted campaign the top share by score", () => {
    const p = plan(`channels: { email: {} }
programs:
  - { id: all, type: campaign, schedule: { once: "2026-01-05" }, audience: "orders >= 1", send: { channel: email, message: a } }
  - { id: top, type: campaign, schedule: { once: "2026-01-05" }, audience: "true", targeted: { share: 0.25, score: score }, send: { channel: email, message: t } }
`);
    const h = harness(p, 8);
    const t = h.table;
    [0.9, 0.1, 0.5, 0.7, 0.3, 0.8, 0.2, 0.6].forEach((s, c) => (t.score[c * PER4] = s));
    t.orders[1 * PER4] = t.orders[2 * PER4] = t.orders[5 * PER4] = 1;
    t.gone[5 * PER1] = 1; // left the brand
    t.signup[6 * PER4] = T0 + HOUR; // not yet signed up at the decision time
    expect([...selectAudience(h.plan, 0, t, T0)]).toEqual([1, 2]);
    // 6 customers present: ceil(0.25 × 6) = 2, the highest scores among them (0.9 and 0.7)
    expect([...selectAudience(h.plan, 1, t, T0)]).toEqual([0, 3]);
  });
});

describe("a campaign day's sends by customer (the live server's slices)", () => {
  // two campaigns at 00:00 go at once, one at 10:00 is held; a per-customer priority makes the day rank
  // each customer's campaigns on their own; the caps make every decision depend on the ones before it
  const DAY_PLAN = `channels: { email: {} }
pressure:
  rules:
    - { name: one-a-day, cap: 1, calendar: day, lookahead: true }
    - { name: two-a-week, cap: 2, window: 7d, lookahead: true }
programs:
  - { id: promo, type: campaign, priority: 20, schedule: { once: "2026-01-05", at: "10:00" }, send: { channel: email, message: promo } }
  - { id: vip, type: campaign, priority: "score * 40", schedule: { once: "2026-01-05", at: "00:00" }, audience: "orders >= 1", send: { channel: email, message: vip } }
  - { id: top, type: campaign, priority: 25, schedule: { once: "2026-01-05", at: "00:00" }, audience: "true", targeted: { share: 0.5, score: score }, send: { channel: email, message: top } }
`;
  const CUSTOMERS = 40;
  const byCustomer = (actions: Action[]) => {
    const m = new Map<number, string[]>();
    for (const a of actions) m.set(a.c, [...(m.get(a.c) ?? []), `${a.kind} ${a.send} ${a.time} ${a.priority ?? ""} ${a.rule ?? ""}`]);
    return m;
  };
  const day = (p: ReturnType<typeof plan>) => {
    const h = harness(p, CUSTOMERS);
    for (let c = 0; c < CUSTOMERS; c++) h.table.score[c * PER4] = ((c * 7) % 11) / 10, h.table.orders[c * PER4] = c % 3;
    return { h, occurrences: campaignOccurrences(p.compiled, T0, T0 + DAY) };
  };

  for (const [what, yaml] of [["per-customer priorities", DAY_PLAN], ["constant priorities", DAY_PLAN.replace(`"score * 40"`, "22")]]) {
    it(`decides each customer as decideCampaignDay, whatever the order of the customers (${what})`, () => {
      const p = plan(yaml), whole = day(p), sliced = day(p);
      whole.h.core.campaignDay(whole.occurrences, T0);
      const sends = daySends(sliced.h.core, sliced.occurrences, T0);
      for (let i = sends.customers.length - 1; i >= 0; i--) offerSends(sliced.h.core, sends, i, T0);
      expect(byCustomer(sliced.h.actions)).toEqual(byCustomer(whole.h.actions));
      // a real day: all three campaigns go to someone, and the caps suppress some
      const kinds = whole.h.actions.map((a) => `${a.kind} ${a.send}`);
      for (const k of ["send vip", "send top", "due promo", "suppressed promo"]) expect(kinds).toContain(k);
      expect(selectedFirst(p.compiled, whole.occurrences)).toBe(true);
    });
  }

  it("is not used where a later audience reads lastContact: a campaign sent at once changes it (selectedFirst)", () => {
    // with constant priorities, `later`'s audience is selected once `first` is offered: those it reached are out
    const p = plan(`channels: { email: {} }
programs:
  - { id: first, type: campaign, priority: 20, schedule: { once: "2026-01-05", at: "00:00" }, audience: "score > 0.5", send: { channel: email, message: first } }
  - { id: later, type: campaign, priority: 10, schedule: { once: "2026-01-05", at: "00:00" }, audience: "lastContact == null", send: { channel: email, message: later } }
`);
    const { h, occurrences } = day(p);
    h.core.campaignDay(occurrences, T0);
    const first = h.actions.filter((a) => a.send === "first").map((a) => a.c), later = h.actions.filter((a) => a.send === "later").map((a) => a.c);
    expect(first.length).toBeGreaterThan(10);
    expect(later.length).toBe(CUSTOMERS - first.length); // selecting both first would have given `later` to everyone
    expect(selectedFirst(p.compiled, occurrences)).toBe(false);
    expect(selectedFirst(p.compiled, occurrences.slice(0, 1))).toBe(true); // one campaign: nothing offered before it
  });
});

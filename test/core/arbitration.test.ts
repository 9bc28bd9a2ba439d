import { describe, expect, it } from "vitest";
import { CHANNELS_ALL, harness, plan, T0 } from "../helpers.ts";
import { DAY, HOUR } from "../../engine/core/time.ts";
import { runPlan } from "../../engine/sim/run.ts";
import { campaignOccurrences } from "../../engine/core/campaign-schedule.ts";
import { messagesTable } from "../../engine/sim/tables.ts";

/** Every channel, and one contact a day counted ahead (pending contacts included): the arbitration tests' rule. */
const ONE_A_DAY = `${CHANNELS_ALL}pressure:
  rules:
    - { name: one-a-day, cap: 1, calendar: day, lookahead: true }
programs:
`;

describe("arbitration", () => {
  it("gives one customer's only daily slot to the highest-priority of three programs competing that day", () => {
    // three campaigns on the same day, one contact a day allowed: priorities decide, not times
    const p = plan(`${ONE_A_DAY}  - { id: low, type: campaign, priority: 10, schedule: { once: "2026-01-05", at: "08:00" }, send: { channel: email, message: low } }
  - { id: high, type: campaign, priority: 90, schedule: { once: "2026-01-05", at: "18:00" }, send: { channel: email, message: high } }
  - { id: mid, type: campaign, priority: 50, schedule: { once: "2026-01-05", at: "12:00" }, send: { channel: sms, message: mid } }
`);
    // the day's campaigns go through the core's own ranking (engine/core/campaign-day.ts)
    const h = harness(p);
    const dayStart = T0;
    h.core.campaignDay(campaignOccurrences(h.plan, dayStart, dayStart + DAY), dayStart);
    expect(h.actions.filter((a) => a.kind === "due").map((a) => a.send)).toEqual(["high"]);
    expect(h.actions.filter((a) => a.kind === "suppressed").map((a) => `${a.send}:${a.rule}`)).toEqual(["mid:one-a-day", "low:one-a-day"]);
    // a triggered message of lower priority at 10:00 sees the pending 18:00 contact and is blocked…
    const trig = plan(`${ONE_A_DAY}  - { id: high, type: campaign, priority: 90, schedule: { once: "2026-01-05", at: "18:00" }, send: { channel: email, message: high } }
  - { id: cart, type: journey, priority: 95, trigger: { event: cart_abandoned }, steps: [{ send: { channel: email, message: cart } }] }
  - { id: browse, type: journey, priority: 20, trigger: { event: visit }, steps: [{ send: { channel: email, message: browse } }] }
`);
    const t = harness(trig);
    t.core.campaign(0, 0, dayStart, dayStart + 18 * HOUR, 90);
    t.fire(0, "visit", dayStart + 10 * HOUR);
    expect(t.actions.find((a) => a.send === "browse")!.kind).toBe("suppressed");
    // …while a higher-priority trigger goes out, and then the pending campaign loses its slot at its send time
    t.fire(0, "cart_abandoned", dayStart + 11 * HOUR);
    expect(t.sends()).toEqual(["cart"]);
    const due = t.actions.find((a) => a.kind === "due")!;
    t.resume(due);
    expect(t.actions.at(-1)).toMatchObject({ kind: "suppressed", send: "high", rule: "one-a-day" });
  });

  it("lets a higher-priority message decided at the very minute a lower one is due outrank it; what has gone at that minute still counts", () => {
    // the campaign waits for 18:00; a cart abandoned at 18:00 is decided before the campaign's due
    // event of the same minute (the customer's own actions rank first: engine/sim/kinds.ts). The campaign
    // has not gone: the cart's higher priority wins the day's one slot, and the campaign loses it at its due
    const trig = plan(`${ONE_A_DAY}  - { id: high, type: campaign, priority: 90, schedule: { once: "2026-01-05", at: "18:00" }, send: { channel: email, message: high } }
  - { id: cart, type: journey, priority: 95, trigger: { event: cart_abandoned }, steps: [{ send: { channel: email, message: cart } }] }
`);
    const t = harness(trig), six = T0 + 18 * HOUR;
    t.core.campaign(0, 0, T0, six, 90);
    t.fire(0, "cart_abandoned", six);
    expect(t.sends()).toEqual(["cart"]);
    t.resume(t.actions.find((a) => a.kind === "due")!);
    expect(t.actions.at(-1)).toMatchObject({ kind: "suppressed", send: "high", rule: "one-a-day" });
    expect(t.sends()).toEqual(["cart"]);
    // a lower-priority message sent at 18:00 has gone: a higher one decided at 18:00 counts it, and is blocked
    const sent = plan(`${ONE_A_DAY}  - { id: browse, type: journey, priority: 20, trigger: { event: visit }, steps: [{ send: { channel: email, message: browse } }] }
  - { id: cart, type: journey, priority: 95, trigger: { event: cart_abandoned }, steps: [{ send: { channel: email, message: cart } }] }
`);
    const u = harness(sent);
    u.fire(0, "visit", six);
    u.fire(0, "cart_abandoned", six);
    expect(u.sends()).toEqual(["browse"]);
    expect(u.actions.find((a) => a.send === "cart")).toMatchObject({ kind: "suppressed", rule: "one-a-day" });
  });

  it("defers a blocked message to when the rule allows it, within the program's maxDelay", () => {
    const p = plan(`${CHANNELS_ALL}pressure:
  rules:
    - { name: spacing, spacing: 1d }
programs:
  - { id: a, type: journey, priority: 50, trigger: { event: visit }, reentry: always, steps: [{ send: { channel: email, message: a } }] }
  - { id: b, type: journey, priority: 10, onBlocked: defer(2d), trigger: { event: cart_abandoned }, steps: [{ send: { channel: email, message: b } }] }
  - { id: c, type: journey, priority: 10, onBlocked: defer(2h), trigger: { event: cart_abandoned }, steps: [{ send: { channel: email, message: c } }] }
`);
    const h = harness(p);
    h.fire(0, "visit", T0);
    h.fire(0, "cart_abandoned", T0 + HOUR);
    const retry = h.actions.find((a) => a.kind === "retry")!;
    expect(retry).toMatchObject({ send: "b", time: T0 + DAY, deadline: T0 + HOUR + 2 * DAY, rule: "spacing" });
    expect(h.actions.find((a) => a.send === "c")).toMatchObject({ kind: "suppressed", rule: "spacing" });
    h.resume(retry);
    expect(h.sends()).toEqual(["a", "b"]);
  });

  it("shares a channel's daily capacity between programs and counts what it cut", () => {
    const p = plan(`timezone: "+01:00"
channels:
  call: { window: always, capacity: 40 }
programs:
  - { id: vip-calls, type: campaign, priority: 90, schedule: { once: "2026-01-05", at: "10:00" }, audience: "score > 0.2", send: { channel: call, message: vip } }
  - { id: churn-calls, type: campaign, priority: 50, schedule: { once: "2026-01-05", at: "11:00" }, send: { channel: call, message: churn } }
`);
    const r = runPlan(p, { customers: 800, days: 10, seed: 4, record: true, baseline: false });
    const m = messagesTable(r.run, r.recorder!).objects() as { message: string; status: string; rule: string }[];
    const sent = m.filter((x) => x.status === "sent");
    // 40 calls are reserved; one whose customer opted out after the 10:00 call is dropped at 11:00
    expect(sent.length).toBeLessThanOrEqual(40);
    expect(sent.length).toBeGreaterThanOrEqual(38);
    const vip = m.filter((x) => x.message === "vip"), vipSent = vip.filter((x) => x.status === "sent").length;
    // the higher-priority program is served first; the other gets what is left
    expect(vipSent).toBe(Math.min(40, vip.filter((x) => x.rule !== "consent" && x.status !== "delayed").length));
    expect(m.filter((x) => x.rule === "capacity:call").length).toBeGreaterThan(0);
    expect(r.summary.suppressedByRule["capacity:call"]).toBe(m.filter((x) => x.rule === "capacity:call").length);
  });
});

describe("pressure in a whole simulation", () => {
  it("keeps every customer within the plan's caps and spacing, with transactional messages never blocked", () => {
    const capped = plan(`channels: { email: {}, sms: { window: always } }
pressure:
  exempt: { categories: [transactional] }
  rules:
    - { name: two-a-week, cap: 2, window: 7d, lookahead: true }
    - { name: sms-spacing, spacing: 3d, counts: { channels: [sms] } }
programs:
  - { id: confirm, type: journey, priority: 100, trigger: { event: purchase }, reentry: always, steps: [{ send: { channel: email, message: confirm, category: transactional } }] }
  - { id: cart, type: journey, priority: 80, trigger: { event: cart_abandoned }, reentry: always, steps: [{ wait: 1h }, { send: { channel: email, message: cart } }, { wait: 1d }, { send: { channel: sms, message: cart-sms } }] }
  - { id: news, type: campaign, priority: 10, schedule: { every: 2d }, audience: consent.email, send: { channel: email, message: news, category: relational } }
`);
    const r = runPlan(capped, { customers: 1500, days: 90, seed: 5, record: true, baseline: false });
    const rec = r.recorder!, sends = r.run.plan.sends;
    const byCustomer = new Map<number, { time: number; channel: number; category: number }[]>();
    let transactionalBlocked = 0;
    for (let i = 0; i < rec.mTime.length; i++) {
      const s = sends[rec.mSend[i]];
      if (rec.mStatus[i] === 1 && s.category === 0 && rec.mRule[i] !== "consent") transactionalBlocked++;
      if (rec.mStatus[i] !== 0) continue;
      const list = byCustomer.get(rec.mCust[i]) ?? [];
      list.push({ time: rec.mTime[i], channel: s.channel, category: s.category });
      byCustomer.set(rec.mCust[i], list);
    }
    expect(transactionalBlocked).toBe(0);
    expect(r.summary.suppressedByRule["two-a-week"]).toBeGreaterThan(100);
    for (const list of byCustomer.values()) {
      for (const x of list) {
        expect(list.filter((y) => y.time > x.time - 7 * DAY && y.time <= x.time).length).toBeLessThanOrEqual(2 + list.filter((y) => y.category === 0 && y.time > x.time - 7 * DAY && y.time <= x.time).length);
        if (x.channel === 1) for (const y of list) if (y !== x && y.channel === 1) expect(Math.abs(y.time - x.time)).toBeGreaterThanOrEqual(3 * DAY);
      }
    }
  });
});

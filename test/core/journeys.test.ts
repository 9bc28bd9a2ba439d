import { describe, expect, it } from "vitest";
import { CHANNELS_ALL, harness, plan, T0 } from "../helpers.ts";
import { DAY, HOUR } from "../../engine/core/time.ts";
import { SMS } from "../../engine/core/channels.ts";
import { PER2, PER4, PER8 } from "../../engine/core/record.ts";

const journey = (steps: string, extra = "") =>
  plan(`${CHANNELS_ALL}programs:
  - id: j
    type: journey
    trigger: { event: signup }
${extra}    steps:
${steps}`);

describe("journey steps", () => {
  it("sends in order and waits for the stated duration", () => {
    const h = harness(journey(`      - send: { channel: email, message: a }
      - wait: 2d
      - send: { channel: sms, message: b }
`));
    h.fire(0, "signup", T0);
    expect(h.sends()).toEqual(["a"]);
    const timer = h.actions.find((a) => a.kind === "timer")!;
    expect(timer.time).toBe(T0 + 2 * DAY);
    h.fireTimer(0);
    expect(h.sends()).toEqual(["a", "b"]);
    expect(h.actions.at(-1)!.kind).toBe("exited");
  });

  it("waitFor resumes on the event and takes the timeout branch otherwise", () => {
    const p = journey(`      - waitFor:
          event: opened
          timeout: 3d
          then:
            - send: { channel: email, message: thanks }
          onTimeout:
            - send: { channel: email, message: reminder }
      - send: { channel: email, message: after }
`);
    const h = harness(p, 2);
    h.fire(0, "signup", T0);
    h.fire(1, "signup", T0);
    h.fire(0, "opened", T0 + HOUR);
    expect(h.sends(0)).toEqual(["thanks", "after"]);
    // the stale timeout of customer 0 no longer does anything
    const stale = h.actions.find((a) => a.kind === "timer" && a.c === 0)!;
    h.core.timer(0, stale.journey!, stale.generation!, stale.time);
    expect(h.sends(0)).toEqual(["thanks", "after"]);
    h.fireTimer(1);
    expect(h.sends(1)).toEqual(["reminder", "after"]);
  });

  it("branches on an expression over the customer", () => {
    const h = harness(journey(`      - branch:
          if: consent.sms
          then: [{ send: { channel: sms, message: by-sms } }]
          else: [{ send: { channel: email, message: by-email } }]
`), 2);
    h.table.consent[1 * PER2] &= ~(1 << SMS);
    h.fire(0, "signup", T0);
    h.fire(1, "signup", T0);
    expect(h.sends(0)).toEqual(["by-sms"]);
    expect(h.sends(1)).toEqual(["by-email"]);
  });

  it("splits customers by weight, stably per customer and seed", () => {
    const p = journey(`      - split:
          - weight: 3
            steps: [{ send: { channel: email, message: A } }]
          - weight: 1
            steps: [{ send: { channel: email, message: B } }]
`);
    const h = harness(p, 4000);
    for (let c = 0; c < 4000; c++) h.fire(c, "signup", T0);
    const a = h.sends().filter((s) => s === "A").length;
    expect(a / 4000).toBeGreaterThan(0.72);
    expect(a / 4000).toBeLessThan(0.78);
    const again = harness(p, 4000);
    for (let c = 0; c < 4000; c++) again.fire(c, "signup", T0);
    expect(again.sends()).toEqual(h.sends());
  });

  it("exits on a goal event and an exit step ends the journey", () => {
    const h = harness(journey(`      - wait: 1d
      - send: { channel: email, message: never }
`, "    exitOn: [purchase]\n"));
    h.fire(0, "signup", T0);
    h.fire(0, "purchase", T0 + HOUR, { value: 50 });
    expect(h.actions.some((a) => a.kind === "exited")).toBe(true);
    h.fireTimer(0);
    expect(h.sends()).toEqual([]);
    // (steps right after an exit are refused at load: unreachable; an exit in a branch ends the journey there)
    const e = harness(journey(`      - branch:
          if: orders >= 0
          then: [exit]
      - send: { channel: email, message: never }
`));
    e.fire(0, "signup", T0);
    expect(e.sends()).toEqual([]);
  });

  it("honours re-entry: once, always, cooldown", () => {
    const mk = (reentry: string) => harness(plan(`${CHANNELS_ALL}programs:
  - id: j
    type: journey
    trigger: { event: visit }
    reentry: ${reentry}
    steps: [{ send: { channel: email, message: m } }]
`));
    const once = mk("once"), always = mk("always"), cool = mk("{ cooldown: 2d }");
    for (const h of [once, always, cool]) for (const d of [0, 1, 3]) h.fire(0, "visit", T0 + d * DAY);
    expect(once.sends().length).toBe(1);
    expect(always.sends().length).toBe(3);
    expect(cool.sends().length).toBe(2); // day 0 and day 3; day 1 is inside the cooldown
  });

  it("checks the trigger condition against the event", () => {
    const h = harness(plan(`${CHANNELS_ALL}programs:
  - id: big-order
    type: journey
    trigger: { event: purchase, condition: event.value >= 100 }
    reentry: always
    steps: [{ send: { channel: email, message: vip } }]
`));
    h.fire(0, "purchase", T0, { value: 40 });
    h.fire(0, "purchase", T0 + DAY, { value: 140 });
    expect(h.sends()).toEqual(["vip"]);
    expect(h.table.orders[0 * PER4]).toBe(2);
    expect(h.table.revenue[0 * PER8]).toBe(180);
  });
});

describe("messages", () => {
  it("never contacts a customer without the channel's consent", () => {
    const h = harness(journey(`      - send: { channel: sms, message: s }
`), 1);
    h.table.consent[0 * PER2] = 0b00001; // e-mail only
    h.fire(0, "signup", T0);
    expect(h.sends()).toEqual([]);
    expect(h.actions.find((a) => a.kind === "suppressed")!.rule).toBe("consent");
  });

  it("unsubscribing turns the channel's consent off for good", () => {
    const h = harness(plan(`${CHANNELS_ALL}programs:
  - id: j
    type: journey
    trigger: { event: visit }
    reentry: always
    steps: [{ send: { channel: email, message: m } }]
`));
    h.fire(0, "visit", T0);
    h.fire(0, "unsubscribed", T0 + HOUR, { channel: 0, program: 0, send: 0 });
    h.fire(0, "visit", T0 + DAY);
    expect(h.sends()).toEqual(["m"]);
    expect(h.actions.filter((a) => a.kind === "suppressed").map((a) => a.rule)).toEqual(["consent"]);
  });

  it("defers a message outside the channel's send window to its opening, in the customer's timezone", () => {
    const h = harness(plan(`channels:
  sms: { window: "09:00-20:00" }
programs:
  - id: j
    type: journey
    trigger: { event: visit }
    steps: [{ send: { channel: sms, message: s } }]
`));
    h.table.tz[0 * PER2] = 60; // UTC+1: 22:30 UTC is 23:30 local → next day 09:00 local = 08:00 UTC
    h.fire(0, "visit", T0 + 22 * HOUR + 30);
    const due = h.actions.find((a) => a.kind === "due")!;
    expect(due.time).toBe(T0 + DAY + 8 * HOUR);
    h.resume(due);
    expect(h.sends()).toEqual(["s"]);
  });

  it("keeps holdout customers out of a program but records what they would have got", () => {
    const h = harness(journey(`      - send: { channel: email, message: m }
`, "    holdout: 0.25\n"), 2000);
    for (let c = 0; c < 2000; c++) h.fire(c, "signup", T0);
    const held = h.actions.filter((a) => a.kind === "holdout");
    const sent = h.actions.filter((a) => a.kind === "send");
    expect(held.length + sent.length).toBe(2000);
    expect(held.length / 2000).toBeGreaterThan(0.22);
    expect(held.length / 2000).toBeLessThan(0.28);
    const heldSet = new Set(held.map((a) => a.c));
    expect(sent.some((a) => heldSet.has(a.c))).toBe(false);
  });
});

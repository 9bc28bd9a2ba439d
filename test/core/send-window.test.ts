/** Send windows on the customer's clock, and where a message the window or a full channel holds goes next. */
import { describe, expect, it } from "vitest";
import { harness, plan, T0 } from "../helpers.ts";
import { formatTime, HOUR, parseDate } from "../../engine/core/time.ts";
import { windowOpen } from "../../engine/core/send-window.ts";
import { PER2 } from "../../engine/core/record.ts";

describe("send windows", () => {
  it("holds a message until the window opens on the customer's clock, not the plan's", () => {
    const w: [number, number] = [9 * HOUR, 20 * HOUR];
    // 21:30 UTC is 22:30 in Paris (closed: tomorrow 09:00 Paris), 16:30 in New York (open), 03:00 in Kolkata (06:30 later)
    const at = parseDate("2026-03-02T21:30")!;
    expect(formatTime(windowOpen(at, 60, w))).toBe("2026-03-03T08:00:00Z");
    expect(formatTime(windowOpen(at, -300, w))).toBe("2026-03-02T21:30:00Z");
    expect(formatTime(windowOpen(at, 330, w))).toBe("2026-03-03T03:30:00Z");
    // the closing minute is outside ([from, to)); a quarter-hour offset (Kathmandu, +05:45)
    expect(formatTime(windowOpen(parseDate("2026-03-02T14:15")!, 345, w))).toBe("2026-03-03T03:15:00Z");
  });

  it("retries a message a full channel held on the plan's next day, for a customer 9 hours east of the plan", () => {
    // a plan in UTC, customers in Tokyo (+09:00), a push window 08:00-21:00 and one push a day. The second
    // customer's push is deferred to the next UTC day; it was retried at 23:00 UTC (08:00 Tokyo, the window's
    // opening on the customer's clock) — still the full day — and dropped although defer(3d) allowed it
    const p = plan(`channels:
  push: { window: "08:00-21:00", capacity: 1 }
programs:
  - { id: promo, type: campaign, onBlocked: defer(3d), schedule: { once: "2026-01-05", at: "10:00" }, send: { channel: push, message: p } }
`);
    const h = harness(p, 2);
    h.table.tz[0 * PER2] = h.table.tz[1 * PER2] = 540;
    const ten = T0 + 10 * HOUR;
    h.core.campaign(0, 0, ten, ten, 0);
    h.core.campaign(1, 0, ten, ten, 0);
    const retry = h.actions.find((a) => a.kind === "retry")!;
    expect(retry).toMatchObject({ c: 1, rule: "capacity:push" });
    expect(formatTime(retry.time)).toBe("2026-01-06T00:00:00Z"); // the plan's next day; 09:00 in Tokyo, inside the window
    h.resume(retry);
    expect(h.actions.filter((a) => a.kind === "send").map((a) => `${a.c} ${formatTime(a.time)}`)).toEqual(["0 2026-01-05T10:00:00Z", "1 2026-01-06T00:00:00Z"]);
    expect(h.actions.filter((a) => a.kind === "suppressed")).toEqual([]);
  });

  it("retries at the window's opening on the customer's next day for a customer west of the plan, as before", () => {
    const p = plan(`timezone: "+01:00"
channels:
  sms: { window: "09:00-20:00", capacity: 1 }
programs:
  - { id: promo, type: campaign, onBlocked: defer(3d), schedule: { once: "2026-01-05", at: "10:00" }, send: { channel: sms, message: s } }
`);
    const h = harness(p, 2);
    h.table.tz[0 * PER2] = h.table.tz[1 * PER2] = -300; // New York
    const at = T0 + 15 * HOUR; // 10:00 New York
    h.core.campaign(0, 0, at, at, 0);
    h.core.campaign(1, 0, at, at, 0);
    expect(formatTime(h.actions.find((a) => a.kind === "retry")!.time)).toBe("2026-01-06T14:00:00Z"); // 09:00 New York
  });
});

/** explain shows each journey instance: when the customer entered it and how it ended (issue 12 #1). */
import { describe, expect, it } from "vitest";
import { plan } from "../helpers.ts";
import { explainCustomer, formatTimeline } from "../../engine/explain/timeline.ts";

describe("explain's journey steps", () => {
  const p = plan(`channels: { email: {} }
programs:
  - { id: cart, type: journey, priority: 80, trigger: { event: cart_abandoned }, reentry: always, exitOn: [purchase], steps: [{ wait: 1h }, { send: { channel: email, message: cart-1 } }, { wait: 2d }, { send: { channel: email, message: cart-2 } }] }
`);

  it("brackets every journey message between the instance's entry and its end", () => {
    let checked = 0;
    for (let i = 1; i <= 40 && checked < 3; i++) {
      const tl = explainCustomer(p, { customer: `C${String(i).padStart(7, "0")}`, customers: 400, days: 60, seed: 2 });
      const rows = tl.rows.filter((r) => r.kind === "journey" || (r.kind === "message" && r.what.startsWith("cart")));
      if (!rows.some((r) => r.kind === "journey")) continue;
      let open: string | null = null;
      for (const r of rows) {
        if (r.kind === "journey" && r.what === "cart · enters the journey") {
          expect(open).toBeNull();
          open = r.time;
        } else if (r.kind === "journey") {
          expect(open).not.toBeNull();
          expect(r.what).toMatch(/^cart · (journey completed|leaves the journey: goal reached|journey ended: the customer left)$/);
          open = null;
        } else expect(open).not.toBeNull(); // a message of the journey, while an instance is open
      }
      expect(formatTimeline(tl)).toContain("cart · enters the journey");
      checked++;
    }
    expect(checked).toBe(3);
  });
});

/**
 * A half-life decay never reaches 0, but the ledger forgets a contact once it is 10 half-lives old
 * (engine/core/pressure.ts pressureHorizon): the audit of whole runs (test/core/pressure-outputs.test.ts)
 * found a push of weight 2 under a threshold of 2 sent 12 days after an outside contact (half-life 1d),
 * where the doc's Σ weight × decay still held 2^-12. Worse, whether that old contact counted depended on
 * the plan's other rules: a 30-day cap kept it in the ledger, and the same push was then suppressed.
 * A contact now weighs 0 from 10 half-lives on (docs/pressure-rules.md "Decay"), whatever else the plan has.
 */
import { describe, expect, it } from "vitest";
import { harness, plan, T0 } from "../helpers.ts";
import { DAY } from "../../engine/core/time.ts";
import { decayAt } from "../../engine/core/pressure.ts";

const planWith = (otherRules: string) => plan(`channels: { email: {}, push: { window: always } }
pressure:
  rules:
${otherRules}    - { name: weighted, weighted: { threshold: 2, weights: { push: 2 }, decay: { halfLife: 1d } } }
programs:
  - { id: alert, type: journey, priority: 50, trigger: { event: visit }, steps: [{ send: { channel: push, message: alert } }] }
`);

/** What the push does 12 days (12 half-lives) after an outside e-mail contact, under these other rules. */
function pushAfterOldContact(otherRules: string): string {
  const h = harness(planWith(otherRules));
  h.core.external(0, 0, 1, T0); // an e-mail, relational, made outside the plan: weight 1
  h.fire(0, "visit", T0 + 12 * DAY);
  const a = h.actions.find((x) => x.send === "alert")!;
  return a.kind === "send" ? "sent" : `${a.kind} by ${a.rule}`;
}

describe("half-life decay horizon", () => {
  it("lets a contact 10 half-lives old weigh nothing, whatever the plan's other rules keep", () => {
    expect(pushAfterOldContact("")).toBe("sent");
    // a 30-day cap that the push is far from keeps the old contact in the ledger: it must not change the verdict
    expect(pushAfterOldContact("    - { name: monthly, cap: 5, window: 30d }\n")).toBe("sent");
    // 2^-9.99 still counts; from 10 half-lives on, nothing
    expect(decayAt({ kind: "halfLife", halfLife: DAY }, 10 * DAY - 1)).toBeCloseTo(Math.pow(2, -(10 * DAY - 1) / DAY), 15);
    expect(decayAt({ kind: "halfLife", halfLife: DAY }, 10 * DAY)).toBe(0);
  });

  it("still blocks while the contact is younger than 10 half-lives", () => {
    const h = harness(planWith(""));
    h.core.external(0, 0, 1, T0);
    h.fire(0, "visit", T0 + 9 * DAY); // 2 + 2^-9 > 2
    expect(h.actions.find((x) => x.send === "alert")).toMatchObject({ kind: "suppressed", rule: "weighted" });
  });
});

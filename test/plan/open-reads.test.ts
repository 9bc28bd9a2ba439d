/**
 * A branch on journey.opened or journey.clicked is read when its step is reached: right after the
 * journey's send (no wait, or a wait of 0, as welcome's `reminderAfter: 0` gave) none of its messages
 * can have been opened, so "if not opened" sent the follow-up to everyone (welcome on 1,000 customers ×
 * 30 days: 99 welcomes and 99 reminders). Refused at load: at the zero wait (a template's with: line,
 * naming its parameter), else at the branch; a wait above 0 or a waitFor before it loads.
 */
import { describe, expect, it } from "vitest";
import { planError } from "../helpers.ts";
import { parsePlan } from "../../engine/plan/load.ts";

const errorOf = (text: string) => planError(text, "plan.yaml");
const load = (text: string) => parsePlan(text, "plan.yaml");

/** One journey; its steps from line 8. */
const journey = (steps: string) => `channels:
  email: {}
programs:
  - id: j
    type: journey
    trigger: signup
    steps:
${steps}`;
const send = (m: string) => `      - send: { channel: email, message: ${m} }\n`;
const notOpened = `      - branch: { if: "!journey.opened", then: [{ send: { channel: email, message: r } }] }\n`;

/** A plan using one template with the given `with:` (its line is 7). */
const template = (use: string, withText: string) => `channels:
  email: {}
  push: {}
  sms: {}
programs:
  - use: programs/${use}
    with: ${withText}
`;

describe("a branch on the journey's opens before any could happen", () => {
  it("refuses !journey.opened right after the send, at the branch", () => {
    expect(errorOf(journey(send("m") + notOpened))).toBe(
      "plan.yaml:9: programs[0].steps[1].branch.if: 'journey.opened' is always false here: no wait above 0 (or waitFor) lies between the journey's send and this branch, so its message cannot have been opened yet; put a wait such as 3d before the branch",
    );
  });

  it("refuses a wait of 0 between the send and the branch, at the wait", () => {
    expect(errorOf(journey(send("m") + "      - wait: 0\n" + notOpened))).toBe(
      "plan.yaml:9: programs[0].steps[1].wait: a wait of 0 before the branch at programs[0].steps[2].branch.if, which reads 'journey.opened': no time passes after the send, so its message cannot have been opened yet and the condition is always false; expected a wait above 0, such as 3d",
    );
  });

  it("refuses journey.clicked in a journey that sends nothing before the branch", () => {
    expect(errorOf(journey("      - wait: 3d\n" + notOpened.replace("!journey.opened", "journey.clicked")))).toBe(
      "plan.yaml:9: programs[0].steps[1].branch.if: 'journey.clicked' is always false here: the journey sends nothing before this branch, so no message of it can have been clicked; send first, then wait (such as 3d), then branch",
    );
  });

  it("refuses it inside a nested list too (a send in a branch's then, read at once)", () => {
    const nested = `      - branch: { if: "orders > 0", then: [{ send: { channel: email, message: m } }, { branch: { if: "journey.clicked", then: [exit] } }] }\n`;
    expect(errorOf(journey(nested))).toMatch(/^plan\.yaml:8: programs\[0\]\.steps\[0\]\.branch\.then\[1\]\.branch\.if: 'journey\.clicked' is always false here/);
  });

  it("takes a wait above 0, a waitFor, or an earlier send followed by a wait", () => {
    expect(load(journey(send("m") + "      - wait: 1m\n" + notOpened)).compiled.journeys.length).toBe(1);
    expect(load(journey(send("m") + "      - waitFor: { event: purchase, timeout: 2d }\n" + notOpened)).compiled.journeys.length).toBe(1);
    // the first message may have been opened during the wait: the read after the second send is not always false
    expect(load(journey(send("m") + "      - wait: 3d\n" + send("n") + notOpened)).compiled.journeys.length).toBe(1);
  });
});

describe("templates' 'if not opened' delays", () => {
  it("refuses welcome's reminderAfter: 0 at the with: line, naming the parameter", () => {
    expect(errorOf(template("welcome", "{ reminderAfter: 0 }"))).toBe(
      "plan.yaml:7: programs[0].steps[1].wait: a wait of 0 before the branch at programs[0].steps[2].branch.if, which reads 'journey.opened': no time passes after the send, so its message cannot have been opened yet and the condition is always false; expected a wait above 0, such as 3d (this field is the template's parameter 'reminderAfter', set by with.reminderAfter)",
    );
  });

  it("refuses reactivation's and abandoned-cart's followUpAfter: 0 and resubscription's lastCallAfter: 0", () => {
    expect(errorOf(template("reactivation", "{ followUpAfter: 0m }"))).toMatch(/^plan\.yaml:7: programs\[0\]\.steps\[1\]\.wait: a wait of 0 .*'journey\.opened'.*set by with\.followUpAfter\)$/);
    expect(errorOf(template("abandoned-cart", "{ followUpAfter: 0 }"))).toMatch(/^plan\.yaml:7: programs\[0\]\.steps\[2\]\.wait: a wait of 0 .*'journey\.clicked'.*set by with\.followUpAfter\)$/);
    expect(errorOf(template("resubscription", "{ lastCallAfter: 0d }"))).toMatch(/^plan\.yaml:7: programs\[0\]\.steps\[1\]\.wait: a wait of 0 .*'journey\.clicked'.*set by with\.lastCallAfter\)$/);
  });

  it("refuses a negative delay at the with: line, and takes the smallest delay, 1m", () => {
    expect(errorOf(template("reactivation", "{ followUpAfter: -5d }"))).toMatch(/^plan\.yaml:7: programs\[0\]\.steps\[1\]\.wait: expected a duration .*got string "-5d".*set by with\.followUpAfter\)$/);
    expect(load(template("welcome", "{ reminderAfter: 1m }")).compiled.journeys.length).toBe(1);
  });
});

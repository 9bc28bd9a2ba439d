/**
 * `delivered` is a trigger event (docs/plan-format.md): a journey it triggers starts when one of the
 * plan's messages reaches the customer. The simulated world used to record deliveries without firing
 * them, so such a journey never sent anything (regression).
 */
import { describe, expect, it } from "vitest";
import { parsePlan } from "../../engine/plan/load.ts";
import { runPlan } from "../../engine/sim/run.ts";
import { EV_DELIVERED } from "../../engine/core/events.ts";

const plan = (thanks: string) =>
  parsePlan(`name: delivered
channels:
  email: { cost: 0.002 }
programs:
  - id: welcome
    type: journey
    trigger: { event: signup }
    steps:
      - send: { channel: email, message: hello }
${thanks}`, "delivered.yaml");

const THANKS = `  - id: follow-up
    type: journey
    trigger: { event: delivered }
    reentry: once
    steps:
      - send: { channel: email, message: follow }
`;

describe("a journey triggered by deliveries", () => {
  const o = { customers: 3000, days: 60, seed: 4, record: true, baseline: false } as const;
  const r = runPlan(plan(THANKS), o), rec = r.recorder!;
  const program = (id: string) => r.summary.programs.find((p) => p.program === id)!;
  const sends = r.run.plan.sends, welcome = sends.findIndex((s) => s.message === "hello"), follow = sends.findIndex((s) => s.message === "follow");

  it("enters on the first delivery: one follow-up per customer whose welcome was delivered", () => {
    const delivered = new Set<number>();
    for (let i = 0; i < rec.eType.length; i++) if (rec.eType[i] === EV_DELIVERED && rec.eSend[i] === welcome) delivered.add(rec.eCust[i]);
    expect(delivered.size).toBeGreaterThan(100);
    expect(program("follow-up").reach).toBe(delivered.size);
    // each follow-up is decided at the minute its welcome was delivered (sent then, or held by the send window)
    const deliveredAt = new Map<number, number>();
    for (let i = 0; i < rec.eType.length; i++) if (rec.eType[i] === EV_DELIVERED && rec.eSend[i] === welcome) deliveredAt.set(rec.eCust[i], rec.eTime[i]);
    for (let i = 0; i < rec.mSend.length; i++) if (rec.mSend[i] === follow) expect(rec.mTime[i]).toBe(deliveredAt.get(rec.mCust[i]));
  });

  it("records each delivery once, and leaves a plan that does not listen to deliveries as it was", () => {
    const rows = new Set<string>();
    for (let i = 0; i < rec.eType.length; i++) {
      if (rec.eType[i] !== EV_DELIVERED) continue;
      const row = `${rec.eTime[i]}:${rec.eCust[i]}:${rec.eSend[i]}`;
      expect(rows.has(row)).toBe(false);
      rows.add(row);
    }
    const alone = runPlan(plan(""), o).summary, withFollowUp = program("welcome");
    expect(withFollowUp.contacts).toBe(alone.programs.find((p) => p.program === "welcome")!.contacts);
  });
});

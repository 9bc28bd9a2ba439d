import { describe, expect, it } from "vitest";
import { loadPlan } from "../../engine/plan/load.ts";
import { runPlan } from "../../engine/sim/run.ts";
import { explainCustomer } from "../../engine/explain/timeline.ts";

describe("explaining a customer of a plan with custom channels", () => {
  it("lists the custom channel among the consents and names it on each message, with why it was held", () => {
    const loaded = loadPlan("scenarios/custom-channels.yaml"), o = { customers: 800, days: 60, seed: 3 };
    // an app user the weekly in-app offer reached: the run tells who
    const r = runPlan(loaded, { ...o, record: true });
    const p = r.run.plan, rec = r.recorder!, inApp = p.names.channels.indexOf("in_app");
    const i = rec.mSend.findIndex((s, k) => p.sends[s].channel === inApp && rec.mStatus[k] === 0 && p.names.programs[p.sends[s].program] === "in-app-offer");
    const id = r.run.population.table.ids[rec.mCust[i]];
    const t = explainCustomer(loaded, { ...o, customer: id });
    expect(t.profile.consents).toContain("in_app");
    const offers = t.rows.filter((x) => x.kind === "message" && x.what === "in-app-offer · promotion (in_app)");
    expect(offers.some((x) => x.status === "sent")).toBe(true);
    // the campaign goes at 09:00 (+01:00) and in_app's window opens at 08:00 local: a held one names the window
    for (const x of t.rows.filter((x) => x.status === "delayed" && x.what.endsWith("(in_app)"))) expect(x.why).toMatch(/in_app send window \(08:00–22:00/);
  });
});

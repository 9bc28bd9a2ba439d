import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../engine/cli/main.ts";
import { capture } from "../capture.ts";

const dir = mkdtempSync(join(tmpdir(), "cadence-bt-warn-"));

describe("backtest warnings", () => {
  it("says which campaigns fall outside the period, which journeys nobody entered and why, and the currency mismatch; files last", async () => {
    const out = join(dir, "out");
    const r = await capture(() => main(["backtest", "scenarios/lifecycle.yaml", "--history", "datasets/cdnow-optin.yaml", "--out", out]));
    expect(r.code).toBe(0);
    const lines = r.out.split("\n");
    expect(r.out).toMatch(/campaign newsletter: no send date in the period 1997-10-01 \.\. 1998-06-30; its schedule \(every \dw from 2026-01-06\) falls outside it/);
    expect(r.out).toContain("journey abandoned-cart: nobody entered; its trigger 'cart_abandoned' never occurs in a replayed history");
    expect(r.out).toContain("journey welcome: nobody entered; its trigger 'signup' did not occur in the period");
    expect(r.out).toContain("the history is in USD, the plan in EUR");
    // the summary first, the warnings after it, and where the files went on the last line
    expect(lines.findIndex((l) => l.startsWith("backtest lifecycle"))).toBe(0);
    expect(lines[lines.length - 1]).toBe(`wrote 3 files to ${out}`);
    expect(lines.findIndex((l) => l.startsWith("warnings ("))).toBeGreaterThan(lines.findIndex((l) => l.startsWith("customers under the most pressure")));
  });

  it("says when the period runs past the history's transactions (a 33-year backtest of a history that ends in 1998 said nothing)", async () => {
    const r = await capture(() => main(["backtest", "scenarios/lifecycle.yaml", "--history", "datasets/cdnow-optin.yaml", "--from", "1996-10-01", "--to", "2000-06-30", "--json"]));
    expect(r.code).toBe(0);
    const outside = JSON.parse(r.out).warnings.filter((w: { kind: string }) => w.kind === "period-outside-data").map((w: { message: string }) => w.message);
    expect(outside).toEqual([
      "the period runs 731 days past the history's last transaction (1998-06-30): nothing is replayed after it, so those days show no purchase and their figures are not the brand's",
      "the period starts 92 days before the history's first transaction (1997-01-01): nothing is replayed before it",
    ]);
  });

  it("stays quiet about a campaign dated inside the period and a plan in the history's currency; --json carries the warnings", async () => {
    const plan = join(dir, "usd.yaml");
    writeFileSync(plan, `name: usd-plan
currency: USD
timezone: "+00:00"
margin: 0.4
channels:
  email: { cost: 0.001 }
programs:
  - { id: winter, type: campaign, schedule: { once: "1997-12-01" }, audience: consent.email, send: { channel: email, message: winter, category: promotional } }
  - { id: thanks, type: journey, trigger: { event: purchase }, reentry: always, steps: [{ send: { channel: email, message: thanks, category: relational } }] }
  - { id: visit-follow-up, type: journey, trigger: { event: visit }, steps: [{ send: { channel: email, message: hello } }] }
`);
    const r = await capture(() => main(["backtest", plan, "--history", "datasets/cdnow-optin.yaml", "--json"]));
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.currency).toBe("USD");
    expect(j.warnings).toEqual([
      { kind: "journey-never-entered", program: "visit-follow-up", message: "journey visit-follow-up: nobody entered; its trigger 'visit' never occurs in a replayed history (a backtest replays signups, purchases and inactivity only)" },
    ]);
  });

  it("simulate --population history: prints the history's currency and that it differs from the plan's", async () => {
    const r = await capture(() => main(["simulate", "scenarios/lifecycle.yaml", "--population", "history:datasets/cdnow-optin.yaml", "--days", "14"]));
    expect(r.code).toBe(0);
    expect(r.out.split("\n")[0]).toBe("population history:datasets/cdnow-optin.yaml · currency USD (the history is in USD, the plan in EUR: revenue is the history's USD, message costs and discounts are the plan's EUR; they are not converted)");
    expect(r.out).toContain("revenue (USD)");
  });
});

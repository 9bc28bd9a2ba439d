/**
 * The backtest starts from everything a history config maps: consents for the five channels, customer
 * attributes (attr.<name>), and the contact history's pressure (what customers really received before
 * the period counts in the plan's rules).
 */
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parsePlan } from "../../engine/plan/load.ts";
import { parseDate } from "../../engine/core/time.ts";
import { importHistory } from "../../datasets/import.ts";
import { backtest } from "../../engine/backtest/replay.ts";
import { tempDir } from "../datasets/temp-files.ts";
import { extractFromHistory } from "../../engine/backtest/extract.ts";
import { main } from "../../engine/cli/main.ts";
import { capture } from "../capture.ts";

describe("backtest inputs from a history config", () => {
  const { dir } = tempDir();
  execFileSync(Deno.execPath(), ["run", "-A", "datasets/retail-example.ts", dir, "40000"], { stdio: "pipe" });
  const config = join(dir, "retail.yaml");
  // the weekly e-mails of the contact history go out on Thursdays at 10:00; the period starts the next Wednesday
  const plan = parsePlan(`name: retail
channels: { email: {}, push: {} }
pressure:
  rules:
    - { name: one-a-week, cap: 1, window: 7d }
programs:
  - { id: north-push, type: campaign, priority: 90, schedule: { once: "2011-06-01", at: "09:00" }, audience: 'attr.region == "north"', send: { channel: push, message: north } }
  - { id: news, type: campaign, priority: 10, schedule: { once: "2011-06-01", at: "12:00" }, send: { channel: email, message: news } }
`, "retail-plan.yaml");
  const o = { from: parseDate("2011-06-01")!, to: parseDate("2011-06-07")! };

  it("reaches push-consented customers of the attribute's region, and counts what they really received in the rules", () => {
    const h = importHistory(config);
    const r = backtest(plan, h, o);
    const rec = r.recorder, sends = r.plan.sends, push: Record<string, number> = {};
    for (let i = 0; i < rec.mSend.length; i++) {
      if (sends[rec.mSend[i]].message !== "north") continue;
      const k = rec.mStatus[i] === 0 ? "sent" : rec.mRule[i];
      push[k] = (push[k] ?? 0) + 1;
    }
    expect(push.sent).toBeGreaterThan(0);
    // every north customer with push consent either got it or was stopped by the weekly cap (an e-mail of the
    // contact history in the 7 days before); the others by consent: five consents and attributes both read
    const region = h.customers.attrs.get("region")!;
    let eligible = 0, north = 0;
    for (let i = 0; i < h.ids.length; i++) if (region[i] === "north") north++, eligible += h.customers.consent[i] & (1 << 2) ? 1 : 0;
    expect(push.sent + push["one-a-week"]).toBe(eligible);
    expect(push.consent).toBe(north - eligible);
    // the weekly e-mail of May 26 (6 days before) blocks the plan's newsletter for everyone who got it
    expect(r.summary.suppressedByRule["one-a-week"]).toBeGreaterThan(100);
    // without the contact history, nothing was sent before the period: the rule stops only the plan's own second contact
    const noContacts = join(dir, "no-contacts.yaml");
    writeFileSync(noContacts, readFileSync(config, "utf8").replace(/contacts:\n( {2}.*\n)+/, ""));
    const bare = backtest(plan, importHistory(noContacts), o);
    expect(bare.summary.suppressedByRule["one-a-week"] ?? 0).toBeLessThan(r.summary.suppressedByRule["one-a-week"]);
  });

  it("extracts a day's target lists from the history, one CSV per program and channel, as the backtest decides them", async () => {
    const out = join(dir, "lists");
    const plain = parsePlan(readFileSync("scenarios/lifecycle.yaml", "utf8"), "scenarios/lifecycle.yaml");
    const day = parseDate("2011-06-02")!;
    const r = extractFromHistory(plain, importHistory(config), day, out);
    const bt = backtest(plain, importHistory(config), { from: day, to: day });
    const sent = bt.summary.messages.filter((m) => m.status === "sent");
    expect(r.messages).toBe(sent.reduce((s, m) => s + m.count, 0));
    expect(r.messages).toBeGreaterThan(0);
    for (const f of r.files) {
      const lines = readFileSync(f.file, "utf8").trim().split("\n");
      expect(lines[0]).toBe("date,customer,channel,program,category,message");
      expect(lines.length - 1).toBe(f.messages);
      expect(lines.slice(1).every((l) => l.startsWith("2011-06-02T") && l.includes(`,${f.channel},${f.program},`))).toBe(true);
    }
    const confirm = await capture(() => main(["extract", "--history", config, "--plan", "scenarios/lifecycle.yaml", "--date", "2011-06-02", "--confirm"]));
    expect(confirm.code).toBe(2);
    expect(confirm.err).toContain("a history config is read-only");
    const noPlan = await capture(() => main(["extract", "--history", config, "--date", "2011-06-02"]));
    expect(noPlan.code).toBe(2);
    expect(noPlan.err).toContain("--plan");
  });
});

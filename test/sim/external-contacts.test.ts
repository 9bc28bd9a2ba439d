/**
 * Contacts made outside the plan, read from a file, count in the pressure rules of a simulation as the
 * live server counts posted `contact` events (issue 10 #10b): no e-mail the day after a meeting.
 */
import { describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { plan } from "../helpers.ts";
import { runPlan } from "../../engine/sim/run.ts";
import { readExternalContacts } from "../../engine/sim/external-contacts.ts";
import { main } from "../../engine/cli/main.ts";
import { capture } from "../capture.ts";
import { tempDir } from "../datasets/temp-files.ts";

const PLAN = `name: meetings
channels: { email: {}, call: { window: always } }
categories: [meeting]
pressure:
  rules:
    - { name: calm-after-meeting, cap: 1, window: 2d, counts: { categories: [meeting] }, appliesTo: { channels: [email] } }
programs:
  - { id: news, type: campaign, schedule: { once: "2026-01-06", at: "10:00" }, send: { channel: email, message: news } }
`;

describe("external contacts in a simulation", () => {
  const { dir, write } = tempDir();
  const ids = Array.from({ length: 40 }, (_, i) => `C${String(i + 1).padStart(7, "0")}`);
  const file = write("meetings.csv", "time,customer,channel,category\n" + ids.map((id) => `2026-01-05T15:00,${id},call,meeting`).join("\n") + "\n");

  it("blocks the next day's e-mail for exactly the customers met the day before", () => {
    const p = plan(PLAN);
    const o = { customers: 300, days: 10, seed: 1, baseline: false as const, record: true };
    const without = runPlan(p, o), withMeetings = runPlan(p, { ...o, external: readExternalContacts(file) });
    expect(without.summary.suppressedByRule["calm-after-meeting"] ?? 0).toBe(0);
    // every met customer who would have had the newsletter (consent, present) is stopped, nobody else
    const rec = without.recorder!, t = without.run.population.table, met = new Set(ids);
    let wouldHave = 0;
    for (let i = 0; i < rec.mTime.length; i++) if (rec.mStatus[i] === 0 && met.has(t.ids[rec.mCust[i]])) wouldHave++;
    expect(wouldHave).toBeGreaterThan(10);
    expect(withMeetings.summary.suppressedByRule["calm-after-meeting"]).toBe(wouldHave);
    expect(withMeetings.summary.contacts).toBe(without.summary.contacts - wouldHave);
  });

  it("refuses a file it cannot use, naming the line and what is valid", async () => {
    const bad = write("bad.csv", "time,customer,channel\n2026-01-05T15:00,C0000001,meeting\n");
    writeFileSync(join(dir, "plan.yaml"), PLAN);
    const r = await capture(() => main(["simulate", join(dir, "plan.yaml"), "--customers", "100", "--days", "5", "--contacts", bad, "--workers", "1"]));
    expect(r.code).toBe(2);
    expect(r.err).toContain("bad.csv:2: channel 'meeting'");
    expect(r.err).toContain("expected one of email, sms, push, mail, call");
    const unknown = write("unknown.csv", "time,customer,channel\n2026-01-05T15:00,X42,call\n");
    const u = await capture(() => main(["simulate", join(dir, "plan.yaml"), "--customers", "100", "--days", "5", "--contacts", unknown, "--workers", "1"]));
    expect(u.code).toBe(2);
    expect(u.err).toContain("customer 'X42' is not in the population");
    // an empty file was taken as no contacts at all, without a word
    const empty = write("empty.csv", "");
    const e = await capture(() => main(["simulate", join(dir, "plan.yaml"), "--customers", "100", "--days", "5", "--contacts", empty, "--workers", "1"]));
    expect(e).toMatchObject({ code: 2, err: expect.stringContaining("empty.csv: no header line; expected time,customer,channel[,category]") });
  });

  it("says how many contacts it read, and that those outside the run's days are not counted", async () => {
    writeFileSync(join(dir, "plan.yaml"), PLAN);
    const some = write("some.csv", "time,customer,channel,category\n2025-12-30T10:00,C0000001,call,meeting\n2026-01-02T10:00,C0000002,call,meeting\n2026-01-05T15:00,C0000003,call,meeting\n2026-02-01T10:00,C0000004,call,meeting\n");
    const r = await capture(() => main(["simulate", join(dir, "plan.yaml"), "--customers", "100", "--days", "10", "--contacts", some, "--workers", "1"]));
    expect(r.code).toBe(0);
    expect(r.out).toContain(`contacts made outside the plan: 4 read from ${some}; 2 within the run's days count in the pressure rules, 2 outside them (2026-01-01 to 2026-01-10) do not`);
    // a plan without pressure rules takes them and changes nothing: said, not left to be guessed
    writeFileSync(join(dir, "free.yaml"), PLAN.replace(/pressure:\n {2}rules:\n.*\n/, ""));
    const free = await capture(() => main(["simulate", join(dir, "free.yaml"), "--customers", "100", "--days", "10", "--contacts", some, "--workers", "1"]));
    expect(free.out).toContain(`contacts made outside the plan: 4 read from ${some}; this plan has no pressure rules, so they change nothing`);
  });
});

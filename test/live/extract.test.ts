/** `cadence extract`: a day's target lists from a live database, one CSV per program and channel; --confirm records them as sent. */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { at, promote, T0, testServer } from "./live-helpers.ts";

const PLAN = `name: extract
timezone: "+01:00"
channels: { email: {}, sms: { window: always } }
programs:
  - id: receipt
    type: journey
    trigger: { event: purchase }
    reentry: always
    steps:
      - send: { channel: email, message: receipt, category: transactional }
      - send: { channel: sms, message: receipt-sms, category: transactional }
`;

async function cadence(...args: string[]) {
  const out = await new Deno.Command("./node_modules/.bin/deno", { args: ["run", "-A", "engine/cli/main.ts", ...args], stdout: "piped", stderr: "piped" }).output();
  return { code: out.code, stdout: new TextDecoder().decode(out.stdout), stderr: new TextDecoder().decode(out.stderr) };
}

describe("cadence extract", () => {
  it("writes the day's lists per program and channel and, confirmed, records them as sent", async () => {
    const s = testServer({ start: T0 });
    await promote(s, PLAN);
    await s.api("POST", "/v1/customers", { customers: [{ id: "C1", consents: ["email", "sms"] }, { id: "C2", consents: ["email"] }] }, { key: s.keys.ingest });
    // C1 and C2 buy on 2 March (local), C1 again at 23:30 UTC = 00:30 on 3 March local: not that day
    await s.api("POST", "/v1/events", { events: [
      { id: "a", customer: "C1", type: "purchase", value: 5, time: at(10) },
      { id: "b", customer: "C2", type: "purchase", value: 5, time: at(11) },
      { id: "c", customer: "C1", type: "purchase", value: 5, time: at(23.5) },
    ] }, { key: s.keys.ingest });
    const db = s.store.path;
    await s.stop();
    const dir = db.replace(/cadence\.sqlite$/, "lists");
    const dry = await cadence("extract", "--db", db, "--date", "2026-03-02", "--out", dir);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("4 messages for 2026-03-02 in 2 files; not recorded as sent");
    expect(readFileSync(`${dir}/2026-03-02_receipt_email.csv`, "utf8").trim().split("\n").map((l) => l.split(",").slice(0, 3).join(","))).toEqual([
      "customer,program,message", "C1,receipt,receipt", "C2,receipt,receipt",
    ]);
    // C2 has a reachable phone by default (transactional needs an address, not an opt-in)
    expect(readFileSync(`${dir}/2026-03-02_receipt_sms.csv`, "utf8").trim().split("\n").length).toBe(3);
    const done = await cadence("extract", "--db", db, "--date", "2026-03-02", "--out", dir, "--confirm");
    expect(done.stdout).toContain("4 messages for 2026-03-02 in 2 files; recorded as sent");
    expect((await cadence("extract", "--db", db, "--date", "2026-03-02", "--out", dir)).stdout).toContain("0 messages");
    expect((await cadence("extract", "--db", db, "--date", "2026-03-03", "--out", dir)).stdout).toContain("2 messages for 2026-03-03");
    const bad = await cadence("extract", "--db", db, "--date", "March 2");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--date: expected a day such as 2026-03-02 (years 1900 to 2199), got 'March 2'");
  });
});

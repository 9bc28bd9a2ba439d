/**
 * The pressure ledger's sent mark (engine/core/ledger.ts SENT; docs/pressure-rules.md, "Sent or
 * pending") across a restart of the live server: the customers' rows, ledgers and timers reloaded from
 * SQLite decide as the server that wrote them would have. A contact that went out at minute T and one
 * still pending at T (a campaign due at 08:00, a higher-priority trigger decided at 08:00) keep their
 * standing; and a database written before the mark (sent contacts stored with their program's
 * priority) reads as sent every contact no held message stands for. Real server on 127.0.0.1, real
 * SQLite, manual clock.
 */
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import { at, promote, serversStoppedAfterEach, T0, tempDb, type TestServer } from "./live-helpers.ts";
import { SENT } from "../../engine/core/ledger.ts";

// one marketing contact a day; the promotion (priority 10) is decided at midnight for 08:00, the
// visit's offer (priority 60) when the visit comes
const PLAN = `name: sent mark
timezone: "+00:00"
channels: { email: {} }
pressure:
  rules:
    - name: one-a-day
      cap: 1
      calendar: day
programs:
  - id: promo
    type: campaign
    priority: 10
    schedule: { once: 2026-03-02, at: "08:00" }
    audience: "true"
    send: { channel: email, message: promo, category: promotional }
  - id: visit-offer
    type: journey
    priority: 60
    trigger: { event: visit }
    reentry: always
    steps:
      - send: { channel: email, message: offer, category: promotional }
`;

const server = serversStoppedAfterEach(T0);
const PRIORITY: Record<string, number> = { promo: 10, "visit-offer": 60 };

/**
 * The steps of the day, a restart after the ones named in `restartAfter` (-1: after the promotion of
 * the plan, which decided the promotion for 08:00: pending, priority 10):
 *  0. B visits at 08:00: the offer outranks the promotion pending at 08:00, and goes (sent at T);
 *  1. the clock passes 08:00: A's promotion goes (sent at T), B's meets the offer and is suppressed;
 *  2. A visits at 08:00 (stamped with the minute the promotion went): the promotion has gone, the offer is suppressed.
 * `old`: at each restart, the rows are rewritten as a server of before the sent mark stored them.
 */
async function day(restartAfter: number[], old = false): Promise<string[]> {
  const db = tempDb("sent-mark");
  let s: TestServer = server({ db });
  // the customers first: the promotion's audience is chosen at the promotion of the plan (the day's start)
  await s.api("POST", "/v1/customers", { customers: ["A", "B"].map((id) => ({ id, signup: at(-24), consents: ["email"] })) }, { key: s.keys.ingest });
  await promote(s, PLAN);
  const steps = [
    () => s.api("POST", "/v1/events", { id: "vb", customer: "B", type: "visit", time: at(8) }, { key: s.keys.ingest }),
    () => s.api("POST", "/v1/clock", { now: at(8 + 1 / 60) }),
    () => s.api("POST", "/v1/events", { id: "va", customer: "A", type: "visit", time: at(8) }, { key: s.keys.ingest }),
  ];
  for (let i = -1; i < steps.length; i++) {
    if (i >= 0) expect((await steps[i]()).status).toBe(200);
    if (!restartAfter.includes(i)) continue;
    await s.stop();
    if (old) unmark(db);
    s = server({ db });
  }
  await s.api("POST", "/v1/clock", { now: at(20) });
  const d = (await s.api("GET", "/v1/decisions", undefined, { key: s.keys.analyst })).body.decisions;
  return d.map((x: { customer: string; message: string; status: string; rule: string; time: string }) =>
    `${x.customer}:${x.message}:${x.status}${x.rule ? ":" + x.rule : ""}@${x.time.slice(11, 16)}`).sort();
}

/** The rows as a server before 2026-11-26 wrote them: a sent contact keeps its program's priority. */
function unmark(file: string): void {
  const db = new DatabaseSync(file);
  for (const { id, state } of db.prepare("SELECT id, state FROM customers").all() as { id: string; state: string }[]) {
    const row = JSON.parse(state);
    for (const e of row.ledger) if (e[4] === SENT) e[4] = PRIORITY[e[1]];
    db.prepare("UPDATE customers SET state = ? WHERE id = ?").run(JSON.stringify(row), id);
  }
  db.close();
}

const DECISIONS = ["A:offer:suppressed:one-a-day@08:00", "A:promo:sent@08:00", "B:offer:sent@08:00", "B:promo:suppressed:one-a-day@08:00"];

describe("the sent mark across a restart", () => {
  it("decides after restarts as without them: a contact sent at 08:00 counts, a pending one is outranked", async () => {
    expect(await day([])).toEqual(DECISIONS);
    expect(await day([-1, 0, 1])).toEqual(DECISIONS);
  });

  it("reads a database written before the mark: a contact no held message stands for has gone, even at the minute itself", async () => {
    // before step 0, B's promotion is pending (10, its due timer stored): the offer must still outrank it;
    // after step 1, A's promotion went at 08:00, stored with 10: the offer decided at 08:00 must count it
    expect(await day([-1, 0, 1], true)).toEqual(DECISIONS);
  });
});

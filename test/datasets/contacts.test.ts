import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import seedrandom from "seedrandom";
import { importHistory } from "../../datasets/import.ts";
import { consentBit, EMAIL, SMS } from "../../engine/core/channels.ts";
import { ledgerSize, STRIDE } from "../../engine/core/ledger.ts";
import { DAY, parseDate } from "../../engine/core/time.ts";
import { fitCommand } from "../../engine/cli/fit.ts";
import { contactRates, worldParams } from "../../engine/fit/contact-rates.ts";
import { historyPopulation } from "../../engine/sim/history-population.ts";
import { DEFAULT_WORLD } from "../../engine/sim/world-model.ts";
import { checkWorldOption } from "../../engine/sim/world-option.ts";
import { capture } from "../capture.ts";
import { actualContacts } from "../../engine/backtest/actual-contacts.ts";
import { backtestCommand } from "../../engine/cli/backtest.ts";
import { errorOf, tempDir } from "./temp-files.ts";
import { PER2, PER4 } from "../../engine/core/record.ts";
import { TR4, TR8 } from "../../engine/sim/population.ts";

const { dir, write } = tempDir();
write("tx.csv", "id,day,usd\nA,2024-01-05,20\nB,2024-03-20,50\n");
write("sends.csv", [
  "sent_at,customer,channel,campaign,category,delivered,opened,clicked,unsubscribed,complained",
  "2024-06-01 09:00,A,email,june-news,promotional,1,1,1,0,0",
  "2024-06-20 09:00,A,E-mail,summer,promotional,1,1,0,0,0",
  "2024-06-25 18:00,A,sms,summer,promotional,1,0,0,1,0", // A opts out of SMS
  "2024-06-28 10:00,A,email,,transactional,1,1,0,0,0", // an order confirmation: no fatigue, not in the rates
  "2024-06-29 10:00,B,email,summer,promotional,0,0,0,0,0", // bounced
  "2024-06-30 10:00,Q,email,summer,promotional,1,0,0,0,0", // unknown customer: skipped, counted
  "2024-07-02 10:00,B,email,july,promotional,1,1,0,0,0", // after the cut-off: not seeded
  "2024-03-01 10:00,B,email,spring,newsletter,1,0,0,0,0", // older than 90 days: fatigue only; 'newsletter' counts as promotional
].join("\n") + "\n");
const CONTACTS = `contacts:
  file: sends.csv
  columns: {customer: customer, date: sent_at, channel: channel, program: campaign, category: category, delivered: delivered, opened: opened, clicked: clicked, unsubscribed: unsubscribed, complained: complained}
`;
const config = write("h.yaml", `calibrationEnd: 2024-06-30
transactions: {file: tx.csv, columns: {customer: id, date: day, amount: usd}}
${CONTACTS}consent: {email: true, sms: true}
`);
const start = parseDate("2024-07-01")!;

describe("contact history: import", () => {
  const h = importHistory(config), k = h.contacts!;

  it("reads sends with channel aliases, programs, categories and outcomes; unknown customers are skipped and counted", () => {
    expect(k.length).toBe(7);
    expect(Array.from(k.channel)).toEqual([EMAIL, EMAIL, SMS, EMAIL, EMAIL, EMAIL, EMAIL]);
    expect(k.programs).toEqual(["june-news", "summer", "july", "spring"]);
    expect(k.categories).toEqual(["promotional", "transactional", "newsletter"]);
    expect(Array.from(k.outcome)).toEqual([7, 3, 9, 3, 0, 3, 1]);
    expect(k.skipped.counts).toEqual({ "customer unknown to the history (no purchase, not in the customers file)": 1 });
  });

  it("measures response per marketing send up to the cut-off (transactional and later sends left out)", () => {
    const [email, sms] = contactRates(k, start - 1);
    expect(email).toMatchObject({ channel: "email", sent: 4 });
    expect([email.deliver!.n, email.deliver!.of, email.open!.n, email.open!.of, email.clickPerOpen!.n, email.clickPerOpen!.of]).toEqual([3, 4, 2, 3, 1, 2]);
    expect(sms).toMatchObject({ channel: "sms", sent: 1 });
    expect([sms.unsubscribe!.n, sms.unsubscribe!.of]).toEqual([1, 1]);
    expect(email.open!.low).toBeCloseTo(0.2077, 3); // Wilson 95 % for 2 of 3
    expect(email.open!.high).toBeCloseTo(0.9385, 3);
  });

  it("stops on an unknown channel, naming file, line, column and the valid channels", () => {
    write("bad-sends.csv", "sent_at,customer,channel\n2024-06-01 09:00,A,fax\n");
    const bad = write("bad.yaml", `calibrationEnd: 2024-06-30
transactions: {file: tx.csv, columns: {customer: id, date: day, amount: usd}}
contacts: {file: bad-sends.csv, columns: {customer: customer, date: sent_at, channel: channel}}
`);
    expect(errorOf(() => importHistory(bad), dir)).toBe(
      `<dir>/bad-sends.csv:2: channel (column "channel"): unknown channel "fax": expected a channel: email, sms, push, mail, call (also e-mail, text, post, phone; any case)`,
    );
  });
});

describe("contact history: the state at the cut-off", () => {
  const pop = historyPopulation(config, { seed: 1, start, journeys: 0, world: DEFAULT_WORLD });
  const t = pop.table, tr = pop.traits, A = t.ids.indexOf("A"), B = t.ids.indexOf("B");

  it("puts the last 90 days of sends in the pressure ledger (program -1, categories by name)", () => {
    const a = t.ledger(A);
    expect(ledgerSize(a)).toBe(4);
    const rows = Array.from({ length: 4 }, (_, i) => a.slice(i * STRIDE, i * STRIDE + 4));
    expect(rows).toEqual([
      [parseDate("2024-06-01T09:00:00Z"), -1, EMAIL, 2],
      [parseDate("2024-06-20T09:00:00Z"), -1, EMAIL, 2],
      [parseDate("2024-06-25T18:00:00Z"), -1, SMS, 2],
      [parseDate("2024-06-28T10:00:00Z"), -1, EMAIL, 0],
    ]);
    expect(ledgerSize(t.ledger(B))).toBe(1); // 06-29 only: 03-01 is older than 90 days
  });

  it("sets lastContact, lastOpen, lastClick and withdraws the consent of an unsubscribe", () => {
    expect([t.lastContact[A * PER4], t.lastOpen[A * PER4], t.lastClick[A * PER4]]).toEqual([
      parseDate("2024-06-28T10:00:00Z"), parseDate("2024-06-28T10:00:00Z"), parseDate("2024-06-01T09:00:00Z"),
    ]);
    expect(t.consent[A * PER2]).toBe(consentBit(EMAIL));
    expect(t.consent[B * PER2]).toBe(consentBit(EMAIL) | consentBit(SMS));
  });

  it("starts fatigue from the delivered marketing sends, decayed to the start", () => {
    const half = DEFAULT_WORLD.fatigueHalfLifeDays * DAY, w = DEFAULT_WORLD.channels;
    const decay = (at: string) => Math.pow(0.5, (start - parseDate(at)!) / half);
    const a = tr.sensitivity[A * TR4] * (w[EMAIL].fatigueWeight * (decay("2024-06-01T09:00:00Z") + decay("2024-06-20T09:00:00Z")) +
      w[SMS].fatigueWeight * decay("2024-06-25T18:00:00Z"));
    expect(tr.fatigue[A * TR8]).toBeCloseTo(a, 10);
    expect(tr.fatigue[B * TR8]).toBeCloseTo(tr.sensitivity[B * TR4] * w[EMAIL].fatigueWeight * decay("2024-03-01T10:00:00Z"), 10); // the bounce adds none
    expect(tr.fatigue[A * TR8]).toBeGreaterThan(1);
  });
});

describe("contact history: the brand's own response rates as world parameters", () => {
  /** 2,000 customers × 12 e-mails and 4 SMS with known rates. */
  function generated() {
    const rng = seedrandom("contacts");
    const tx = ["id,day,usd"], sends = ["sent_at,customer,channel,category,delivered,opened,clicked,unsubscribed"];
    const truth = { email: { deliver: 0.97, open: 0.25, click: 0.12, unsub: 0.003 }, sms: { deliver: 0.99, open: 0.9, click: 0.06, unsub: 0.01 } };
    for (let c = 0; c < 2000; c++) {
      tx.push(`C${c},2024-01-${String(1 + (c % 28)).padStart(2, "0")},30`);
      for (let m = 0; m < 16; m++) {
        const ch = m < 12 ? "email" : "sms", p = truth[ch];
        const d = rng() < p.deliver, o = d && rng() < p.open, k = o && rng() < p.click, u = d && rng() < p.unsub;
        sends.push(`2024-0${2 + (m % 5)}-1${m % 10} 10:00,C${c},${ch},promotional,${+d},${+o},${+k},${+u}`);
      }
    }
    write("gtx.csv", tx.join("\n"));
    write("gsends.csv", sends.join("\n"));
    return write("g.yaml", `calibrationEnd: 2024-06-30
transactions: {file: gtx.csv, columns: {customer: id, date: day, amount: usd}}
contacts: {file: gsends.csv, columns: {customer: customer, date: sent_at, channel: channel, category: category, delivered: delivered, opened: opened, clicked: clicked, unsubscribed: unsubscribed}}
`);
  }

  it("recovers the generating rates (within 3 standard errors) and writes them for the simulator", async () => {
    const g = generated();
    const rates = contactRates(importHistory(g).contacts!);
    const email = rates.find((r) => r.channel === "email")!, sms = rates.find((r) => r.channel === "sms")!;
    expect(email.sent).toBe(24000);
    for (const [r, want] of [[email.deliver!, 0.97], [email.open!, 0.25], [email.clickPerOpen!, 0.12], [sms.open!, 0.9], [sms.clickPerOpen!, 0.06], [sms.unsubscribe!, 0.01]] as const) {
      // six rates checked at once: 3 standard errors (a 95 % interval would miss one in three runs of six)
      expect(Math.abs(r.value - want)).toBeLessThan(3 * Math.sqrt((want * (1 - want)) / r.of));
      expect(r.low).toBeLessThan(r.value), expect(r.high).toBeGreaterThan(r.value);
    }
    expect(email.open!.value).toBeCloseTo(0.2512, 4); // the seeded figure
    const out = `${dir}/world.json`;
    const run = await capture(() => fitCommand(["--history", g, "--world-out", out]));
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/email 24,000 sent; delivered 9\d\.\d % \[/);
    const world = JSON.parse(readFileSync(out, "utf8"));
    expect(world).toEqual(worldParams(rates));
    expect(world.channels[EMAIL].open).toBeCloseTo(email.open!.value, 12);
    expect(world.channels[EMAIL].click).toBeCloseTo(email.clickPerOpen!.value / DEFAULT_WORLD.channels[EMAIL].tracked, 12);
    expect(world.channels[2]).toEqual(DEFAULT_WORLD.channels[2]); // push: no sends, the default
  });

  it("counts a send acted on as delivered and a click as an open, so the world it writes is one the commands take", async () => {
    // an export that lost two delivery receipts and one open pixel: 3 opens of 2 marked delivered, a click unopened
    write("lost-sends.csv", [
      "sent_at,customer,channel,delivered,opened,clicked,unsubscribed",
      "2024-06-01 09:00,A,email,0,1,1,0",
      "2024-06-02 09:00,A,email,1,1,0,0",
      "2024-06-03 09:00,B,email,0,1,0,1",
      "2024-06-04 09:00,B,email,1,0,1,0",
    ].join("\n") + "\n");
    const lost = write("lost.yaml", `calibrationEnd: 2024-06-30
transactions: {file: tx.csv, columns: {customer: id, date: day, amount: usd}}
contacts: {file: lost-sends.csv, columns: {customer: customer, date: sent_at, channel: channel, delivered: delivered, opened: opened, clicked: clicked, unsubscribed: unsubscribed}}
`);
    const h = importHistory(lost);
    expect(h.contacts!.implied).toEqual({ delivered: 2, opened: 1 });
    const [email] = contactRates(h.contacts!);
    // delivered 4 of 4 (was 2 of 4), opened 4 of 4 (was 3 of 2: 150 %), clicks 2 of 4 opens, unsubscribes 1 of 4
    expect([email.deliver!.n, email.deliver!.of, email.open!.n, email.open!.of, email.clickPerOpen!.n, email.clickPerOpen!.of, email.unsubscribe!.n, email.unsubscribe!.of])
      .toEqual([4, 4, 4, 4, 2, 4, 1, 4]);
    const out = `${dir}/lost-world.json`;
    const run = await capture(() => fitCommand(["--history", lost, "--world-out", out]));
    expect(run.code).toBe(0);
    expect(run.out).toContain(`lost-sends.csv: 2 sends opened, clicked, unsubscribed or complained but not marked delivered, counted as delivered`);
    expect(run.out).toContain(`lost-sends.csv: 1 send clicked but not marked opened, counted as opened`);
    const world = JSON.parse(readFileSync(out, "utf8"));
    expect(world.channels[EMAIL].open).toBe(1);
    expect(() => checkWorldOption(world, out)).not.toThrow(); // as calibration --world, simulate --world and compare --world read it
  });

  it("refuses --world-out without a contact history", async () => {
    write("plain.yaml", "calibrationEnd: 2024-06-30\ntransactions: {file: tx.csv, columns: {customer: id, date: day, amount: usd}}\n");
    const run = await capture(() => fitCommand(["--history", `${dir}/plain.yaml`, "--world-out", `${dir}/w.json`]));
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/--world-out needs a contact history/);
  });
});

describe("contact history: the backtest sets the plan beside what was actually sent", () => {
  it("counts the export's sends over the period in the backtest's terms", () => {
    const a = actualContacts(importHistory(config), parseDate("2024-06-01")!, parseDate("2024-06-30")!)!;
    expect([a.contacts, a.reach]).toEqual([5, 2]); // Q is unknown, 07-02 and 03-01 are outside
    expect(a.contactsByChannel).toEqual({ email: 4, sms: 1, push: 0, mail: 0, call: 0 });
    expect(a.topPrograms).toEqual([{ program: "summer", contacts: 3 }, { program: "june-news", contacts: 1 }]);
    // 4 complete weeks × A and B: A got 1, 0, 1, 2 (B's 06-29 send falls in the incomplete fifth week)
    expect(a.contactsPerCustomerWeek).toEqual({ mean: 0.5, p50: 0, p90: 2, p99: 2, max: 2 });
  });

  it("adds `actual` to backtest --json and a side-by-side table to the report", async () => {
    const args = ["scenarios/lifecycle.yaml", "--history", config, "--from", "2024-06-01", "--to", "2024-06-30"];
    const json = await capture(() => backtestCommand([...args, "--json"]));
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out).actual.contacts).toBe(5);
    const text = await capture(() => backtestCommand(args));
    expect(text.out).toMatch(/the plan beside what was actually sent \(contact history\):\n +plan +actual/);
    expect(text.out).toMatch(/\ncontacts +\d+ +5\n/);
  });
});

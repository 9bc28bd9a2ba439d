/**
 * A history whose customer ids and attribute values a spreadsheet would run as formulas (OWASP "CSV
 * Injection"): backtest --out and extract --history write them as text (a leading '), and an extract list
 * appended to the contact history reads back as the ids it was made from.
 */
import { describe, expect, it } from "vitest";
import { appendFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { eachRecord } from "../../datasets/csv.ts";
import { importHistory } from "../../datasets/import.ts";
import { main } from "../../engine/cli/main.ts";
import { capture } from "../capture.ts";
import { tempDir } from "../datasets/temp-files.ts";

// ids a spreadsheet would run (a tab or a carriage return first: test/report/spreadsheet-text.test.ts,
// a history's ids are trimmed), and ids that are numbers to a spreadsheet
const IDS = ['=HYPERLINK("http://x","click")', "@SUM(1+1)", "+cmd|' /C calc'!A0", "-2+3", "=1+1", "-12.5", "+33612345678", "00123", "1234567890123456789"];
const WRITTEN = ['\'=HYPERLINK("http://x","click")', "'@SUM(1+1)", "'+cmd|' /C calc'!A0", "'-2+3", "'=1+1", "-12.5", "+33612345678", "00123", "1234567890123456789"];

const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;

function cells(path: string): string[][] {
  const rows: string[][] = [];
  eachRecord(path, "comma", (f) => void rows.push(f));
  return rows;
}

describe("customer ids a spreadsheet would run, through a history", () => {
  const { dir, write } = tempDir();
  write("tx.csv", ["customer,date,amount", ...IDS.map((id, i) => `${quote(id)},2024-0${1 + (i % 4)}-05,${30 + i}`)].join("\n") + "\n");
  write("customers.csv", ["id,created,email_ok,region", ...IDS.map((id, i) => `${quote(id)},2023-01-01,1,${i ? "north" : "=1+1"}`)].join("\n") + "\n");
  write("sends.csv", "date,customer,channel,program,category,message\n2024-04-01,00123,email,spring,promotional,spring\n"); // the lists' columns
  const config = write("h.yaml", `currency: EUR
calibrationEnd: 2024-04-30
transactions:
  file: tx.csv
  columns: {customer: customer, date: date, amount: amount}
customers:
  file: customers.csv
  columns: {id: id, signup: created, emailConsent: email_ok}
  attributes:
    region: {column: region, type: text}
contacts:
  file: sends.csv
  columns: {customer: customer, date: date, channel: channel, program: program, category: category}
`);
  const plan = write("plan.yaml", `name: "=plan"
channels: { email: {} }
programs:
  - { id: news, type: campaign, priority: 10, schedule: { once: "2024-05-02", at: "09:00" }, send: { channel: email, message: "-news", category: promotional } }
`);

  it("backtest --out writes them as text: a leading ' where a spreadsheet would run the cell, numbers untouched", async () => {
    const r = await capture(() => main(["backtest", plan, "--history", config, "--from", "2024-05-01", "--to", "2024-05-03", "--out", join(dir, "bt")]));
    expect(r.code).toBe(0);
    const [head, ...rows] = cells(join(dir, "bt", "customers.csv"));
    expect(head).toEqual(["id", "contacts", "maxWeek", "purchases", "revenue"]);
    expect(rows.map((r) => r[0]).sort()).toEqual([...WRITTEN].sort());
    const messages = cells(join(dir, "bt", "messages.csv")).slice(1);
    expect(messages.map((m) => m[1]).sort()).toEqual([...WRITTEN].sort());
    expect(new Set(messages.map((m) => m[3]))).toEqual(new Set(["'-news"])); // the message name too
    expect(new Set(messages.map((m) => m[8]))).toEqual(new Set(["0.002"])); // a figure stays a figure
  });

  it("extract --history lists hold them as text, and appended to the contact history they count for the same customers", async () => {
    const out = join(dir, "lists");
    const r = await capture(() => main(["extract", "--history", config, "--plan", plan, "--date", "2024-05-02", "--out", out]));
    expect(r.code).toBe(0);
    expect(r.out).toContain(`9 messages for 2024-05-02 in 1 files`);
    const list = join(out, "2024-05-02_news_email.csv");
    const [head, ...rows] = cells(list);
    expect(head).toEqual(["date", "customer", "channel", "program", "category", "message"]);
    expect(rows.map((r) => r[1]).sort()).toEqual([...WRITTEN].sort());
    // "once the lists are sent, append their rows to the send export the config maps" (docs/live.md)
    appendFileSync(join(dir, "sends.csv"), readFileSync(list, "utf8").split("\n").slice(1).join("\n"));
    const h = importHistory(config);
    // '=HYPERLINK… and the others were skipped as customers unknown to the history: 5 contacts, not 10
    expect(h.contacts!.length).toBe(1 + 9);
    expect([...h.contacts!.customer].map((c) => h.ids[c]).sort()).toEqual([...IDS, "00123"].sort());
  });
});

import { describe, expect, it } from "vitest";
import { InputError } from "../../engine/plan/errors.ts";
import { importHistory } from "../../datasets/import.ts";
import { errorOf, tempDir } from "./temp-files.ts";

const { dir, write } = tempDir();
const HEADER = "id,day,usd,qty\n";
const COLUMNS = "  columns: {customer: id, date: day, amount: usd, quantity: qty}\n";

/** Writes tx.csv and a config around it, imports, and returns the error message. */
function importError(tx: string, opts: { top?: string; table?: string } = {}): string {
  write("tx.csv", tx);
  const config = write("h.yaml", `calibrationEnd: 1997-09-30\n${opts.top ?? ""}transactions:\n  file: tx.csv\n${opts.table ?? COLUMNS}`);
  return errorOf(() => importHistory(config), dir);
}

describe("import errors name the file, line, column, value and what is valid", () => {
  it("rejects a bad date", () => {
    expect(importError(HEADER + "1,1997-01-01,10,1\n2,1997-13-01,5,1\n")).toBe(
      `<dir>/tx.csv:3: date (column "day"): bad date "1997-13-01": expected a date as YYYY-MM-DD, e.g. 1997-01-01, optionally with a time (1997-01-01 12:50:00) and an offset (Z, +01:00); years 1900 to 2199`,
    );
  });

  it("rejects a date in another format than configured", () => {
    const table = `  dateFormat: YYYYMMDD\n${COLUMNS}`;
    expect(importError(HEADER + "1,1997-01-01,10,1\n", { table })).toBe(
      `<dir>/tx.csv:2: date (column "day"): bad date "1997-01-01": expected a date as YYYYMMDD, e.g. 19970101, optionally with a time (19970101 12:50:00) and an offset (Z, +01:00); years 1900 to 2199`,
    );
  });

  it("rejects a missing column, suggesting the closest header name", () => {
    expect(importError("id,date,usd,qty\n1,1997-01-01,10,1\n")).toBe(
      `<dir>/tx.csv:1: date (column "day"): no such column in the header (did you mean "date"?); the header has "id", "date", "usd", "qty"`,
    );
  });

  it("rejects a non-numeric amount", () => {
    expect(importError(HEADER + '1,1997-01-01,"12,50",1\n')).toBe(
      `<dir>/tx.csv:2: amount (column "usd"): bad amount "12,50": expected a plain number such as 12.50 (no symbol or thousands separator; decimal: comma reads 12,50) in USD`,
    );
    expect(importError(HEADER + "1,1997-01-01,$12,1\n")).toMatch(/tx\.csv:2: amount \(column "usd"\): bad amount "\$12"/);
  });

  it("rejects an unknown delimiter in the config, with the config's line", () => {
    const table = `  delimiter: pipe\n${COLUMNS}`;
    expect(importError(HEADER, { table })).toBe(
      `<dir>/h.yaml:4: transactions.delimiter: unknown delimiter "pipe"; expected one of comma, whitespace, tab or semicolon`,
    );
  });

  it("rejects an unknown config field, suggesting the right one", () => {
    expect(importError(HEADER, { top: "holdout_end: 1998-06-30\n" })).toBe(
      `<dir>/h.yaml:2: holdout_end: unknown field (did you mean holdoutEnd?); valid fields: currency, amountUnit, moneyUnit, studyStart, calibrationEnd, holdoutEnd, transactions, customers, contacts, consent, seasonality`,
    );
  });

  it("rejects an empty file and a file with only a header", () => {
    const columns = `(expected columns: customer (column "id"), date (column "day"), amount (column "usd"), quantity (column "qty"))`;
    expect(importError("")).toBe(`<dir>/tx.csv: empty file; expected a header line, then one row per record ${columns}`);
    expect(importError(HEADER)).toBe(`<dir>/tx.csv: no data rows after the header ${columns}`);
  });

  it("rejects a short row in a whitespace file without a header", () => {
    const table = "  delimiter: whitespace\n  header: false\n  dateFormat: YYYYMMDD\n  columns: {customer: 1, date: 2, amount: 4}\n";
    expect(importError(" 1 19970101 2 10.5\n 1 19970102 3\n", { table })).toBe(
      `<dir>/tx.csv:2: amount (column 4): the row has 3 fields (delimiter whitespace), so amount (column 4) is missing`,
    );
  });

  it("rejects column names without a header, and a missing required column", () => {
    const table = "  header: false\n  columns: {customer: id, date: 2}\n";
    expect(importError("1,1997-01-01,3\n", { table })).toBe([
      `<dir>/h.yaml:5: transactions.columns.customer: column names need header: true; without a header give a 1-based position`,
      `<dir>/h.yaml:5: transactions.columns.amount: missing: the column holding the amount`,
    ].join("\n"));
  });

  it("rejects a bad currency, consent assumption and unknown path variable, all at once", () => {
    const top = "currency: dollars\nconsent: {email: yes please}\n";
    const table = "  delimiter: comma\n" + COLUMNS;
    write("h2.yaml", `calibrationEnd: 1997-09-30\n${top}transactions:\n  file: \${HOME}/tx.csv\n${table}`);
    expect(errorOf(() => importHistory(`${dir}/h2.yaml`), dir)).toBe([
      `<dir>/h2.yaml:2: currency: expected an ISO 4217 code such as USD or EUR, got "dollars"`,
      `<dir>/h2.yaml:3: consent.email: expected true or false, got "yes please"`,
      `<dir>/h2.yaml:5: transactions.file: unknown variable \${HOME}; only \${CADENCE_DATA} is expanded`,
    ].join("\n"));
  });

  it("reports an unterminated quote and keeps reading to list later problems", () => {
    expect(importError(HEADER + '1,"1997-01-01,10,1\n2,1997-02-30,5,1\n')).toBe([
      `<dir>/tx.csv:2: unterminated quoted field (a quoted field must close on its own line)`,
      `<dir>/tx.csv:3: date (column "day"): bad date "1997-02-30": expected a date as YYYY-MM-DD, e.g. 1997-01-01, optionally with a time (1997-01-01 12:50:00) and an offset (Z, +01:00); years 1900 to 2199`,
    ].join("\n"));
  });

  it("stops after 20 problems", () => {
    const rows = Array.from({ length: 30 }, (_, i) => `${i},someday,1,1`).join("\n");
    const message = importError(HEADER + rows);
    expect(message.split("\n")).toHaveLength(21);
    expect(message.endsWith("(stopped after 20 problems)")).toBe(true);
  });

  it("throws InputError, a missing file named with its path", () => {
    write("h3.yaml", "calibrationEnd: 1997-09-30\ntransactions:\n  file: nowhere.csv\n" + COLUMNS);
    let error: unknown;
    try {
      importHistory(`${dir}/h3.yaml`);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message.replaceAll(dir, "<dir>")).toMatch(/^<dir>\/nowhere\.csv: cannot read the file \(ENOENT/);
  });

  it("rejects bad values in the customers file", () => {
    write("tx.csv", HEADER + "1,1997-01-01,10,1\n");
    write("c.csv", "cid,joined,email_ok,tz\n1,1996-12-01,maybe,Europe/Paris\n2,1996-12-01,1,Mars/Olympus\n1,1996-12-02,0,UTC\n");
    write("h4.yaml", [
      "calibrationEnd: 1997-09-30",
      "transactions:\n  file: tx.csv\n" + COLUMNS.trimEnd(),
      "customers:\n  file: c.csv\n  columns: {id: cid, signup: joined, emailConsent: email_ok, timezone: tz}",
    ].join("\n"));
    expect(errorOf(() => importHistory(`${dir}/h4.yaml`), dir)).toBe([
      `<dir>/c.csv:2: emailConsent (column "email_ok"): bad consent "maybe": expected 1/0, true/false, yes/no, y/n, opt-in/opt-out (empty means no)`,
      `<dir>/c.csv:3: timezone (column "tz"): bad time zone "Mars/Olympus": expected an IANA name such as Europe/Paris or UTC`,
      `<dir>/c.csv:4: id (column "cid"): duplicate customer id "1": each customer is listed once`,
    ].join("\n"));
  });
});

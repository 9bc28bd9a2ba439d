/**
 * What a history file's shape can get wrong before any value is read: its encoding, rows wider than
 * the header, a header naming a mapped column twice, a delimiter other than the configured one; and
 * rows repeated exactly, which are kept (identical purchases can be real) and counted.
 */
import { describe, expect, it } from "vitest";
import { gzipSync } from "node:zlib";
import { importHistory } from "../../datasets/import.ts";
import { firstInvalidUtf8 } from "../../datasets/csv.ts";
import { errorOf, tempDir } from "./temp-files.ts";

const { dir, write } = tempDir();
const CONFIG = "calibrationEnd: 1997-09-30\ntransactions:\n  file: tx.csv\n  columns: {customer: id, date: day, amount: usd}\n";

function importError(tx: string | Uint8Array, name = "tx.csv"): string {
  write(name, tx);
  return errorOf(() => importHistory(write("h.yaml", CONFIG.replace("tx.csv", name))), dir);
}

const latin1 = (text: string) => Uint8Array.from(text, (ch) => ch.charCodeAt(0)); // one byte per character, é = 0xE9

describe("a history file's encoding", () => {
  it("refuses Latin-1 bytes naming the line of the first one (Ké001 was read as K\\uFFFD001, merging ids that differ by an accent)", () => {
    const text = "id,day,usd\nKe001,1997-01-01,10\nKé001,1997-01-02,12\n";
    const message = `<dir>/tx.csv:3: not UTF-8 text: byte 0xE9 at byte 2 of the line is not valid UTF-8 (a Latin-1 or Windows-1252 export?): save or export the file as UTF-8, e.g. iconv -f latin1 -t utf-8`;
    expect(importError(latin1(text))).toBe(message);
    expect(importError(gzipSync(latin1(text)), "tx.csv.gz")).toBe(message.replace("tx.csv", "tx.csv.gz"));
    // the same text as UTF-8 imports, keeping both ids apart
    write("tx.csv", text);
    expect(importHistory(write("h.yaml", CONFIG)).ids).toEqual(["Ke001", "Ké001"]);
  });

  it("names UTF-16, with or without a byte-order mark (it gave 'no such column' with a garbled header)", () => {
    const text = "id,day,usd\nA,1997-01-01,10\n";
    const le = new Uint8Array(Buffer.from(text, "utf16le"));
    expect(importError(Uint8Array.from([0xff, 0xfe, ...le]))).toBe(`<dir>/tx.csv:1: the file is UTF-16 (byte-order mark FF FE), not UTF-8: save or export it as UTF-8`);
    expect(importError(le)).toBe(`<dir>/tx.csv:1: a NUL byte: the file is not UTF-8 text (UTF-16 without a byte-order mark, or not a text file?): save or export it as UTF-8`);
  });

  it("finds the first byte that is not well-formed UTF-8", () => {
    const enc = new TextEncoder();
    expect(firstInvalidUtf8(enc.encode("aé€😀"))).toBe(10); // 1 + 2 + 3 + 4 bytes, all valid
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0xc0, 0x80]))).toBe(1); // overlong
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0xed, 0xa0, 0x80]))).toBe(1); // a surrogate
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0x62, 0xe2, 0x82]))).toBe(2); // cut short
  });
});

describe("a history file's columns", () => {
  it("refuses a row with more fields than the header, with file:line (it was imported, the extra field ignored)", () => {
    expect(importError("id,day,usd\nA,1997-01-01,10\nB,1997-01-02,1,250\n")).toBe(
      `<dir>/tx.csv:3: the row has 4 fields, the header 3 (delimiter comma): a value containing the delimiter must be quoted ("a, b")`,
    );
  });

  it("says a row ends with a trailing delimiter the header lacks (it said to quote a value), and takes it when the header has it too", () => {
    expect(importError("id,day,usd\nA,1997-01-01,10,\nB,1997-01-02,12,\n").split("\n")[0]).toBe(
      `<dir>/tx.csv:2: the row has 4 fields, the header 3 (delimiter comma): it ends with 1 empty field past the header's (a trailing delimiter): end the header line with the same delimiter, or remove it from the rows`,
    );
    write("tx.csv", "id,day,usd,\nA,1997-01-01,10,\nB,1997-01-02,12,\n");
    expect(Array.from(importHistory(write("h.yaml", CONFIG)).transactions.amount)).toEqual([10, 12]);
  });

  it("names lines that end with CR alone (the whole file was read as its header: 'no such column', the header \"usd\\rA\")", () => {
    expect(importError("id,day,usd\rA,1997-01-01,10\rB,1997-01-02,12\r")).toBe(
      `<dir>/tx.csv:1: the lines end with a carriage return (CR) alone, so the whole file reads as one line: lines must end with LF or CRLF; convert it, e.g. tr '\\r' '\\n' < in.csv > out.csv`,
    );
    // CRLF, with a byte-order mark, still reads
    write("tx.csv", "\ufeffid,day,usd\r\nA,1997-01-01,10\r\nB,1997-01-02,12\r\n");
    expect(Array.from(importHistory(write("h.yaml", CONFIG)).transactions.amount)).toEqual([10, 12]);
  });

  it("refuses a header that names a mapped column twice (the last one was read)", () => {
    expect(importError("id,day,usd,usd\nA,1997-01-01,10,12\n")).toBe(
      `<dir>/tx.csv:1: amount (column "usd"): the header names "usd" more than once (columns 3 and 4): which one is meant? rename one in the file`,
    );
  });

  it("hints at the delimiter when the header was not split: semicolons or tabs read with the default comma", () => {
    expect(importError("id;day;usd\nA;1997-01-01;10\n").split("\n")[0]).toBe(
      `<dir>/tx.csv:1: customer (column "id"): no such column in the header; the header has "id;day;usd" (the header contains semicolons: set delimiter: semicolon in the config?)`,
    );
    expect(importError("id\tday\tusd\nA\t1997-01-01\t10\n").split("\n")[0]).toBe(
      `<dir>/tx.csv:1: customer (column "id"): no such column in the header; the header has "id\\tday\\tusd" (the header contains tabs: set delimiter: tab in the config?)`,
    );
  });
});

describe("rows repeated exactly", () => {
  it("keeps them as purchases and counts them (30 doubled lines gave 434 transactions instead of 404, unsaid)", () => {
    const rows = Array.from({ length: 404 }, (_, i) => `C${i % 50},1997-${String(1 + (i % 9)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")},${10 + i}`);
    write("tx.csv", ["id,day,usd", ...rows, ...rows.slice(0, 30)].join("\n") + "\n");
    const h = importHistory(write("h.yaml", CONFIG));
    expect(h.transactions.length).toBe(434);
    expect(h.identical).toBe(30);
    // a row seen three times counts twice; a row that differs in one character is not a repeat
    write("tx.csv", "id,day,usd\nA,1997-01-01,10\nA,1997-01-01,10\nA,1997-01-01,10\nA,1997-01-01,10.0\n");
    expect(importHistory(write("h.yaml", CONFIG)).identical).toBe(2);
  });
});

describe("a huge line", () => {
  it("is named with its value shortened (the 2,000,000-character amount was the whole message)", () => {
    const message = importError(`id,day,usd\nA,1997-01-01,${"9".repeat(2_000_000)}\nB,1997-01-02,10\n`);
    expect(message).toBe(
      `<dir>/tx.csv:2: amount (column "usd"): bad amount "${"9".repeat(40)}…${"9".repeat(10)}" (2,000,000 characters): expected a plain number such as 12.50 (no symbol or thousands separator; decimal: comma reads 12,50) in USD`,
    );
  });
});

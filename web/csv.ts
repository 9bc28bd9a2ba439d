/**
 * Customers as CSV (POST /v1/customers with text/csv): a header row naming Customer fields, each once,
 * then one customer per record; `consents` holds channels separated by `|`. RFC 4180 quoting: a quoted
 * field may hold commas, line breaks and doubled quotes (`""`), and is taken as written; an unquoted
 * one is trimmed. Errors name the line (a record's first line) and, for quoting, the column.
 *
 * An empty cell (`,,` or `""`) in a column that is there:
 * - `consents`: no consents (the column is there and the cell lists none); leaving the column out keeps them;
 * - `lastPurchase`, `lastVisit`, `lastOpen`, `lastClick`, `lastContact`, `birthday`: none (JSON's null);
 * - `timezone`, `signup`, `orders`, `revenue`, `score`, `limit`, `rfm`: unchanged (they have no
 *   "none": a blank is an unknown value, not a zero);
 * - `id`: refused.
 */
import { closest, InputError } from "../engine/plan/errors.ts";

/** Columns holding a whole number: plain digits (`0x10` was read as 16, `1e1` as 10). */
const WHOLE = new Set(["orders", "rfm"]);
/** Columns holding a decimal number: digits with an optional fraction. */
const DECIMAL = new Set(["revenue", "score", "limit"]);
/** Columns whose empty cell means none (JSON null): the customer has no such time or day. */
const NULLABLE = new Set(["lastPurchase", "lastVisit", "lastOpen", "lastClick", "lastContact", "birthday"]);
/** A value of each column, for the messages. */
const EXAMPLE: Record<string, string> = {
  id: "C0001", timezone: "+01:00", signup: "2026-01-10", consents: "email|sms", orders: "2", revenue: "80.50", lastPurchase: "2026-02-01",
  lastVisit: "2026-02-03", lastOpen: "2026-02-02", lastClick: "2026-02-02", lastContact: "2026-02-01", birthday: "03-14", score: "0.4", limit: "3", rfm: "345",
};
export const CSV_COLUMNS = ["id", "timezone", "signup", "consents", "orders", "revenue", "lastPurchase", "lastVisit", "lastOpen", "lastClick", "lastContact", "birthday", "score", "limit", "rfm"];

/** A record of the file: its cells (quoted ones as written, others trimmed) and the line it starts on. */
interface CsvRecord {
  cells: string[];
  quoted: boolean[];
  line: number;
}

const QUOTING = `a quoted value ends with a quote followed by a comma or the end of the line, and a quote inside it is doubled ("")`;

/** The records of `text` (line breaks already `\n`), RFC 4180: quoted fields may span lines. */
function records(text: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  let line = 1, lineStart = 0, i = 0;
  const fail = (at: number, atLine: number, atLineStart: number, what: string): never => {
    throw new InputError(`customers.csv:${atLine}: column ${at - atLineStart + 1}: ${what}`);
  };
  while (i <= text.length) {
    const rec: CsvRecord = { cells: [], quoted: [], line };
    for (;;) {
      // one field: leading blanks, then a quoted value or an unquoted one
      let j = i;
      while (text[j] === " " || text[j] === "\t") j++;
      if (text[j] === '"') {
        const open = j, openLine = line, openLineStart = lineStart;
        let value = "";
        for (j++;; j++) {
          if (j >= text.length) fail(open, openLine, openLineStart, `unterminated quote: the value opened here never ends; ${QUOTING}`);
          const ch = text[j];
          if (ch === '"' && text[j + 1] === '"') value += '"', j++;
          else if (ch === '"') break;
          else {
            if (ch === "\n") line++, lineStart = j + 1;
            value += ch;
          }
        }
        j++;
        while (text[j] === " " || text[j] === "\t") j++;
        if (j < text.length && text[j] !== "," && text[j] !== "\n") fail(j, line, lineStart, `text after a closing quote; ${QUOTING}`);
        rec.cells.push(value), rec.quoted.push(true);
      } else {
        let end = j;
        while (end < text.length && text[end] !== "," && text[end] !== "\n") {
          if (text[end] === '"') fail(end, line, lineStart, `a quote inside an unquoted value; quote the whole value and double the quote inside it, such as "O""Brien"`);
          end++;
        }
        rec.cells.push(text.slice(i, end).trim()), rec.quoted.push(false);
        j = end;
      }
      i = j + 1;
      if (text[j] !== ",") break; // the end of the line or of the text
    }
    if (rec.cells.length > 1 || rec.quoted[0] || rec.cells[0] !== "") out.push(rec); // a blank line is no record
    line++, lineStart = i;
  }
  return out;
}

/** A cell's value for the Customer schema; undefined leaves the field as it is. */
function valueOf(h: string, v: string, line: number): unknown {
  if (v === "") {
    if (h === "id") throw new InputError(`customers.csv:${line}: id: empty; every customer needs its id, such as ${EXAMPLE.id}`);
    return h === "consents" ? [] : NULLABLE.has(h) ? null : undefined;
  }
  if (WHOLE.has(h) || DECIMAL.has(h)) {
    const ok = WHOLE.has(h) ? /^-?\d+$/.test(v) : /^-?(\d+(\.\d*)?|\.\d+)$/.test(v);
    if (!ok) throw new InputError(`customers.csv:${line}: ${h}: expected ${WHOLE.has(h) ? "a whole number" : "a number"} written in digits, such as ${EXAMPLE[h]}, got '${v}'`);
    return Number(v);
  }
  if (h === "timezone" && /^-?\d+$/.test(v)) return Number(v); // minutes; ±HH:MM stays text
  if (h === "consents") return v.split("|").map((s) => s.trim()).filter(Boolean);
  return v;
}

/** Parses the CSV into plain customer objects (still to be validated by the Customer schema). */
export function parseCustomersCsv(text: string): { rows: Record<string, unknown>[]; lines: number[] } {
  if (!text.trim()) throw new InputError(`customers.csv: empty; expected a header line naming the columns, id first (such as id,timezone,signup,consents), then one customer per line`);
  const [head, ...body] = records(text.replace(/\r\n?/g, "\n"));
  const header = head.cells.map((h) => h.trim());
  for (const [k, h] of header.entries()) {
    if (!CSV_COLUMNS.includes(h)) {
      const hint = closest(h, CSV_COLUMNS);
      throw new InputError(`customers.csv:${head.line}: unknown column '${h}'${hint ? `; did you mean '${hint}'?` : ""}; valid columns: ${CSV_COLUMNS.join(", ")}`);
    }
    // `id,id` kept the second column's value only: which one was meant?
    const first = header.indexOf(h);
    if (first < k) throw new InputError(`customers.csv:${head.line}: column '${h}' is named twice (columns ${first + 1} and ${k + 1}); name each column once`);
  }
  if (!header.includes("id")) throw new InputError(`customers.csv:${head.line}: the header needs an 'id' column; valid columns: ${CSV_COLUMNS.join(", ")}`);
  const rows: Record<string, unknown>[] = [], at: number[] = [];
  for (const r of body) {
    if (r.cells.length !== header.length) throw new InputError(`customers.csv:${r.line}: expected ${header.length} fields (${header.join(",")}), got ${r.cells.length}`);
    const o: Record<string, unknown> = {};
    header.forEach((h, k) => {
      const v = valueOf(h, r.cells[k], r.line);
      if (v !== undefined) o[h] = v;
    });
    rows.push(o), at.push(r.line);
  }
  if (!rows.length) throw new InputError(`customers.csv: no customer after the header line; one per line, such as ${header.map((h) => EXAMPLE[h] ?? "").join(",")}`);
  return { rows, lines: at };
}

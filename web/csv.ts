/**
 * Customers as CSV (POST /v1/customers with text/csv): a header row naming Customer fields, then one
 * customer per line; `consents` holds channels separated by `|`. Quoted fields may contain commas.
 * Errors name the line and column.
 */
import { closest, InputError } from "../engine/plan/errors.ts";

const NUMERIC = new Set(["orders", "revenue", "score", "limit", "rfm"]);
/** A value of each column, for the messages. */
const EXAMPLE: Record<string, string> = {
  id: "C0001", timezone: "+01:00", signup: "2026-01-10", consents: "email|sms", orders: "2", revenue: "80.50", lastPurchase: "2026-02-01",
  lastVisit: "2026-02-03", lastOpen: "2026-02-02", lastClick: "2026-02-02", lastContact: "2026-02-01", birthday: "03-14", score: "0.4", limit: "3", rfm: "345",
};
export const CSV_COLUMNS = ["id", "timezone", "signup", "consents", "orders", "revenue", "lastPurchase", "lastVisit", "lastOpen", "lastClick", "lastContact", "birthday", "score", "limit", "rfm"];

function split(line: string): string[] {
  const out: string[] = [];
  let cur = "", q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (q) {
      if (ch === '"' && line[i + 1] === '"') cur += '"', i++;
      else if (ch === '"') q = false;
      else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === ",") out.push(cur), cur = "";
    else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Parses the CSV into plain customer objects (still to be validated by the Customer schema). */
export function parseCustomersCsv(text: string): { rows: Record<string, unknown>[]; lines: number[] } {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  if (!text.trim()) throw new InputError(`customers.csv: empty; expected a header line naming the columns, id first (such as id,timezone,signup,consents), then one customer per line`);
  const header = split(lines[0] ?? "").map((h) => h.trim());
  for (const h of header) {
    if (!CSV_COLUMNS.includes(h)) {
      const hint = closest(h, CSV_COLUMNS);
      throw new InputError(`customers.csv:1: unknown column '${h}'${hint ? `; did you mean '${hint}'?` : ""}; valid columns: ${CSV_COLUMNS.join(", ")}`);
    }
  }
  if (!header.includes("id")) throw new InputError(`customers.csv:1: the header needs an 'id' column; valid columns: ${CSV_COLUMNS.join(", ")}`);
  const rows: Record<string, unknown>[] = [], at: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (!lines[i].trim()) continue;
    const cells = split(lines[i]);
    if (cells.length !== header.length) throw new InputError(`customers.csv:${i + 1}: expected ${header.length} fields (${header.join(",")}), got ${cells.length}`);
    const o: Record<string, unknown> = {};
    header.forEach((h, k) => {
      const v = cells[k].trim();
      if (v === "") return;
      if (NUMERIC.has(h) || (h === "timezone" && /^-?\d+$/.test(v))) {
        const n = Number(v);
        if (!Number.isFinite(n)) throw new InputError(`customers.csv:${i + 1}: ${h}: expected a number, got '${v}'`);
        o[h] = n;
      } else if (h === "consents") o[h] = v.split("|").map((s) => s.trim()).filter(Boolean);
      else o[h] = v;
    });
    rows.push(o), at.push(i + 1);
  }
  if (!rows.length) throw new InputError(`customers.csv: no customer after the header line; one per line, such as ${header.map((h) => EXAMPLE[h] ?? "").join(",")}`);
  return { rows, lines: at };
}

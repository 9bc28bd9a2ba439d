/**
 * A seeded generator of retail line-item exports (one row per invoice line: invoice, stock code,
 * quantity, unit price, timestamp, customer id, country), with the mess real exports carry: lines
 * without a customer id, zero-priced lines, cancellations (invoice prefix "C", negative quantity), other
 * countries, and rows outside the study period. It returns the text and the truth the importer must
 * reproduce, so tests need no large committed files. Shared by the tests, bench/import-bench.ts and
 * datasets/retail-example.ts.
 */
import seedrandom from "seedrandom";

export interface LineItemOptions {
  /** data rows to write (approximately: whole invoices) */
  rows: number;
  seed?: string;
  /** "comma": `,` separated, decimal point; "semicolon": `;` separated, decimal comma (European) */
  style?: "comma" | "semicolon";
  customers?: number;
}

export interface LineItemTruth {
  rows: number;
  /** what the config in `lineItemConfig` should skip, per reason */
  skipped: Record<string, number>;
  /** UK purchase invoices with a customer, inside the period: one transaction each */
  orders: number;
  /** their total value (sum of quantity × price over kept lines) */
  revenue: number;
  /** cancellations netted: count and value */
  returns: number;
  returned: number;
  customers: number;
}

const STUDY_START = Date.UTC(2010, 11, 1), DAY_MS = 86400000;

/**
 * @example const { text, truth } = lineItems({ rows: 10000 }); writeFileSync("retail.csv", text)
 */
export function lineItems(o: LineItemOptions): { text: string; truth: LineItemTruth } {
  const rng = seedrandom(o.seed ?? "line-items");
  const semi = o.style === "semicolon", sep = semi ? ";" : ",";
  const money = (v: number) => (semi ? v.toFixed(2).replace(".", ",") : v.toFixed(2));
  const nCustomers = o.customers ?? Math.max(10, Math.round(o.rows / 40));
  const lines = [["Invoice", "StockCode", "Quantity", "Price", "InvoiceDate", "Customer ID", "Country"].join(sep)];
  const truth: LineItemTruth = { rows: 0, skipped: {}, orders: 0, revenue: 0, returns: 0, returned: 0, customers: 0 };
  const skip = (reason: string) => (truth.skipped[reason] = (truth.skipped[reason] ?? 0) + 1);
  const seen = new Set<number>();
  let invoice = 536365;
  while (truth.rows < o.rows) {
    // One invoice: its customer (6 % without one), country (10 % abroad), time, and 1–12 lines.
    const customer = rng() < 0.06 ? 0 : 12346 + Math.floor(rng() * nCustomers);
    const abroad = rng() < 0.1;
    const cancel = rng() < 0.03;
    // 2 % of invoices fall before the study period (a month of older data at the head of the export)
    const before = rng() < 0.02;
    // and the last week of the export (days 365–371) after it
    const day = before ? -1 - Math.floor(rng() * 30) : Math.floor(rng() * 372);
    const minute = 8 * 60 + Math.floor(rng() * 10 * 60);
    const t = new Date(STUDY_START + day * DAY_MS + minute * 60000);
    const p2 = (n: number) => String(n).padStart(2, "0");
    const stamp = `${t.getUTCFullYear()}-${p2(t.getUTCMonth() + 1)}-${p2(t.getUTCDate())} ${p2(t.getUTCHours())}:${p2(t.getUTCMinutes())}:00`;
    const id = cancel ? `C${invoice}` : String(invoice);
    invoice++;
    const n = 1 + Math.floor(rng() * 12);
    let kept = 0, value = 0;
    for (let k = 0; k < n; k++) {
      const qty = (1 + Math.floor(rng() * 12)) * (cancel ? -1 : 1);
      const price = rng() < 0.02 ? 0 : Math.round((0.3 + rng() * 12) * 100) / 100;
      lines.push([id, `2${Math.floor(rng() * 9000) + 1000}`, qty, money(price), stamp, customer ? `${customer}.0` : "", abroad ? "France" : "United Kingdom"].join(sep));
      truth.rows++;
      // the config's order of checks: filter, customer id, zero price, study period, return
      if (abroad) skip("filtered out (Country not in United Kingdom)");
      else if (!customer) skip("no customer id");
      else if (price === 0) skip("zero price");
      else if (before) skip("before the study period (studyStart)");
      else if (day >= 365) skip("after the study period (holdoutEnd)");
      else if (cancel) truth.returns++, truth.returned += -qty * price, seen.add(customer);
      else kept++, value += qty * price, seen.add(customer);
    }
    if (kept) truth.orders++, truth.revenue += value;
  }
  truth.customers = seen.size;
  return { text: lines.join("\n") + "\n", truth };
}

/** The history config for a `lineItems` export written to `file`. */
export function lineItemConfig(file: string, style: "comma" | "semicolon" = "comma", extra = ""): string {
  return [
    "currency: GBP",
    "studyStart: 2010-12-01",
    "calibrationEnd: 2011-08-31",
    "holdoutEnd: 2011-11-30",
    "transactions:",
    `  file: ${file}`,
    `  delimiter: ${style}`,
    ...(style === "semicolon" ? ["  decimal: comma"] : []),
    "  timeZone: Europe/London",
    "  columns:",
    "    customer: Customer ID",
    "    date: InvoiceDate",
    "    order: Invoice",
    "    quantity: Quantity",
    "    amount: { multiply: [Quantity, Price] }",
    "  returns: { handling: net, prefix: C }",
    "  filter: { Country: United Kingdom }",
    extra,
  ].join("\n");
}

/**
 * Import and fit on 1,000,000 transactions: writes a seeded synthetic BG/NBD history (CSV) to a temp
 * folder, then times the import, the state at the cut-off and both fits; prints the median of 3 runs.
 * Then the line-item case: a seeded 1,000,000-row retail line-item export (test/datasets/line-items.ts:
 * orders of 1–12 lines, cancellations, rows without a customer, zero prices, other countries, rows
 * outside the study period), imported as CSV and as gzip with the mapping config alone.
 * Run: npx deno run -A bench/import-bench.ts [rows] [--line-items]   (--line-items: only the line-item case)
 */
import { median } from "./bench-args.ts";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import process from "node:process";
import seedrandom from "seedrandom";
import { importHistory } from "../datasets/import.ts";
import { dayData, frequencyData, historyState, spendData } from "../datasets/history.ts";
import { DEFAULT_SEASONALITY, fitSeasonalBgnbd } from "../engine/fit/seasonality.ts";
import { DAY } from "../engine/core/time.ts";
import { fitBgnbd } from "../engine/fit/bgnbd.ts";
import { fitGammaGamma } from "../engine/fit/gamma-gamma.ts";
import { gammaPInv, betaIInv } from "../engine/fit/math.ts";
import { gzipSync } from "node:zlib";
import { lineItemConfig, lineItems } from "../datasets/line-items-example.ts";
import { skippedTotal } from "../datasets/skips.ts";

const ARGS = Deno.args.filter((a) => !a.startsWith("--"));
const TARGET = Number(ARGS[0] ?? 1_000_000);
const ONLY_LINE_ITEMS = Deno.args.includes("--line-items");
const TRUTH = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const SPEND = { p: 6.25, q: 3.74, gamma: 15.44 };
const DAY_MS = 86400000, START = Date.UTC(2022, 0, 1);

function writeHistory(dir: string): { rows: number; customers: number } {
  const rng = seedrandom("import-bench");
  const lines: string[] = ["customer_id,order_date,amount,items"];
  let rows = 0, customers = 0;
  const day = (d: number) => new Date(START + Math.floor(d) * DAY_MS).toISOString().slice(0, 10);
  while (rows < TARGET) {
    const id = `C${String(++customers).padStart(7, "0")}`;
    const lambda = gammaPInv(TRUTH.r, rng()) / TRUTH.alpha, p = betaIInv(TRUTH.a, TRUTH.b, rng());
    const first = 365 * rng(), end = 730; // acquired in year 1, observed to the end of year 2 (days)
    const nu = gammaPInv(SPEND.q, rng()) / SPEND.gamma;
    let t = first;
    for (;;) {
      const amount = gammaPInv(SPEND.p, rng()) / nu;
      lines.push(`${id},${day(t)},${amount.toFixed(2)},${1 + Math.floor(3 * rng())}`);
      if (++rows >= TARGET) break;
      if (t !== first && rng() < p) break; // BG/NBD: dropout only right after a repeat purchase
      t += (-Math.log(1 - rng()) / lambda) * 7;
      if (t > end) break;
    }
  }
  writeFileSync(join(dir, "transactions.csv"), lines.join("\n") + "\n");
  writeFileSync(join(dir, "history.yaml"), [
    "calibrationEnd: 2023-06-30",
    "holdoutEnd: 2023-12-31",
    "transactions:",
    "  file: transactions.csv",
    "  columns: {customer: customer_id, date: order_date, amount: amount, quantity: items}",
  ].join("\n"));
  return { rows, customers };
}


function benchTransactions(): void {
  const dir = mkdtempSync(join(tmpdir(), "cadence-import-bench-"));
  try {
    const t0 = performance.now();
    const { rows, customers } = writeHistory(dir);
    console.log(`wrote ${rows.toLocaleString("en-US")} transactions of ${customers.toLocaleString("en-US")} customers in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const times = { import: [] as number[], state: [] as number[], bgnbd: [] as number[], gammaGamma: [] as number[], seasonal: [] as number[] };
    let last = "";
    for (let run = 0; run < 3; run++) {
      let t = performance.now();
      const h = importHistory(join(dir, "history.yaml"));
      times.import.push(performance.now() - t), t = performance.now();
      const s = historyState(h);
      times.state.push(performance.now() - t), t = performance.now();
      const bg = fitBgnbd(frequencyData(s));
      times.bgnbd.push(performance.now() - t), t = performance.now();
      const gg = fitGammaGamma(spendData(s));
      times.gammaGamma.push(performance.now() - t), t = performance.now();
      fitSeasonalBgnbd(dayData(h), Math.floor(h.config.holdoutEnd! / DAY), DEFAULT_SEASONALITY);
      times.seasonal.push(performance.now() - t);
      const f = (v: number) => v.toFixed(3);
      last = `BG/NBD r ${f(bg.params.r)} alpha ${f(bg.params.alpha)} a ${f(bg.params.a)} b ${f(bg.params.b)} (simulated from 0.243, 4.414, 0.793, 2.426; ${bg.evals} evaluations)` +
        `\ngamma-gamma p ${f(gg.params.p)} q ${f(gg.params.q)} gamma ${f(gg.params.gamma)} on ${gg.customers.toLocaleString("en-US")} repeat buyers (simulated from 6.25, 3.74, 15.44; same-day orders merge, so a little off)`;
    }
    const ms = (k: keyof typeof times) => `${(median(times[k]) / 1000).toFixed(2)} s`;
    console.log(last);
    console.log(`median of 3: import ${ms("import")} (${Math.round(rows / (median(times.import) / 1000)).toLocaleString("en-US")} transactions/s), state ${ms("state")}, BG/NBD fit ${ms("bgnbd")}, gamma-gamma fit ${ms("gammaGamma")}, seasonal BG/NBD fit ${ms("seasonal")}`);
    console.log(`peak RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The line-item export: CSV then gzip, median of 3 imports each. */
function benchLineItems(): void {
  const dir = mkdtempSync(join(tmpdir(), "cadence-import-bench-"));
  try {
    const t0 = performance.now();
    const { text, truth } = lineItems({ rows: TARGET, seed: "import-bench" });
    writeFileSync(join(dir, "retail.csv"), text);
    writeFileSync(join(dir, "retail.csv.gz"), gzipSync(text));
    writeFileSync(join(dir, "retail.yaml"), lineItemConfig("retail.csv"));
    writeFileSync(join(dir, "retail-gz.yaml"), lineItemConfig("retail.csv.gz"));
    const mb = (text.length / 2 ** 20).toFixed(0);
    console.log(`\nline items: wrote ${truth.rows.toLocaleString("en-US")} rows (${mb} MiB) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    for (const config of ["retail.yaml", "retail-gz.yaml"]) {
      const times: number[] = [];
      let summary = "";
      for (let run = 0; run < 3; run++) {
        const t = performance.now();
        const h = importHistory(join(dir, config));
        times.push(performance.now() - t);
        summary = `${h.transactions.length.toLocaleString("en-US")} orders from ${(h.transactions.length + h.merged).toLocaleString("en-US")} lines, ` +
          `${h.returns.length.toLocaleString("en-US")} returns netted, ${skippedTotal(h.skipped).toLocaleString("en-US")} rows skipped (${Object.keys(h.skipped.counts).length} reasons), ${h.ids.length.toLocaleString("en-US")} customers`;
      }
      const s = median(times) / 1000;
      console.log(`${config.includes("gz") ? "gzip" : "CSV "}: import ${s.toFixed(2)} s median of 3 (${Math.round(truth.rows / s).toLocaleString("en-US")} rows/s): ${summary}`);
    }
    console.log(`peak RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (!ONLY_LINE_ITEMS) benchTransactions();
benchLineItems();

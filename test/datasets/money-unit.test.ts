/**
 * A history config's `amountUnit` (what one amount in the file is worth) and `moneyUnit` (the unit money
 * is counted in), datasets/money-unit.ts: a file in cents or in rupiahs gives, to the last bit, the figures
 * of the same file already divided, labelled in the unit stated.
 */
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { capture } from "../capture.ts";
import { errorOf, tempDir } from "./temp-files.ts";
import { importHistory } from "../../datasets/import.ts";
import { fitCommand, fitHistory } from "../../engine/cli/fit.ts";
import { parsePopulation } from "../../engine/sim/population-spec.ts";
import { loadPlan } from "../../engine/plan/load.ts";
import { runPlan } from "../../engine/sim/run.ts";

const PLAN = loadPlan(join(import.meta.dirname!, "../../scenarios/lifecycle.yaml"));

/**
 * 40 customers, two to four orders each in 2024's first half, written with `amount(dollars)`; `units`
 * are the config's extra keys.
 */
function history(amount: (dollars: number) => string, currency: string, units = "") {
  const t = tempDir(), rows = ["id,day,amount"];
  for (let c = 0; c < 40; c++) {
    for (let k = 0; k < 2 + (c % 3); k++) rows.push(`C${c},2024-0${1 + k + (c % 2)}-${10 + (c % 17)},${amount(12.34 + ((c * 7 + k * 3) % 23) * 4.07)}`);
  }
  t.write("tx.csv", rows.join("\n") + "\n");
  return t.write("h.yaml", `currency: ${currency}\n${units}calibrationEnd: 2024-06-30\ntransactions: { file: tx.csv, columns: { customer: id, date: day, amount: amount } }\n`);
}
const dollars = (x: number) => x.toFixed(2);
const cents = (x: number) => String(Math.round(x * 100));
const rupiahs = (x: number) => String(Math.round(x * 1e6)); // a wholesaler's: millions of rupiahs an order
const thousands = (x: number) => (Math.round(x * 1e6) / 1000).toFixed(3);

const revenue = (config: string) => runPlan(PLAN, { population: parsePopulation(`history:${config}`).population, start: "2024-07-01", days: 60, cache: "off" }).summary.revenue;

describe("a history's money unit", () => {
  it("reads an export in cents (amountUnit: 0.01) as the same file in dollars: amounts, the fit, a run, labelled USD", async () => {
    const inCents = history(cents, "USD", "amountUnit: 0.01\n"), inDollars = history(dollars, "USD");
    expect(Array.from(importHistory(inCents).transactions.amount)).toEqual(Array.from(importHistory(inDollars).transactions.amount));
    expect(importHistory(inCents).transactions.amount[0]).toBe(12.34);
    const [a, b] = [await fitHistory(inCents), await fitHistory(inDollars)];
    expect(a.gammaGamma).toEqual(b.gammaGamma);
    expect(a.currency).toBe("USD");
    expect(revenue(inCents)).toBe(revenue(inDollars));
    expect(parsePopulation(`history:${inCents}`).currency).toBe("USD");
  });

  it("counts rupiahs in thousands (moneyUnit: 1000) as the file divided by 1,000 counts them, labelled thousands of IDR", async () => {
    const inRupiahs = history(rupiahs, "IDR", "moneyUnit: 1000\n"), inThousands = history(thousands, "IDR");
    expect(Array.from(importHistory(inRupiahs).transactions.amount)).toEqual(Array.from(importHistory(inThousands).transactions.amount));
    expect(importHistory(inRupiahs).transactions.amount[0]).toBe(12_340);
    const [a, b] = [await fitHistory(inRupiahs), await fitHistory(inThousands)];
    expect(a.gammaGamma).toEqual(b.gammaGamma);
    const r = revenue(inRupiahs);
    expect(r).toBe(revenue(inThousands));
    expect(r).toBeGreaterThan(100_000); // thousands of rupiahs: about 0.5 to 1.6 million a customer-order
    expect(parsePopulation(`history:${inRupiahs}`).currency).toBe("thousands of IDR");
    const fit = await capture(() => fitCommand(["--history", inRupiahs]));
    expect(fit.out).toMatch(/gamma-gamma \(order value, thousands of IDR; \d+ repeat buyers\)/);
    // --json said nothing of it: gammaGamma's order values could be rupiahs or thousands
    const json = JSON.parse((await capture(() => fitCommand(["--history", inRupiahs, "--json"]))).out);
    expect({ currency: json.currency, moneyUnit: json.moneyUnit, money: json.money }).toEqual({ currency: "IDR", moneyUnit: 1000, money: "thousands of IDR" });
    expect(json.gammaGamma).toEqual(a.gammaGamma!.params);
  });

  it("counts an export in thousands counted in units (amountUnit: 1000) as the file multiplied", () => {
    const t = tempDir();
    t.write("tx.csv", "id,day,amount\nA,2024-01-02,1.5\nA,2024-02-03,0.25\n");
    const config = t.write("h.yaml", "currency: KRW\namountUnit: 1000\ncalibrationEnd: 2024-06-30\ntransactions: { file: tx.csv, columns: { customer: id, date: day, amount: amount } }\n");
    expect(Array.from(importHistory(config).transactions.amount)).toEqual([1500, 250]);
  });

  it("refuses a unit that is not one, naming the key, the value and what is valid", () => {
    const config = (units: string) => {
      const t = tempDir();
      t.write("tx.csv", "id,day,amount\nA,2024-01-02,150\n");
      const file = t.write("h.yaml", `currency: USD\n${units}calibrationEnd: 2024-06-30\ntransactions: { file: tx.csv, columns: { customer: id, date: day, amount: amount } }\n`);
      return errorOf(() => importHistory(file), t.dir);
    };
    expect(config("amountUnit: 0.05\n")).toBe(
      "<dir>/h.yaml:2: amountUnit: expected what one amount in the file is worth in the currency, a power of ten from 0.0001 to 1000000 such as 0.01 (amounts in cents), 1 (the default) or 1000 (amounts in thousands), got 0.05",
    );
    expect(config("amountUnit: cents\n")).toMatch(/^<dir>\/h\.yaml:2: amountUnit: expected .* got "cents"$/);
    expect(config("moneyUnit: 100\n")).toBe(
      "<dir>/h.yaml:2: moneyUnit: expected the unit the history's money is counted in, in the currency: 1 (the default), 1000 (thousands), 1000000 (millions) or 1000000000 (billions), got 100",
    );
    expect(config("moneyUnit: -1000\n")).toMatch(/moneyUnit: expected .* got -1000$/);
  });

  it("names a bad amount as written in the file and the unit the file is read in (it said 'in USD' of a file in cents)", () => {
    const importError = (units: string, csv: string, amount = "amount") => {
      const t = tempDir();
      t.write("tx.csv", csv);
      const file = t.write("h.yaml", `currency: USD\n${units}calibrationEnd: 2024-06-30\ntransactions: { file: tx.csv, columns: { customer: id, date: day, amount: ${amount} } }\n`);
      return errorOf(() => importHistory(file), t.dir);
    };
    const VALID = "expected a plain number such as 12.50 (no symbol or thousands separator; decimal: comma reads 12,50)";
    expect(importError("amountUnit: 0.01\n", "id,day,amount\nA,2024-01-02,1250\nA,2024-02-03,$12.50\n")).toBe(
      `<dir>/tx.csv:3: amount (column "amount"): bad amount "$12.50": ${VALID} in units of 0.01 USD (amountUnit: 0.01, so 1250 is 12.5 USD)`,
    );
    // a unit price in thousands: the quantity has no unit, the price has the file's
    const lines = "id,day,qty,price\nA,2024-01-02,2,1.5\nA,2024-02-03,2,1.5k\n";
    expect(importError("amountUnit: 1000\nmoneyUnit: 1000\n", lines, "{ multiply: [qty, price] }")).toBe(
      `<dir>/tx.csv:3: amount.multiply[1] (column "price"): bad unit price "1.5k": ${VALID} in units of 1000 USD (amountUnit: 1000, so 1250 is 1,250,000 USD)`,
    );
    // counted in thousands, written in units: the file's own unit, the currency
    expect(importError("moneyUnit: 1000\n", "id,day,amount\nA,2024-01-02,1 250\n")).toBe(`<dir>/tx.csv:2: amount (column "amount"): bad amount "1 250": ${VALID} in USD`);
  });
});

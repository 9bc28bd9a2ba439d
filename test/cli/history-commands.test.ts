/**
 * The commands that run on a history (`simulate`/`compare --population history:`, `fit`, `extract
 * --history`) on a small history the test writes: a cut-off before every purchase is refused in one
 * line, a day outside the data is warned about, and money is labelled in the currency it is in.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../engine/cli/main.ts";
import { capture } from "../capture.ts";
import { tempDir } from "../datasets/temp-files.ts";

const run = (...args: string[]) => capture(() => main(args));

describe("commands on a history", () => {
  const t = tempDir();
  // 12 customers buying in 2024 in USD; scenarios/lifecycle.yaml is in EUR
  const rows = ["id,day,usd"];
  for (let c = 1; c <= 12; c++) for (let k = 0; k < 1 + (c % 4); k++) rows.push(`C${c},2024-${String(1 + ((c + 3 * k) % 9)).padStart(2, "0")}-${String(1 + c).padStart(2, "0")},${10 + c + k}`);
  t.write("tx.csv", rows.join("\n") + "\n");
  const config = t.write("h.yaml", `currency: USD
calibrationEnd: 2024-06-30
holdoutEnd: 2024-09-30
transactions: { file: tx.csv, columns: { customer: id, date: day, amount: usd } }
consent: { email: true }
`);
  const early = t.write("early.yaml", readFileSync(config, "utf8").replace("calibrationEnd: 2024-06-30", "calibrationEnd: 2023-12-31"));

  it("refuses a start or a calibrationEnd before every purchase, naming it and the first transaction's day (a stack trace: bgnbd: no customers to fit)", async () => {
    expect(await run("simulate", "scenarios/lifecycle.yaml", "--population", `history:${config}`, "--days", "30", "--start", "2024-01-01")).toMatchObject({
      code: 2,
      err: `--start 2024-01-01: no customer of ${config} has purchased by the day before (2023-12-31, the cut-off of the state and the fit); the first transaction is on 2024-01-04, so there is nothing to fit: start on 2024-01-05 or later`,
    });
    const calibration = `${early}: calibrationEnd 2023-12-31: no customer has purchased by then; the first transaction is on 2024-01-04, so there is nothing to fit: set calibrationEnd on or after 2024-01-04`;
    expect(await run("fit", "--history", early)).toMatchObject({ code: 2, err: calibration });
    expect(await run("simulate", "scenarios/lifecycle.yaml", "--population", `history:${early}`, "--days", "30")).toMatchObject({ code: 2, err: calibration });
    // the day the first purchase is known is accepted
    expect((await run("simulate", "scenarios/lifecycle.yaml", "--population", `history:${config}`, "--days", "7", "--start", "2024-01-05", "--workers", "1", "--json")).code).toBe(0);
  });

  it("extract --history warns about a day outside the data, as backtest does (it printed 0 messages and nothing else)", async () => {
    const r = await run("extract", "--history", config, "--plan", "scenarios/lifecycle.yaml", "--date", "2023-10-07", "--out", join(t.dir, "lists"));
    expect(r.code).toBe(0);
    expect(r.out.split("\n").slice(-3)).toEqual([
      "",
      "warnings (1):",
      "  - the period starts 89 days before the history's first transaction (2024-01-04): nothing is replayed before it",
    ]);
    const inside = await run("extract", "--history", config, "--plan", "scenarios/lifecycle.yaml", "--date", "2024-07-01", "--out", join(t.dir, "lists"));
    expect(inside.out).not.toContain("warnings");
  });

  it("backtest says how many rows repeat an earlier row exactly, replayed as purchases (they were double-counted unsaid)", async () => {
    t.write("doubled.csv", rows.join("\n") + "\n" + rows.slice(1, 4).join("\n") + "\n");
    const doubled = t.write("doubled.yaml", readFileSync(config, "utf8").replace("file: tx.csv", "file: doubled.csv"));
    const text = await run("backtest", "scenarios/lifecycle.yaml", "--history", doubled);
    expect(text.out).toContain("\nthe history has 3 rows repeating an earlier row exactly, replayed as purchases (an export that doubled rows would double-count them)\n");
    expect(JSON.parse((await run("backtest", "scenarios/lifecycle.yaml", "--history", doubled, "--json")).out).identicalRows).toBe(3);
  });

  it("compare labels revenue in the history's currency and costs in the plan's, and says they are not converted (text, --json, report)", async () => {
    const note = "the history is in USD, the plan in EUR: revenue is the history's USD, message costs and discounts are the plan's EUR; they are not converted";
    const report = join(t.dir, "report.html");
    const args = ["compare", "scenarios/lifecycle.yaml", "scenarios/lifecycle-capped.yaml", "--population", `history:${config}`, "--days", "14", "--replications", "1", "--workers", "1", "--no-cache"];
    const json = await run(...args, "--json");
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject({ currency: "USD", costCurrency: "EUR", warnings: [note] });
    const text = await run(...args, "--report", report);
    expect(text.out).toContain(`warnings (1):\n  - ${note}\n`);
    expect(text.out).toContain("money: revenue in USD, costs in EUR (not converted)");
    // simulate --json says the same, with the same keys (it had only historyCurrency, undocumented)
    const sim = await run("simulate", "scenarios/lifecycle.yaml", "--population", `history:${config}`, "--days", "14", "--workers", "1", "--no-cache", "--json");
    expect(JSON.parse(sim.out)).toMatchObject({ historyCurrency: "USD", currency: "USD", costCurrency: "EUR", warnings: [note] });
    expect((await run("simulate", "scenarios/lifecycle.yaml", "--population", `history:${config}`, "--days", "14", "--workers", "1", "--no-cache")).out)
      .toContain(`currency USD (${note})`);
    const html = readFileSync(report, "utf8");
    expect(html).toContain(`<li>${note}</li>`);
    expect(html).toContain("<td>incremental revenue (USD)</td>");
    expect(html).toContain("<td>cost, messages + discounts (EUR)</td>");
    expect(html).toContain("incremental margin (USD revenue − EUR cost)");
    expect(html).not.toMatch(/revenue \(EUR\)/);
  });
});

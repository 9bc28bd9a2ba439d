/**
 * The commands that run on a history (`simulate`/`compare --population history:`, `fit`, `extract
 * --history`) on a small history the test writes: a cut-off before every purchase is refused in one
 * line, a day outside the data is warned about, and money is labelled in the currency it is in.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../engine/cli/main.ts";
import { capture } from "../capture.ts";
import { DEFAULT_WORLD } from "../../engine/sim/world-model.ts";
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

  it("simulate and compare run in the world fit --world-out writes (--world FILE), and the report shows its values as set for the comparison", async () => {
    // as fit --world-out writes it: the five channels, e-mail opens measured at 60 %
    const channels = DEFAULT_WORLD.channels.map((c, i) => (i === 0 ? { ...c, open: 0.6 } : c));
    const world = t.write("world.json", JSON.stringify({ channels }, null, 2));
    const sim = (...more: string[]) => run("simulate", "scenarios/lifecycle.yaml", "--population", `history:${config}`, "--days", "30", "--workers", "1", "--no-cache", "--json", ...more);
    const plain = JSON.parse((await sim()).out), fitted = JSON.parse((await sim("--world", world)).out);
    expect([plain.opens, fitted.opens]).toEqual([5, 8]); // 12 customers, 30 days, seed 1: more opens at 60 % than at the default 20 %
    expect(fitted.digest).not.toBe(plain.digest);
    const report = join(t.dir, "world-report.html");
    const cmp = await run("compare", "scenarios/lifecycle.yaml", "--population", `history:${config}`, "--days", "14", "--replications", "1", "--workers", "1", "--no-cache", "--world", world, "--report", report);
    expect(cmp.code).toBe(0);
    const html = readFileSync(report, "utf8");
    expect(html).toContain("<tr><td>channels.email.open</td><td><b>0.6</b></td><td>0.2</td></tr>");
    expect(html).toContain("<td>e-mail: opened | delivered</td><td><b>60 %</b> <small>(default 20 %)</small></td><td class=\"l\">set for this comparison, not the default</td>");
  });

  it("refuses a world file out of range, from an older version, or with a seasonality beside the history's, in one message naming it; nothing written", async () => {
    const args = (world: string, out: string) => ["simulate", "scenarios/lifecycle.yaml", "--population", `history:${config}`, "--days", "7", "--workers", "1", "--world", world, "--out", join(t.dir, out)];
    const channels = DEFAULT_WORLD.channels.map((c, i) => (i === 0 ? { ...c, open: 1.5 } : c));
    const high = t.write("high.json", JSON.stringify({ channels }));
    expect(await run(...args(high, "o1"))).toMatchObject({ code: 2, out: "", err: `${high}: world.channels.email.open: expected a number from 0 to 1, got number 1.5` });
    const old = t.write("old.json", JSON.stringify({ triggeredRelevance: 2 }));
    expect(await run(...args(old, "o2"))).toMatchObject({ code: 2, err: expect.stringMatching(new RegExp(`^${old}: world.triggeredRelevance: unknown field 'triggeredRelevance'`)) });
    const calendar = t.write("calendar.json", JSON.stringify({ seasonality: DEFAULT_WORLD.seasonality }));
    expect(await run(...args(calendar, "o3"))).toMatchObject({
      code: 2,
      err: `${calendar}: seasonality: the population history:${config} brings its own calendar, learned from the history: give the seasonality in one place (drop it from ${calendar}, or set seasonality: false in the history config)`,
    });
    for (const out of ["o1", "o2", "o3"]) expect(existsSync(join(t.dir, out))).toBe(false);
  });
});

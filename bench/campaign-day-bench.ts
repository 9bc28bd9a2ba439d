/**
 * The in-memory part of a live campaign day in slices (docs/live.md, "Scale"): the work its first
 * transaction does before any send — every audience selected (engine/core/campaign-day.ts daySends) and
 * the owed customers stored (engine/live/campaign-debt.ts encode) — and a restart's read of them, on
 * `--customers` customers of the scale bench's shape (four in five opted in to e-mail) and its plan (a
 * daily newsletter to every e-mail opt-in). No store, no server: whether this part alone holds the
 * event loop long.
 *
 *   ./node_modules/.bin/deno run -A bench/campaign-day-bench.ts [--customers 1000000] [--rounds 3]
 */
import { benchArgs } from "./bench-args.ts";
import { parsePlan } from "../engine/plan/load.ts";
import { CustomerTable } from "../engine/core/customer-table.ts";
import { ALL_CONSENTS, consentBit } from "../engine/core/channels.ts";
import { Core, type ActionSink } from "../engine/core/decide.ts";
import { daySends } from "../engine/core/campaign-day.ts";
import { campaignOccurrences } from "../engine/core/campaign-schedule.ts";
import { DAY, parseDate } from "../engine/core/time.ts";
import { CampaignDebt } from "../engine/live/campaign-debt.ts";
import { PER2 } from "../engine/core/record.ts";

const USAGE = "deno run -A bench/campaign-day-bench.ts [--customers 1000000] [--rounds 3]";
const values = benchArgs(USAGE, {
  customers: { type: "string", default: "1000000" },
  rounds: { type: "string", default: "3" },
}, ["customers", "rounds"]);
const N = Number(values.customers);

const plan = parsePlan(`name: daily-newsletter\ntimezone: "+01:00"\nchannels: { email: { cost: 0.002 }, sms: { cost: 0.05 } }\nprograms:\n` +
  `  - use: programs/newsletter\n    with: { every: 1d, start: "2026-03-01", audience: consent.email }\n  - use: programs/abandoned-cart\n`, "scenarios/bench.yaml");
const table = new CustomerTable(N, plan.compiled.journeys.length);
const email = consentBit(0), sms = consentBit(1);
for (let i = 0; i < N; i++) {
  const c = table.add(`B${String(i).padStart(7, "0")}`);
  table.consent[c * PER2] = i % 5 ? email | sms : sms, table.reach[c * PER2] = ALL_CONSENTS;
}
// selecting decides nothing: no action reaches the sink
const core = new Core(plan.compiled, table, {} as ActionSink, 1);
const midnight = parseDate("2026-03-02T23:00")!; // 2026-03-03 00:00 at +01:00
const occurrences = campaignOccurrences(plan.compiled, midnight, midnight + DAY);

const ms = (f: () => unknown) => {
  const b = performance.now();
  f();
  return (performance.now() - b).toFixed(0);
};
for (let r = 1; r <= Number(values.rounds); r++) {
  let day!: ReturnType<typeof daySends>, debt!: CampaignDebt;
  const selected = ms(() => day = daySends(core, occurrences, midnight));
  const made = ms(() => debt = new CampaignDebt(day, midnight, day.customers.length, table.size));
  const stored = ms(() => debt.encode(table.ids));
  const read = ms(() => CampaignDebt.read(debt.stored).restore(new Map(), table.size, () => false));
  console.log(`round ${r}: ${N.toLocaleString("en")} customers, ${day.customers.length.toLocaleString("en")} chosen: selected in ${selected} ms, debt made in ${made} ms, ` +
    `stored in ${stored} ms (${(debt.stored.length / 1e6).toFixed(1)} MB), read back in ${read} ms`);
}

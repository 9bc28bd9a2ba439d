/** `cadence simulate <plan.yaml> [--population synthetic|history:<config>] [--customers N] [--days D] [--seed S] [--start DATE] [--out DIR] [--json] [--contacts FILE] [--world FILE] [--workers N] [--no-cache]` */
import { loadPlan } from "../plan/load.ts";
import { recordedRun, summaryInWorkers } from "../parallel/run-plan.ts";
import { defaultWorkers } from "../parallel/pool.ts";
import { writeRun } from "../sim/output.ts";
import { DEFAULT_START, type RunOptions } from "../sim/run.ts";
import { outputFolder, parse, progress, sizeFlag } from "./args.ts";
import { formatSummary } from "./format.ts";
import { InputError } from "../plan/errors.ts";
import { DAY, parseDate, YEARS } from "../core/time.ts";
import { checkPlanAttributes, parsePopulation } from "../sim/population-spec.ts";
import { describeExternalContacts, readExternalContacts } from "../sim/external-contacts.ts";
import { syntheticPopulation } from "../sim/population.ts";
import { historySource } from "../sim/history-population.ts";
import { currencyNote } from "../sim/currency-note.ts";
import { requirePurchasesBy } from "../../datasets/cutoff.ts";
import { commandWorld } from "./world-file.ts";

const USAGE = "cadence simulate <plan.yaml> [--population synthetic|history:<config.yaml>] [--customers N] [--days D] [--seed S] [--start YYYY-MM-DD] [--out DIR] [--json] [--contacts FILE] [--world FILE] [--workers N] [--no-cache]";

export async function simulateCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    customers: { type: "string" },
    days: { type: "string" },
    seed: { type: "string" },
    start: { type: "string" },
    out: { type: "string" },
    json: { type: "boolean" },
    population: { type: "string" },
    "no-cache": { type: "boolean" },
    workers: { type: "string" },
    contacts: { type: "string" },
    world: { type: "string" },
  }, USAGE);
  if (positionals.length !== 1) throw new InputError(`expected one plan file, got ${positionals.length}\nusage: ${USAGE}`);
  if (values.start !== undefined && parseDate(values.start) === null) {
    throw new InputError(`--start: expected a date such as 2026-01-01 (${YEARS}), got '${values.start}'`);
  }
  const loaded = loadPlan(positionals[0]);
  // a history population starts the day after its cut-off and runs over its holdout unless told otherwise
  const pop = parsePopulation(values.population);
  if (pop.kind === "history" && values.customers !== undefined) {
    throw new InputError(`--customers: a history population has its own customers (${pop.customers}); drop --customers or use --population synthetic`);
  }
  checkPlanAttributes(loaded.source, pop, positionals[0]); // attr.<name> needs the population to have it
  if (pop.kind === "history" && values.start !== undefined) {
    // the state and the fit are taken at the day before the start: someone must have purchased by then
    const file = pop.label.slice("history:".length);
    requirePurchasesBy(historySource(file).history, file, parseDate(values.start)! - DAY, "start");
  }
  // world parameters of one's own (a JSON world option, as cadence fit --world-out writes it), the history's calendar over them
  const world = commandWorld(values.world as string | undefined, pop, [{ loaded, file: positionals[0] }]);
  const customers = sizeFlag(values.customers, "customers", 10_000);
  const bar = progress(loaded.plan.name);
  const options = {
    // with 2 or more workers the customers are split across them, or the no-plan baseline runs in a worker while the plan runs here
    workers: sizeFlag(values.workers, "workers", defaultWorkers()),
    populationSpec: values.population,
    // contacts made outside the plan (meetings, store visits, other tools) count in its pressure rules
    external: values.contacts !== undefined ? readExternalContacts(values.contacts as string, loaded.compiled.names.channels) : undefined,
    world, // --world's parameters and a history's learned calendar (seasonality) over the plan's world
    customers,
    days: sizeFlag(values.days, "days", pop.days ?? 365),
    seed: sizeFlag(values.seed, "seed", 1),
    start: values.start ?? pop.start,
    population: (p: Parameters<NonNullable<RunOptions["population"]>>[0]) => pop.population ? pop.population(p) : syntheticPopulation({ ...p, customers }),
    onDay: bar,
    cache: values["no-cache"] ? "off" as const : "disk" as const, // the no-plan baseline of this population and seed, reused (engine/sim/baseline-cache.ts)
  };
  // the folder made once every input is checked (a bad plan or flag leaves nothing behind), before the run
  if (values.out !== undefined) outputFolder("--out", values.out);
  // without --out only the summary is printed: a split run's workers send back their figures, not their customers
  // --out: every row recorded, messages.csv with a "why" column
  const full = values.out !== undefined ? await recordedRun(loaded, options) : null;
  const result = full ?? await summaryInWorkers(loaded, options);
  const files = full ? writeRun(full, values.out!, bar && ((done, total) => bar("writing", done, total, "files"))) : [];
  // a history's money is in its own currency: say which, and when it is not the plan's
  const currency = pop.currency ?? loaded.plan.currency;
  // the same sentence and keys as compare's (engine/sim/currency-note.ts)
  const note = pop.kind === "history" ? currencyNote(currency, loaded.plan.currency) : null;
  if (values.json) {
    console.log(JSON.stringify(pop.kind === "history" ? { ...result.summary, historyCurrency: currency, currency, costCurrency: loaded.plan.currency, warnings: note ? [note] : [] } : result.summary));
  } else {
    if (pop.kind === "history") console.log(`population ${pop.label} · currency ${currency}${note ? ` (${note})` : ""}`);
    console.log(formatSummary(result.summary, currency));
    if (options.external) {
      const start = parseDate(options.start ?? DEFAULT_START)!;
      console.log(`\n${describeExternalContacts(options.external, start, start + options.days * DAY, loaded.compiled.pressure.rules.length)}`);
    }
    if (files.length) console.log(`\nwrote ${files.length} files to ${values.out}`);
  }
  return 0;
}

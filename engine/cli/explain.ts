/** `cadence explain <plan.yaml> --customer ID [--population synthetic|history:<config>] [--customers N] [--seed S] [--days D] [--start DATE] [--world FILE] [--json]` */
import { loadPlan } from "../plan/load.ts";
import { InputError } from "../plan/errors.ts";
import { checkPlanAttributes, parsePopulation } from "../sim/population-spec.ts";
import { explainCustomer, formatTimeline } from "../explain/timeline.ts";
import { parse, sizeFlag } from "./args.ts";
import { commandWorld } from "./world-file.ts";

const USAGE = "cadence explain <plan.yaml> --customer ID [--population synthetic|history:<config.yaml>] [--customers N] [--seed S] [--days D] [--start YYYY-MM-DD] [--world FILE] [--json]";

export async function explainCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    customer: { type: "string" },
    population: { type: "string" },
    customers: { type: "string" },
    seed: { type: "string" },
    days: { type: "string" },
    start: { type: "string" },
    world: { type: "string" },
    json: { type: "boolean" },
  }, USAGE);
  if (positionals.length !== 1) throw new InputError(`expected one plan file, got ${positionals.length}\nusage: ${USAGE}`);
  if (!values.customer) throw new InputError(`--customer: give the id of the customer to explain, e.g. --customer C0000042 (the ids of simulate --out's customers.csv)\nusage: ${USAGE}`);
  const loaded = loadPlan(positionals[0]);
  const pop = parsePopulation(values.population);
  if (pop.kind === "history" && values.customers !== undefined) {
    throw new InputError(`--customers: a history population has its own customers (${pop.customers}); drop --customers or use --population synthetic`);
  }
  checkPlanAttributes(loaded.source, pop, positionals[0]);
  // the world the run to explain was made in (simulate --world FILE), read as simulate reads it, the history's calendar over it
  const world = commandWorld(values.world as string | undefined, pop, [{ loaded, file: positionals[0] }]);
  const tl = explainCustomer(loaded, {
    customer: values.customer as string,
    customers: sizeFlag(values.customers, "customers", 10_000),
    days: sizeFlag(values.days, "days", pop.days ?? 365),
    seed: sizeFlag(values.seed, "seed", 1),
    start: (values.start as string | undefined) ?? pop.start,
    population: pop.population,
    world,
  });
  console.log(values.json ? JSON.stringify(tl) : formatTimeline(tl));
  return 0;
}

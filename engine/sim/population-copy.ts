/**
 * Copies of a population nobody has simulated yet: a run updates its customers in place, so a run that
 * must leave them as drawn (a tuner's move, a no-plan baseline beside the plan's run) works on a copy;
 * copying typed arrays is far cheaper than drawing the customers again.
 */
import { CustomerTable, TABLE_STORAGE } from "../core/customer-table.ts";
import { bindTraits, type Population, TRAIT_STORAGE, type Traits } from "./population.ts";

/** The table's journey slots: most of its bytes, and nothing a plan without journeys reads. */
const JOURNEY_SLOTS = "slots";

/**
 * A copy of a population nobody has simulated yet: typed arrays copied, ledgers and attributes cloned.
 * `journeys` 0 (for a no-plan baseline) leaves the journey columns out, with room for no journey.
 * @example const again = copyPopulation(pop); simulate(plan.compiled, pop, o); simulate(plan.compiled, again, o) // the same run twice: pop was simulated in place
 */
export function copyPopulation(p: Population, journeys = p.table.journeys): Population {
  const t = p.table, c = new CustomerTable(1, journeys); // its small arrays are replaced by the copies
  for (const k of TABLE_STORAGE) if (copied(k, journeys, t)) (c as unknown as Record<string, unknown>)[k] = t[k].slice();
  c.bindRows();
  cloneRest(t, c);
  const traits = bindTraits({ records: p.traits.records.slice() } as Traits);
  return { ...p, table: c, traits }; // and what describes it: describe, moneyLevers
}

/** Is column `k` of `t` part of a copy with `journeys` journey slots (the same as t's, or 0)? */
function copied(k: string, journeys: number, t: CustomerTable): boolean {
  if (journeys !== 0 && journeys !== t.journeys) throw new Error(`a population copy has ${t.journeys} journey slots or none, not ${journeys}`);
  return journeys === t.journeys || k !== JOURNEY_SLOTS;
}

/**
 * `from` copied into `into`, a copy made earlier by `copyPopulation(from, journeys)` and simulated since:
 * its arrays written over in place, so a worker that re-runs a plan move after move allocates nothing
 * per move (engine/parallel/shard-worker.ts). A copy of another shape is not reused: a new one is made.
 */
export function refillPopulation(from: Population, into: Population | null, journeys = from.table.journeys): Population {
  if (!into || into.size !== from.size || into.table.journeys !== journeys) return copyPopulation(from, journeys);
  const t = from.table, c = into.table;
  for (const k of TABLE_STORAGE) if (copied(k, journeys, t) && c[k]?.length !== t[k].length) return copyPopulation(from, journeys);
  for (const k of TABLE_STORAGE) if (copied(k, journeys, t)) (c[k] as Uint8Array).set(t[k] as Uint8Array);
  cloneRest(t, into.table);
  for (const k of TRAIT_STORAGE) (into.traits[k] as Uint8Array).set(from.traits[k] as Uint8Array);
  return into;
}

/** What a table holds besides its typed arrays: sizes and ids shared (a run never writes ids), ledgers and attributes cloned. */
function cloneRest(from: CustomerTable, into: CustomerTable): void {
  into.size = from.size, into.capacity = from.capacity, into.ids = from.ids;
  into.ledgers = from.ledgers.map((l) => l?.slice());
  into.attrs = new Map([...from.attrs].map(([k, v]) => [k, v.slice()]));
}

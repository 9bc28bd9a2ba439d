/**
 * What a run's summary counts customer by customer at its end: how many customers, how many are
 * disengaged (fatigued past the world's threshold and still there), and the lifecycle stages they end
 * in. Counts only, so the figures of a run split across workers are the sums of its shards' — which
 * lets a tuner's workers send these few numbers instead of their customers' tables
 * (engine/parallel/merge-figures.ts).
 */
import { STAGES, stageAt } from "../core/lifecycle.ts";
import { DAY } from "../core/time.ts";
import type { Population } from "./population.ts";
import type { WorldModel } from "./world-model.ts";
import { PER1, PER4 } from "../core/record.ts";
import { TR4, TR8 } from "./population.ts";

export interface EndFigures {
  customers: number;
  disengaged: number;
  lifecycleEnd: Record<string, number>;
}

/** The end figures of `population` after a run of `days` from `start` (customers signed up later are not counted). */
export function endFigures(population: Population, start: number, days: number, world: WorldModel): EndFigures {
  const t = population.table, tr = population.traits, end = start + days * DAY;
  let disengaged = 0;
  const lifecycleEnd: Record<string, number> = Object.fromEntries(STAGES.map((s) => [s, 0]));
  const halfLife = world.fatigueHalfLifeDays * DAY;
  for (let c = 0; c < t.size; c++) {
    if (t.signup[c * PER4] >= end) continue;
    const f = tr.fatigue[c * TR8] * Math.pow(0.5, (end - tr.fatigueAt[c * TR4]) / halfLife);
    if (!t.gone[c * PER1] && f >= world.disengagedAt) disengaged++;
    lifecycleEnd[STAGES[stageAt(t, c, end)]]++;
  }
  return { customers: t.size, disengaged, lifecycleEnd };
}

/** Several shards' end figures added up (their stages in STAGES order, as one table gives them). */
export function addEndFigures(parts: EndFigures[]): EndFigures {
  const lifecycleEnd: Record<string, number> = Object.fromEntries(STAGES.map((s) => [s, 0]));
  let customers = 0, disengaged = 0;
  for (const p of parts) {
    customers += p.customers, disengaged += p.disengaged;
    for (const s of STAGES) lifecycleEnd[s] += p.lifecycleEnd[s];
  }
  return { customers, disengaged, lifecycleEnd };
}

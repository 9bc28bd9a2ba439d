/**
 * `planWorld` and `worldWith` as engine/mod.ts exports them: their world checked as a run's `world`
 * option is (engine/sim/world-option.ts: the ranges, the did-you-mean, the whole mappings and channel
 * lists), named after the function. Unchecked, `planWorld(plan, { machineOpen: 0.3 })` gave the plan's
 * world with the typo ignored, `worldWith({ machineOpens: 5 })` a share of 5, and
 * `planWorld("scenarios/lifecycle.yaml")` the default world, each silently. The engine itself calls the
 * unchecked ones (engine/plan/world-section.ts, engine/sim/world-model.ts): it has checked RunOptions.world
 * with the rest of a run's options (checkRun), and builds worlds of its own.
 */
import { planWorld as mergedWorld, type WorldSection } from "../plan/world-section.ts";
import { checkLoaded } from "./run.ts";
import { checkWorldOption } from "./world-option.ts";
import { type WorldModel, worldWith as withDefaults } from "./world-model.ts";

/**
 * The world a loaded plan runs in: the defaults, the plan's `world:` section, then `over` (a run's
 * `world` option: each top-level key replaces the plan's whole).
 * @example const world = planWorld(loadPlan("scenarios/lifecycle.yaml"), { machineOpens: 0.4 }); world.machineOpens // 0.4
 */
export function planWorld(loaded: { world?: WorldSection }, over?: Partial<WorldModel>): WorldModel {
  checkLoaded("planWorld", loaded);
  checkWorldOption(over, "planWorld", "planWorld(plan)");
  return mergedWorld(loaded, over ?? undefined, "planWorld");
}

/**
 * The default world with `over`'s top-level keys replacing the defaults' whole.
 * @example const w = worldWith({ machineOpens: 0.4, discount: { ...DEFAULT_WORLD.discount, gain: 1.5 } }); w.discount.gain // 1.5
 */
export function worldWith(over: Partial<WorldModel> = {}): WorldModel {
  checkWorldOption(over, "worldWith", "DEFAULT_WORLD");
  return withDefaults(over ?? {});
}

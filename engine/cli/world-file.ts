/**
 * `--world FILE` (calibration, simulate, compare, explain): a JSON world option, RunOptions.world's shape, as
 * `cadence fit --world-out` writes it, checked as the option is (engine/sim/world-option.ts) with its
 * messages naming the file. Read before any run, so a bad file leaves nothing written.
 */
import { readFileSync } from "node:fs";
import { InputError } from "../plan/errors.ts";
import { planWorld } from "../plan/world-section.ts";
import type { WorldSection } from "../plan/world-section.ts";
import { checkWorldOption } from "../sim/world-option.ts";
import type { WorldModel } from "../sim/world-model.ts";

/** The world parameters in `file`; an InputError naming it (unreadable, not JSON, a field out of range, one that no longer exists). */
export function readWorldFile(file: string): Partial<WorldModel> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError(`--world: cannot read ${file} (${(e as Error).message.split("\n")[0]}): expected a JSON file of world parameters, as cadence fit --world-out writes`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: not JSON (${(e as Error).message}): --world takes world parameters in JSON, e.g. { "machineOpens": 0.4 }`);
  }
  if (value === null) throw new InputError(`${file}: expected world parameters such as { "machineOpens": 0.4 }, got null`);
  return checkWorldOption(value, file) ?? {};
}

/**
 * The world option of a run on the command line: the file's parameters, with a history population's
 * learned calendar (`{ seasonality }`) over them; each plan's world: section with it over it checked now,
 * its messages naming the file rather than RunOptions. Both giving a seasonality is refused: which
 * calendar the customers follow would be a silent choice.
 */
export function commandWorld(
  file: string | undefined,
  population: { label: string; world?: Partial<WorldModel> },
  plans: { loaded: { world?: WorldSection }; file: string }[],
): Partial<WorldModel> | undefined {
  if (file === undefined) return population.world;
  const world = readWorldFile(file);
  if (world.seasonality && population.world?.seasonality) {
    throw new InputError(`${file}: seasonality: the population ${population.label} brings its own calendar, learned from the history: give the seasonality in one place (drop it from ${file}, or set seasonality: false in the history config)`);
  }
  const over = { ...world, ...population.world };
  for (const p of plans) {
    try {
      planWorld(p.loaded, over);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      throw new InputError(e.message.replaceAll("RunOptions: ", `${file}: `).replaceAll("with this option over it", `of ${p.file} with ${file} over it`));
    }
  }
  return over;
}

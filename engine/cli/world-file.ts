/**
 * `--world FILE` (calibration, simulate, compare, explain): a JSON world option, RunOptions.world's shape, as
 * `cadence fit --world-out` writes it, checked as the option is (engine/sim/world-option.ts) with its
 * messages naming the file. Read before any run, so a bad file leaves nothing written.
 */
import { readFileSync } from "node:fs";
import { InputError } from "../plan/errors.ts";
import { isMapping } from "../plan/fields.ts";
import { planWorld } from "../plan/world-section.ts";
import type { WorldSection } from "../plan/world-section.ts";
import { CHANNEL_FIELDS, checkWorldOption } from "../sim/world-option.ts";
import { DEFAULT_WORLD, type WorldModel } from "../sim/world-model.ts";
import { CHANNELS } from "../core/channels.ts";

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
  missingChannelFields(value, file);
  return checkWorldOption(value, file) ?? {};
}

/**
 * Channel fields a file leaves out, in one line: a file written before hardBounce, inbox and tracked
 * existed got one message per channel, each with the whole channel in JSON. Names the fields and the
 * channels, and the defaults to add (or write the file again).
 */
function missingChannelFields(value: unknown, file: string): void {
  if (!isMapping(value) || !Array.isArray(value.channels) || value.channels.length !== CHANNELS.length) return; // the option's checker says what a list must be
  const byFields = new Map<string, number[]>(); // "hardBounce, inbox" → the channels lacking exactly those
  value.channels.forEach((c, i) => {
    const absent = isMapping(c) ? CHANNEL_FIELDS.filter((k) => !(k in c)) : [];
    if (absent.length) byFields.set(absent.join(", "), [...byFields.get(absent.join(", ")) ?? [], i]);
  });
  if (!byFields.size) return;
  const all = byFields.size === 1 && [...byFields.values()][0].length === CHANNELS.length;
  const what = [...byFields].map(([f, at]) => `${f} (${all ? "every channel" : at.map((i) => CHANNELS[i]).join(", ")})`).join("; ");
  const defaults = [...byFields].flatMap(([f, at]) => at.map((i) => `${CHANNELS[i]} ${f.split(", ").map((k) => `${k} ${(DEFAULT_WORLD.channels[i] as unknown as Record<string, number>)[k]}`).join(", ")}`)).join("; ");
  throw new InputError(`${file}: world.channels: missing ${what}: a world file gives every field of each channel (one written before a field existed lacks it): write it again with cadence fit --world-out, or add the fields with their defaults (${defaults})`);
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

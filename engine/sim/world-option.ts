/**
 * `RunOptions.world` checked: the world parameters a run from code sets over the plan's world (runPlan,
 * comparePlans, the tuners, explainCustomer, the runs in workers). Its shape is the world model's, a
 * `Partial<WorldModel>` as `cadence fit --world-out` writes it, and each top-level key it gives replaces
 * the plan's whole (planWorld): so a mapping gives every field, and `channels` and `consents` are the
 * lists of the five channels. The figures are checked as the plan file's `world:` section checks them
 * (engine/plan/world-section.ts: the same ranges, did-you-mean and messages), named `world.<key>`.
 * Unchecked, a share of 5 ran, a misspelt key was ignored, and the section's `channels: { sms: … }`
 * failed deep in the simulator.
 */
import { CHANNELS } from "../core/channels.ts";
import { InputError, type Path, Reporter } from "../plan/errors.ts";
import { describe, isMapping } from "../plan/fields.ts";
import { validateWorld } from "../plan/world-section.ts";
import { DEFAULT_WORLD, type WorldModel } from "./world-model.ts";

// what a replaced mapping may leave out, read with a default where used (reputationLag; the world's referenceGapDays)
const OPTIONAL: Record<string, string[]> = { reputation: ["lagDays"] };
export const CHANNEL_FIELDS = Object.keys(DEFAULT_WORLD.channels[0]); // every field but the optional gapDays (a --world file's missing ones too: engine/cli/world-file.ts)

type Obj = Record<string, unknown>;

/**
 * Throws an InputError listing every problem of a world option, each message starting with `where`;
 * returns it as given (undefined or null: none). `base` is the code of the world the option replaces
 * keys of, for the messages' examples (`planWorld(plan)` for a run's, `DEFAULT_WORLD` for worldWith's);
 * none outside code (a --world file, calibrate), whose examples are the JSON with the defaults filled in.
 * @example checkWorldOption({ machineOpens: 0.4 }) // fine; { machineOpens: 5 } throws "world.machineOpens: expected a number from 0 to 1, got number 5"
 */
export function checkWorldOption(over: unknown, where = "RunOptions", base: string | null = where === "RunOptions" ? "planWorld(plan)" : null): Partial<WorldModel> | undefined {
  if (over === undefined || over === null) return undefined;
  const r = new Reporter(where); // what the messages start with: RunOptions, or the file the world was read from
  // the section's validator reads channels and consents keyed by name: the lists are given to it so
  const section: unknown = isMapping(over) ? { ...over } : over;
  if (isMapping(section)) {
    for (const key of ["channels", "consents"] as const) {
      if (!(key in section)) continue;
      const v = section[key];
      if (Array.isArray(v) && v.length === CHANNELS.length) section[key] = Object.fromEntries(CHANNELS.map((c, i) => [c, v[i]]));
      else r.error(["world", key], listExpected(key, v, base ?? "planWorld(plan)")), delete section[key];
    }
  }
  validateWorld(r, section, ["world"]);
  if (isMapping(section)) {
    for (const [key, v] of Object.entries(section)) {
      const d = (DEFAULT_WORLD as unknown as Obj)[key];
      if (key === "channels" && isMapping(v)) {
        for (const [name, c] of Object.entries(v)) {
          const i = CHANNELS.indexOf(name as typeof CHANNELS[number]);
          // outside code (a --world file, calibrate, which has no plan) the example is the JSON with the defaults filled in
          const example = base
            ? (x: string) => `${base}.channels.map((c, i) => (i === ${i} ? { ...c${x} } : c))`
            : () => `the default's fields with yours, ${JSON.stringify({ ...DEFAULT_WORLD.channels[i], ...(c as Obj) })}`;
          if (isMapping(c)) missing(r, ["world", key, name], c, CHANNEL_FIELDS, `world.channels[${i}] (${name})`, example);
        }
      } else if (isMapping(d) && isMapping(v)) {
        const example = base ? (x: string) => `{ ${key}: { ...${base}.${key}${x} } }` : () => JSON.stringify({ [key]: { ...d, ...v } });
        missing(r, ["world", key], v, Object.keys(d).filter((k) => !OPTIONAL[key]?.includes(k)), `world.${key}`, example);
      }
    }
  }
  if (!r.ok) throw new InputError(r.format(), r.problems);
  return over as Partial<WorldModel>;
}

/** A mapping the option replaces whole must give every field. */
function missing(r: Reporter, path: Path, v: Obj, required: string[], what: string, example: (yours: string) => string): void {
  const absent = required.filter((k) => !(k in v));
  if (!absent.length) return;
  const given = Object.entries(v)[0], yours = given ? `, ${given[0]}: ${JSON.stringify(given[1])}` : "";
  r.error(path, `missing ${absent.join(", ")}: a world option replaces ${what} whole, so it gives every field, e.g. ${example(yours)} (a plan's world: section sets single fields)`);
}

function listExpected(key: "channels" | "consents", v: unknown, base: string): string {
  const got = Array.isArray(v) ? `a list of ${v.length}` : describe(v);
  const example = key === "channels"
    ? `{ channels: ${base}.channels.map((c, i) => (i === 1 ? { ...c, click: 0.1 } : c)) }`
    : "{ consents: [0.7, 0.5, 0.25, 0.9, 0.5] }";
  return `expected the list of the ${CHANNELS.length} channels' ${key === "channels" ? "responses" : "consent shares"} (${CHANNELS.join(", ")}, in that order), got ${got}: a world option replaces world.${key} whole, e.g. ${example} (a plan's world: section sets them by name: ${key}: { sms: … })`;
}

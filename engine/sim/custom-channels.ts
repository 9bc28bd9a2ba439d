/**
 * The simulated world's side of custom channels (issue 11 #11; declared in engine/plan/custom-channels.ts):
 * who may be reached on them, how much each customer likes them, and the response figures the world
 * uses for every channel of a run. Every draw here uses its own hash purposes, so a plan without custom
 * channels draws exactly what it drew before, and adding one changes no built-in channel's draws.
 */
import { BUILTIN_CHANNELS } from "../core/channels.ts";
import { ALL_BITS, setChannelBits } from "../core/custom-consent.ts";
import type { CompiledPlan } from "../core/compiled.ts";
import type { CustomerTable } from "../core/customer-table.ts";
import { hashString, uniform } from "../core/hash.ts";
import { truthy } from "../core/truthy.ts";
import type { ChannelResponse, WorldModel } from "./world-model.ts";
import { PER4 } from "../core/record.ts";

// hash purposes of fixed facts per (customer, custom channel): far from the streams' and world.ts's
const CONSENT_DRAW = 64, AFFINITY_DRAW = 96, DEAD_DRAW = 100;
// the attributes drawn here (not read from a customers file), by table, with the share they were drawn with
const DRAWN = new WeakMap<CustomerTable, Map<string, number>>();

/** The response figures of every channel of the plan, by channel index: the world's five, then the plan's custom ones. */
export function channelResponses(plan: CompiledPlan, w: WorldModel): ChannelResponse[] {
  const out = w.channels.slice(0, BUILTIN_CHANNELS);
  for (let ch = BUILTIN_CHANNELS; ch < plan.channels.length; ch++) {
    out.push(plan.channels[ch]!.custom!.response as unknown as ChannelResponse);
  }
  return out;
}

/**
 * Gives customers their consent to the plan's custom channels, from the channel's attribute: where the
 * population has the attribute (a history's customers file), a truthy value is consent and a working
 * address; where it has not (the synthetic population), the attribute is drawn true with the channel's
 * `consentShare` and stored, so plans read it as attr.<name> like any other attribute. Idempotent: the
 * baseline run and the plan's run of one population get the same bits; a table run again by a plan
 * that draws the attribute with another share gets it drawn again (the draws are fixed facts per
 * customer, so a higher share adds customers and keeps the others).
 * @example grantCustomConsents(loaded.compiled, population.table, worldSeed(7))
 */
export function grantCustomConsents(plan: CompiledPlan, table: CustomerTable, seed: number): void {
  for (let ch = BUILTIN_CHANNELS; ch < plan.channels.length; ch++) {
    const custom = plan.channels[ch]!.custom!;
    if (custom.attribute === null) { // consent: none: everyone is reachable
      for (let c = 0; c < table.size; c++) setChannelBits(table, c, ch, ALL_BITS);
      continue;
    }
    let values = table.attrs.get(custom.attribute);
    const drawn = DRAWN.get(table) ?? new Map<string, number>();
    if (!values || drawn.get(custom.attribute) !== undefined && drawn.get(custom.attribute) !== custom.consentShare) {
      table.attrs.set(custom.attribute, values = new Array(table.size));
      // keyed by the attribute's name, not the channel's index: plans compared together draw the same app users
      const name = hashString(custom.attribute);
      for (let c = 0; c < table.size; c++) values[c] = uniform(seed, table.key[c * PER4], CONSENT_DRAW, name) < custom.consentShare;
      DRAWN.set(table, drawn.set(custom.attribute, custom.consentShare));
    }
    for (let c = 0; c < table.size; c++) setChannelBits(table, c, ch, truthy(values[c] ?? null) ? ALL_BITS : 0);
  }
}

/** Uniform deciding whether the customer's address on a custom channel is dead (its `hardBounce`), by channel name. */
export function customDeadAddress(seed: number, key: number, name: number): number {
  return uniform(seed, key, DEAD_DRAW, name);
}

/**
 * A customer's affinity for a custom channel: log-normal with the world's spread and mean 1, as the
 * built-in channels' (engine/sim/population.ts), from a hash rather than the TRAITS stream, whose draw
 * order is part of every population's identity. `name`: hashString of the channel's name, so a channel
 * keeps its affinities whatever its index in a plan.
 */
export function customAffinity(seed: number, key: number, name: number, sigma: number): number {
  const u1 = uniform(seed, key, AFFINITY_DRAW, name), u2 = uniform(seed, key, AFFINITY_DRAW + 1, name);
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  return Math.exp(sigma * z - sigma ** 2 / 2);
}

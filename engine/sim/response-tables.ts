/**
 * The parts of the world's answer to a message that depend only on the plan and the world model, not
 * on the customer: computed once per run, read per message by `World.respond` (millions per run).
 * Each entry is the very expression `respond` used to evaluate per message, on the same operands, so
 * the numbers are bit for bit the ones it computed (results stay byte-identical).
 */
import type { CompiledPlan } from "../core/compiled.ts";
import { BUILTIN_CHANNELS } from "../core/channels.ts";
import { type ChannelResponse, discountResponse, referenceFatigue, type WorldModel } from "./world-model.ts";

export interface ResponseTables {
  /** By send: relevance of its program's kind (triggered, targeted, broadcast) and its square root. */
  relevance: Float64Array;
  sqrtRelevance: Float64Array;
  /** By send: the open boost of its program's kind. */
  openBoost: Float64Array;
  /** By send: the discount's multiplier on incremental response (`discountResponse`). */
  discountBoost: Float64Array;
  /** By send: 1 when its category is transactional (address-only consent). */
  transactional: Uint8Array;
  /** By channel: 1 + referenceFatigue / fatigueScale, the numerator of `fatigueDamp`. */
  dampAtReference: Float64Array;
  /** By channel: 1 + referenceFatigue / fatigueOptOut, the denominator of `fatigueOptOut`. */
  optOutAtReference: Float64Array;
}

/** `responses`: the response figures by channel index (engine/sim/custom-channels.ts `channelResponses`). */
export function responseTables(plan: CompiledPlan, w: WorldModel, responses: ChannelResponse[]): ResponseTables {
  const n = plan.sends.length, t: ResponseTables = {
    relevance: new Float64Array(n),
    sqrtRelevance: new Float64Array(n),
    openBoost: new Float64Array(n),
    discountBoost: new Float64Array(n),
    transactional: new Uint8Array(n),
    dampAtReference: new Float64Array(plan.channels.length),
    optOutAtReference: new Float64Array(plan.channels.length),
  };
  plan.sends.forEach((s, i) => {
    const p = plan.programs[s.program];
    const kind = p.kind === "journey" ? "triggered" : plan.campaigns[p.campaign].targeted ? "targeted" : "broadcast";
    t.relevance[i] = w.relevance[kind], t.sqrtRelevance[i] = Math.sqrt(w.relevance[kind]);
    t.openBoost[i] = w.openBoost[kind];
    t.discountBoost[i] = discountResponse(w, s.discount);
    t.transactional[i] = plan.addressOnly[s.category] === 1 ? 1 : 0;
  });
  for (let ch = 0; ch < plan.channels.length; ch++) {
    if (!responses[ch]) continue; // a channel index the plan does not use
    // a custom channel is damped by its own figures, a built-in one by the world's (as respond did)
    const ref = referenceFatigue(w, ch >= BUILTIN_CHANNELS ? responses[ch] : ch);
    t.dampAtReference[ch] = 1 + ref / w.fatigueScale;
    t.optOutAtReference[ch] = 1 + ref / w.fatigueOptOut;
  }
  return t;
}

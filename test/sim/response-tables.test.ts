/**
 * The world's per-send and per-channel answer tables (engine/sim/response-tables.ts, issue 14 #2):
 * each entry must be bit for bit what World.respond computed per message from the world model's
 * functions, for built-in and custom channels, journeys and campaigns, with and without discounts.
 */
import { describe, expect, it } from "vitest";
import { loadPlan } from "../../engine/plan/load.ts";
import { responseTables } from "../../engine/sim/response-tables.ts";
import { channelResponses } from "../../engine/sim/custom-channels.ts";
import { BUILTIN_CHANNELS } from "../../engine/core/channels.ts";
import { DEFAULT_WORLD, discountResponse, fatigueDamp, fatigueOptOut, worldWith } from "../../engine/sim/world-model.ts";

describe("responseTables", () => {
  for (const file of ["scenarios/lifecycle.yaml", "scenarios/custom-channels.yaml", "scenarios/batch-and-blast.yaml"]) {
    it(`gives respond's per-message figures for every send of ${file}`, () => {
      const plan = loadPlan(file).compiled, w = worldWith({ discount: { ...DEFAULT_WORLD.discount, gain: 0.7 } });
      const responses = channelResponses(plan, w), t = responseTables(plan, w, responses);
      let checked = 0, discounted = 0, journeys = 0;
      plan.sends.forEach((s, send) => {
        const p = plan.programs[s.program], journey = p.kind === "journey";
        const rel = journey ? w.relevance.triggered : plan.campaigns[p.campaign].targeted ? w.relevance.targeted : w.relevance.broadcast;
        const boost = journey ? w.openBoost.triggered : plan.campaigns[p.campaign].targeted ? w.openBoost.targeted : w.openBoost.broadcast;
        expect([t.relevance[send], t.sqrtRelevance[send], t.openBoost[send]]).toEqual([rel, Math.sqrt(rel), boost]);
        expect(t.discountBoost[send]).toBe(discountResponse(w, s.discount));
        expect(t.transactional[send]).toBe(plan.addressOnly[s.category] === 1 ? 1 : 0);
        // fatigueDamp and fatigueOptOut at several fatigues, recomposed from the tables as respond does
        const rc = s.channel >= BUILTIN_CHANNELS ? responses[s.channel] : s.channel;
        for (const f of [0, 0.37, 1, 2.5, 11]) {
          expect(t.dampAtReference[s.channel] / (1 + f / w.fatigueScale)).toBe(fatigueDamp(w, rc, f));
          expect((1 + f / w.fatigueOptOut) / t.optOutAtReference[s.channel]).toBe(fatigueOptOut(w, rc, f));
        }
        checked++, discounted += s.discount > 0 ? 1 : 0, journeys += journey ? 1 : 0;
      });
      expect(checked).toBe(plan.sends.length);
      expect(checked).toBeGreaterThan(0);
      if (file.includes("lifecycle")) expect([discounted > 0, journeys > 0]).toEqual([true, true]);
      if (file.includes("custom")) expect(plan.sends.some((s) => s.channel >= BUILTIN_CHANNELS)).toBe(true);
    });
  }
});

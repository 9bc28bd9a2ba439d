import { expect, it } from "vitest";
import { loadHillstrom } from "../../datasets/hillstrom.ts";
import { calibrationCheck, HILLSTROM_RELEVANCE } from "../../engine/fit/email-calibration.ts";
import { DEFAULT_WORLD } from "../../engine/sim/world-model.ts";
import { describeWithData } from "../datasets/data-dir.ts";

describeWithData("hillstrom/hillstrom.csv", "e-mail response calibration on Hillstrom", () => {
  const h = loadHillstrom();
  const checks = calibrationCheck(h, DEFAULT_WORLD, HILLSTROM_RELEVANCE, { seed: 1 });

  it("reproduces the No E-Mail arm without the e-mail (visit ≈ 10.6 %, conversion ≈ 0.57 %, spend ≈ $0.65)", () => {
    for (const a of checks) {
      expect(a.simulated.control.visit).toBeGreaterThan(0.100);
      expect(a.simulated.control.visit).toBeLessThan(0.112);
      expect(a.simulated.control.conversion).toBeGreaterThan(0.0045);
      expect(a.simulated.control.conversion).toBeLessThan(0.0070);
      expect(a.simulated.control.spend).toBeGreaterThan(0.5);
      expect(a.simulated.control.spend).toBeLessThan(0.85);
    }
  });

  it("lands each arm's visit, conversion and spend lift inside the experiment's 95 % interval with the default e-mail parameters", () => {
    for (const a of checks) {
      const line = (k: "visit" | "conversion" | "spend") => `${a.arm} ${k}: ${a[k].sim.toFixed(5)} in [${a[k].observed.lo.toFixed(5)}, ${a[k].observed.hi.toFixed(5)}]`;
      console.log([line("visit"), line("conversion"), line("spend")].join("; "));
      expect(a.visit.inside, line("visit")).toBe(true);
      expect(a.conversion.inside, line("conversion")).toBe(true);
      expect(a.spend.inside, line("spend")).toBe(true);
    }
    // the men's e-mail did better on every measure, as in the experiment
    expect(checks[0].visit.sim).toBeGreaterThan(checks[1].visit.sim);
    expect(checks[0].spend.sim).toBeGreaterThan(checks[1].spend.sim);
  });
});

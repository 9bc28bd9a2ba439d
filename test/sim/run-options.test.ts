/**
 * A run's sizes given in code (a notebook's options) are checked as the command line checks its flags:
 * 10.5 customers looped for ever, -5 failed deep in a typed array, 1.5 days gave a summary of 1.5 days.
 */
import { describe, expect, it } from "vitest";
import { loadPlan } from "../../engine/plan/load.ts";
import { InputError } from "../../engine/plan/errors.ts";
import { runPlan } from "../../engine/sim/run.ts";
import { tuner } from "../../engine/sim/tuner.ts";
import { comparePlans } from "../../engine/compare/compare.ts";
import { sweep } from "../../engine/sweep/sweep.ts";

describe("a run's sizes from code", () => {
  const plan = loadPlan("scenarios/lifecycle.yaml");
  const refused = (f: () => unknown, message: string) => {
    let error: unknown = null;
    try {
      f();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(message);
  };

  it("refuses counts that are not whole or out of range, naming the option and what is valid", () => {
    refused(() => runPlan(plan, { customers: 10.5, days: 5 }), "customers: expected a whole number from 1 to 20,000,000, got 10.5");
    refused(() => runPlan(plan, { customers: -5, days: 5 }), "customers: expected a whole number from 1 to 20,000,000, got -5");
    refused(() => runPlan(plan, { customers: 50, days: 1.5 }), "days: expected a whole number from 1 to 3,650, got 1.5");
    refused(() => runPlan(plan, { customers: 50, days: 5, seed: -1 }), "seed: expected a whole number from 0 to 2,147,483,647, got -1");
    refused(() => tuner(plan, { customers: 50, days: 0 }), "days: expected a whole number from 1 to 3,650, got 0");
    refused(() => comparePlans([plan], { customers: 50, days: 5, replications: 2.5 }), "replications: expected a whole number from 1 to 1,000, got 2.5");
    refused(() => sweep(plan, [{ path: "channels.email.cost", values: [0.001] }], { customers: 0, days: 5 }), "customers: expected a whole number from 1 to 20,000,000, got 0");
  });

  it("runs the sizes it accepts", () => {
    expect(runPlan(plan, { customers: 1, days: 1, seed: 0, baseline: false }).summary.customers).toBe(1);
  });
});

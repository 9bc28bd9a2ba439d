import { describe, expect, it } from "vitest";
import { capture } from "../capture.ts";
import { join } from "node:path";
import { fitCommand } from "../../engine/cli/fit.ts";
import { describeWithData } from "../datasets/data-dir.ts";

const CONFIG = join(import.meta.dirname!, "../../datasets/cdnow.yaml");

const run = (args: string[]) => capture(() => fitCommand(args));

describe("cadence fit: arguments", () => {
  it("exits 2 naming a missing --history", async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^cadence fit: missing --history <config.yaml>/);
  });

  it("exits 2 naming an unknown flag, with a suggestion", async () => {
    const r = await run(["--histroy", "x.yaml"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown option '--histroy'; did you mean '--history'\?/);
  });

  it("exits 2 with the input error for a config that does not exist, as backtest and every command do", async () => {
    const r = await run(["--history", "/nonexistent/h.yaml"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^\/nonexistent\/h\.yaml: cannot read the history config/);
  });
});

describeWithData("cdnow/CDNOW_sample.txt", "cadence fit on CDNOW", () => {
  it("prints exactly the documented JSON object", async () => {
    const r = await run(["--history", CONFIG, "--json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(Object.keys(j)).toEqual(["bgnbd", "gammaGamma", "customers", "transactions", "logLikelihood", "skipped", "seasonality", "holdout"]);
    expect(Object.keys(j.bgnbd)).toEqual(["r", "alpha", "a", "b"]);
    expect(Object.keys(j.gammaGamma)).toEqual(["p", "q", "gamma"]);
    expect(j.bgnbd.r).toBeCloseTo(0.243, 2);
    expect([j.customers, j.transactions, j.holdout.actual]).toEqual([2357, 6919, 1882]);
    expect(Object.keys(j.holdout)).toEqual(["actual", "bgnbd", "seasonal"]);
    expect(Object.keys(j.seasonality)).toEqual(["r", "alpha", "a", "b", "logLikelihood", "weekday", "month", "peaks"]);
    expect(j.logLikelihood).toBeCloseTo(-9582.4, 0);
    expect(j.skipped).toEqual({}); // CDNOW is clean: nothing skipped
  });

  it("prints a readable report with the holdout table", async () => {
    const r = await run(["--history", CONFIG]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("r 0.2426   alpha 4.41");
    expect(r.out).toMatch(/log-likelihood -9582\.4/);
    expect(r.out).toMatch(/\n {2}0 +1,411 +317\.\d +334 +-4\.\d %/);
    expect(r.out).toMatch(/\n {2}total +2,357 +1653\.\d +1,882 +-12\.1 %/);
  });
});

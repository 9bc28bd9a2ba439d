import { describe, expect, it } from "vitest";
import seedrandom from "seedrandom";
import { dayData, frequencyData, historyState } from "../../datasets/history.ts";
import { importHistory } from "../../datasets/import.ts";
import { DAY } from "../../engine/core/time.ts";
import { fitBgnbd } from "../../engine/fit/bgnbd.ts";
import { compareHoldout } from "../../engine/fit/holdout.ts";
import { betaIInv, gammaPInv } from "../../engine/fit/math.ts";
import { Clock, DEFAULT_SEASONALITY, fitSeasonalBgnbd, intensity, type SeasonalityOptions } from "../../engine/fit/seasonality.ts";
import { fitCommand } from "../../engine/cli/fit.ts";
import { capture } from "../capture.ts";
import { describeWithData } from "../datasets/data-dir.ts";
import { errorOf, tempDir } from "../datasets/temp-files.ts";

const { dir, write } = tempDir();
const MONTHS = [1.0, 0.85, 0.9, 0.95, 0.9, 0.8, 0.7, 0.75, 0.95, 1.05, 1.35, 1.8]; // a retail year: summer low, December high
const WEEKDAYS = [0.9, 0.9, 0.95, 1.0, 1.1, 1.25, 0.9];
const START = Date.UTC(2021, 0, 1) / 86400000;

/**
 * A seeded BG/NBD history whose purchase rate follows `season(day)` (thinning), customers acquired
 * evenly over two years, observed three years: calibration two years, holdout the third.
 */
function writeSeasonal(name: string, season: (day: number) => number, customers = 6000): string {
  const rng = seedrandom(name), lines = ["id,day,usd"];
  const max = 2.5, end = START + 3 * 365;
  const iso = (d: number) => new Date(d * 86400000).toISOString().slice(0, 10);
  for (let c = 0; c < customers; c++) {
    const lambda = gammaPInv(0.6, rng()) / 4 / 7, p = betaIInv(0.8, 3, rng()); // per day
    let t = START + Math.floor(rng() * 730);
    lines.push(`C${c},${iso(t)},20`);
    for (;;) {
      t += -Math.log(1 - rng()) / (lambda * max);
      if (t > end) break;
      if (rng() * max > season(Math.floor(t))) continue; // thinning: accepted with probability s(t) / max
      lines.push(`C${c},${iso(Math.floor(t))},20`);
      if (rng() < p) break;
    }
  }
  write(`${name}.csv`, lines.join("\n"));
  return write(`${name}.yaml`, `calibrationEnd: 2022-12-31\nholdoutEnd: 2023-12-31\ntransactions: {file: ${name}.csv, columns: {customer: id, date: day, amount: usd}}\n`);
}

function holdouts(config: string, o: SeasonalityOptions = DEFAULT_SEASONALITY) {
  const h = importHistory(config), s = historyState(h), d = frequencyData(s);
  const cut = Math.floor(h.config.calibrationEnd / DAY), end = Math.floor(h.config.holdoutEnd! / DAY);
  const actual = Int32Array.from(d.customers, (c) => s.holdout![c]);
  const plain = compareHoldout(fitBgnbd(d).params, (end - cut) / 7, d.x, d.tx, d.T, actual);
  const days = dayData(h), fit = fitSeasonalBgnbd(days, end, o), f = fit.frequency;
  const seasonal = compareHoldout(fit.params, fit.clock.at(end) - fit.clock.at(cut), f.x, f.tx, f.T, actual);
  return { plain, seasonal, fit };
}

describe("BG/NBD with seasonality", () => {
  it("reduces to plain BG/NBD when every factor is 1 (the clock is days / 7)", () => {
    const clock = new Clock(100, 200, () => 1);
    for (const [day, want] of [[100, 1 / 7], [107, 8 / 7], [200, 101 / 7], [99, 0], [210, 111 / 7]]) expect(clock.at(day)).toBeCloseTo(want, 12);
    expect(clock.at(107) - clock.at(100)).toBeCloseTo(1, 12);
    expect(intensity(null, [], 150)).toBe(1);
  });

  it("learns a retail year and a weekday pattern and forecasts the holdout better than plain BG/NBD", () => {
    const config = writeSeasonal("retail", (d) => MONTHS[new Date(d * 86400000).getUTCMonth()] * WEEKDAYS[(d + 3) % 7]);
    const { plain, seasonal, fit } = holdouts(config);
    console.log(`retail year: plain ${plain.errorPct.toFixed(1)} %, seasonal ${seasonal.errorPct.toFixed(1)} %`);
    const z = fit.seasonality;
    expect(z.monthObserved.every(Boolean)).toBe(true);
    // December / July recovered near the true 1.8 / 0.7 relative to the mean month (≈ 1.0)
    const mean = MONTHS.reduce((a, b) => a + b) / 12;
    expect(Math.abs(z.month[11] / (MONTHS[11] / mean) - 1)).toBeLessThan(0.1);
    expect(Math.abs(z.month[6] / (MONTHS[6] / mean) - 1)).toBeLessThan(0.1);
    expect(Math.abs(z.weekday[5] / 1.25 * (WEEKDAYS.reduce((a, b) => a + b) / 7) - 1)).toBeLessThan(0.08);
    expect(Math.abs(seasonal.errorPct)).toBeLessThan(Math.abs(plain.errorPct));
    expect(Math.abs(seasonal.errorPct)).toBeLessThan(4);
  });

  it("does no harm without seasonality: factors near 1, forecast within 2 % of plain BG/NBD", () => {
    const { plain, seasonal, fit } = holdouts(writeSeasonal("flat", () => 1));
    console.log(`flat: plain ${plain.errorPct.toFixed(1)} %, seasonal ${seasonal.errorPct.toFixed(1)} %`);
    for (const v of [...fit.seasonality.month, ...fit.seasonality.weekday]) expect(Math.abs(v - 1)).toBeLessThan(0.12);
    expect(Math.abs(seasonal.predicted / plain.predicted - 1)).toBeLessThan(0.02);
    expect(Math.abs(seasonal.errorPct)).toBeLessThan(5);
  });

  it("uses a named peak's configured lift only when the calibration never saw it", () => {
    const config = writeSeasonal("peak", () => 1, 1500);
    const o = { ...DEFAULT_SEASONALITY, peaks: [{ name: "never", from: [2, 29], to: [2, 29] } as const, { name: "xmas", from: [12, 20], to: [12, 24], lift: 3 }] };
    const { fit } = holdouts(config, o as unknown as SeasonalityOptions);
    expect(fit.seasonality.peaks[0]).toMatchObject({ name: "never", observed: false, factor: 1 }); // no 29 February in 2021–22
    expect(fit.seasonality.peaks[1]).toMatchObject({ name: "xmas", observed: true });
    expect(Math.abs(fit.seasonality.peaks[1].factor - 1)).toBeLessThan(0.35); // learned (≈ 1), not the configured 3
  });

  it("checks the seasonality config", () => {
    const config = write("bad.yaml", `calibrationEnd: 2022-12-31
transactions: {file: flat.csv, columns: {customer: id, date: day, amount: usd}}
seasonality: {weekly: yes please, peaks: [{name: xmas, from: 12-32, to: "12-24"}], round: 2}
`);
    expect(errorOf(() => importHistory(config), dir)).toBe([
      `<dir>/bad.yaml:3: seasonality.round: unknown field (did you mean rounds?); valid fields: weekly, yearly, peaks, rounds`,
      `<dir>/bad.yaml:3: seasonality.weekly: expected true or false, got "yes please"`,
      `<dir>/bad.yaml:3: seasonality.peaks[0].from: expected a month-day MM-DD such as 12-24 (quote it in YAML if needed), got "12-32"`,
    ].join("\n"));
  });
});

describeWithData("cdnow/CDNOW_sample.txt", "seasonality on CDNOW (holdout 1997-10-01 .. 1998-06-30)", () => {
  it("sample: 1,806 predicted against 1,882 actual (−4.0 %), plain BG/NBD 1,653 (−12.1 %)", async () => {
    const r = await capture(() => fitCommand(["--history", "datasets/cdnow.yaml", "--json"]));
    const j = JSON.parse(r.out);
    expect(j.holdout.actual).toBe(1882);
    expect(j.holdout.bgnbd).toBeCloseTo(1653.4, 0);
    expect(j.holdout.seasonal).toBeCloseTo(1806.4, 0);
    expect(j.seasonality.logLikelihood).toBeGreaterThan(j.logLikelihood + 30);
  });
});

describeWithData("cdnow/CDNOW_master.txt", "seasonality on the CDNOW master file", () => {
  it("master: 18,852 predicted against 19,684 actual (−4.2 %), plain BG/NBD 16,874 (−14.3 %)", async () => {
    const r = await capture(() => fitCommand(["--history", "datasets/cdnow-master.yaml", "--json"]));
    const j = JSON.parse(r.out);
    expect(j.holdout.actual).toBe(19684);
    expect(j.holdout.bgnbd).toBeCloseTo(16873.7, 0);
    expect(j.holdout.seasonal).toBeCloseTo(18852.4, 0);
  });
});

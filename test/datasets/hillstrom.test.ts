import { describe, expect, it } from "vitest";
import { hillstromStats, loadHillstrom } from "../../datasets/hillstrom.ts";
import { describeWithData } from "./data-dir.ts";
import { errorOf, tempDir } from "./temp-files.ts";

describeWithData("hillstrom/hillstrom.csv", "Hillstrom e-mail experiment", () => {
  const h = loadHillstrom();

  it("has the three arms with the published sizes and rates", () => {
    const [mens, womens, none] = h.arms;
    expect([mens.n, womens.n, none.n]).toEqual([21307, 21387, 21306]);
    expect(mens.visit * 100).toBeCloseTo(18.276, 3);
    expect(womens.visit * 100).toBeCloseTo(15.140, 3);
    expect(none.visit * 100).toBeCloseTo(10.617, 3);
    expect(mens.conversion * 100).toBeCloseTo(1.2531, 4);
    expect(womens.conversion * 100).toBeCloseTo(0.8837, 4);
    expect(none.conversion * 100).toBeCloseTo(0.5726, 4);
    expect(mens.spend).toBeCloseTo(1.4226, 4);
    expect(womens.spend).toBeCloseTo(1.0772, 4);
    expect(none.spend).toBeCloseTo(0.6528, 4);
  });

  it("gives the lifts against No E-Mail with their 95 % intervals", () => {
    const [mens, womens] = h.lifts;
    const pp = (l: { diff: number; lo: number; hi: number }) => [l.diff, l.lo, l.hi].map((v) => Math.round(v * 10000) / 100);
    const usd = (l: { diff: number; lo: number; hi: number }) => [l.diff, l.lo, l.hi].map((v) => Math.round(v * 1000) / 1000);
    expect(pp(mens.visit)).toEqual([7.66, 7.00, 8.32]);
    expect(pp(mens.conversion)).toEqual([0.68, 0.50, 0.86]);
    expect(usd(mens.spend)).toEqual([0.770, 0.485, 1.055]);
    expect(pp(womens.visit)).toEqual([4.52, 3.89, 5.16]);
    expect(pp(womens.conversion)).toEqual([0.31, 0.15, 0.47]);
    expect(usd(womens.spend)).toEqual([0.424, 0.169, 0.680]);
  });

  it("gives the whole-file figures quoted by pyuplift and scikit-uplift", () => {
    expect(h.overall.n).toBe(64000);
    expect(h.overall.visit).toBeCloseTo(0.14678, 5);
    expect(h.overall.conversion).toBeCloseTo(0.00903, 5);
    expect(h.overall.spend).toBeCloseTo(1.05091, 5);
  });

  it("has spend > 0 exactly when conversion = 1", () => {
    let mismatches = 0;
    for (let i = 0; i < h.rows.length; i++) if ((h.rows.spend[i] > 0) !== (h.rows.conversion[i] === 1)) mismatches++;
    expect(mismatches).toBe(0);
  });
});

describe("Hillstrom loader on small files", () => {
  const { dir, write } = tempDir();
  const header = "recency,history_segment,history,mens,womens,zip_code,newbie,channel,segment,visit,conversion,spend\n";

  it("computes arm figures from a file it is given", () => {
    const file = write("h.csv", header + [
      "10,x,100,1,0,Urban,0,Web,Mens E-Mail,1,1,20",
      "3,x,50,0,1,Rural,1,Phone,Mens E-Mail,1,0,0",
      "3,x,50,0,1,Rural,1,Phone,No E-Mail,0,0,0",
      "3,x,50,0,1,Rural,1,Phone,No E-Mail,1,0,0",
      "3,x,50,0,1,Rural,1,Phone,Womens E-Mail,0,0,0",
    ].join("\n"));
    const s = loadHillstrom(file);
    expect(s.arms.map((a) => [a.n, a.visit, a.spend])).toEqual([[2, 1, 10], [1, 0, 0], [2, 0.5, 0]]);
    expect(s.lifts[0].visit.diff).toBeCloseTo(0.5, 12);
    expect(hillstromStats(s.rows).overall.n).toBe(5);
  });

  it("names the line of an unknown arm and a missing column", () => {
    const bad = write("bad.csv", header + "10,x,100,1,0,Urban,0,Web,SMS,1,1,20\n");
    expect(errorOf(() => loadHillstrom(bad), dir)).toBe(
      `<dir>/bad.csv:2: segment: unknown arm "SMS"; expected Mens E-Mail, Womens E-Mail, No E-Mail`,
    );
    const noSpend = write("nospend.csv", header.replace(",spend", "") + "10,x,100,1,0,Urban,0,Web,No E-Mail,1,1\n");
    expect(errorOf(() => loadHillstrom(noSpend), dir)).toBe(
      `<dir>/nospend.csv:1: missing column spend; expected recency, history, mens, womens, newbie, segment, visit, conversion, spend`,
    );
  });
});

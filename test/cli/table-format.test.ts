/** The terminal tables' alignment (engine/cli/format.ts): numbers right-aligned, text left, whatever their sign. */
import { describe, expect, it } from "vitest";
import { table, wrap } from "../../engine/cli/format.ts";

describe("table", () => {
  it("right-aligns signed differences alike (a '+16' was left-aligned beside a right-aligned '-3': sweep's Δ margin)", () => {
    expect(table([["cap=1", "+16"], ["cap=2", "-3"], ["cap=3", "1,204"]], ["variant", "Δ margin"]).split("\n")).toEqual([
      "variant  Δ margin",
      "-------  --------",
      "cap=1         +16",
      "cap=2          -3",
      "cap=3       1,204",
    ]);
  });

  it("wraps at spaces, keeping a figure with its unit ('95 %' was cut after 95 in the console's verdict)", () => {
    expect(wrap("beyond the noise (95 % confidence) and more", 20, "  ")).toBe("beyond the noise\n  (95 % confidence)\n  and more");
  });
});

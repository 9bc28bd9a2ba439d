import { describe, expect, it } from "vitest";
import * as aq from "arquero";
import { Plot, show } from "../../engine/mod.ts";

const bundle = (x: unknown) => (x as Record<symbol, () => Record<string, string>>)[Symbol.for("Jupyter.display")]();

describe("show()", () => {
  it("displays an arquero table as an HTML table, first rows only, numbers formatted", () => {
    const t = aq.table({ plan: ["a", "b", "c"], revenue: [1234.5, 20, 3000] });
    const b = bundle(show(t, { limit: 2, title: "Revenue" }));
    expect(b["text/html"]).toContain("<h4>Revenue</h4>");
    expect(b["text/html"]).toContain("1,234.50");
    expect(b["text/html"]).toContain("<td style=\"text-align: right;\">20</td>");
    expect(b["text/html"]).not.toContain(">c<");
    expect(b["text/html"]).toContain("3 rows; first 2 shown");
    expect(b["text/plain"]).toBe("3 rows × 2 columns: plan, revenue");
  });

  it("displays Plot options as a chart and SVG markup as an image", () => {
    const b = bundle(show({ marks: [Plot.dot([{ x: 1, y: 2 }, { x: 2, y: 3 }], { x: "x", y: "y" })] }));
    expect(b["text/html"]).toMatch(/^<div class="cadence-chart"><svg/);
    expect((b["text/html"].match(/<circle/g) ?? []).length).toBe(2);
    const svg = bundle(show("<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>"));
    expect(svg["image/svg+xml"]).toContain("<svg");
    // the HTML bundle carries the same SVG: nbconvert 6.5's HTML export drops image/svg+xml (jupyter/nbconvert#1849)
    expect(svg["text/html"]).toBe(`<div class="cadence-chart"><svg xmlns="http://www.w3.org/2000/svg"></svg></div>`);
  });

  it("displays a record as a field/value table and anything else as text", () => {
    expect(bundle(show({ r: 0.24, customers: 2357 }))["text/html"]).toContain("2,357");
    expect(String(show(42))).toBe("42");
  });
});

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { schemaText } from "../../engine/plan/schema.ts";
import { EVENT_TYPES } from "../../engine/core/events.ts";

describe("plan JSON Schema", () => {
  it("docs/plan.schema.json is the generated schema (regenerate: deno run -A engine/plan/schema.ts)", () => {
    expect(readFileSync("docs/plan.schema.json", "utf8")).toBe(schemaText());
  });
  it("lists every trigger event and rejects unknown top-level fields", () => {
    const s = JSON.parse(schemaText());
    expect(s.additionalProperties).toBe(false);
    expect(s.properties.programs.items.oneOf[0].properties.exitOn.items.enum).toEqual([...EVENT_TYPES]);
  });
});

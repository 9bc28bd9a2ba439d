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

describe("plan JSON Schema, in step with the loader's refusals", () => {
  const s = JSON.parse(schemaText());
  const [journey, campaign] = s.properties.programs.items.oneOf;
  it("wants at least one weekday, one date (each once), and filter names", () => {
    const schedule = campaign.properties.schedule.properties;
    expect(schedule.weekly.oneOf[1].minItems).toBe(1); // or a single weekday
    expect(schedule.dates).toMatchObject({ minItems: 1, uniqueItems: true });
    for (const k of ["channels", "categories", "programs"]) expect(s.$defs.filter.properties[k].oneOf[1].minItems).toBe(1); // or a single name
    expect(s.properties.world.properties.timezones.minItems).toBe(1);
  });
  it("takes band factors from 0 to 1", () => {
    const bands = s.properties.pressure.properties.rules.items.properties.weighted.properties.decay.oneOf[2].properties.bands;
    expect(bands.minItems).toBe(1);
    expect(bands.items.prefixItems[1]).toEqual({ type: "number", minimum: 0, maximum: 1 });
  });
  it("refuses a deferral, a waitFor timeout or a targeted share of 0", () => {
    const defer = new RegExp(journey.properties.onBlocked.oneOf[1].pattern);
    expect(["defer(2d)", "defer(0.5h)", "defer(10m)"].filter((x) => defer.test(x))).toEqual(["defer(2d)", "defer(0.5h)", "defer(10m)"]);
    expect(["defer(0)", "defer(0h)", "defer( 0.0d )"].filter((x) => defer.test(x))).toEqual([]);
    const positive = new RegExp(journey.properties.onBlocked.oneOf[2].properties.defer.pattern);
    expect(["2d", "0.5h", "10m", "0h", "0", "00.0d"].filter((x) => positive.test(x))).toEqual(["2d", "0.5h", "10m"]);
    const share = campaign.properties.targeted.properties.share.oneOf;
    expect(share[0]).toMatchObject({ exclusiveMinimum: 0, maximum: 1 });
    expect(["20%", "0.5%", "0%", "0.0%"].filter((x) => new RegExp(share[1].pattern).test(x))).toEqual(["20%", "0.5%"]);
  });
});

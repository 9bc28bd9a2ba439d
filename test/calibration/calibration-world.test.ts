import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { calibrate } from "../../engine/calibration/measure.ts";
import { markdown } from "../../engine/calibration/report.ts";
import { main } from "../../engine/cli/main.ts";
import { DEFAULT_WORLD } from "../../engine/sim/world-model.ts";
import { capture } from "../capture.ts";

const small = { customers: 1000, days: 56 };
const triggered3 = { relevance: { ...DEFAULT_WORLD.relevance, triggered: 3 } };
const ratio = (rows: ReturnType<typeof calibrate>) => rows.find((r) => r.metric === "opens vs broadcast")!.simulated;

describe("calibration in a world of one's own", () => {
  it("measures the world it is given: a higher triggered relevance raises triggered opens against broadcast ones", () => {
    const plain = ratio(calibrate(small)), more = ratio(calibrate({ ...small, world: triggered3 }));
    // × √(3 / 1.8) = 1.29 on the triggered opens, the broadcast ones unchanged
    expect(more / plain).toBeGreaterThan(1.15);
    expect(more / plain).toBeLessThan(1.4);
  });

  it("says in its Markdown which values it ran, and the default world when given none", () => {
    const o = { customers: 1000, days: 56, seed: 1 };
    expect(markdown([], o)).toContain("seed 1, with the default world (`engine/sim/world-model.ts`). Rates are per");
    expect(markdown([], { ...o, world: triggered3, worldFrom: "mine.json" })).toContain(
      "seed 1, with mine.json: relevance.triggered 3 (default 1.8); every other parameter is the default. Rates are per",
    );
  });

  it("refuses from code what the command line refuses, naming calibrate (a misspelt option ran 5,000 customers, 5 days a ratio of Infinity)", () => {
    expect(() => calibrate({ customer: 300 } as never)).toThrow("calibrate: options: unknown option 'customer'; did you mean 'customers'? (options: customers, days, seed, world)");
    expect(() => calibrate({ customers: 300, days: 5 })).toThrow("calibrate: days: expected a whole number from 28 to 3,650 (direct mail is sent every 4 weeks), got number 5");
    expect(() => calibrate({ ...small, world: { relevance: { triggered: 3 } } as never })).toThrow(
      'calibrate: world.relevance: missing targeted, broadcast: a world option replaces world.relevance whole, so it gives every field, e.g. {"relevance":{"triggered":3,"targeted":1.5,"broadcast":1}}',
    );
  });
});

describe("cadence calibration --world FILE", () => {
  const dir = mkdtempSync(join(tmpdir(), "cadence-cal-world-"));
  const file = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));
  const run = (...args: string[]) => capture(() => main(["calibration", "--customers", "1000", "--days", "56", ...args]));

  it("runs in the file's world and says which values it set, on the console and in --out's table", async () => {
    const world = file("w.json", JSON.stringify({ ...triggered3, machineOpens: 0.4 }));
    const out = join(dir, "cal.md");
    const r = await run("--world", world, "--out", out);
    expect(r.out).toContain(`World: ${world}: relevance.triggered 3 (default 1.8), machineOpens 0.4 (default 0); every other parameter is the default\n`);
    expect(readFileSync(out, "utf8")).toContain(`with ${world}: relevance.triggered 3 (default 1.8), machineOpens 0.4 (default 0); every other parameter is the default.`);
    expect((await run()).out).toContain("World: the default world\n");
  });

  it("refuses a file that is not a world, in one line naming it and what would be valid", async () => {
    const partial = file("partial.json", `{ "relevance": { "triggered": 3 } }`);
    expect(await run("--world", partial)).toMatchObject({
      code: 2,
      err: `${partial}: world.relevance: missing targeted, broadcast: a world option replaces world.relevance whole, so it gives every field, e.g. {"relevance":{"triggered":3,"targeted":1.5,"broadcast":1}} (a plan's world: section sets single fields)`,
    });
    const misspelt = file("misspelt.json", `{ "relevance": { "triggerd": 3, "targeted": 1.5, "broadcast": 1 } }`);
    expect((await run("--world", misspelt)).err).toMatch(new RegExp(`^${misspelt}: world\\.relevance\\.triggerd: unknown field 'triggerd'; did you mean 'triggered'\\?`));
    const nan = file("zero.json", `{ "fatigueHalfLifeDays": 0 }`);
    expect(await run("--world", nan)).toMatchObject({ code: 2, err: `${nan}: world.fatigueHalfLifeDays: expected a number > 0, got number 0` });
    const broken = file("broken.json", `{ "machineOpens": 0.4`);
    expect(await run("--world", broken)).toMatchObject({ code: 2, err: expect.stringMatching(new RegExp(`^${broken}: not JSON \\(.*\\): --world takes world parameters in JSON, e.g. \\{ "machineOpens": 0\\.4 \\}$`)) });
    expect(await run("--world", join(dir, "none.json"))).toMatchObject({ code: 2, err: expect.stringMatching(/^--world: cannot read .*none\.json \(ENOENT.*\): expected a JSON file of world parameters, as cadence fit --world-out writes$/) });
    expect(await run("--world", partial, "--update-docs")).toMatchObject({ code: 2, err: expect.stringMatching(/^--world and --update-docs: the project's pages show the default world/) });
  });
});

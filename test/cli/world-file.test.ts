/**
 * A world file from before the channels' hardBounce, inbox and tracked fields existed: one line naming
 * the fields and the channels and how to fix it. It got five lines, one per channel, each with the
 * channel's whole JSON.
 */
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { existsSync } from "node:fs";
import { main } from "../../engine/cli/main.ts";
import { DEFAULT_WORLD } from "../../engine/sim/world-model.ts";
import { capture } from "../capture.ts";
import { tempDir } from "../datasets/temp-files.ts";

const run = (...args: string[]) => capture(() => main(args));

describe("--world FILE missing channel fields", () => {
  const t = tempDir();
  const older = DEFAULT_WORLD.channels.map(({ hardBounce: _h, inbox: _i, tracked: _t, ...c }) => c);

  it("an older file: one line with the fields, every channel, and their defaults to add; nothing written", async () => {
    const file = t.write("old.json", JSON.stringify({ channels: older }));
    const r = await run("simulate", "scenarios/lifecycle.yaml", "--customers", "100", "--days", "7", "--world", file, "--out", join(t.dir, "o1"));
    expect(r).toMatchObject({
      code: 2,
      out: "",
      err: `${file}: world.channels: missing hardBounce, inbox, tracked (every channel): a world file gives every field of each channel (one written before a field existed lacks it): write it again with cadence fit --world-out, or add the fields with their defaults (email hardBounce 0.004, inbox 0.85, tracked 0.8; sms hardBounce 0.005, inbox 1, tracked 1; push hardBounce 0, inbox 1, tracked 1; mail hardBounce 0.01, inbox 1, tracked 0; call hardBounce 0.02, inbox 1, tracked 1)`,
    });
    expect(r.err.split("\n")).toHaveLength(1);
    expect(existsSync(join(t.dir, "o1"))).toBe(false);
  });

  it("channels missing different fields are named each with theirs; calibration reads the file the same way", async () => {
    const channels = DEFAULT_WORLD.channels.map((c, i) => {
      const { inbox: _i, tracked: _t, ...rest } = c;
      return i === 1 ? rest : i === 3 ? { ...c, tracked: undefined } : c; // undefined: left out of the JSON
    });
    const file = t.write("some.json", JSON.stringify({ channels }));
    expect((await run("calibration", "--world", file, "--customers", "100", "--days", "7")).err).toBe(
      `${file}: world.channels: missing inbox, tracked (sms); tracked (mail): a world file gives every field of each channel (one written before a field existed lacks it): write it again with cadence fit --world-out, or add the fields with their defaults (sms inbox 1, tracked 1; mail tracked 0)`,
    );
    // a complete file is read as before
    const whole = t.write("whole.json", JSON.stringify({ channels: DEFAULT_WORLD.channels }));
    expect((await run("explain", "scenarios/lifecycle.yaml", "--customer", "C0000001", "--customers", "100", "--days", "7", "--world", whole)).code).toBe(0);
  });
});

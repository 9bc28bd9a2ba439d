/**
 * explain --world FILE: a run made in a fitted world (simulate --world FILE, as cadence fit --world-out
 * writes it) is explained in that world. explain refused the flag, so the only timeline it could give
 * was the default world's, whose decisions differ from the run's.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../engine/cli/main.ts";
import { DEFAULT_WORLD } from "../../engine/sim/world-model.ts";
import { eachRecord } from "../../datasets/csv.ts";
import { capture } from "../capture.ts";

const dir = mkdtempSync(join(tmpdir(), "cadence-explain-world-"));
const run = (...args: string[]) => capture(() => main(args));
const size = ["--customers", "1000", "--days", "60", "--seed", "4"];

/** Each customer's decisions in simulate --out's messages.csv: time, status, rule, why. */
function decisionsOf(folder: string): Map<string, string[][]> {
  const rows: string[][] = [];
  eachRecord(join(folder, "messages.csv"), "comma", (f) => void rows.push(f));
  const col = (n: string) => rows[0].indexOf(n), by = new Map<string, string[][]>();
  for (const r of rows.slice(1)) {
    const id = r[col("customer")];
    by.set(id, [...by.get(id) ?? [], [r[col("time")], r[col("status")], r[col("rule")], r[col("why")]]]);
  }
  return by;
}

describe("explain --world FILE", () => {
  // as fit --world-out writes it: the five channels, e-mail opens measured at 90 % (default 20 %)
  const world = join(dir, "world.json");
  writeFileSync(world, JSON.stringify({ channels: DEFAULT_WORLD.channels.map((c, i) => (i === 0 ? { ...c, open: 0.9 } : c)) }, null, 2));

  it("explains a customer of a run made in a world file as that run decided, not as the default world would", async () => {
    const plain = join(dir, "plain"), fitted = join(dir, "fitted");
    expect((await run("simulate", "scenarios/lifecycle-capped.yaml", ...size, "--workers", "1", "--no-cache", "--out", plain)).code).toBe(0);
    expect((await run("simulate", "scenarios/lifecycle-capped.yaml", ...size, "--workers", "1", "--no-cache", "--world", world, "--out", fitted)).code).toBe(0);
    const before = decisionsOf(plain), after = decisionsOf(fitted);
    // a customer the world changed: with a pressure reason in the fitted run, decided otherwise by default
    const [id, mine] = [...after].find(([id, d]) => d.some((r) => r[3] !== "") && JSON.stringify(d) !== JSON.stringify(before.get(id) ?? []))!;
    expect(id).toBeDefined();
    const explain = async (...more: string[]) => {
      const r = await run("explain", "scenarios/lifecycle-capped.yaml", "--customer", id, ...size, "--json", ...more);
      expect(r).toMatchObject({ code: 0, err: "" });
      return JSON.parse(r.out).rows.filter((x: { kind: string }) => x.kind === "message").map((x: Record<string, string>) => [x.time, x.status, x.rule ?? "", x.why ?? ""]);
    };
    expect(await explain("--world", world)).toEqual(mine);
    expect(await explain()).toEqual(before.get(id) ?? []);
  }, 30_000);

  it("refuses a bad world file as simulate does, in one message naming it", async () => {
    const high = join(dir, "high.json");
    writeFileSync(high, JSON.stringify({ channels: DEFAULT_WORLD.channels.map((c, i) => (i === 0 ? { ...c, open: 1.5 } : c)) }));
    expect(await run("explain", "scenarios/lifecycle.yaml", "--customer", "C0000001", "--customers", "50", "--days", "7", "--world", high))
      .toMatchObject({ code: 2, out: "", err: `${high}: world.channels.email.open: expected a number from 0 to 1, got number 1.5` });
  });
});

/**
 * The no-plan baseline of a population and seed is the same for every plan and every variant: it is
 * computed once and reused — in memory for the life of the process (notebooks, sweeps, compare), and on
 * disk (the CLI) under a key that says exactly what produced it:
 *
 *   sha256(engine version, a hash of the engine's own source files, the population's identity
 *          (synthetic size, seed, start, days, world parameters; or the history's data hash and cut-off),
 *          the kind of figures cached)
 *
 * Hashing the engine's source (engine/core, engine/sim) means a changed simulator never reads a stale
 * baseline, even between releases. Values are plain JSON; the disk cache is one file per key in
 * `$CADENCE_CACHE` (default `.cadence-cache/` in the working directory). A cache that cannot be read
 * or written is skipped, never an error.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ENGINE_VERSION } from "../version.ts";

export type CacheMode = "memory" | "disk" | "off";

const MEMORY_SLOTS = 32;
const memory = new Map<string, unknown>();
let sourceHash: string | null = null;

/** sha256 of the engine's simulation and decision source files, read once per process. */
export function engineSourceHash(): string {
  if (sourceHash) return sourceHash;
  const h = createHash("sha256").update(ENGINE_VERSION);
  const engine = join(dirname(fileURLToPath(import.meta.url)), "..");
  for (const dir of ["core", "sim"]) {
    for (const f of readdirSync(join(engine, dir)).filter((f) => f.endsWith(".ts")).sort()) {
      h.update(`${dir}/${f}\0`).update(readFileSync(join(engine, dir, f)));
    }
  }
  return sourceHash = h.digest("hex");
}

/**
 * The cache key of figures of one kind for one population identity (Population.describe) over `days`:
 * a history population's identity is its data and cut-off, not the run's length, so the days are part
 * of the key (a 15-day baseline read back for a 273-day run made its incremental revenue 16 times too high).
 */
export function baselineKey(kind: string, population: string, days: number): string {
  return createHash("sha256").update(`${engineSourceHash()}\0${kind}\0${population}\0${days}`).digest("hex");
}

export const cacheDir = (): string => Deno.env.get("CADENCE_CACHE") ?? ".cadence-cache";

/** Counts of what the cache did in this process (tests read them to see a baseline reused). */
export const cacheStats = { memoryHits: 0, diskHits: 0, misses: 0 };

const fileOf = (key: string) => join(cacheDir(), "baselines", `${key}.json`);

/** The value under `key` if cached (memory, then disk), else undefined. */
export function peek<T>(key: string, mode: CacheMode): T | undefined {
  if (mode === "off") return undefined;
  if (memory.has(key)) {
    cacheStats.memoryHits++;
    const v = memory.get(key) as T;
    memory.delete(key), memory.set(key, v); // most recently used last
    return v;
  }
  if (mode !== "disk") return undefined;
  try {
    const v = JSON.parse(readFileSync(fileOf(key), "utf8")) as T;
    cacheStats.diskHits++;
    remember(key, v);
    return v;
  } catch {
    return undefined; // not cached yet, or unreadable
  }
}

/** Stores `value` under `key` (and on disk in "disk" mode); returns it. */
export function store<T>(key: string, mode: CacheMode, value: T): T {
  if (mode === "off") return value;
  remember(key, value);
  if (mode === "disk") {
    const file = fileOf(key);
    try {
      mkdirSync(dirname(file), { recursive: true });
      const tmp = `${file}.${Deno.pid}.tmp`; // written whole, then renamed: a reader never sees half a file
      writeFileSync(tmp, JSON.stringify(value));
      renameSync(tmp, file);
    } catch { /* a read-only directory: the memory cache still serves this process */ }
  }
  return value;
}

/**
 * The value under `key`, or `compute()` stored under it.
 * @example const figures = cached(baselineKey("run", pop.describe, days), "disk", () => baselineFigures(simulate(...)))
 */
export function cached<T>(key: string, mode: CacheMode, compute: () => T): T {
  const hit = peek<T>(key, mode);
  if (hit !== undefined) return hit;
  if (mode !== "off") cacheStats.misses++;
  return store(key, mode, compute());
}

function remember(key: string, v: unknown): void {
  memory.set(key, v);
  if (memory.size > MEMORY_SLOTS) memory.delete(memory.keys().next().value!);
}

/**
 * Forgets the in-memory entries (tests).
 * @example clearMemoryCache(); runPlan(plan, { cache: "memory" }) // simulates its no-plan baseline again (cacheStats.misses + 1)
 */
export function clearMemoryCache(): void {
  memory.clear();
}

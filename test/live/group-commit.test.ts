/**
 * Group commit (engine/live/group-commit.ts): requests queued together share one transaction; a
 * request announced but still being read is waited for (a few ms at most), so it joins the group
 * instead of paying a commit alone; a failing group falls back to one transaction per request.
 */
import { describe, expect, it } from "vitest";
import { GroupCommit } from "../../engine/live/group-commit.ts";

function counting(fail?: (x: number) => boolean, maxWaitMs?: number) {
  const groups: number[][] = [];
  const gc = new GroupCommit<number, number>((xs) => {
    if (fail && xs.some(fail)) throw new Error("bad input in the group");
    groups.push(xs);
    return xs.map((x) => x * 10);
  }, maxWaitMs);
  return { gc, groups };
}

describe("group commit", () => {
  it("waits for an announced request still being read, and commits both together", async () => {
    const { gc, groups } = counting(undefined, 5_000); // a long bound: a loaded machine may delay the 1 ms timer well past 5 ms
    const late = gc.arrive();
    const first = gc.submit(1);
    await new Promise((r) => setTimeout(r, 1)); // the second body is still being read
    const second = gc.submit(2);
    gc.leave(late);
    expect(await Promise.all([first, second])).toEqual([10, 20]);
    expect(groups).toEqual([[1, 2]]);
  });

  it("waits only a few milliseconds for a request that never comes", async () => {
    const { gc, groups } = counting();
    gc.arrive(); // never leaves
    const t0 = performance.now();
    expect(await gc.submit(1)).toBe(10);
    expect(performance.now() - t0).toBeLessThan(200);
    expect(groups).toEqual([[1]]);
  });

  it("retries each request alone when the group fails, so one bad request fails only itself", async () => {
    const { gc, groups } = counting((x) => x === 2);
    const results = await Promise.allSettled([gc.submit(1), gc.submit(2), gc.submit(3)]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(groups).toEqual([[1], [3]]);
  });
});

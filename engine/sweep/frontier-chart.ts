/**
 * The sweep's frontier chart: mean incremental margin against mean unsubscribes, one dot per variant,
 * with each mean's 95 % interval as a cross when there are replications. Both axes include zero, so a
 * gap between two dots reads as its true size; the subtitle says so.
 */
import { Plot, renderSvg } from "../charts/render.ts";
import type { SweepResult } from "./sweep.ts";

export function frontierSvg(r: SweepResult, title = "Incremental margin against unsubscribes"): string {
  const rank = { dominated: 0, "on the frontier": 1, knee: 2 } as const;
  const rows = r.variants.map((v) => {
    const u = v.metrics.unsubscribes!, m = v.metrics.incrementalMargin!;
    return {
      label: v.label,
      unsubscribes: u.mean,
      margin: m.mean,
      // a count cannot be negative: the t-interval's lower end is cut at zero
      uLo: Math.max(0, u.lo ?? u.mean), uHi: u.hi ?? u.mean, mLo: m.lo ?? m.mean, mHi: m.hi ?? m.mean,
      kind: (v.knee ? "knee" : v.frontier ? "on the frontier" : "dominated") as keyof typeof rank,
    };
  }).sort((a, b) => rank[a.kind] - rank[b.kind]); // frontier dots drawn over the dominated ones
  // variants landing on the same spot share one label
  const spots = new Map<string, { unsubscribes: number; margin: number; text: string[] }>();
  for (const x of rows) {
    const key = `${Math.round(x.unsubscribes * 10)}:${Math.round(x.margin)}`;
    const spot = spots.get(key) ?? { unsubscribes: x.unsubscribes, margin: x.margin, text: [] };
    spot.text.unshift(x.kind === "knee" ? `${x.label} (knee)` : x.label);
    spots.set(key, spot);
  }
  const labels = [...spots.values()].map((s) => ({ ...s, text: s.text.join(" / ") }));
  const frontier = rows.filter((x) => x.kind !== "dominated").sort((a, b) => a.unsubscribes - b.unsubscribes);
  const reps = r.replications ?? 1;
  const means = reps > 1 ? `Means of ${reps} seeds, crosses: 95 % intervals.` : "One seed, no intervals.";
  const knee = r.variants.some((v) => v.knee) ? "Blue: frontier, red: knee, grey: dominated." : "Blue: frontier (< 3 points: no knee), grey: dominated.";
  return renderSvg({
    title,
    subtitle: `Up and left is better. ${knee} ${means}`,
    width: 820,
    height: 460,
    marginLeft: 60,
    marginRight: 60,
    grid: true,
    x: { label: "unsubscribes (mean) →", nice: true, domain: [0, Math.max(1, ...rows.map((x) => x.uHi))] },
    y: { label: null, nice: true, zero: true, tickFormat: "~s" },
    color: { domain: ["knee", "on the frontier", "dominated"], range: ["#d62728", "#1f77b4", "#aaaaaa"] },
    marks: [
      Plot.ruleY([0], { stroke: "#888" }),
      Plot.line(frontier, { x: "unsubscribes", y: "margin", stroke: "#1f77b4", strokeOpacity: 0.6 }),
      ...(reps > 1
        ? [
          Plot.link(rows, { x1: "uLo", x2: "uHi", y1: "margin", y2: "margin", stroke: "kind", strokeOpacity: 0.5 }),
          Plot.link(rows, { x1: "unsubscribes", x2: "unsubscribes", y1: "mLo", y2: "mHi", stroke: "kind", strokeOpacity: 0.5 }),
        ]
        : []),
      Plot.dot(rows, { x: "unsubscribes", y: "margin", fill: "kind", r: 5 }),
      Plot.text(labels, { x: "unsubscribes", y: "margin", text: "text", dy: -10, fontSize: 10, fill: "#333" }),
      Plot.text(["incremental margin (mean) ↑ · both axes start at zero"], { frameAnchor: "top-left", dx: 4, dy: 8, fontSize: 11, fill: "#555", textAnchor: "start" }),
    ],
  });
}

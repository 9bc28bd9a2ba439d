/**
 * The sweep's frontier chart: mean incremental margin against mean unsubscribes, one dot per variant,
 * with each mean's 95 % interval as a cross when there are replications. Both axes include zero, so a
 * gap between two dots reads as its true size; the subtitle says so.
 *
 * The axes fit the means, not the intervals: with two seeds an interval can be ten times as wide as
 * the spread of the means and squeezed every dot into a corner, so the crosses are cut at the frame.
 * Each dot carries a number and the key at the right names it: variant labels written beside close
 * dots ran into one another ("cap=3cap=4+2"). Variants on the same spot share one dot and one number.
 * When the key would not fit beside the frame (more than about 30 spots), only the frontier's dots are
 * numbered and the key counts the dominated ones; when even the frontier's key does not fit, the chart grows.
 */
import { Plot, renderSvg } from "../charts/render.ts";
import { whole } from "../report/html.ts";
import { noKnee, type SweepResult } from "./sweep.ts";

const compactFmt = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });
/** Axis numbers as the report's charts write them: 0, 500, −1.5K (d3's "~s" wrote 0k and −0.5k). */
const compact = (x: number) => compactFmt.format(x === 0 ? 0 : x);
// The text alternative's margins are written with `whole`, as the page's table writes them (1,180, and
// -2.5 as -3, not Math.round's -2): compact, variants 40 apart both read "1.2K margin" and the knee could
// not be told from its neighbour.

const HEIGHT = 460, KEY_LINE = 11;
/** The key's lines beside the frame (460 px, less the title's 64, the axis' 30 and a gap), and their characters in the 220 px margin at 11 px. */
const KEY_ROOM = 32, KEY_CHARS = 34;

/** A key entry cut into lines of at most KEY_CHARS at its spaces, continued lines indented under the label. */
export function keyLines(text: string): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/(?<=\s)(?=\S)/)) {
    if (line && (line + word).trimEnd().length > KEY_CHARS) lines.push(line.trimEnd()), line = "    ";
    line += word;
  }
  return [...lines, line.trimEnd()];
}

/** Variants on one spot, as the key names them: the first three, then how many more (13 at one spot filled the key). */
const sameSpot = (labels: string[]) => labels.length > 3 ? `${labels.slice(0, 3).join(", ")} and ${labels.length - 3} more` : labels.join(", ");

/** @example writeFileSync("frontier.svg", frontierSvg(result, "lifecycle-capped: incremental margin against unsubscribes", "EUR")) */
export function frontierSvg(r: SweepResult, title = "Incremental margin against unsubscribes", currency?: string): string {
  const rank = { dominated: 0, "on the frontier": 1, knee: 2 } as const;
  const rows = r.variants.map((v, order) => {
    const u = v.metrics.unsubscribes!, m = v.metrics.incrementalMargin!;
    return {
      label: v.label,
      order,
      unsubscribes: u.mean,
      margin: m.mean,
      // a count cannot be negative: the t-interval's lower end is cut at zero
      uLo: Math.max(0, u.lo ?? u.mean), uHi: u.hi ?? u.mean, mLo: m.lo ?? m.mean, mHi: m.hi ?? m.mean,
      kind: (v.knee ? "knee" : v.frontier ? "on the frontier" : "dominated") as keyof typeof rank,
    };
  }).sort((a, b) => rank[a.kind] - rank[b.kind]); // frontier dots drawn over the dominated ones
  // variants landing on the same spot share one number
  const spots = new Map<string, { unsubscribes: number; margin: number; text: string[] }>();
  const frontierSpot = new Set<{ text: string[] }>();
  for (const x of [...rows].sort((a, b) => a.order - b.order)) {
    const key = `${Math.round(x.unsubscribes * 10)}:${Math.round(x.margin)}`;
    const spot = spots.get(key) ?? { unsubscribes: x.unsubscribes, margin: x.margin, text: [] };
    spot.text.push(x.kind === "knee" ? `${x.label} (knee)` : x.label);
    if (x.kind !== "dominated") frontierSpot.add(spot);
    spots.set(key, spot);
  }
  // numbered left to right; neighbours' numbers alternate above and below their dots. Past what the key
  // holds beside the frame, only the frontier is numbered: 48 variants' key ran past the chart's foot
  // (entries 27 to 30 were cut off) and their numbers piled on one another among the dominated dots
  const ordered = [...spots.values()].sort((a, b) => a.unsubscribes - b.unsubscribes || b.margin - a.margin);
  const entry = (s: typeof ordered[number], n: number) => `${n}  ${s.text.length > 1 ? `${sameSpot(s.text)} (same point)` : s.text[0]}`;
  const all = ordered.map((s, i) => keyLines(entry(s, i + 1)));
  const onlyFrontier = all.flat().length > KEY_ROOM && frontierSpot.size < ordered.length;
  const numbered = onlyFrontier ? ordered.filter((s) => frontierSpot.has(s)) : ordered;
  const labels = numbered.map((s, i) => ({ ...s, n: String(i + 1), dy: i % 2 ? 15 : -11 }));
  const named = (s: typeof ordered[number]) => s.text.length > 1 ? `${s.text.join(", ")} (same point)` : s.text[0];
  const unnumbered = rows.length - numbered.reduce((k, s) => k + s.text.length, 0);
  const key = [
    ...numbered.flatMap((s, i) => keyLines(entry(s, i + 1))),
    ...(onlyFrontier ? keyLines(`grey dots: ${unnumbered.toLocaleString("en-US")} dominated variants, unnumbered (all in the table and sweep.csv)`) : []),
  ];
  // the chart grows when even the frontier's key is taller than the frame
  const height = Math.max(HEIGHT, HEIGHT + (key.length - KEY_ROOM) * KEY_LINE);
  const frontier = rows.filter((x) => x.kind !== "dominated").sort((a, b) => a.unsubscribes - b.unsubscribes);
  const reps = r.replications ?? 1;
  const means = reps > 1 ? `Means of ${reps} seeds, crosses: 95 % intervals (cut at the frame: the axes fit the means).` : "One seed, no intervals.";
  const why = noKnee(r.variants);
  const knee = !why ? "Blue: frontier, red: knee, grey: dominated." : `Blue: frontier (${why.includes("fewer") ? "< 3 points" : "no bend"}: no knee), grey: dominated.`;
  const margins = rows.map((x) => x.margin);
  const yPad = 0.08 * (Math.max(0, ...margins) - Math.min(0, ...margins) || 1);
  return renderSvg({
    title,
    subtitle: `Up and left is better. ${knee} ${means}`,
    ariaLabel: `${title}: ${ordered.map((l) => `${named(l)}: ${whole(l.margin)}${currency ? ` ${currency}` : ""} margin, ${Number(l.unsubscribes.toFixed(1)).toLocaleString("en-US")} unsubscribes`).join("; ")}`,
    width: 960,
    height,
    marginLeft: 60,
    marginRight: 220,
    grid: true,
    x: { label: "unsubscribes (mean) →", nice: true, domain: [0, Math.max(1, ...rows.map((x) => x.unsubscribes)) * 1.08] },
    y: { label: null, nice: true, domain: [Math.min(0, ...margins) - (Math.min(...margins) < 0 ? yPad : 0), Math.max(0, ...margins) + yPad], tickFormat: compact },
    color: { domain: ["knee", "on the frontier", "dominated"], range: ["#d62728", "#1f77b4", "#aaaaaa"] },
    marks: [
      Plot.ruleY([0], { stroke: "#888" }),
      Plot.line(frontier, { x: "unsubscribes", y: "margin", stroke: "#1f77b4", strokeOpacity: 0.6 }),
      ...(reps > 1
        ? [
          Plot.link(rows, { x1: "uLo", x2: "uHi", y1: "margin", y2: "margin", stroke: "kind", strokeOpacity: 0.5, clip: true }),
          Plot.link(rows, { x1: "unsubscribes", x2: "unsubscribes", y1: "mLo", y2: "mHi", stroke: "kind", strokeOpacity: 0.5, clip: true }),
        ]
        : []),
      Plot.dot(rows, { x: "unsubscribes", y: "margin", fill: "kind", r: 5 }),
      ...[-11, 15].map((dy) => Plot.text(labels.filter((l) => l.dy === dy), { x: "unsubscribes", y: "margin", text: "n", dy, fontSize: 11, fontWeight: "bold", fill: "#333" })),
      Plot.text([key.join("\n")], { frameAnchor: "top-right", dx: 14, dy: 4, textAnchor: "start", lineAnchor: "top", lineHeight: KEY_LINE / 11, fontSize: 11, fill: "#333" }),
      Plot.text([`incremental margin (mean${currency ? `, ${currency}` : ""}) ↑ · both axes start at zero`], { frameAnchor: "top-left", dx: 4, dy: 8, fontSize: 11, fill: "#555", textAnchor: "start" }),
    ],
  });
}

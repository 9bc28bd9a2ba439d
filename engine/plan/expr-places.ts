/**
 * Where a plan's expression is evaluated decides which names have a value there (docs/plan-format.md
 * "Expressions"): `event.*` is the triggering event, set only while a trigger condition is read;
 * `journey.*` is the running instance, set only in its branch conditions; `message.*` is the message a
 * weighted rule weighs. Anywhere else the core reads them as null or false, so an audience
 * `consent.email && !journey.clicked` chose no one and a threshold `message.channel == "sms" ? 1 : 3`
 * was always 3, without a word. The loader refuses them there, naming where they are read.
 */
import type { Path } from "./errors.ts";

/** The places an expression may stand, as far as its names are concerned. */
export type Place = "trigger" | "branch" | "weight" | "customer";

const GROUPS: { prefix: string; place: Place; reads: string }[] = [
  { prefix: "event.", place: "trigger", reads: "is the event that starts a journey, read in its trigger condition only" },
  { prefix: "journey.", place: "branch", reads: "is the running journey instance, read in its branch conditions only" },
  { prefix: "message.", place: "weight", reads: "is the message a weighted rule weighs, read in a rule's weight only" },
];

/** The place of the expression at a plan path (its field names are the plan's). @example placeOf(["programs", 0, "trigger", "condition"]) // "trigger" */
export function placeOf(path: Path): Place {
  const [before, last] = path.slice(-2);
  if (before === "trigger" && last === "condition") return "trigger";
  if (before === "branch" && last === "if") return "branch";
  if (path[0] === "pressure" && last === "weight") return "weight";
  return "customer";
}

/** What a field is, in words, for the message. */
function described(path: Path): string {
  const last = path[path.length - 1];
  if (last === "condition") return "a trigger condition";
  if (last === "if") return "a branch condition";
  if (last === "audience") return "an audience";
  if (last === "score") return "a targeting score";
  if (last === "priority") return "a priority";
  if (last === "cap") return "a cap";
  if (last === "threshold") return "a threshold";
  return "this field";
}

/**
 * The problem with the names an expression reads at `path`, or null when each has a value there.
 * @example misplaced(["journey.clicked"], ["programs", 1, "audience"]) // "'journey.clicked' has no value in an audience: …"
 */
export function misplaced(refs: Iterable<string>, path: Path): string | null {
  const place = placeOf(path);
  for (const ref of refs) {
    const g = GROUPS.find((x) => ref.startsWith(x.prefix));
    if (g && g.place !== place) return `'${ref}' has no value in ${described(path)}: ${g.prefix}* ${g.reads}`;
  }
  return null;
}

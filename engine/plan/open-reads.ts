/**
 * `journey.opened` and `journey.clicked` say whether a message of the running journey instance was opened
 * or clicked; they only turn true when time passes after one of its sends. A branch read right after the
 * send (no wait, or `wait: 0`, as `programs/welcome` with `reminderAfter: 0` gave) is at the send's own
 * minute: the condition is always false, so "if not opened" follow-ups went to everyone, without a word.
 * The loader refuses such a branch, at the zero wait when there is one (a template's `with:` line).
 */
import { formatPath, type Path } from "./errors.ts";
import type { Step } from "./types.ts";

/** A branch condition that reads a journey's opens or clicks before any could have happened. */
export interface EarlyRead {
  path: Path;
  message: string;
}

interface State {
  sent: boolean; // some path here went through a send of the journey
  waited: boolean; // some path here let time pass after a send (a wait above 0, a waitFor)
  zeroWait: Path | null; // a wait of 0 after the last send of this list, to blame
}

/**
 * The branches of a journey's steps that read `journey.opened`/`journey.clicked` while none of its messages
 * can have been opened. `reads` gives the names a condition reads.
 * @example earlyReads(steps, ["programs", 0, "steps"], (c) => refsOf(c)) // [{ path: [..., "wait"], message: "…" }]
 */
export function earlyReads(steps: Step[], path: Path, reads: (condition: string) => Iterable<string>): EarlyRead[] {
  const found: EarlyRead[] = [];
  walk(steps, path, { sent: false, waited: false, zeroWait: null }, reads, found);
  return found;
}

function walk(steps: Step[], path: Path, state: State, reads: (c: string) => Iterable<string>, found: EarlyRead[]): State {
  let s = state;
  for (const [k, step] of steps.entries()) {
    const sp = [...path, k];
    switch (step.kind) {
      case "send":
        s = { sent: true, waited: s.waited, zeroWait: null };
        break;
      case "wait":
        s = step.duration > 0 ? { ...s, waited: s.waited || s.sent, zeroWait: null } : { ...s, zeroWait: s.sent ? [...sp, "wait"] : s.zeroWait };
        break;
      case "waitFor": {
        const after = { ...s, waited: s.waited || s.sent, zeroWait: null };
        s = merge(walk(step.then, [...sp, "waitFor", "then"], after, reads, found), walk(step.onTimeout, [...sp, "waitFor", "onTimeout"], after, reads, found));
        break;
      }
      case "branch": {
        const name = [...reads(step.condition)].find((ref) => ref === "journey.opened" || ref === "journey.clicked");
        if (name && !s.waited) found.push(early(name, [...sp, "branch", "if"], s));
        s = merge(walk(step.then, [...sp, "branch", "then"], s, reads, found), walk(step.else, [...sp, "branch", "else"], s, reads, found));
        break;
      }
      case "split":
        s = step.arms.map((a, i) => walk(a.steps, [...sp, "split", i, "steps"], s, reads, found)).reduce(merge);
        break;
      case "exit":
        return s;
    }
  }
  return s;
}

function merge(a: State, b: State): State {
  return { sent: a.sent || b.sent, waited: a.waited || b.waited, zeroWait: a.zeroWait ?? b.zeroWait };
}

function early(name: string, ifPath: Path, s: State): EarlyRead {
  const what = name === "journey.opened" ? "opened" : "clicked";
  if (!s.sent) {
    return { path: ifPath, message: `'${name}' is always false here: the journey sends nothing before this branch, so no message of it can have been ${what}; send first, then wait (such as 3d), then branch` };
  }
  if (s.zeroWait) {
    return {
      path: s.zeroWait,
      message: `a wait of 0 before the branch at ${formatPath(ifPath)}, which reads '${name}': no time passes after the send, so its message cannot have been ${what} yet and the condition is always false; expected a wait above 0, such as 3d`,
    };
  }
  return { path: ifPath, message: `'${name}' is always false here: no wait above 0 (or waitFor) lies between the journey's send and this branch, so its message cannot have been ${what} yet; put a wait such as 3d before the branch` };
}

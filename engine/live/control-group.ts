/**
 * The global control group: a share of customers who get no marketing message (transactional ones
 * still go), chosen by a stable hash of their id and a salt — so membership survives restarts and
 * re-imports, and changing the salt draws a new group.
 *
 * A plan is measured against the group it was promoted with: the share and salt are recorded in its
 * row (plans.control), a server is refused while that plan is live or paused if its flags name another
 * group (the engine would withhold from one group while the metrics compared another), and a server
 * started without the flags takes the recorded ones.
 */
import { hashString, uniform } from "../core/hash.ts";
import { InputError } from "../plan/errors.ts";
import type { PlanRow, Store } from "./store.ts";
import { FLAG_TEXT, type SettingText } from "./setting-text.ts";

const CONTROL = 0xc0_47_01;

export interface ControlGroup {
  share: number; // 0 ≤ share < 1
  salt: string;
}

/** No control group: what a server gets without --control-share. */
export const NO_CONTROL: ControlGroup = { share: 0, salt: "cadence" };

export function inControl(g: ControlGroup, id: string): boolean {
  return g.share > 0 && uniform(hashString(g.salt), hashString(id), CONTROL, 0) < g.share;
}

/** Two settings that draw the same group (every salt draws nobody at share 0). */
export function sameGroup(a: ControlGroup, b: ControlGroup): boolean {
  return a.share === b.share && (a.share === 0 || a.salt === b.salt);
}

/** The group a plan was promoted with; null for a plan never promoted, or promoted before it was recorded. */
export function recordedControl(plan: PlanRow): ControlGroup | null {
  return plan.control ? JSON.parse(plan.control) as ControlGroup : null;
}

/**
 * The group a server starts with: the flags given (`flags`, either field may be missing), the rest
 * taken from the live or paused plan's record, else from NO_CONTROL. Refused (one line, naming both
 * settings and the ways out) when the flags name another group than the running plan's.
 */
export function controlAtStart(store: Store, flags: Partial<ControlGroup> = {}, given: SettingText = FLAG_TEXT): ControlGroup {
  const running = store.listPlans().filter((p) => p.state === "live" || p.state === "paused").at(-1);
  const recorded = running ? recordedControl(running) : null;
  const g = { ...NO_CONTROL, ...recorded, ...defined(flags) };
  if (running && recorded && !sameGroup(g, recorded)) {
    throw new InputError(
      `${given("control-share", g.share)} ${given("control-salt", g.salt)}: plan ${running.id} (${running.state}) is measured on control share ${recorded.share} with salt ${recorded.salt}; ` +
        `restart with ${given("control-share", recorded.share)} ${given("control-salt", recorded.salt)} (or without both); to measure on a new group, retire plan ${running.id} on a server with its settings, then start with the new ones and promote a plan again`,
    );
  }
  return g;
}

function defined(o: Partial<ControlGroup>): Partial<ControlGroup> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

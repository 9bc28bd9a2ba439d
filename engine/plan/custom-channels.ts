/**
 * Custom channels (issue 11 #11): a plan may declare channels beyond the five built-in ones (an in-app
 * message, web personalisation, a social custom audience, a store voucher...) under `channels:`, beside
 * the built-in ones and with the same fields, plus what only a custom channel needs: where its consent
 * comes from (a customer attribute), its default settings (`like:` a built-in channel, or the neutral
 * defaults below) and how the simulated world answers it (`response:`). The built-in channels keep
 * their calibrated responses (engine/sim/world-model.ts), changed only through `world.channels`.
 * Reference: docs/plan-format.md "Custom channels", docs/world-model.md "Custom channels".
 */
import { BUILTIN_CHANNELS, CHANNELS, MAX_CHANNELS } from "../core/channels.ts";
import { DAY } from "../core/time.ts";
import { DEFAULT_WORLD } from "../sim/world-model.ts";
import { SERIES } from "../sim/metrics.ts";
import { closest, type Path, type Reporter } from "./errors.ts";
import * as f from "./fields.ts";
import { checkWorldNumber, rangeOf } from "./world-ranges.ts";
import type { Channel, CustomChannel } from "./types.ts";

/** Fields of a custom channel's `response:` (engine/sim/world-model.ts ChannelResponse). */
export const RESPONSE_FIELDS = [...Object.keys(DEFAULT_WORLD.channels[0]), "gapDays"];
export const CUSTOM_ONLY = ["like", "consentShare", "response"];
const NAME = /^[a-z][a-z0-9_]{0,31}$/;

/**
 * A custom channel's settings when the plan gives neither them nor `like:`: an owned digital channel
 * that costs nothing per contact, lands at once, at any hour, and answers modestly. Assumptions, not
 * benchmarks (docs/world-model.md "Custom channels" gives the reasoning): a plan that relies on a custom
 * channel's figures should state them.
 */
export const CUSTOM_DEFAULTS = {
  settings: { cost: 0, latency: 0, window: null, maxDefer: DAY, capacity: null } as Omit<Channel, "consent">,
  consentShare: 0.3,
  response: {
    deliver: 1, hardBounce: 0, inbox: 1, open: 0.1, click: 0.1, tracked: 1, convert: 0.05, lift: 0.0002,
    unsubscribe: 0.001, complain: 0, fatigueWeight: 1, openDelay: 60,
  } as Record<string, number>,
};

/** Whether `name` is a custom channel's name a plan may use, or why not. */
export function customNameProblem(name: string): string | null {
  if (!NAME.test(name)) return `a custom channel's name is lower-case letters, digits and '_' (at most 32, starting with a letter), e.g. in_app`;
  const bare = (s: string) => s.toLowerCase().replace(/[-_\s]/g, "");
  const clash = CHANNELS.find((b) => bare(b) === bare(name) && b !== name);
  if (clash) return `'${name}' is too close to the built-in channel '${clash}': use '${clash}' itself, or another name`;
  if (name === "none" || name === "all") return `'${name}' is a reserved word, not a channel name`;
  // a run's daily series are keyed by channel name beside these (engine/sim/metrics.ts)
  if ((SERIES as readonly string[]).includes(name) || name === "baselineRevenue") return `'${name}' names one of a run's daily series (${SERIES.join(", ")}): a channel needs another name`;
  return null;
}

/**
 * Validates what only a custom channel declares (consent, like, consentShare, response); returns it
 * with the defaults of its settings (`like:`'s from `builtin`, else the neutral ones), which the caller
 * reads as for a built-in channel; null when the name cannot be a custom channel.
 * @example validateCustomChannel(r, "in_app", { consent: "attr.app_user", like: "push" }, ["channels", "in_app"], 5, CHANNEL_DEFAULTS)
 */
export function validateCustomChannel(
  r: Reporter, name: string, c: f.Obj, path: Path, index: number, builtin: Record<string, Omit<Channel, "consent">>,
): { custom: CustomChannel; defaults: Omit<Channel, "consent"> } | null {
  if (c.consent === undefined) {
    const hint = closest(name, CHANNELS);
    r.error([...path], `unknown channel '${name}'${hint ? `; did you mean '${hint}'?` : ""} The built-in channels are ${CHANNELS.join(", ")}; a custom channel must say where its consent comes from: consent: attr.<attribute> (a truthy customer attribute) or consent: none`);
    return null;
  }
  const problem = customNameProblem(name);
  if (problem) {
    r.error(path, problem);
    return null;
  }
  if (index >= MAX_CHANNELS) {
    r.error(path, `too many channels: '${name}' would be number ${index + 1}; a plan has at most ${MAX_CHANNELS - BUILTIN_CHANNELS} custom channels beside the ${BUILTIN_CHANNELS} built-in ones, because consents are a bit per channel in 16 bits`);
    return null;
  }
  let attribute: string | null = null;
  const m = typeof c.consent === "string" ? /^attr\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(c.consent) : null;
  if (m) attribute = m[1];
  else if (c.consent !== "none") {
    r.error([...path, "consent"], `a custom channel's consent is attr.<attribute> (customers whose attribute is truthy agreed, e.g. attr.app_user) or none, got ${f.describe(c.consent)}`);
  }
  const like = c.like === undefined ? null : f.choice(r, c.like, [...path, "like"], CHANNELS, "push");
  const li = like === null ? -1 : CHANNELS.indexOf(like);
  // the calibrated figures of the channel it is like (docs/world-model.md), else the neutral ones, then the plan's
  const response: Record<string, number> = li >= 0 ? { ...DEFAULT_WORLD.channels[li] } as unknown as Record<string, number> : { ...CUSTOM_DEFAULTS.response };
  if (c.response !== undefined) {
    const o = f.object(r, c.response, [...path, "response"], RESPONSE_FIELDS) ?? {};
    for (const [k, v] of Object.entries(o)) {
      if (!RESPONSE_FIELDS.includes(k)) continue;
      // the world's answer to a channel: the ranges of world.channels (docs/world-model.md, "Ranges")
      const before = r.problems.length, x = checkWorldNumber(r, v, [...path, "response", k], rangeOf(`channels.*.${k}`));
      if (r.problems.length === before) response[k] = x;
    }
  }
  const consentShare = f.number(r, c.consentShare, [...path, "consentShare"], 0, 1, li >= 0 ? DEFAULT_WORLD.consents[li] : CUSTOM_DEFAULTS.consentShare);
  return { custom: { attribute, consentShare, like, response }, defaults: li >= 0 ? builtin[like!] : CUSTOM_DEFAULTS.settings };
}

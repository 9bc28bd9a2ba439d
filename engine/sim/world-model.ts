/**
 * The simulated world's parameters: priors of the synthetic population and the response model, with
 * their sources in docs/world-model.md. Every figure here is a default a caller may override.
 */
import { CHANNELS } from "../core/channels.ts";
import type { Seasonality } from "./time-profile.ts";
export interface ChannelResponse {
  deliver: number; // P(delivered | sent) for a live address: 1 − soft bounces
  hardBounce: number; // share of addresses that are dead: their first send hard-bounces and the channel is lost for good
  inbox: number; // P(inbox | delivered) at a good sender reputation; the rest lands in spam, unseen
  open: number; // P(opened | delivered), broadcast, mean affinity, at the reference cadence (human opens)
  click: number; // P(came to the site | opened) at the reference cadence: tracked clicks and untracked visits
  tracked: number; // share of those visits that are tracked clicks (the rest come by typing the address)
  convert: number; // P(incremental purchase | came), relevance 1, an active recent buyer
  lift: number; // P(an extra purchase within days | delivered, not clicked): the view-through halo
  unsubscribe: number; // P(opt-out | delivered) at the reference cadence
  complain: number; // P(spam complaint | delivered) at the reference cadence
  fatigueWeight: number; // how much one delivered contact adds to fatigue
  openDelay: number; // mean minutes from delivery to open
  gapDays?: number; // the cadence its benchmarks were measured at, when not the world's referenceGapDays
}

export interface WorldModel {
  // population priors (synthetic generator)
  purchase: { r: number; alpha: number; a: number; b: number }; // BG/NBD, rates per week
  spend: { p: number; q: number; gamma: number; scale: number }; // gamma-gamma, scaled to an apparel basket
  prospectShare: number; // share of the existing base that signed up but never bought
  prospectRateFactor: number; // a prospect's first-purchase rate relative to their latent rate
  newSignupShare: number; // share of the population that signs up during the run
  tenureYears: number; // existing customers signed up uniformly over this many years before the start
  visitsPerPurchase: number; // identified site visits per purchase
  baseVisitsPerWeek: number; // visits of a customer who no longer buys
  cartAbandon: number; // P(cart abandoned | visit)
  alertsPerVisit: number; // product alerts (back in stock, price drop) that fire, per visit
  movesPerYear: number; // address changes per customer per year
  renewalNoticeDays: number; // a membership renews on each sign-up anniversary; subscription_expiring fires this many days before
  consents: number[]; // P(consent) per channel: email, sms, push, mail (postal address), call (phone)
  timezones: [number, number][]; // [UTC offset minutes, share]
  birthdayKnown: number;
  affinitySigma: number; // log-normal spread of channel affinity
  sensitivitySigma: number; // log-normal spread of fatigue sensitivity
  // response
  channels: ChannelResponse[]; // by channel index
  relevance: { triggered: number; targeted: number; broadcast: number }; // multiplies open and click
  fatigueHalfLifeDays: number;
  fatigueScale: number; // response is divided by (1 + fatigue / fatigueScale)
  fatigueOptOut: number; // opt-out and complaint odds rise by fatigue / fatigueOptOut
  leaveRate: number; // P(leave the brand | delivered) = leaveRate × (fatigue / fatigueScale)²
  disengagedAt: number; // fatigue at or above which a customer counts as disengaged
  conversionDelay: number; // mean minutes click → purchase
  liftDays: number; // mean days until a halo purchase
  // --- issue 11: cadence, who a message moves, discounts, intent, deliverability, measurement
  referenceGapDays: number; // channel rates are benchmarks measured at one send of that channel every this many days
  openBoost: { triggered: number; targeted: number; broadcast: number }; // × √relevance on opens, by program kind
  state: { dormant: number; prospect: number; lapsed: number; lapsedDays: number }; // incremental conversion × these, by purchase state
  pullForwardDays: number; // a purchase already due within this many days is pulled forward by a message, not added
  pullForwardConvert: number; // P(purchase | came, a purchase already due within pullForwardDays)
  attributionDays: number; // an organic purchase within this many days of a click or visit is attributed to the message
  discount: { gain: number; scale: number; redeemAnyway: number; validDays: number }; // response × (1 + gain(1 − e^(−d/scale)))
  cartBeforePurchase: number; // share of organic purchases preceded by an abandoned cart (purchase intent)
  cartLeadHours: number; // mean hours from that cart to the purchase
  transactionalOpen: number; // P(opened | delivered) of a transactional message (order confirmation)
  /**
   * complaint rate → inbox placement. `lagDays`: a day's deliveries and complaints move the placement
   * from `lagDays` days later (whole days, 1 … 28; docs/world-model.md, "Deliverability")
   */
  reputation: { halfLifeDays: number; goodBelow: number; worstAt: number; worstInbox: number; lagDays: number };
  machineOpens: number; // share of e-mail recipients whose client opens every delivered message (Apple Mail Privacy Protection)
  seasonality: Seasonality; // when organic purchases, carts and visits happen (local time; engine/sim/time-profile.ts)
}

// click (came to the site | opened) and convert are fitted on Kevin Hillstrom's e-mail experiment
// (MineThatData 2008, ../shared/data/hillstrom): a simulated broadcast to each arm reproduces its visit,
// conversion and spend lift within the 95 % intervals (engine/fit/email-calibration.ts; docs/world-model.md).
// Every other rate is a published benchmark measured on lists mailed about weekly (docs/calibration.md).
const email: ChannelResponse = {
  deliver: 0.994, hardBounce: 0.004, inbox: 0.85, open: 0.2, click: 0.15, tracked: 0.8, convert: 0.055, lift: 0.0002,
  unsubscribe: 0.0014, complain: 0.00012, fatigueWeight: 1, openDelay: 180,
};

export const DEFAULT_WORLD: WorldModel = {
  purchase: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
  spend: { p: 6.25, q: 3.74, gamma: 15.44, scale: 2 },
  prospectShare: 0.25,
  prospectRateFactor: 0.5,
  newSignupShare: 0.15,
  tenureYears: 3,
  visitsPerPurchase: 6,
  baseVisitsPerWeek: 0.05,
  cartAbandon: 0.12,
  alertsPerVisit: 0.02,
  movesPerYear: 0.1,
  renewalNoticeDays: 30,
  consents: [0.7, 0.35, 0.25, 0.9, 0.5],
  timezones: [[60, 0.8], [0, 0.1], [120, 0.05], [-300, 0.05]],
  birthdayKnown: 0.6,
  affinitySigma: 0.5,
  sensitivitySigma: 0.6,
  channels: [
    email,
    // SMS: Klaviyo SMS benchmarks (click ≈ 6 %+, opt-out 0.6–1 % per send); read rate an assumption
    { deliver: 0.98, hardBounce: 0.005, inbox: 1, open: 0.9, click: 0.085, tracked: 1, convert: 0.06, lift: 0.001, unsubscribe: 0.007, complain: 0.0003, fatigueWeight: 3, openDelay: 10 },
    // push: open 2–6 % (Braze)
    { deliver: 0.9, hardBounce: 0, inbox: 1, open: 0.045, click: 0.5, tracked: 1, convert: 0.05, lift: 0.0003, unsubscribe: 0.003, complain: 0, fatigueWeight: 0.5, openDelay: 30 },
    // direct mail: response ≈ 9 % for house lists (ANA/DMA 2018) = read × came
    { deliver: 0.97, hardBounce: 0.01, inbox: 1, open: 0.5, click: 0.18, tracked: 0, convert: 0.12, lift: 0.002, unsubscribe: 0.0005, complain: 0, fatigueWeight: 2, openDelay: 1440, gapDays: 28 },
    // call centre: no public benchmark at hand, assumptions
    { deliver: 0.4, hardBounce: 0.02, inbox: 1, open: 0.9, click: 0.3, tracked: 1, convert: 0.12, lift: 0.005, unsubscribe: 0.01, complain: 0.002, fatigueWeight: 5, openDelay: 0 },
  ],
  relevance: { triggered: 1.8, targeted: 1.5, broadcast: 1 },
  fatigueHalfLifeDays: 14,
  fatigueScale: 4,
  fatigueOptOut: 2,
  leaveRate: 0.0005,
  disengagedAt: 6,
  conversionDelay: 30,
  liftDays: 3,
  referenceGapDays: 7,
  // × √relevance: triggered opens 1.05 × √1.8 = 1.41 × broadcast before fatigue, 1.8–1.9 × at the same
  // cadence (the customers a trigger picks are the engaged ones), clicks 3.0–3.2 ×: inside Epsilon's
  // published quarters (opens × 1.65–1.95, clicks × 2.0–3.3; `cadence calibration`, seeds 1–4). Until
  // 2026-11-26 relevance 2 and boost 1.15 gave 2.11 × and 3.82 ×, above them
  openBoost: { triggered: 1.05, targeted: 1, broadcast: 1 },
  state: { dormant: 0.05, prospect: 0.15, lapsed: 0.25, lapsedDays: 365 },
  pullForwardDays: 10,
  pullForwardConvert: 0.3,
  attributionDays: 5,
  discount: { gain: 1, scale: 0.15, redeemAnyway: 0.6, validDays: 14 },
  cartBeforePurchase: 0.2,
  cartLeadHours: 24,
  transactionalOpen: 0.6,
  reputation: { halfLifeDays: 7, goodBelow: 0.001, worstAt: 0.003, worstInbox: 0.5, lagDays: 2 },
  machineOpens: 0,
  // Assumptions in the shape of French online retail (FEVAD's yearly reports: evening peak, Sunday and
  // Monday strongest, sales in January and late June, Black Friday to Cyber Monday, Christmas); docs/world-model.md
  seasonality: {
    hours: [0.8, 0.45, 0.25, 0.15, 0.12, 0.15, 0.3, 0.6, 0.9, 1.1, 1.2, 1.25, 1.35, 1.35, 1.25, 1.2, 1.2, 1.25, 1.35, 1.5, 1.7, 1.75, 1.5, 1.1],
    weekdays: [1.1, 1.0, 1.0, 0.95, 0.9, 0.85, 1.2],
    months: [0.95, 0.85, 0.95, 0.95, 0.95, 0.95, 1.0, 0.8, 0.95, 1.0, 1.1, 1.25],
    peaks: [
      { name: "winter-sales", start: "01-07", days: 28, factor: 1.35 },
      { name: "summer-sales", start: "06-24", days: 28, factor: 1.3 },
      { name: "black-friday", start: "black-friday", days: 4, factor: 2.5 },
      { name: "christmas", start: "12-01", days: 22, factor: 1.25 },
    ],
  },
};

/** The longest reputation lag a world may set, in days (engine/parallel/shard-link.ts sizes its ring of days by it). */
export const MAX_LAG_DAYS = 28;

/**
 * The days a world's reputation lags (`reputation.lagDays`; unset, as in a `world` option that replaces
 * `reputation` without it: the default), checked: a whole number from 1 to MAX_LAG_DAYS.
 */
export function reputationLag(w: WorldModel): number {
  const lag = w.reputation.lagDays ?? DEFAULT_WORLD.reputation.lagDays;
  if (!(Number.isInteger(lag) && lag >= 1 && lag <= MAX_LAG_DAYS)) {
    throw new RangeError(`world.reputation.lagDays: expected a whole number of days from 1 to ${MAX_LAG_DAYS}, got ${lag}`);
  }
  return lag;
}

/**
 * The fatigue a customer carries just after a send when that channel alone is sent every
 * `referenceGapDays` (geometric sum of decayed weights): the benchmarks' cadence. Response and opt-out
 * rates are the channel's figures at this fatigue; less pressure answers better, more answers worse.
 */
export function referenceFatigue(w: WorldModel, channel: number | ChannelResponse): number {
  const r = typeof channel === "number" ? w.channels[channel] : channel;
  return r.fatigueWeight / (1 - Math.pow(0.5, (r.gapDays ?? w.referenceGapDays) / w.fatigueHalfLifeDays));
}

/** Response multiplier at fatigue f: 1 at the reference cadence. `channel`: an index into w.channels, or a custom channel's response. */
export function fatigueDamp(w: WorldModel, channel: number | ChannelResponse, f: number): number {
  return (1 + referenceFatigue(w, channel) / w.fatigueScale) / (1 + f / w.fatigueScale);
}

/** Opt-out and complaint multiplier at fatigue f: 1 at the reference cadence. */
export function fatigueOptOut(w: WorldModel, channel: number | ChannelResponse, f: number): number {
  return (1 + f / w.fatigueOptOut) / (1 + referenceFatigue(w, channel) / w.fatigueOptOut);
}

/** A discount's multiplier on incremental response: 1 + gain·(1 − e^(−d/scale)), rising with diminishing returns. */
export function discountResponse(w: WorldModel, d: number): number {
  return d > 0 ? 1 + w.discount.gain * (1 - Math.exp(-d / w.discount.scale)) : 1;
}

/**
 * A deep copy with overrides applied: each top-level key given replaces the default's whole. Unchecked,
 * for the engine's own worlds; engine/mod.ts exports the checking worldWith of engine/sim/world-arguments.ts.
 * @example worldWith({ machineOpens: 0.4 }).machineOpens // 0.4
 */
export function worldWith(over: Partial<WorldModel> = {}): WorldModel {
  return { ...structuredClone(DEFAULT_WORLD), ...structuredClone(over) } as WorldModel;
}

/** A world parameter that differs from its default: `path` as a plan's world: section writes it (channels by name). */
export interface WorldChange {
  path: string;
  value: unknown;
  default: unknown;
}

/**
 * The parameters where `w` differs from DEFAULT_WORLD, in the model's order: numbers one by one,
 * channels and consents by channel name, lists (time zones, seasonality's weights and peaks) whole. What
 * a report or `cadence calibration` shows as set for its run.
 * @example worldChanges(worldWith({ machineOpens: 0.4 })) // [{ path: "machineOpens", value: 0.4, default: 0 }]
 */
export function worldChanges(w: WorldModel): WorldChange[] {
  const out: WorldChange[] = [];
  const walk = (v: unknown, d: unknown, path: string): void => {
    const mapping = (x: unknown) => x !== null && typeof x === "object" && !Array.isArray(x);
    if (mapping(v) && mapping(d)) {
      const keys = [...new Set([...Object.keys(d as object), ...Object.keys(v as object)])];
      for (const k of keys) walk((v as Record<string, unknown>)[k], (d as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
    } else if (JSON.stringify(v) !== JSON.stringify(d) && v !== undefined) {
      out.push({ path, value: v, default: d });
    }
  };
  for (const key of Object.keys(DEFAULT_WORLD) as (keyof WorldModel)[]) {
    if (key === "channels" || key === "consents") {
      const byName = (list: unknown[]) => Object.fromEntries(CHANNELS.map((c, i) => [c, list[i]]));
      walk(byName(w[key]), byName(DEFAULT_WORLD[key]), key);
    } else walk(w[key], DEFAULT_WORLD[key], key);
  }
  return out;
}

/**
 * The simulated world's parameters: priors of the synthetic population and the response model, with
 * their sources in docs/world-model.md. Every figure here is a default a caller may override.
 */
export interface ChannelResponse {
  deliver: number; // P(delivered | sent)
  open: number; // P(opened | delivered) for a broadcast message, before affinity, relevance and fatigue
  click: number; // P(clicked | opened)
  convert: number; // P(purchase | clicked)
  lift: number; // P(an extra purchase within days | delivered, not clicked): the view-through halo
  unsubscribe: number; // P(opt-out | delivered) at zero fatigue
  complain: number; // P(spam complaint | delivered) at zero fatigue
  fatigueWeight: number; // how much one delivered contact adds to fatigue
  openDelay: number; // mean minutes from delivery to open
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
}

// click and convert are fitted on Kevin Hillstrom's e-mail experiment (MineThatData 2008, ../shared/data/hillstrom):
// a simulated broadcast to each arm reproduces its visit, conversion and spend lift within the 95 % intervals
// (engine/fit/email-calibration.ts; figures in docs/world-model.md, "Calibration"). "click" there stands for
// "came to the site because of the e-mail", clicked or not: hence far above the 14 % click-to-open benchmark.
const email: ChannelResponse = {
  deliver: 0.99, open: 0.2, click: 0.48, convert: 0.051, lift: 0.002, unsubscribe: 0.002, complain: 0.00012,
  fatigueWeight: 1, openDelay: 180,
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
    { deliver: 0.98, open: 0.9, click: 0.05, convert: 0.08, lift: 0.004, unsubscribe: 0.005, complain: 0.0005, fatigueWeight: 3, openDelay: 10 },
    { deliver: 0.9, open: 0.06, click: 0.5, convert: 0.06, lift: 0.001, unsubscribe: 0.003, complain: 0, fatigueWeight: 0.5, openDelay: 30 },
    { deliver: 0.97, open: 0.5, click: 0.04, convert: 0.15, lift: 0.006, unsubscribe: 0.0005, complain: 0, fatigueWeight: 2, openDelay: 1440 },
    { deliver: 0.4, open: 0.9, click: 0.3, convert: 0.12, lift: 0.01, unsubscribe: 0.01, complain: 0.002, fatigueWeight: 5, openDelay: 0 },
  ],
  relevance: { triggered: 2, targeted: 1.5, broadcast: 1 },
  fatigueHalfLifeDays: 14,
  fatigueScale: 4,
  fatigueOptOut: 2,
  leaveRate: 0.0005,
  disengagedAt: 6,
  conversionDelay: 30,
  liftDays: 3,
};

/** A deep copy with overrides applied (objects merged, arrays replaced). */
export function worldWith(over: Partial<WorldModel> = {}): WorldModel {
  return { ...structuredClone(DEFAULT_WORLD), ...structuredClone(over) } as WorldModel;
}

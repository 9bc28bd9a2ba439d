/**
 * A population built from a real purchase history at a cut-off: each customer's state (orders, revenue,
 * last purchase, signup, consents, RFM) comes from the history, and their organic behaviour from their
 * own fitted posterior — (λ, p) drawn from the BG/NBD posterior given (x, t_x, T), the order-value scale
 * from the gamma-gamma posterior of ν given (x, mean repeat value). Traits the history cannot speak to
 * (channel affinities, fatigue sensitivity, birthdays, timezone when unknown) come from the world's
 * priors exactly as for the synthetic population (`drawWorldTraits`).
 *
 * Time: the history's models are fitted in weeks; the simulator's Traits.rate is per day (λ / 7).
 * With seasonality (the config's default), (λ, p) come from the seasonal fit: λ per operational week,
 * the customer's (t_x, T) in that clock, so a summer lull is not mistaken for dropout. The simulator
 * itself runs the rate flat (its organic clock has no seasonal factors yet: engine/sim/world.ts), so a
 * run gets the de-seasonalised level, not the December peak.
 * The run starts the day after the cut-off (the cut-off day is inclusive in the state).
 */
import { createHash } from "node:crypto";
import { CustomerTable, NEVER } from "../core/customer-table.ts";
import { seedContacts } from "./contact-seed.ts";
import { uniform } from "../core/hash.ts";
import { DAY, formatDate, type Minutes } from "../core/time.ts";
import { type History, importHistory } from "../../datasets/import.ts";
import { requirePurchasesBy } from "../../datasets/cutoff.ts";
import { type CustomerState, dayData, frequencyData, historyState, spendData } from "../../datasets/history.ts";
import { type BgnbdParams, fitBgnbd, sampleBgnbdPosterior } from "../fit/bgnbd.ts";
import { fitGammaGamma, type GammaGammaParams } from "../fit/gamma-gamma.ts";
import { fitSeasonalBgnbd, type SeasonalFit } from "../fit/seasonality.ts";
import { betaIInv, gammaPInv } from "../fit/math.ts";
import { drawWorldTraits, newTraits, type Population, TR1, TR4, TR8 } from "./population.ts";
import { Streams, TRAITS, worldSeed } from "./random.ts";
import type { WorldModel } from "./world-model.ts";
import type { MoneyLevers } from "./money.ts";
import { columnLabel } from "../../datasets/table-reader.ts";
import { isMoneyUnit, moneyLabel } from "../../datasets/money-unit.ts";
import { checkPopulationOptions } from "./population-arguments.ts";
import { InputError } from "../plan/errors.ts";
import { describe } from "../plan/fields.ts";
import { PER2, PER4, PER8 } from "../core/record.ts";
export { historySeasonality } from "./history-seasonality.ts";

/** Purpose of the counter-based uniforms that draw the posterior traits (distinct from random.ts's). */
const POSTERIOR = 0x4157;

/** A history summarised and fitted at one cut-off: what every run on it shares. */
export interface HistorySource {
  file: string;
  history: History;
  cutoff: Minutes; // last day of the calibration period, inclusive (00:00 UTC)
  state: CustomerState;
  bgnbd: BgnbdParams; // weeks (plain BG/NBD, for reports)
  /** the seasonal fit (config seasonality, default on), null when turned off */
  seasonal: SeasonalFit | null;
  /** what the organic draws use: the seasonal fit's parameters and each customer's (t_x, T) in its
   * operational weeks, else plain BG/NBD's in calendar weeks (index = history customer) */
  organic: { params: BgnbdParams; tx: Float64Array; T: Float64Array };
  gammaGamma: GammaGammaParams | null; // null without repeat buyers: order values from the world prior
  dataHash: string; // sha256 of the transactions: identifies the data in a digest
}

const imported = new Map<string, History>();
const sources = new Map<string, HistorySource>();

/**
 * Imports (once per process) and fits the history at a cut-off (default: the config's calibrationEnd).
 * @example const src = historySource("datasets/cdnow.yaml"); src.bgnbd.r // ≈ 0.243
 */
export function historySource(file: string, cutoff?: Minutes): HistorySource {
  let h = imported.get(file);
  if (!h) imported.set(file, h = importHistory(file));
  const at = cutoff ?? h.config.calibrationEnd;
  const key = `${file}\u0000${at}`;
  let src = sources.get(key);
  if (src) return src;
  requirePurchasesBy(h, file, at, cutoff === undefined ? "calibrationEnd" : "start"); // else no customer to fit (a scan of every transaction: not on a cache hit)
  const state = historyState(h, at);
  const bgnbd = fitBgnbd(frequencyData(state)).params;
  const seasonal = h.config.seasonality ? seasonalFit(h, at) : null;
  const organic = { params: bgnbd, tx: state.tx, T: state.T };
  if (seasonal) {
    organic.params = seasonal.fit.params, organic.tx = new Float64Array(state.length), organic.T = new Float64Array(state.length);
    seasonal.days.customers.forEach((c, k) => (organic.tx[c] = seasonal.fit.frequency.tx[k], organic.T[c] = seasonal.fit.frequency.T[k]));
  }
  const spend = spendData(state);
  const gammaGamma = spend.x.length > 0 ? fitGammaGamma(spend).params : null;
  src = { file, history: h, cutoff: at, state, bgnbd, seasonal: seasonal?.fit ?? null, organic, gammaGamma, dataHash: historyHash(h) };
  sources.set(key, src);
  return src;
}

/** The seasonal fit at a cut-off, with the cohort it was fitted on (history customer indices). */
function seasonalFit(h: History, cutoff: Minutes) {
  const days = dayData(h, cutoff);
  if (days.x.length === 0) return null;
  return { days, fit: fitSeasonalBgnbd(days, days.cutoff, h.config.seasonality!) };
}

/** sha256 of an imported history's transactions, customer ids and attributes: identifies the data in a digest. */
export function historyHash(h: History): string {
  const t = h.transactions, c = h.customers, hash = createHash("sha256");
  const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  for (const a of [t.customer, t.time, t.amount, t.quantity, c.signup, c.email, c.sms, c.consent]) hash.update(bytes(a));
  for (const [name, values] of c.attrs) hash.update(`${name}\u0000${JSON.stringify(values)}`);
  const k = h.contacts;
  if (k) {
    for (const a of [k.customer, k.time, k.channel, k.program, k.category, k.outcome]) hash.update(bytes(a));
    hash.update(JSON.stringify([k.programs, k.categories, k.measured]));
  }
  const r = h.returns;
  if (r.length) for (const a of [r.customer, r.time, r.amount]) hash.update(bytes(a));
  hash.update(h.ids.join("\n"));
  hash.update(c.timezone.join("\n"));
  return hash.digest("hex");
}

export interface HistoryPopulationOptions {
  seed: number;
  start: Minutes; // first minute of the run; the state is taken at the day before (inclusive)
  journeys: number;
  world: WorldModel;
}

/**
 * Customers known at the day before `start` (purchased by then, or listed with a signup by then),
 * with their state and posterior traits. Customers who appear only later are left out: a run from
 * the cut-off cannot know them.
 * @example historyPopulation("datasets/cdnow.yaml", { seed: 1, start: parseDate("1997-10-01")!, journeys: 0, world: DEFAULT_WORLD })
 */
export function historyPopulation(file: string, o: HistoryPopulationOptions): Population {
  if (typeof file !== "string") throw new InputError(`historyPopulation: expected a history config's path such as "datasets/cdnow.yaml", got ${describe(file)}`);
  checkPopulationOptions("historyPopulation", o);
  const src = historySource(file, o.start - DAY);
  const { state: s, history: h, gammaGamma: gg } = src, w = o.world, bgnbd = src.organic.params;
  let n = 0;
  for (let i = 0; i < s.length; i++) n += s.known[i];
  const table = new CustomerTable(n, o.journeys), traits = newTraits(n);
  const streams = new Streams(o.seed, n, "", TRAITS), seed = worldSeed(o.seed); // only the TRAITS counters are used here
  const tzCache = new Map<string, number>();
  const rowOf = new Int32Array(s.length).fill(-1); // history index → table row
  // extra attributes (attr.<name> in plans), in the table's customer order
  const attrs = [...h.customers.attrs].map(([name, values]) => {
    const list: (string | number | boolean | null)[] = new Array(n);
    table.attrs.set(name, list);
    return { values, list };
  });
  for (let i = 0; i < s.length; i++) {
    if (!s.known[i]) continue;
    const c = table.add(h.ids[i]), key = table.key[c * PER4];
    rowOf[i] = c;
    const u = (k: number) => uniform(seed, key, POSTERIOR, k);
    const bought = s.orders[i] > 0;
    if (bought) {
      const d = sampleBgnbdPosterior(bgnbd, s.x[i], src.organic.tx[i], src.organic.T[i], u(0), u(1), u(2));
      traits.rate[c * TR8] = d.lambda / 7, traits.drop[c * TR4] = d.p, traits.alive[c * TR1] = d.alive ? 1 : 0;
    } else {
      // listed but never bought: a prospect drawn from the fitted prior, buying at the world's prospect factor
      traits.rate[c * TR8] = gammaPInv(bgnbd.r, u(1)) / bgnbd.alpha / 7 * w.prospectRateFactor;
      traits.drop[c * TR4] = betaIInv(bgnbd.a, bgnbd.b, u(2));
      traits.alive[c * TR1] = 1;
    }
    traits.spend[c * TR4] = orderScale(gg, s.x[i], s.meanRepeatValue[i], u(4), w);
    streams.open(c, key, TRAITS);
    drawWorldTraits(streams, c, table, traits, w, o.start);
    streams.close();
    // what the history knows overrides the priors: consents (every channel: the file's columns, else the
    // config's assumption, default none), timezone, attributes
    table.consent[c * PER2] = table.consent0[c] = h.customers.consent[i];
    for (const a of attrs) a.list[c] = a.values[i];
    const zone = h.customers.timezone[i];
    if (zone) {
      let off = tzCache.get(zone);
      if (off === undefined) tzCache.set(zone, off = zoneOffset(zone, src.cutoff));
      table.tz[c * PER2] = off;
    }
    const signup = h.customers.signup[i], first = s.firstPurchase[i];
    const since = Math.min(Number.isNaN(signup) ? Infinity : signup, Number.isNaN(first) ? Infinity : first);
    table.signup[c * PER4] = Number.isFinite(since) ? Math.min(since, o.start - 1) : o.start - 1;
    table.orders[c * PER4] = s.orders[i];
    table.revenue[c * PER8] = Math.round(s.value[i] * 100) / 100;
    table.lastPurchase[c * PER4] = bought ? s.lastPurchase[i] : NEVER;
    table.score[c * PER4] = traits.alive[c * TR1] ? 1 - Math.exp(-traits.rate[c * TR8] * 30) : 0;
    // RFM cells 111–555 like the synthetic population's; customers without a purchase sit in the lowest cell
    table.rfm[c * PER2] = Math.max(1, s.recencyScore[i]) * 100 + Math.max(1, s.frequencyScore[i]) * 10 + Math.max(1, s.monetaryScore[i]);
  }
  if (h.contacts) seedContacts(h, o.start, rowOf, table, traits, w);
  return {
    table, traits, size: n,
    describe: `history:${src.dataHash}:${formatDate(src.cutoff)}:${o.seed}:${JSON.stringify(w)}`,
    moneyLevers: moneyLevers(src),
  };
}

/** Days, not customers: a history population's customers are its own (`--customers` is refused with it). */
const FEWER_DAYS = "run fewer days (a history population's customers are its own)";

/**
 * What a run on this history can change when its money passes what is summed exactly (engine/sim/money.ts).
 * Its order values are fitted to the history's amounts (`orderScale`), so world.spend.scale, the synthetic
 * population's lever, changed nothing: the config's `moneyUnit` (datasets/money-unit.ts) is named first,
 * and the amounts it divides. Without a repeat buyer to fit they come from the world's prior, scale included.
 */
function moneyLevers(src: HistorySource): MoneyLevers {
  if (!src.gammaGamma) {
    return {
      revenue: `${FEWER_DAYS}, or count money in thousands (world.spend.scale, channels.*.cost and the plan's amounts ÷ 1,000: with no repeat buyer to fit, order values come from world.spend)`,
      costs: `${FEWER_DAYS}, lower channels.*.cost, or count money in thousands (channels.*.cost, world.spend.scale and the plan's amounts ÷ 1,000)`,
    };
  }
  const cfg = src.history.config, t = cfg.transactions, next = cfg.moneyUnit * 1000;
  if (!isMoneyUnit(next)) return { revenue: FEWER_DAYS, costs: `${FEWER_DAYS}, or lower channels.*.cost` };
  const amounts = `${t.amountFactors ? columnLabel("amount.multiply[1]", t.amountFactors[1]) : columnLabel("amount", t.columns.amount!)} of ${t.file}`;
  const unit = `moneyUnit: ${next} in ${cfg.source} (counts the history's money in ${moneyLabel(cfg.currency, next)}`;
  return {
    revenue: `set ${unit}: its order values are fitted to ${amounts}; world.spend.scale is not read), with channels.*.cost and the plan's amounts ÷ 1,000; or ${FEWER_DAYS}`,
    costs: `lower channels.*.cost, or count money in thousands: channels.*.cost and the plan's amounts ÷ 1,000, with ${unit}); or ${FEWER_DAYS}`,
  };
}

/**
 * The order-value scale for the simulator's Gamma(world p, scale) draws: ν from the gamma-gamma
 * posterior Gamma(p·x + q, γ + x·m̄) (the prior Gamma(q, γ) when x = 0), mean order value p_fit / ν,
 * rescaled to the world's shape so the mean is the fitted one. Without a gamma-gamma fit, the world's
 * own prior (as for synthetic customers).
 */
function orderScale(gg: GammaGammaParams | null, x: number, m: number, u: number, w: WorldModel): number {
  const p = gg?.p ?? w.spend.p, q = gg?.q ?? w.spend.q, gamma = gg?.gamma ?? w.spend.gamma;
  const scale = gg ? 1 : w.spend.scale;
  const shape = x > 0 && m > 0 ? p * x + q : q, rate = x > 0 && m > 0 ? gamma + x * m : gamma;
  const nu = gammaPInv(shape, u) / rate;
  return (scale * p) / w.spend.p / nu;
}

/** An IANA zone's UTC offset in minutes at one instant (no daylight saving inside a run: docs/engine.md). */
export function zoneOffset(zone: string, at: Minutes): number {
  const part = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" })
    .formatToParts(new Date(at * 60000)).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(part);
  return m ? (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

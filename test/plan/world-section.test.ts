import { describe, expect, it } from "vitest";
import { planError } from "../helpers.ts";
import { parsePlan } from "../../engine/plan/load.ts";
import { planWorld } from "../../engine/plan/world-section.ts";
import { DEFAULT_WORLD, worldWith } from "../../engine/sim/world-model.ts";
import { runPlan } from "../../engine/sim/run.ts";
import { cacheStats, clearMemoryCache } from "../../engine/sim/baseline-cache.ts";
import { comparePlans } from "../../engine/compare/compare.ts";
import { sweep } from "../../engine/sweep/sweep.ts";

const base = `name: w
channels:
  email: {}
  sms: {}
programs:
  - id: news
    type: campaign
    schedule: { every: 1w }
    send: { channel: email, message: news }
`;

const errorOf = (text: string) => planError(text, "world.yaml");

describe("a plan's world: section", () => {
  it("merges mappings, replaces lists and keys channels by name over the defaults", () => {
    const l = parsePlan(base + `world:
  discount: { gain: 2 }
  channels: { sms: { click: 0.12 } }
  consents: { push: 0.4 }
  seasonality:
    peaks: [{ name: spring, start: "04-01", days: 10, factor: 1.5 }]
`, "w.yaml");
    const w = planWorld(l);
    expect(w.discount).toEqual({ ...DEFAULT_WORLD.discount, gain: 2 });
    expect(w.channels[1]).toEqual({ ...DEFAULT_WORLD.channels[1], click: 0.12 });
    expect(w.channels[0]).toEqual(DEFAULT_WORLD.channels[0]);
    expect(w.consents).toEqual([0.7, 0.35, 0.4, 0.9, 0.5]);
    expect(w.seasonality.peaks).toEqual([{ name: "spring", start: "04-01", days: 10, factor: 1.5 }]);
    expect(w.seasonality.hours).toEqual(DEFAULT_WORLD.seasonality.hours);
    expect(DEFAULT_WORLD.discount.gain).toBe(1); // the defaults are not touched
  });

  it("leaves a plan without a section in exactly the world worldWith gives", () => {
    const l = parsePlan(base, "w.yaml");
    expect(l.world).toBeUndefined();
    expect(planWorld(l, { machineOpens: 0.3 })).toEqual(worldWith({ machineOpens: 0.3 }));
  });

  it("lets RunOptions.world override the plan's section, key by key", () => {
    const l = parsePlan(base + "world: { machineOpens: 0.2, leaveRate: 0.001 }\n", "w.yaml");
    const w = planWorld(l, { machineOpens: 0.5 });
    expect(w.machineOpens).toBe(0.5);
    expect(w.leaveRate).toBe(0.001);
  });

  const cases: [string, string, RegExp][] = [
    ["unknown key with a hint", "world: { machineOpen: 0.2 }", /world\.yaml:10: world\.machineOpen: unknown field 'machineOpen'; did you mean 'machineOpens'\?/],
    ["share out of range", "world: { machineOpens: 1.4 }", /world\.machineOpens: expected a number from 0 to 1, got number 1\.4/],
    ["negative peak factor", "world:\n  seasonality:\n    peaks: [{ name: x, start: \"11-01\", days: 3, factor: -1 }]", /world\.seasonality\.peaks\[0\]\.factor: expected a number ≥ 0, got number -1/],
    ["peak start", "world:\n  seasonality:\n    peaks: [{ name: x, start: \"Nov 1\", days: 3, factor: 2 }]", /peaks\[0\]\.start: expected a start "MM-DD" such as "11-24", or black-friday/],
    ["wrong number of hours", "world:\n  seasonality: { weekdays: [1, 1, 1] }", /world\.seasonality\.weekdays: expected 7 weights \(Monday … Sunday\), got 3/],
    ["unknown channel", "world:\n  channels: { fax: { open: 0.1 } }", /world\.channels\.fax: 'fax' is not a built-in channel: world\.channels sets email, sms, push, mail, call; a custom channel's response goes in channels\.<name>\.response/],
    ["channel field", "world:\n  channels: { sms: { clik: 0.1 } }", /world\.channels\.sms\.clik: unknown field 'clik'; did you mean 'click'\?/],
    ["a divisor of zero", "world: { fatigueScale: 0 }", /world\.fatigueScale: expected a number ≥ 0\.01, got number 0/],
    ["text for a number", "world: { discount: { gain: high } }", /world\.discount\.gain: expected a number from 0 to 100, got string "high"/],
    ["all-zero weights", "world:\n  seasonality: { months: [0,0,0,0,0,0,0,0,0,0,0,0] }", /world\.seasonality: months: weights must be ≥ 0 and not all 0/],
    ["a fractional reputation lag", "world: { reputation: { lagDays: 1.5 } }", /world\.reputation\.lagDays: expected a whole number from 1 to 28, got number 1\.5/],
    ["a reputation lag of 0 days", "world: { reputation: { lagDays: 0 } }", /world\.reputation\.lagDays: expected a whole number from 1 to 28, got number 0/],
    // an event's time is a whole minute: 0.0001 days put the renewal notice 0.144 minutes before its renewal
    ["a renewal notice of a fraction of a day", "world: { renewalNoticeDays: 0.0001 }", /world\.yaml:10: world\.renewalNoticeDays: expected a whole number from 0 to 365, got number 0\.0001$/],
    ["a renewal notice of half a day", "world: { renewalNoticeDays: 0.5 }", /world\.renewalNoticeDays: expected a whole number from 0 to 365, got number 0\.5$/],
    ["not a mapping", "world: 3", /world: expected a mapping with one of purchase, spend/],
    // opt-outs are divided by √relevance: at 0 every delivered message was an unsubscribe (699 of 798)
    ["a relevance of 0", "world: { relevance: { broadcast: 0 } }", /world\.yaml:10: world\.relevance\.broadcast: expected a number ≥ 0\.01, got number 0/],
    // customers beyond the shares' total were all put in the first zone, silently
    ["time zone shares short of 1", "world: { timezones: [[60, 0.5], [0, 0.1]] }", /world\.yaml:10: world\.timezones: the shares add up to 0\.6, expected 1 \(every customer lives in one of these zones\), e\.g\. \[\[60, 0\.8\], \[0, 0\.2\]\]/],
    ["time zone shares beyond 1", "world: { timezones: [[60, 0.8], [0, 0.8]] }", /world\.timezones: the shares add up to 1\.6, expected 1/],
    // ranges above (docs/world-model.md, "Ranges"): 1e300 visits per purchase ran 49 million events for
    // 1,000 customers; a spend scale of 1e300 wrote a revenue of Infinity, null in the JSON
    ["a visit rate of 1e300", "world: { visitsPerPurchase: 1e300 }", /world\.yaml:10: world\.visitsPerPurchase: expected a number from 0 to 1000, got number 1e\+300 \(docs\/world-model\.md, "Ranges", says why\)$/],
    ["a spend scale of 1e300", "world: { spend: { scale: 1e300 } }", /world\.yaml:10: world\.spend\.scale: expected a number > 0 and ≤ 10000000, got number 1e\+300 \(docs/],
    ["a relevance of 1e-12", "world: { relevance: { triggered: 1e-12 } }", /world\.relevance\.triggered: expected a number ≥ 0\.01, got number 1e-12$/],
    ["a conversion delay of a year", "world: { conversionDelay: 525600 }", /world\.conversionDelay: expected a number from 0 to 43200, got number 525600/],
    ["a leave rate above 1", "world: { leaveRate: 2 }", /world\.leaveRate: expected a number from 0 to 1, got number 2$/],
    ["a whole sigma of spread", "world: { affinitySigma: 30 }", /world\.affinitySigma: expected a number from 0 to 3, got number 30/],
    ["a peak factor of 1e308", "world:\n  seasonality:\n    peaks: [{ name: x, start: \"11-01\", days: 3, factor: 1e308 }]", /world\.seasonality\.peaks\[0\]\.factor: expected a number from 0 to 1000, got number 1e\+308/],
    // a Gamma shape of 5e-324 drew 0 × ∞ = NaN, a NaN purchase rate, a visit every minute: out of memory
    ["a subnormal purchase shape", "world: { purchase: { r: 5e-324, alpha: 5e-324 } }", /world\.purchase\.r: expected a number ≥ 0\.001, got number 5e-324\n.*world\.purchase\.alpha: expected a number ≥ 0\.001/],
    // limits that bind several fields
    ["purchases faster than once a day", "world: { purchase: { r: 25, alpha: 2 } }", /world\.yaml:10: world\.purchase: the mean purchase rate r \/ alpha is 12\.5 purchases a week per customer \(r 25, alpha 2\); at most 7 \(one a day; CDNOW's is 0\.0551\): lower r or raise alpha$/],
    ["prospects faster than once a day", "world: { purchase: { r: 1, alpha: 1 }, prospectRateFactor: 10 }", /world\.purchase: the mean purchase rate r \/ alpha × prospectRateFactor 10 is 10 purchases a week/],
    ["more than ten visits a day", "world: { purchase: { alpha: 0.5 }, visitsPerPurchase: 200 }", /world\.yaml:10: world\.visitsPerPurchase: the mean visit rate \(purchases a week 0\.486 × visitsPerPurchase 200 \+ baseVisitsPerWeek 0\.05\) is 97\.3 identified visits a week per customer; at most 70 \(ten a day\)$/],
    ["a mean order value of 190 million", "world: { spend: { q: 1.000001 } }", /world\.yaml:10: world\.spend: the mean order value scale × p × gamma \/ \(q − 1\) is 193000000 \(scale 2, p 6\.25, gamma 15\.44, q 1\.000001\); at most 10000000 in the plan's currency \(the default's is 70\.4\)$/],
    ["a spend shape q of 1 (an infinite mean)", "world: { spend: { q: 1 } }", /world\.spend\.q: expected a number > 1, got number 1$/],
    // every day of the year at 0: its profile was 0 / 0, and the organic clock ran an event every minute
    ["a year whose every day weighs 0", "world:\n  seasonality:\n    peaks: [{ name: closed, start: \"01-01\", days: 366, factor: 0 }]", /world\.yaml:11: world\.seasonality: every day of 2001 weighs 0 \(months × weekdays × peaks\): peaks of factor 0 cover every day/],
    ["days that weigh more than a number holds", `world:\n  seasonality:\n    months: [${Array(12).fill(1e9)}]\n    weekdays: [${Array(7).fill(1e9)}]\n    peaks: [${Array.from({ length: 100 }, (_, i) => `{ name: p${i}, start: "03-01", days: 5, factor: 1000 }`)}]`, /world\.seasonality: the days of 2001 weigh more than a number holds/],
  ];
  for (const [what, section, re] of cases) {
    it(`refuses ${what}`, () => expect(errorOf(base + section + "\n")).toMatch(re));
  }

  it("changes the plan's hash, and its runs and digest follow the section", () => {
    const plain = parsePlan(base, "w.yaml");
    const sales = parsePlan(base + "world:\n  channels: { email: { open: 0.6 } }\n", "w.yaml");
    expect(sales.hash).not.toBe(plain.hash);
    const o = { customers: 1500, days: 60, seed: 3 };
    const a = runPlan(plain, o).summary, b = runPlan(sales, o).summary;
    expect(b.digest).not.toBe(a.digest);
    expect(b.opens).toBeGreaterThan(a.opens * 2.5); // open 0.2 → 0.6
    // the same world given as an option gives the same figures as the section
    const c = runPlan(plain, { ...o, world: { channels: planWorld(sales).channels } }).summary;
    expect(c.opens).toBe(b.opens);
    expect(c.incrementalRevenue).toBe(b.incrementalRevenue);
  });

  it("compares plans that share a world, and refuses plans whose worlds differ", () => {
    const a = parsePlan(base + "world: { machineOpens: 0.3 }\n", "a.yaml");
    const b = parsePlan(base.replace("every: 1w", "every: 2w") + "world: { machineOpens: 0.3 }\n", "b.yaml");
    const c = parsePlan(base, "c.yaml");
    const o = { customers: 800, days: 30, replications: 1 };
    expect(comparePlans([a, b], o).world.machineOpens).toBe(0.3);
    expect(() => comparePlans([a, c], o)).toThrow(/c\.yaml: world: this plan's world differs from a\.yaml's/);
    // plans in two currencies had their costs and margins differenced as if they were one
    const usd = parsePlan(base.replace("name: w", "name: usd\ncurrency: USD") + "world: { machineOpens: 0.3 }\n", "usd.yaml");
    expect(() => comparePlans([a, usd], o)).toThrow(/usd\.yaml: currency: USD, where a\.yaml is in EUR; plans compared together .* must share one currency/);
    // an explicit world option overrides every plan's section, so they then agree
    expect(comparePlans([a, c], { ...o, world: { machineOpens: 0.1 } }).world.machineOpens).toBe(0.1);
  });

  it("refuses a sweep whose variants change the world, and sweeps the programs of a plan with one", () => {
    const a = parsePlan(base + "world: { machineOpens: 0.3 }\n", "a.yaml");
    const o = { customers: 600, days: 30 };
    expect(() => sweep(a, [{ path: "world.machineOpens", values: [0.1, 0.5] }], o)).toThrow(/^sweep: sets\[0\] \(world.machineOpens\): a sweep cannot change the world section/);
    const r = sweep(a, [{ path: "programs.news.schedule.every", values: ["1w", "2w"] }], o);
    expect(r.variants.length).toBe(2);
  });
});

describe("a world's identity", () => {
  it("draws every customer's zone from shares that add up to 1, as given", () => {
    const l = parsePlan(base + "world: { timezones: [[60, 0.5], [0, 0.25], [-300, 0.25]] }\n", "w.yaml");
    const tz = runPlan(l, { customers: 2000, days: 7 }).run.population.table.column("tz");
    const share = (off: number) => tz.filter((x) => x === off).length / tz.length;
    expect(share(60)).toBeCloseTo(0.5, 1);
    expect(share(0)).toBeCloseTo(0.25, 1);
    expect(share(-300)).toBeCloseTo(0.25, 1);
  });

  it("gives one digest and one cached baseline to one world, however its option is written", () => {
    const l = parsePlan(base, "w.yaml"), o = { customers: 1000, days: 30, seed: 2 };
    clearMemoryCache();
    const plain = runPlan(l, o).summary;
    const misses = cacheStats.misses, hits = cacheStats.memoryHits;
    // the same world: a mapping's keys in another order, reputation without its optional lag (2)
    const reversed = Object.fromEntries(Object.entries(DEFAULT_WORLD.discount).reverse()) as typeof DEFAULT_WORLD.discount;
    const { lagDays: _lag, ...noLag } = DEFAULT_WORLD.reputation;
    for (const world of [{ discount: reversed }, { reputation: noLag as typeof DEFAULT_WORLD.reputation }, { machineOpens: 0 }]) {
      expect(runPlan(l, { ...o, world }).summary.digest, JSON.stringify(world)).toBe(plain.digest);
    }
    expect(cacheStats.misses).toBe(misses); // the baseline was computed once
    expect(cacheStats.memoryHits).toBe(hits + 3);
    // another world: another digest, and a baseline of its own
    const gain = runPlan(l, { ...o, world: { discount: { ...reversed, gain: 1.5 } } }).summary;
    expect(gain.digest).not.toBe(plain.digest);
    expect(cacheStats.misses).toBe(misses + 1);
    // a peak's fields in another order in a plan's section: the same world as in their usual order
    const peak = (p: string) => parsePlan(base + `world:\n  seasonality:\n    peaks: [${p}]\n`, "w.yaml");
    const a = runPlan(peak("{ name: p, start: \"03-01\", days: 5, factor: 2 }"), o).summary;
    const b = runPlan(peak("{ factor: 2, days: 5, start: \"03-01\", name: p }"), o).summary;
    expect(b.digest).toBe(a.digest);
  });

  it("raises triggered opens with a higher triggered relevance, the other kinds keeping theirs", () => {
    const cart = `name: c
channels:
  email: {}
programs:
  - id: cart
    type: journey
    trigger: { event: cart_abandoned }
    steps:
      - send: { channel: email, message: cart }
`;
    const o = { customers: 2000, days: 60, seed: 1 };
    const plain = runPlan(parsePlan(cart, "c.yaml"), o).summary;
    const l = parsePlan(cart + "world: { relevance: { triggered: 3 } }\n", "c.yaml");
    expect(planWorld(l).relevance).toEqual({ triggered: 3, targeted: 1.5, broadcast: 1 });
    const more = runPlan(l, o).summary;
    expect(more.contacts).toBe(plain.contacts); // the same carts, so the same sends
    // opens × √(3 / 1.8) = 1.29 before the 98 % cap
    expect(more.opens / plain.opens).toBeGreaterThan(1.15);
    expect(more.opens / plain.opens).toBeLessThan(1.4);
  });
});

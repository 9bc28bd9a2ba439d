/**
 * Plans that loaded and then sent twice, never, or blocked nothing without a word (a tester's report on
 * plan validation): each is refused at load with the file, the line, the field and what would be valid;
 * its valid neighbour still loads and runs.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { planError } from "../helpers.ts";
import { parsePlan } from "../../engine/plan/load.ts";
import { MAX_DURATION, MAX_DURATION_DAYS } from "../../engine/plan/fields.ts";
import { checkPlanAttributes, parsePopulation } from "../../engine/sim/population-spec.ts";
import { campaignOccurrences } from "../../engine/core/campaign-schedule.ts";
import { DAY, formatTime, parseDate } from "../../engine/core/time.ts";
import { runPlan } from "../../engine/sim/run.ts";
import { main } from "../../engine/cli/main.ts";
import { capture } from "../capture.ts";

const errorOf = (text: string) => planError(text, "plan.yaml");
const load = (text: string) => parsePlan(text, "plan.yaml");

/** One campaign; its schedule on line 6. */
const campaign = (schedule: string, extra = "") => `channels:
  email: {}
programs:
  - id: nl
    type: campaign
    schedule: ${schedule}
${extra}    send: { channel: email, message: n }
`;

/** One journey; its steps from line 8. */
const journey = (steps: string, head = "") => `channels:
  email: {}
programs:
  - id: j
    type: journey
    trigger: signup
${head}    steps:
${steps}`;

/** A weighted rule (its decay on line 6) and a daily campaign. */
const weighted = (decay: string) => `channels:
  email: {}
pressure:
  rules:
    - name: w
      weighted: { threshold: 2, decay: ${decay} }
programs:
  - id: nl
    type: campaign
    schedule: { every: 1d }
    audience: consent.email
    send: { channel: email, message: n }
`;

describe("a repeated date", () => {
  it("is refused, naming both entries, rather than sending twice to everyone", () => {
    expect(errorOf(campaign("{ dates: [2026-01-05, 2026-01-07, 2026-01-05] }"))).toBe(
      "plan.yaml:6: programs[0].schedule.dates[2]: 2026-01-05 repeats dates[0]: each date sends once, so give it once (or the date you meant)",
    );
    // the same moment written twice: a bare date takes the schedule's time of day
    expect(errorOf(campaign(`{ dates: [2026-01-05, "2026-01-05T10:00"] }`))).toMatch(/schedule\.dates\[1\]: 2026-01-05T10:00 repeats dates\[0\]/);
  });

  it("two times on one day are two sends, and one date reaches each customer once", () => {
    const two = load(campaign(`{ dates: ["2026-01-05T09:00", "2026-01-05T15:00"] }`)).compiled;
    expect(campaignOccurrences(two, parseDate("2026-01-01")!, parseDate("2026-02-01")!).map((o) => formatTime(o.time)))
      .toEqual(["2026-01-05T09:00:00Z", "2026-01-05T15:00:00Z"]);
    const s = runPlan(load(campaign("{ dates: [2026-01-05] }")), { customers: 200, days: 30, baseline: false }).summary;
    expect(s.reach).toBeGreaterThan(0);
    expect(s.contacts).toBe(s.reach);
  });
});

describe("decay band factors", () => {
  it("refuses a negative factor, which let the rule block nothing", () => {
    expect(errorOf(weighted("{ bands: [[7d, -1]] }"))).toBe(
      "plan.yaml:6: pressure.rules[0].weighted.decay.bands[0][1]: a band factor is the share of its weight a contact still counts at that age: expected a number from 0 to 1, got -1",
    );
  });

  it("refuses a factor above 1, not a number, or rising with age", () => {
    expect(errorOf(weighted("{ bands: [[7d, 1.5]] }"))).toMatch(/bands\[0\]\[1\]: .*expected a number from 0 to 1, got 1\.5$/);
    expect(errorOf(weighted("{ bands: [[7d, .nan]] }"))).toMatch(/bands\[0\]\[1\]: .*expected a number from 0 to 1, got NaN$/);
    expect(errorOf(weighted("{ bands: [[7d, 0.5], [30d, 0.8]] }"))).toBe(
      "plan.yaml:6: pressure.rules[0].weighted.decay.bands[1][1]: band factors must not rise with age (decay never increases pressure): expected at most 0.5, the factor before it, got 0.8",
    );
  });

  it("a band of factor 1 blocks: a daily campaign reaches a customer twice at most in a week under threshold 2", () => {
    const free = runPlan(load(weighted("{ bands: [[7d, 0]] }")), { customers: 200, days: 7, baseline: false }).summary;
    const banded = runPlan(load(weighted("{ bands: [[7d, 1], [30d, 0.5]] }")), { customers: 200, days: 7, baseline: false }).summary;
    // factor 0: a sent contact weighs nothing, so every day sends; factor 1 for 7 days: the third message
    // would bring the pressure to 1 + 1 + 1 = 3 > 2, so two are sent, then every other is blocked
    expect(free.contactsPerCustomerWeek.max).toBe(7);
    expect(banded.contactsPerCustomerWeek.max).toBe(2);
    expect(banded.reach).toBe(free.reach);
  });
});

describe("schedules that never send", () => {
  it("refuses an end before (or at) the start", () => {
    expect(errorOf(campaign("{ weekly: [tue], start: 2026-03-01, end: 2026-02-01 }"))).toBe(
      "plan.yaml:6: programs[0].schedule.end: the schedule ends before it starts: end (2026-02-01) must be after start (2026-03-01)",
    );
    expect(errorOf(campaign("{ every: 1d, start: 2026-03-01, end: 2026-03-01 }"))).toMatch(/schedule\.end: the schedule ends before it starts/);
    expect(errorOf(campaign(`{ monthly: 15, start: "2026-03-01T12:00", end: "2026-03-01T09:00" }`))).toMatch(/schedule\.end: the schedule ends before it starts/);
  });

  it("refuses an empty weekly or dates list", () => {
    expect(errorOf(campaign("{ weekly: [] }"))).toBe("plan.yaml:6: programs[0].schedule.weekly: expected at least one weekday: mon, tue, wed, thu, fri, sat, sun");
    expect(errorOf(campaign("{ dates: [] }"))).toBe("plan.yaml:6: programs[0].schedule.dates: expected at least one date such as 2026-03-01 or 2026-03-01T10:00");
  });

  it("refuses start and end on once and dates, which ignored them", () => {
    expect(errorOf(campaign("{ once: 2026-01-05, end: 2026-01-02 }"))).toBe(
      "plan.yaml:6: programs[0].schedule.end: start and end bound a recurring schedule (every, weekly or monthly); a once schedule names its own date: remove start and end",
    );
    expect(errorOf(campaign("{ dates: [2026-01-05], start: 2026-01-02 }"))).toMatch(/schedule\.start: start and end bound a recurring schedule .* a dates schedule names its own dates/);
  });

  it("a one-week weekly window sends once, on its Tuesday", () => {
    const c = load(campaign("{ weekly: [tue], start: 2026-01-05, end: 2026-01-12 }")).compiled;
    expect(campaignOccurrences(c, parseDate("2026-01-01")!, parseDate("2026-02-01")!).map((o) => formatTime(o.time))).toEqual(["2026-01-06T10:00:00Z"]);
  });

  it("refuses a targeted share of 0, the top 0 % being no one", () => {
    expect(errorOf(campaign("{ weekly: [tue] }", "    targeted: { share: 0 }\n"))).toBe(
      `plan.yaml:7: programs[0].targeted.share: a targeted campaign sends to the top share of its audience: expected a share above 0, such as 0.2 or "20%"`,
    );
    expect(errorOf(campaign("{ weekly: [tue] }", `    targeted: { share: "0%" }\n`))).toMatch(/^plan\.yaml:7: programs\[0\]\.targeted\.share: /);
  });
});

describe("pressure filters", () => {
  const rule = (filter: string) => `channels:
  email: {}
pressure:
  rules:
    - { name: weekly, cap: 0, window: 7d, ${filter} }
programs:
  - { id: nl, type: campaign, schedule: { every: 1d }, audience: consent.email, send: { channel: email, message: n } }
`;
  it("refuses an empty list, which matched no message: the rule counted or blocked nothing", () => {
    expect(errorOf(rule("counts: { channels: [] }"))).toBe(
      "plan.yaml:5: pressure.rules[0].counts.channels: an empty list matches no message: name at least one (one of email, sms, push, mail or call), or leave channels out to match them all",
    );
    expect(errorOf(rule("appliesTo: { categories: [] }"))).toMatch(/^plan\.yaml:5: pressure\.rules\[0\]\.appliesTo\.categories: an empty list matches no message/);
  });

  it("a cap of 0 on every channel blocks every send", () => {
    const s = runPlan(load(rule("counts: { channels: [email] }")), { customers: 200, days: 7, baseline: false }).summary;
    expect(s.contacts).toBe(0);
  });
});

describe("journeys", () => {
  const send = "      - send: { channel: email, message: n }\n";

  it("refuses steps after an exit, naming the first one never reached", () => {
    expect(errorOf(journey(`      - wait: 1d\n      - exit\n${send}      - wait: 1d\n`))).toBe(
      "plan.yaml:10: programs[0].steps[2]: this send step comes after the exit at programs[0].steps[1] and is never reached: remove the steps after the exit, or move the exit to the end of its list (or into a branch)",
    );
    expect(errorOf(journey(`      - branch:\n          if: orders > 0\n          then: [{ exit: true }, { wait: 1d }]\n${send}`))).toMatch(
      /^plan\.yaml:10: programs\[0\]\.steps\[0\]\.branch\.then\[1\]: this wait step comes after the exit at programs\[0\]\.steps\[0\]\.branch\.then\[0\]/,
    );
  });

  it("an exit at the end of a branch stops the steps after the branch for those customers only", () => {
    const j = load(journey(`      - branch: { if: orders > 0, then: [exit] }\n${send}`));
    expect(j.plan.programs[0]).toMatchObject({ steps: [{ kind: "branch", then: [{ kind: "exit" }] }, { kind: "send" }] });
  });

  it("refuses defer(0), which dropped every blocked message", () => {
    const msg = "a deferral needs a delay above 0, such as defer(2d); to give a blocked message up, write drop";
    expect(errorOf(journey(send, "    onBlocked: defer(0)\n"))).toBe(`plan.yaml:7: programs[0].onBlocked: ${msg}`);
    expect(errorOf(journey(send, "    onBlocked: { defer: 0h }\n"))).toBe(`plan.yaml:7: programs[0].onBlocked.defer: ${msg}`);
    expect(load(journey(send, "    onBlocked: defer(2h)\n")).plan.programs[0].onBlocked).toEqual({ kind: "defer", maxDelay: 120 });
  });

  it("refuses a waitFor with a timeout of 0, whose then never runs", () => {
    expect(errorOf(journey(`      - waitFor: { event: opened, timeout: 0, then: [{ wait: 1d }] }\n`))).toBe(
      "plan.yaml:8: programs[0].steps[0].waitFor.timeout: a waitFor needs a timeout above 0, such as 3d: with 0 the event is never waited for and then never runs",
    );
  });

  it(`refuses a wait beyond ${MAX_DURATION_DAYS}d, the engine's calendar, which overflowed into a journey that never sent`, () => {
    expect(errorOf(journey(`      - wait: 99999999999999999999999d\n${send}`))).toBe(
      `plan.yaml:8: programs[0].steps[0].wait: a duration is at most ${MAX_DURATION_DAYS}d (the engine's years 1900 to 2199), got 99999999999999999999999d`,
    );
    expect(errorOf(journey(`      - wait: ${MAX_DURATION_DAYS + 1}d\n${send}`))).toMatch(/steps\[0\]\.wait: a duration is at most/);
    // the same limit wherever a plan gives a duration
    expect(errorOf(weighted("{ halfLife: 1000000w }"))).toMatch(/^plan\.yaml:6: pressure\.rules\[0\]\.weighted\.decay\.halfLife: a duration is at most/);
    expect(MAX_DURATION).toBe(MAX_DURATION_DAYS * DAY);
    expect(load(journey(`      - wait: ${MAX_DURATION_DAYS}d\n${send}`)).plan.programs[0]).toMatchObject({ steps: { 0: { kind: "wait", duration: MAX_DURATION } } });
  });
});

describe("messages that said the wrong thing", () => {
  it("a wait of .nan is not a number to add a unit to", () => {
    expect(errorOf(journey(`      - wait: .nan\n`))).toBe(
      "plan.yaml:8: programs[0].steps[0].wait: expected a duration such as 30m, 12h, 3d or 2w, got number NaN (units: m (or min), h, d, w)",
    );
    expect(errorOf(journey(`      - wait: -5\n`))).toMatch(/steps\[0\]\.wait: expected a duration such as 30m, 12h, 3d or 2w, got number -5 /);
  });

  it("a priority of .inf is named as infinity, not null", () => {
    expect(errorOf(journey(`      - wait: 1d\n`, "    priority: .inf\n"))).toBe(
      "plan.yaml:7: programs[0].priority: expected a number from -1000000 to 1000000, got number Infinity",
    );
  });

  it("an attribute the population lacks is reported at the expression's line", () => {
    const text = journey(`      - wait: 1d\n      - branch: { if: attr.region == "north", then: [] }\n`);
    let message = "";
    try {
      checkPlanAttributes(load(text).source, parsePopulation("synthetic"), "plan.yaml");
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(
      "plan.yaml:9: programs[0].steps[1].branch.if: attr.region is not an attribute of the population synthetic; the synthetic population has no attributes: run on --population history:<config> whose customers file maps it under customers.attributes",
    );
  });
});

describe("templates and world", () => {
  it("refuses a with: that is not a mapping, which was ignored", () => {
    const text = `channels:\n  email: {}\n  sms: {}\nprograms:\n  - use: programs/abandoned-cart\n    with: 5\n`;
    expect(errorOf(text)).toBe("plan.yaml:6: programs[0].with: expected a mapping of the template's parameters such as { delay: 2h }, got number 5");
    expect(load(text.replace("with: 5", "with: { delay: 2h }")).plan.programs[0]).toMatchObject({ id: "abandoned-cart", steps: { 0: { kind: "wait", duration: 120 } } });
  });

  it("refuses an empty world.timezones, which crashed the run drawing the population", () => {
    expect(errorOf(campaign("{ weekly: [tue] }").replace("programs:", "world:\n  timezones: []\nprograms:"))).toBe(
      "plan.yaml:4: world.timezones: expected at least one [UTC offset in minutes, share] pair such as [60, 0.8]",
    );
  });
});

describe("the command line", () => {
  it("simulate exits 2 with the file, line and field, for the tester's plans", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cadence-silent-"));
    const cases: [string, string, RegExp][] = [
      ["dup.yaml", campaign("{ dates: [2026-01-05, 2026-01-05] }"), /dup\.yaml:6: programs\[0\]\.schedule\.dates\[1\]: 2026-01-05 repeats dates\[0\]/],
      ["band.yaml", weighted("{ bands: [[7d, -1]] }"), /band\.yaml:6: pressure\.rules\[0\]\.weighted\.decay\.bands\[0\]\[1\]: a band factor/],
      ["attr.yaml", journey(`      - branch: { if: attr.region == "north", then: [] }\n`), /attr\.yaml:8: programs\[0\]\.steps\[0\]\.branch\.if: attr\.region is not an attribute/],
    ];
    for (const [name, text, expected] of cases) {
      writeFileSync(join(dir, name), text);
      const r = await capture(() => main(["simulate", join(dir, name), "--customers", "200", "--days", "30"]));
      expect(r.code, name).toBe(2);
      expect(r.err, name).toMatch(expected);
      expect(r.err, name).not.toMatch(/\n\s+at /);
    }
  });
});

describe("counts given as fractions", () => {
  it("refuses a fractional channel capacity (2.5 let 3 a day through) and holds a whole one", () => {
    const plan = (capacity: string) => `channels:
  email: { capacity: ${capacity} }
programs:
  - id: nl
    type: campaign
    schedule: { every: 1d }
    send: { channel: email, message: n }
`;
    expect(errorOf(plan("2.5"))).toBe(
      "plan.yaml:2: channels.email.capacity: a capacity (contacts a day) is a count: expected a whole number from 0 to 1000000000, got 2.5; write 2 or 3",
    );
    const s = runPlan(load(plan("2")), { customers: 200, days: 5, baseline: false }).summary;
    // 200 customers offered the campaign each day, 2 of them sent: 5 days × 2
    expect(s.contacts).toBe(10);
    expect(s.suppressedByRule["capacity:email"]).toBe(660); // the other consenting customers offered, every day
  });

  it("refuses fractional inactive days (the journey never started: 0 contacts) and runs whole ones", () => {
    const plan = (days: string) => journey("      - send: { channel: email, message: m }\n").replace("trigger: signup", `trigger: { event: inactive, days: ${days} }`);
    expect(errorOf(plan("1.5"))).toBe(
      "plan.yaml:6: programs[0].trigger.days: days without a purchase is a count: expected a whole number from 1 to 3650, got 1.5; write 1 or 2",
    );
    expect(runPlan(load(plan("2")), { customers: 1000, days: 30, baseline: false }).summary.contacts).toBeGreaterThan(0);
  });
});

describe("names read where they have no value", () => {
  const audience = (a: string) => campaign("{ every: 1d }", `    audience: ${a}\n`);
  it("refuses journey.* in a campaign's audience (it chose no one)", () => {
    expect(errorOf(audience(`"consent.email && !journey.clicked"`))).toBe(
      "plan.yaml:7: programs[0].audience: invalid expression: 'journey.clicked' has no value in an audience: journey.* is the running journey instance, read in its branch conditions only",
    );
  });
  it("refuses event.* in a branch and journey.* in a trigger condition", () => {
    expect(errorOf(journey("      - branch: { if: event.value > 10, then: [exit] }\n"))).toBe(
      "plan.yaml:8: programs[0].steps[0].branch.if: invalid expression: 'event.value' has no value in a branch condition: event.* is the event that starts a journey, read in its trigger condition only",
    );
    expect(errorOf(journey("      - send: { channel: email, message: m }\n").replace("trigger: signup", "trigger: { event: purchase, condition: journey.opened }")))
      .toMatch(/^plan\.yaml:6: programs\[0\]\.trigger\.condition: invalid expression: 'journey\.opened' has no value in a trigger condition/);
  });
  it("refuses message.* in a cap or threshold (always null: the threshold never changed) and takes it in a weight", () => {
    const rule = (r: string) => `channels:\n  email: {}\n  sms: {}\npressure:\n  rules:\n    - ${r}\nprograms: []\n`;
    expect(errorOf(rule(`{ name: w, weighted: { threshold: "message.channel == 'sms' ? 1 : 3" } }`))).toBe(
      "plan.yaml:6: pressure.rules[0].weighted.threshold: invalid expression: 'message.channel' has no value in a threshold: message.* is the message a weighted rule weighs, read in a rule's weight only",
    );
    expect(errorOf(rule(`{ name: c, cap: "message.channel == 'sms' ? 1 : 3", window: 7d }`))).toMatch(/pressure\.rules\[0\]\.cap: invalid expression: 'message\.channel' has no value in a cap/);
    expect(load(rule(`{ name: w, weighted: { threshold: 3, weight: "message.channel == 'sms' ? 2 : 1" } }`)).plan.name).toBe("plan");
  });
  it("takes each group where it is read", () => {
    const text = journey("      - send: { channel: email, message: m }\n      - wait: 2d\n      - branch: { if: '!journey.clicked', then: [exit] }\n")
      .replace("trigger: signup", "trigger: { event: purchase, condition: event.value > 10 }");
    expect(load(text).compiled.journeys.length).toBe(1);
  });
});

describe("a rule's timezone without a calendar", () => {
  it("is refused: only calendar buckets read it (a spacing or rolling window ignored it)", () => {
    const rule = (r: string) => `channels:\n  email: {}\npressure:\n  rules:\n    - ${r}\nprograms: []\n`;
    expect(errorOf(rule(`{ name: s, spacing: 2d, timezone: "+01:00" }`))).toBe(
      "plan.yaml:5: pressure.rules[0].timezone: timezone applies to calendar caps only (it says where a calendar day, week, month or quarter starts; a spacing counts minutes whatever the timezone): add calendar: day, week, month or quarter, or remove timezone",
    );
    expect(errorOf(rule(`{ name: w, cap: 2, window: 7d, timezone: UTC }`))).toMatch(/timezone applies to calendar caps only .*a rolling window counts minutes/);
    expect(load(rule(`{ name: d, cap: 1, calendar: day, timezone: "+01:00" }`)).compiled.pressure.rules[0].timezone).toBe(60);
  });
});

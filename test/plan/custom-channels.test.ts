import { describe, expect, it } from "vitest";
import { planError } from "../helpers.ts";
import { loadPlan, parsePlan } from "../../engine/plan/load.ts";
import { checkPlanAttributes, parsePopulation } from "../../engine/sim/population-spec.ts";
import { DEFAULT_WORLD } from "../../engine/sim/world-model.ts";
import { DAY } from "../../engine/core/time.ts";

const ok = `channels:
  email: {}
  in_app:
    consent: attr.app_user
    like: push
    cost: 0.0002
    response: { open: 0.12, fatigueWeight: 0.3 }
programs:
  - id: welcome
    type: journey
    trigger: { event: signup }
    steps:
      - send: { channel: in_app, message: hello }
`;

const errorOf = (text: string) => planError(text, "broken.yaml");

describe("custom channels in the plan format", () => {
  it("are indexed after the five built-in ones, in declaration order, with like:'s defaults under the plan's fields", () => {
    const p = parsePlan(ok.replace("programs:", "  store_voucher: { consent: none, like: mail, capacity: 40 }\nprograms:"), "ok.yaml");
    expect(p.compiled.names.channels).toEqual(["email", "sms", "push", "mail", "call", "in_app", "store_voucher"]);
    const inApp = p.plan.channels[5]!, voucher = p.plan.channels[6]!;
    expect(inApp.consent).toBe(5); // its own consent bit, set from attr.app_user
    expect(inApp.cost).toBe(0.0002); // the plan's field over push's 0.0005
    expect(inApp.window).toEqual([8 * 60, 21 * 60]); // push's window, from like: push
    expect(inApp.custom!.attribute).toBe("app_user");
    expect(inApp.custom!.consentShare).toBe(DEFAULT_WORLD.consents[2]); // push's consent share
    expect(inApp.custom!.response.open).toBe(0.12);
    expect(inApp.custom!.response.click).toBe(DEFAULT_WORLD.channels[2].click); // push's calibrated click
    expect(inApp.custom!.response.fatigueWeight).toBe(0.3);
    expect(voucher.consent).toBe(-1); // consent: none
    expect(voucher.latency).toBe(3 * DAY); // direct mail's
    expect(voucher.capacity).toBe(40);
    expect(p.compiled.sends[0].channel).toBe(5);
  });

  it("without like: take the documented neutral defaults", () => {
    const p = parsePlan(ok.replace("    like: push\n", ""), "ok.yaml");
    const ch = p.plan.channels[5]!;
    expect([ch.latency, ch.window, ch.maxDefer, ch.capacity]).toEqual([0, null, DAY, null]);
    expect(ch.custom!.consentShare).toBe(0.3);
    expect(ch.custom!.response).toMatchObject({ deliver: 1, open: 0.12, click: 0.1, convert: 0.05, unsubscribe: 0.001, fatigueWeight: 0.3 });
  });

  it("are accepted by pressure rules' weights, counts and appliesTo, and by expressions as consent.<name>", () => {
    const p = parsePlan(ok.replace("programs:", `pressure:
  rules:
    - name: weighted
      weighted: { threshold: 3, weights: { in_app: 0.25, email: 1 }, decay: { halfLife: 7d } }
    - name: in-app-cap
      cap: 1
      window: 1d
      counts: { channels: [in_app] }
      appliesTo: { channels: [in_app, email] }
programs:`).replace("trigger: { event: signup }", "trigger: { event: signup, condition: 'consent.in_app && attr.app_user' }"), "ok.yaml");
    const [weighted, cap] = p.compiled.pressure.rules;
    expect(weighted.channelWeights[5]).toBe(0.25);
    expect(cap.counts.channels).toBe(1 << 5);
    expect(cap.applies.channels).toBe((1 << 5) | 1);
  });

  it("count as attributes every population has, for the attribute check of a run", () => {
    const source = loadPlan("scenarios/custom-channels.yaml").source;
    expect(() => checkPlanAttributes(source, parsePopulation("synthetic"), "custom-channels.yaml")).not.toThrow();
    const other = parsePlan(ok.replace("trigger: { event: signup }", "trigger: { event: signup, condition: 'attr.segment == \"vip\"' }"), "x.yaml").source;
    expect(() => checkPlanAttributes(other, parsePopulation("synthetic"), "x.yaml")).toThrow(/attr\.segment is not an attribute/);
  });

  const cases: [string, string, RegExp][] = [
    ["a misspelt built-in channel", ok.replace("  email: {}", "  emial: {}"), /broken\.yaml:2: channels\.emial: unknown channel 'emial'; did you mean 'email'\? .*consent: attr\.<attribute>/],
    ["a custom channel without consent", ok.replace("    consent: attr.app_user\n", ""), /channels\.in_app: unknown channel 'in_app'.* a custom channel must say where its consent comes from/],
    ["a consent that is not an attribute", ok.replace("consent: attr.app_user", "consent: app_user"), /broken\.yaml:4: channels\.in_app\.consent: a custom channel's consent is attr\.<attribute> .* or none, got string "app_user"/],
    ["a name too close to a built-in one", ok.replace(/in_app/g, "e_mail"), /channels\.e_mail: 'e_mail' is too close to the built-in channel 'email'/],
    ["a name with capitals", ok.replace(/in_app/g, "InApp"), /channels\.InApp: a custom channel's name is lower-case letters/],
    ["a name of a daily series", ok.replace(/in_app/g, "revenue"), /channels\.revenue: 'revenue' names one of a run's daily series/],
    ["a name of a category", ok.replace(/in_app/g, "promotional"), /channels\.promotional: 'promotional' is a message category/],
    ["an unknown like", ok.replace("like: push", "like: pushh"), /broken\.yaml:5: channels\.in_app\.like: expected one of email, sms, push, mail or call, got string "pushh"; did you mean 'push'\?/],
    ["an unknown response field", ok.replace("open: 0.12", "opens: 0.12"), /channels\.in_app\.response\.opens: unknown field 'opens'; did you mean 'open'\?/],
    ["a response share above 1", ok.replace("open: 0.12", "open: 12"), /broken\.yaml:7: channels\.in_app\.response\.open: expected a number from 0 to 1, got number 12/],
    // a custom channel's response takes the ranges of world.channels: a day's open delay was taken (and dropped)
    ["an open delay of a year", ok.replace("open: 0.12", "open: 0.12, openDelay: 525600"), /broken\.yaml:7: channels\.in_app\.response\.openDelay: expected a number from 0 to 43200, got number 525600 \(docs\/world-model\.md, "Ranges", says why\)/],
    ["a reference cadence of a minute", ok.replace("open: 0.12", "open: 0.12, gapDays: 0.0007"), /channels\.in_app\.response\.gapDays: expected a number ≥ 0\.1, got number 0\.0007/],
    ["a custom channel's response under world:", ok + "world: { channels: { in_app: { open: 0.2 } } }\n", /world\.channels\.in_app: 'in_app' is not a built-in channel: world\.channels sets email, sms, push, mail, call; a custom channel's response goes in channels\.<name>\.response/],
    ["a response on a built-in channel", ok.replace("  email: {}", "  email: { response: { open: 0.3 } }"), /channels\.email\.response: unknown field 'response'/],
    ["a consent share out of range", ok.replace("like: push", "consentShare: 2"), /channels\.in_app\.consentShare: .*got number 2/],
    ["a send on an undeclared custom channel", ok.replace("channel: in_app, message", "channel: in_ap, message"), /programs\[0\]\.steps\[0\]\.send\.channel: expected one of email, sms, push, mail, call or in_app, got string "in_ap"; did you mean 'in_app'\?/],
    ["a weight on an undeclared channel", ok.replace("programs:", "pressure:\n  rules:\n    - { name: w, weighted: { threshold: 2, weights: { in_apps: 1 }, decay: { halfLife: 7d } } }\nprograms:"), /unknown channel or category 'in_apps'; valid: email, sms, push, mail, call, in_app, transactional/],
  ];
  for (const [what, text, re] of cases) {
    it(`refuses ${what}`, () => expect(errorOf(text)).toMatch(re));
  }

  it("refuses a twelfth custom channel: consents are 16 bits", () => {
    const many = Array.from({ length: 12 }, (_, i) => `  c${i}: { consent: none }`).join("\n");
    expect(errorOf(ok.replace("  email: {}", `  email: {}\n${many}`))).toMatch(/channels\.c11: too many channels: 'c11' would be number 17; a plan has at most 11 custom channels/);
  });
});

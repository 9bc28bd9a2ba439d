import { describe, expect, it } from "vitest";
import { planError } from "../helpers.ts";
import { parsePlan } from "../../engine/plan/load.ts";

const ok = `channels:
  email: {}
programs:
  - id: welcome
    type: journey
    trigger: { event: signup }
    steps:
      - send: { channel: email, message: hello }
`;

const errorOf = (text: string) => planError(text, "broken.yaml");

describe("broken plan files", () => {
  it("accepts the reference plan", () => {
    expect(parsePlan(ok, "ok.yaml").plan.programs.length).toBe(1);
  });

  const cases: [string, string, RegExp][] = [
    ["invalid YAML", "programs: [\n  - id: x\n", /^broken\.yaml:\d+: invalid YAML/],
    ["unknown top-level field", ok.replace("channels:", "chanels:\n  email: {}\nchannels:"), /broken\.yaml:1: chanels: unknown field 'chanels'; did you mean 'channels'\?/],
    ["unknown channel", ok.replace("channel: email", "channel: fax"), /broken\.yaml:8: programs\[0\]\.steps\[0\]\.send\.channel: expected one of email, sms, push, mail or call, got string "fax"/],
    ["channel not configured", ok.replace("channel: email", "channel: sms"), /programs\[0\]\.steps\[0\]\.send\.channel: channel 'sms' is not configured in this plan's channels \(configured: email\)/],
    ["unknown trigger event", ok.replace("event: signup", "event: sign_up"), /broken\.yaml:6: programs\[0\]\.trigger\.event: expected one of signup, .* got string "sign_up"; did you mean 'signup'\?/],
    ["bad duration", ok.replace("      - send: { channel: email, message: hello }", "      - wait: 3 days"), /programs\[0\]\.steps\[0\]\.wait: expected a duration such as 30m, 12h, 3d or 2w, got string "3 days"/],
    ["two kinds in one step", ok.replace("      - send: { channel: email, message: hello }", "      - { wait: 1d, send: { channel: email, message: x } }"), /programs\[0\]\.steps\[0\]: expected one step: a mapping with exactly one of send, wait, waitFor, branch, split, exit, got fields wait, send/],
    ["holdout out of range", ok.replace("type: journey", "type: journey\n    holdout: 1.5"), /broken\.yaml:6: programs\[0\]\.holdout: expected a share from 0 to 1 \(or a percentage such as "10%"\), got number 1.5/],
    ["duplicate program ids", ok + ok.split("programs:\n")[1], /programs\[1\]\.id: duplicate program id 'welcome'/],
    ["missing program type", ok.replace("    type: journey\n", ""), /programs\[0\]\.type: missing program type: expected journey or campaign/],
    ["campaign without schedule kind", `channels:\n  email: {}\nprograms:\n  - id: nl\n    type: campaign\n    schedule: { at: "10:00" }\n    send: { channel: email, message: n }\n`, /broken\.yaml:6: programs\[0\]\.schedule: expected exactly one of once \(a date\), every \(a duration\), weekly \(weekdays\), monthly \(days of the month or "first mon"\) or dates \(a list of dates\)/],
    ["bad weekday", `channels:\n  email: {}\nprograms:\n  - id: nl\n    type: campaign\n    schedule: { weekly: [tuesday] }\n    send: { channel: email, message: n }\n`, /programs\[0\]\.schedule\.weekly\[0\]: expected one of mon, tue, wed, thu, fri, sat or sun, got string "tuesday"/],
    ["unknown expression name", ok.replace("trigger: { event: signup }", "trigger: { event: signup, condition: lifecylce == \"new\" }"), /broken\.yaml:6: programs\[0\]\.trigger\.condition: invalid expression: unknown name 'lifecylce'.*did you mean 'lifecycle'/],
    ["expression syntax error", ok.replace("trigger: { event: signup }", "trigger: { event: signup, condition: \"orders >\" }"), /programs\[0\]\.trigger\.condition: invalid expression: /],
    ["inactive trigger without days", ok.replace("event: signup", "event: inactive"), /programs\[0\]\.trigger\.days: an inactive trigger needs days/],
    // an offset's minutes past 59, or beyond ±14:00, were taken as written (+01:75 ran at UTC+02:15)
    ["offset minutes past 59", "timezone: \"+01:75\"\n" + ok, /broken\.yaml:1: timezone: expected a UTC offset such as "\+01:00", "-05:00" or "UTC", got string "\+01:75"/],
    ["offset beyond 14 hours", "timezone: \"-14:30\"\n" + ok, /broken\.yaml:1: timezone: expected a UTC offset such as "\+01:00", "-05:00" or "UTC", got string "-14:30"/],
    // a number was read as minutes: `timezone: 1` (an hour, as the expression `timezone` reads) ran a 10:00 campaign at 09:59 UTC
    ["a number for the offset", "timezone: 1\n" + ok, /broken\.yaml:1: timezone: a number is ambiguous \(hours or minutes\?\): write the offset as text, e\.g\. "\+01:00" \(hours:minutes east of UTC\) or "UTC", got number 1/],
    ["minutes for the offset", "timezone: -300\n" + ok, /broken\.yaml:1: timezone: a number is ambiguous .* e\.g\. "\+01:00" .* got number -300/],
    // a zone name was refused with no word of daylight saving: which offset to write? Its offsets are named
    ["a zone with daylight saving", "timezone: Europe/Paris\n" + ok, /broken\.yaml:1: timezone: expected a UTC offset .* got string "Europe\/Paris": a plan's clock is a fixed offset, without daylight saving: Europe\/Paris is "\+01:00" in January and "\+02:00" in July; write one/],
    ["a zone without daylight saving", "timezone: Asia/Kathmandu\n" + ok, /broken\.yaml:1: timezone: .* got string "Asia\/Kathmandu": a plan's clock is a fixed offset, not a zone name: write "\+05:45" for Asia\/Kathmandu$/],
    ["a zone in a pressure rule", ok.replace("programs:", "pressure:\n  rules:\n    - { name: day, cap: 1, calendar: day, timezone: America/New_York }\nprograms:"), /broken\.yaml:5: pressure\.rules\[0\]\.timezone: .* got string "America\/New_York": .* America\/New_York is "-05:00" in January and "-04:00" in July/],
    // "21:00-08:00" may mean quiet hours or a night window: refused, naming the quiet-hours window
    ["a send window across midnight", ok.replace("email: {}", "email: { window: \"21:00-08:00\" }"), /broken\.yaml:2: channels\.email\.window: a send window is the hours messages may go, within one local day: it must open before it closes; for quiet hours from 21:00 to 08:00, write "08:00-21:00"; a window across midnight is not taken/],
    ["an empty send window", ok.replace("email: {}", "email: { window: \"09:00-09:00\" }"), /broken\.yaml:2: channels\.email\.window: the window must open before it closes, e\.g\. "09:00-20:00" \(or "always"\)/],
    ["unknown pressure rule field", ok.replace("programs:", "pressure:\n  rules:\n    - { name: cap, cap: 3, windw: 7d }\nprograms:"), /pressure\.rules\[0\]/],
  ];
  for (const [name, text, expected] of cases) {
    it(`rejects ${name} with a message saying where and what is valid`, () => {
      expect(errorOf(text)).toMatch(expected);
    });
  }

  it("reports every problem of a plan at once", () => {
    const text = ok.replace("channel: email", "channel: fax").replace("event: signup", "event: nope");
    expect(errorOf(text).split("\n").length).toBeGreaterThanOrEqual(2);
  });
});

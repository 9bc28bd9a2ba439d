/**
 * The templates' "if not opened" follow-ups (welcome, reactivation: a wait, then a branch on
 * journey.opened) run live as the simulator runs them: an open or a click of the journey's own message
 * (an `opened` event naming its program) keeps the follow-up back; no open, an open of another
 * program's message (the newsletter), or an open that names no program lets it go at the template's
 * delay (docs/live.md, "Events"). Real server on 127.0.0.1, real SQLite, manual clock.
 */
import { describe, expect, it } from "vitest";
import { at, promote, serversStoppedAfterEach, T0, type TestServer } from "./live-helpers.ts";

// welcome: welcome-1 at the signup, welcome-reminder 3 days later unless it was opened; reactivation:
// we-miss-you 120 days after the last purchase, we-miss-you-nudge (push) 5 days later unless opened;
// the newsletter goes on Tuesdays at 10:00 (2026-03-03, at(34)) to every e-mail opt-in
const PLAN = `name: follow-ups live
timezone: "+00:00"
channels: { email: {}, push: {} }
programs:
  - use: programs/welcome
    with: { holdout: 0 }
  - use: programs/reactivation
    with: { holdout: 0 }
  - use: programs/newsletter
`;

const server = serversStoppedAfterEach(T0);
const DAY_MS = 86_400_000;

/** Each customer's messages sent, as `customer:message@hours after T0`, sorted. */
async function sent(s: TestServer): Promise<string[]> {
  const d = (await s.api("GET", "/v1/decisions?limit=1000", undefined, { key: s.keys.analyst })).body.decisions as { customer: string; message: string; status: string; time: string }[];
  return d.filter((x) => x.status === "sent" && x.message !== "newsletter")
    .map((x) => `${x.customer}:${x.message}@${(Date.parse(x.time) - T0 * 60000) / 3_600_000}`).sort();
}

async function post(s: TestServer, events: Record<string, unknown>[]): Promise<void> {
  const r = await s.api("POST", "/v1/events", { events }, { key: s.keys.ingest });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

describe("the templates' 'if not opened' follow-ups, live", () => {
  it("welcome: a reminder 3 days after the signup unless the welcome itself was opened or clicked", async () => {
    const s = server();
    await promote(s, PLAN);
    const ids = ["opens-welcome", "clicks-welcome", "opens-nothing", "opens-newsletter", "opens-unnamed"];
    await s.api("POST", "/v1/customers", { customers: ids.map((id) => ({ id, signup: at(0), consents: ["email", "push"] })) }, { key: s.keys.ingest });
    await post(s, ids.map((id) => ({ id: `s-${id}`, customer: id, type: "signup", time: at(0) })));
    await s.api("POST", "/v1/clock", { now: at(35) }); // the newsletter went at at(34)
    await post(s, [
      { id: "o1", customer: "opens-welcome", type: "opened", time: at(40), channel: "email", program: "welcome", message: "welcome-1" },
      { id: "o2", customer: "clicks-welcome", type: "clicked", time: at(41), channel: "email", program: "welcome", message: "welcome-1" },
      { id: "o3", customer: "opens-newsletter", type: "opened", time: at(40), channel: "email", program: "newsletter", message: "newsletter" },
      { id: "o4", customer: "opens-unnamed", type: "opened", time: at(40), channel: "email" },
    ]);
    await s.api("POST", "/v1/clock", { now: at(100) });
    expect(await sent(s)).toEqual([
      "clicks-welcome:welcome-1@0",
      "opens-newsletter:welcome-1@0", "opens-newsletter:welcome-reminder@72",
      "opens-nothing:welcome-1@0", "opens-nothing:welcome-reminder@72",
      "opens-unnamed:welcome-1@0", "opens-unnamed:welcome-reminder@72",
      "opens-welcome:welcome-1@0",
    ]);
    // accepted, as an open of a message sent outside the plan must be (it still sets lastOpen), and the
    // API's document says what it does not do
    const doc = JSON.stringify((await s.api("GET", "/v1/openapi.json")).body);
    expect(doc).toContain("an opened or clicked without it marks no journey (journey.opened: the templates' 'if not opened' follow-ups still go)");
  });

  it("reactivation: a push nudge 5 days after the offer unless the offer itself was opened", async () => {
    const s = server();
    await promote(s, PLAN);
    // last purchase 119 days before T0: the offer goes at at(24), 120 days after it
    const last = new Date(T0 * 60000 - 119 * DAY_MS).toISOString();
    const ids = ["opens-offer", "opens-nothing", "opens-newsletter"];
    await s.api("POST", "/v1/customers", { customers: ids.map((id) => ({ id, signup: at(-24 * 400), orders: 1, revenue: 50, lastPurchase: last, consents: ["email", "push"] })) }, { key: s.keys.ingest });
    await s.api("POST", "/v1/clock", { now: at(35) });
    await post(s, [
      { id: "o1", customer: "opens-offer", type: "opened", time: at(36), channel: "email", program: "reactivation", message: "we-miss-you" },
      { id: "o2", customer: "opens-newsletter", type: "opened", time: at(36), channel: "email", program: "newsletter", message: "newsletter" },
    ]);
    await s.api("POST", "/v1/clock", { now: at(24 * 7) });
    // the nudge is due at at(144), midnight: push's default window (08:00–21:00) holds it until 08:00
    expect(await sent(s)).toEqual([
      "opens-newsletter:we-miss-you-nudge@152", "opens-newsletter:we-miss-you@24",
      "opens-nothing:we-miss-you-nudge@152", "opens-nothing:we-miss-you@24",
      "opens-offer:we-miss-you@24",
    ]);
  });
});

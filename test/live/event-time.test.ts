/**
 * An event's time (web/schemas.ts): RFC 3339's lower-case `z` and `t` are taken; a time without its UTC
 * offset is refused, where it was taken as UTC (a sender in another zone was hours off, and events drive
 * the engine's clock). A profile's date alone is still that day, UTC.
 */
import { describe, expect, it } from "vitest";
import { parseDate } from "../../engine/core/time.ts";
import { serversStoppedAfterEach } from "./live-helpers.ts";

const server = serversStoppedAfterEach(parseDate("2026-03-02")!);

describe("an event's time", () => {
  it("takes a lower-case z and t (RFC 3339) as their capitals", async () => {
    const s = server();
    for (const [id, time] of [["a", "2026-03-10T06:30:00z"], ["b", "2026-03-10t06:30:00Z"], ["c", "2026-03-10T07:30:00+01:00"]]) {
      const r = await s.api("POST", "/v1/events", { id, customer: "T1", type: "visit", time }, { key: s.keys.ingest });
      expect(r.status, time).toBe(200);
    }
    expect(s.store.query("SELECT idem, time FROM events ORDER BY idem")).toEqual(["a", "b", "c"].map((idem) => ({ idem, time: parseDate("2026-03-10T06:30:00Z") })));
  });

  it("needs its offset: without one it was taken as UTC", async () => {
    const s = server();
    for (const time of ["2026-03-10T06:30:00", "2026-03-10T06:30", "2026-03-10"]) {
      const r = await s.api("POST", "/v1/events", { events: [{ id: "n", customer: "T1", type: "visit", time }] }, { key: s.keys.ingest });
      expect(r.status, time).toBe(400);
      expect(r.body.problems[0], time).toMatchObject({ path: "body.events[0].time", message: expect.stringContaining("with its UTC offset, such as 2026-03-01T10:30:00Z") });
    }
    expect(s.store.eventCount()).toBe(0);
  });

  it("a profile's date alone is still that day in UTC, and its times take a lower-case z", async () => {
    const s = server();
    const r = await s.api("POST", "/v1/customers", { customers: [{ id: "T2", signup: "2026-01-10", lastVisit: "2026-02-03t10:00:00z" }] }, { key: s.keys.ingest });
    expect(r.status).toBe(200);
    expect((await s.api("GET", "/v1/customers/T2", undefined, { key: s.keys.analyst })).body.profile).toMatchObject({ signup: "2026-01-10T00:00:00Z", lastVisit: "2026-02-03T10:00:00Z" });
  });
});

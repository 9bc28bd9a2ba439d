/**
 * A plan is measured on the control group it was promoted with: the share and salt are recorded with
 * it; a restart whose flags name another group is refused while it is live or paused (in process and
 * as `cadence serve`, one line, exit 2); a restart without the flags takes the recorded ones; once it
 * is retired a new group may start, and the old plan's figures stay on its own group.
 */
import { describe, expect, it } from "vitest";
import { inControl } from "../../engine/live/control-group.ts";
import { at, promote, serversStoppedAfterEach, spawnServe, T0, tempDb } from "./live-helpers.ts";

const server = serversStoppedAfterEach(T0);

const PLAN = `name: control
timezone: "+00:00"
channels: { email: {} }
programs:
  - id: welcome
    type: journey
    trigger: { event: signup }
    steps:
      - send: { channel: email, message: welcome, category: relational }
`;
const IDS = Array.from({ length: 30 }, (_, i) => `K${i}`);
const S1 = { share: 0.5, salt: "s1" };
const REFUSED = (share: number, salt: string) =>
  `--control-share ${share} --control-salt ${salt}: plan 1 (live) is measured on control share 0.5 with salt s1; restart with --control-share 0.5 --control-salt s1 (or without both); to measure on a new group, retire plan 1 on a server with its settings, then start with the new ones and promote a plan again`;

/** A database with plan 1 promoted on S1 and every customer signed up and buying once. */
async function measured(db: string) {
  const s = server({ db, control: S1 });
  await promote(s, PLAN);
  await s.api("POST", "/v1/customers", { customers: IDS.map((id) => ({ id, signup: at(0), consents: ["email"] })) }, { key: s.keys.ingest });
  await s.api("POST", "/v1/events", {
    events: IDS.flatMap((id, i) => [{ id: `s${id}`, customer: id, type: "signup", time: at(0) }, { id: `p${id}`, customer: id, type: "purchase", time: at(1), value: 10 + i }]),
  }, { key: s.keys.ingest });
  await s.api("POST", "/v1/clock", { now: at(2) });
  return s;
}

describe("the control group recorded with the plan", () => {
  it("refuses a restart with another share or salt while the plan is live; without the flags it takes the recorded ones", async () => {
    const db = tempDb("control");
    const a = await measured(db);
    const before = (await a.api("GET", "/v1/metrics/live")).body;
    await a.stop();
    expect(() => server({ db, control: { share: 0.2, salt: "s1" } })).toThrow(REFUSED(0.2, "s1"));
    expect(() => server({ db, control: { salt: "s2" } })).toThrow(REFUSED(0.5, "s2"));
    const b = server({ db, control: {} });
    expect(b.driver.control).toEqual(S1);
    // the same customers in control, the same figures: nobody moved with their purchases
    const after = (await b.api("GET", "/v1/metrics/live")).body;
    expect(after.total).toEqual(before.total);
    expect(after.total.control.customers).toBe(IDS.filter((id) => inControl(S1, id)).length);
  });

  it("cadence serve: one line and exit 2 for other flags; without them it starts on the recorded group", async () => {
    const db = tempDb("control-cli");
    const a = await measured(db);
    await a.stop();
    const out = await new Deno.Command("./node_modules/.bin/deno", {
      args: ["run", "-A", "engine/cli/main.ts", "serve", "--db", db, "--port", "0", "--clock", "manual", "--control-share", "0.1"], stdout: "piped", stderr: "piped",
      signal: AbortSignal.timeout(30_000), // a server that starts anyway would never end
    }).output();
    expect([out.code, new TextDecoder().decode(out.stderr)]).toEqual([2, REFUSED(0.1, "s1") + "\n"]);
    const { p, url } = await spawnServe(["--db", db, "--port", "0", "--clock", "manual"]);
    try {
      const m = await (await fetch(`${url}/v1/metrics/live`, { headers: { authorization: `Bearer ${a.keys.analyst}` } })).json();
      expect([m.controlShare, m.total.control.customers]).toEqual([0.5, IDS.filter((id) => inControl(S1, id)).length]);
    } finally {
      p.kill("SIGTERM");
      await p.status;
    }
  });

  it("once the plan is retired a new group may start; the retired plan's figures stay on the group it was measured on", async () => {
    const db = tempDb("control-new");
    const a = await measured(db);
    const first = (await a.api("GET", "/v1/plans/1/forecast-vs-actual")).body;
    await a.api("POST", "/v1/plans/1/retire", undefined, { key: a.keys.operator });
    await a.stop();
    const S2 = { share: 0.5, salt: "s2" };
    const b = server({ db, control: S2 });
    await promote(b, PLAN); // plan 2, on S2: every customer's stored flag is rewritten for it
    expect(b.store.listPlans().map((p) => p.control)).toEqual([JSON.stringify(S1), JSON.stringify(S2)]);
    expect(b.store.query("SELECT sum(control) AS n FROM customers")).toEqual([{ n: IDS.filter((id) => inControl(S2, id)).length }]);
    const again = (await b.api("GET", "/v1/plans/1/forecast-vs-actual")).body;
    expect(again.population).toEqual(first.population);
    expect(again.metrics).toEqual(first.metrics);
    expect(again.population.control).toBe(IDS.filter((id) => inControl(S1, id)).length);
  });
});

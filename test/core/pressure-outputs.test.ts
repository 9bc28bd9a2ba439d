/**
 * The pressure rules' promise where a user reads it: in the messages of a whole run, no customer gets
 * more than the rules allow. Seeded random rule sets (caps 1–5 over rolling windows of 1–30 days and
 * calendar periods in the customer's or a rule's timezone, spacings, weighted pressure with every decay,
 * counts/appliesTo filters, exemptions, send windows, a channel capacity, deferrals, contacts made
 * outside the plan) replace the `pressure:` section of the example plans; each run's messages are
 * audited by test/core/pressure-audit.ts, which reads the rules as written, not as compiled.
 * Seeded, so a failure names its case and replays. fast-check is not a dependency of the project: the
 * cases are drawn as test/plan/fuzz.test.ts draws its mutants.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { seeded } from "../helpers.ts";
import { loadPlan, parsePlan } from "../../engine/plan/load.ts";
import { runPlan } from "../../engine/sim/run.ts";
import { customersTable, messagesTable } from "../../engine/sim/tables.ts";
import { writeRun } from "../../engine/sim/output.ts";
import type { ExternalContacts } from "../../engine/sim/external-contacts.ts";
import { auditFolder, type AuditInput, auditPressure, type MessageRow } from "./pressure-audit.ts";

const PLANS = ["scenarios/lifecycle.yaml", "scenarios/lifecycle-capped.yaml"].map((f) => loadPlan(f));
const START = "2026-01-05", START_MS = Date.parse(START);
const CASES = 120, SEED = 20261201;

type Source = Record<string, unknown> & { programs: Record<string, unknown>[]; channels: Record<string, Record<string, unknown>> };

/** A random rule set, channel settings, deferrals and outside contacts for one of the example plans. */
function randomCase(k: number) {
  const u = seeded(SEED + 7919 * k);
  const int = (lo: number, hi: number) => lo + Math.floor(u() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(u() * xs.length)];
  const some = <T>(xs: readonly T[]): T[] => {
    const out = xs.filter(() => u() < 0.5);
    return out.length ? out : [pick(xs)];
  };
  const loaded = PLANS[k % PLANS.length];
  const source = structuredClone(loaded.source) as Source;
  const programs = source.programs.map((p) => String(p.id));
  const channels = ["email", "sms", "push"], categories = ["promotional", "relational", "transactional"];
  const aFilter = () => {
    const r = u();
    return r < 0.4 ? { channels: some(channels) } : r < 0.7 ? { categories: some(categories) } : r < 0.85 ? { programs: some(programs) } : { channels: some(channels), categories: some(categories) };
  };
  const rules: Record<string, unknown>[] = [];
  for (let i = 0, n = int(1, 4); i < n; i++) {
    const rule: Record<string, unknown> = { name: `r${i}` };
    const kind = pick(["cap", "cap", "spacing", "weighted"]);
    if (kind === "cap") {
      rule.cap = int(1, 5);
      const r = u();
      if (r < 0.7) rule.window = `${int(1, 30)}d`;
      if (r > 0.4) {
        rule.calendar = pick(["day", "week", "month", "quarter"]);
        if (u() < 0.3) rule.timezone = pick(["+09:00", "-05:00", "UTC", "+05:45"]);
      }
      if (u() < 0.5) rule.lookahead = true;
    } else if (kind === "spacing") {
      rule.spacing = u() < 0.5 ? `${int(1, 48)}h` : `${int(1, 10)}d`;
      if (u() < 0.3) rule.lookahead = true;
    } else {
      const weighted: Record<string, unknown> = { threshold: int(2, 16) / 2 };
      if (u() < 0.8) weighted.weights = Object.fromEntries(some([...channels, ...categories]).map((x) => [x, int(0, 6) / 2]));
      else weighted.weight = int(1, 4) / 2;
      const d = u();
      if (d < 0.5) weighted.decay = { halfLife: `${int(1, 14)}d` };
      else if (d < 0.75) weighted.decay = { linear: `${int(3, 30)}d` };
      else weighted.decay = { bands: [[`${int(1, 7)}d`, 1], [`${int(8, 30)}d`, int(0, 4) / 4]] };
      rule.weighted = weighted;
    }
    if (u() < 0.4) rule.counts = aFilter();
    if (u() < 0.25) rule.appliesTo = aFilter();
    rules.push(rule);
  }
  const pressure: Record<string, unknown> = { rules };
  const e = u();
  if (e < 0.5) pressure.exempt = { categories: ["transactional"] };
  else if (e < 0.7) pressure.exempt = { programs: some(programs).slice(0, 2) };
  source.pressure = pressure;
  source.channels = structuredClone(source.channels);
  source.channels.sms = { ...source.channels.sms, window: pick(["09:00-20:00", "10:00-18:00", "always"]) };
  source.channels.push = { ...source.channels.push, window: pick(["08:00-21:00", "12:00-14:00", "always"]) };
  if (u() < 0.3) source.channels.email = { ...source.channels.email, capacity: int(5, 30) };
  for (const p of source.programs) if (u() < 0.3) p.onBlocked = `defer(${int(1, 3)}d)`;
  const customers = int(200, 400), days = int(60, 120);
  let external: ExternalContacts | undefined;
  if (u() < 0.5) {
    external = { customer: [], time: [], channel: [], category: [], source: "outside.csv" };
    for (let i = 0, n = int(customers / 2, customers * 2); i < n; i++) {
      external.customer.push(`C${String(int(1, customers)).padStart(7, "0")}`);
      external.time.push(START_MS / 60000 + int(0, days * 1440 - 1));
      external.channel.push(int(0, 4)); // email, sms, push, mail, call
      external.category.push(pick(["relational", "promotional"]));
    }
  }
  return { source, customers, days, seed: int(1, 1000), external, from: loaded.file };
}

function audit(source: Source, r: ReturnType<typeof runPlan>, external?: ExternalContacts) {
  const messages = messagesTable(r.run, r.recorder!).objects() as unknown as MessageRow[];
  const customers = customersTable(r.run).objects() as { id: string; timezone: number }[];
  const names = r.run.plan.names.channels;
  const input: AuditInput = {
    plan: source,
    messages,
    timezones: new Map(customers.map((c) => [c.id, c.timezone])),
    outside: external?.time.map((time, i) => ({ time, customer: external.customer[i], channel: names[external.channel[i]], category: external.category[i] })),
  };
  return { ...auditPressure(input), messages };
}

describe("the pressure rules in a whole run's messages", () => {
  it(`hold for ${CASES} random rule sets on the example plans, with outside contacts, windows and a capacity`, () => {
    let sends = 0, customerDays = 0, blocked = 0;
    const found: string[] = [];
    for (let k = 0; k < CASES; k++) {
      const c = randomCase(k);
      const loaded = parsePlan(JSON.stringify(c.source), `case-${k}.yaml`);
      const r = runPlan(loaded, { customers: c.customers, days: c.days, seed: c.seed, start: START, record: true, baseline: false, external: c.external });
      const a = audit(c.source, r, c.external);
      expect(a.unchecked).toEqual([]);
      sends += a.checked.sends, customerDays += c.customers * c.days;
      blocked += a.messages.filter((m) => m.status === "suppressed" && m.rule !== "consent").length;
      if (a.violations.length) found.push(`case ${k} (${c.from}, ${c.customers} customers × ${c.days} days, seed ${c.seed}, pressure ${JSON.stringify(c.source.pressure)}): ${a.violations.length} violations, first ${a.violations.slice(0, 3).join(" | ")}`);
    }
    console.log(`pressure audit: ${CASES} random plans, ${customerDays} customer-days, ${sends} sends checked, ${blocked} blocked`);
    expect(found).toEqual([]);
    // a real workload: thousands of sends under rules that bite
    expect(sends).toBeGreaterThan(10_000);
    expect(blocked).toBeGreaterThan(1_000);
  });

  it("hold in the files of simulate --out (messages.csv, customers.csv), outside contacts included", () => {
    let k = 1;
    while (!randomCase(k).external || k % PLANS.length !== 1) k++; // the first lifecycle-capped case with outside contacts
    const c = randomCase(k);
    const r = runPlan(parsePlan(JSON.stringify(c.source), `case-${k}.yaml`), { customers: c.customers, days: c.days, seed: c.seed, start: START, record: true, baseline: false, external: c.external });
    const dir = mkdtempSync(join(tmpdir(), "cadence-audit-"));
    try {
      writeRun(r, dir);
      const names = r.run.plan.names.channels, x = c.external!;
      const outside = x.time.map((time, i) => ({ time, customer: x.customer[i], channel: names[x.channel[i]], category: x.category[i] }));
      const a = auditFolder(dir, c.source, outside);
      expect(a.violations).toEqual([]);
      // the same sends as the tables in memory
      expect(a.checked).toEqual(audit(c.source, r, c.external).checked);
      expect(a.checked.sends).toBeGreaterThan(200);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("finds the violations of a run made without the rules it is audited against", () => {
    // the audit must be able to fail: lifecycle (no rules) audited against lifecycle-capped's rules
    const [free, capped] = PLANS;
    const source = { ...(free.source as Source), pressure: (capped.source as Source).pressure, channels: { ...(free.source as Source).channels, email: { capacity: 3 } } };
    const r = runPlan(free, { customers: 300, days: 60, seed: 2, start: START, record: true, baseline: false });
    const a = audit(source as Source, r);
    const count = (rule: string) => a.violations.filter((v) => v.includes(`rule ${rule}:`)).length;
    expect(count("one-a-day")).toBeGreaterThan(10);
    expect(count("two-a-week")).toBeGreaterThan(10);
    expect(count("weighted-pressure")).toBeGreaterThan(0);
    expect(a.violations.filter((v) => v.includes("more than its capacity of 3")).length).toBeGreaterThan(10);
    // an order confirmation is exempt (transactional): counted in others' reports, never reported itself
    expect(a.violations.filter((v) => v.includes("order-confirmation")).length).toBeGreaterThan(0);
    expect(a.violations.filter((v) => /^\S+ \S+ order-confirmation /.test(v)).length).toBe(0);
  });
});

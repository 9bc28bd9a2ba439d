import { describe, expect, it } from "vitest";
import { importHistory } from "../../datasets/import.ts";
import { ALL_CONSENTS, consentBit, EMAIL, MAIL, PUSH, SMS, CALL } from "../../engine/core/channels.ts";
import { newCtx } from "../../engine/core/context.ts";
import { parseDate } from "../../engine/core/time.ts";
import { compileWithin } from "../../engine/plan/expr.ts";
import { coreScope } from "../../engine/plan/scope.ts";
import { historyPopulation } from "../../engine/sim/history-population.ts";
import { checkPlanAttributes, parsePopulation } from "../../engine/sim/population-spec.ts";
import { DEFAULT_WORLD } from "../../engine/sim/world-model.ts";
import { errorOf, tempDir } from "./temp-files.ts";

const { dir, write } = tempDir();
write("tx.csv", "id,day,usd\nA,2024-01-05,20\nB,2024-03-20,50\nZ,2024-04-01,5\n");
write("cust.csv", [
  "id;joined;region;tier;clv;vip;visited;mail_ok;sms_ok;push_ok;post_ok;call_ok",
  "A;2023-12-01;north;gold;1234,5;yes;2024-06-01;1;0;1;1;0",
  "B;;south;;;no;;0;1;0;1;1",
  "C;2024-02-01 10:00;north;silver;12;;;y;n;n;n;y",
].join("\n") + "\n");
const CUSTOMERS = `customers:
  file: cust.csv
  delimiter: semicolon
  decimal: comma
  columns: {id: id, signup: joined, emailConsent: mail_ok, smsConsent: sms_ok, pushConsent: push_ok, mailConsent: post_ok, callConsent: call_ok}
  attributes:
    region: region
    tier: {column: tier, type: text}
    clv: {column: clv, type: number}
    vip: {column: vip, type: boolean}
    visited: {column: visited, type: date}
`;
const config = write("h.yaml", `calibrationEnd: 2024-06-30
transactions: {file: tx.csv, columns: {customer: id, date: day, amount: usd}}
${CUSTOMERS}consent: {push: true}
`);

describe("customer attributes, consents for every channel, signup", () => {
  const h = importHistory(config);

  it("reads typed attributes; empty cells and unlisted customers are null", () => {
    expect(h.ids).toEqual(["A", "B", "C", "Z"]);
    expect(h.customers.attrs.get("region")).toEqual(["north", "south", "north", null]);
    expect(h.customers.attrs.get("tier")).toEqual(["gold", null, "silver", null]);
    expect(h.customers.attrs.get("clv")).toEqual([1234.5, null, 12, null]);
    expect(h.customers.attrs.get("vip")).toEqual([true, false, null, null]);
    expect(h.customers.attrs.get("visited")).toEqual([parseDate("2024-06-01"), null, null, null]);
    expect(Array.from(h.customers.signup)).toEqual([parseDate("2023-12-01"), NaN, parseDate("2024-02-01T10:00:00Z"), NaN]);
  });

  it("reads consent for e-mail, SMS, push, mail and call; the assumption covers customers not in the file", () => {
    const bits = (...ch: number[]) => ch.reduce((b, c) => b | consentBit(c), 0);
    expect(Array.from(h.customers.consent)).toEqual([
      bits(EMAIL, PUSH, MAIL),
      bits(SMS, MAIL, CALL),
      bits(EMAIL, CALL),
      bits(PUSH), // Z: only in transactions, so the config's assumption (push: true)
    ]);
    expect(Array.from(h.customers.email)).toEqual([1, 0, 1, 0]);
    expect(ALL_CONSENTS).toBe(0b11111);
  });

  it("puts them on the population's table, where plans read attr.<name>", () => {
    const pop = historyPopulation(config, { seed: 1, start: parseDate("2024-07-01")!, journeys: 0, world: DEFAULT_WORLD });
    const t = pop.table;
    expect(t.ids).toEqual(["A", "B", "C", "Z"]);
    expect(t.attrs.get("region")).toEqual(["north", "south", "north", null]);
    expect(t.column("consent").slice(0, 4)).toEqual(Array.from(h.customers.consent));
    const e = compileWithin('attr.region == "north" && attr.clv > 100 && consent.push', coreScope, (m) => {
      throw new Error(m);
    })!;
    expect(e.refs).toEqual(["attr.region", "attr.clv", "consent.push"]);
    const ctx = newCtx(t, { programs: [], categories: [], channels: [] });
    expect([0, 1, 2, 3].map((c) => (ctx.c = c, e(ctx)))).toEqual([true, false, false, false]);
    const days = compileWithin("daysSince(attr.visited)", coreScope, () => {})!;
    ctx.c = 0, ctx.now = parseDate("2024-07-01")!;
    expect(days(ctx)).toBe(30);
  });

  it("checks a plan's attr.<name> against the population before a run", () => {
    const plan = { programs: [{ id: "north", audience: 'attr.region == "north" and attr.segment == "b2b"' }] };
    expect(errorOf(() => checkPlanAttributes(plan, parsePopulation(`history:${config}`), "plan.yaml"), dir)).toBe(
      `plan.yaml: programs[0].audience: attr.segment is not an attribute of the population history:<dir>/h.yaml; its customers have region, tier, clv, vip, visited`,
    );
    expect(errorOf(() => checkPlanAttributes(plan, parsePopulation("synthetic"), "plan.yaml"), dir).split("\n")[0]).toBe(
      `plan.yaml: programs[0].audience: attr.region is not an attribute of the population synthetic; the synthetic population has no attributes: run on --population history:<config> whose customers file maps it under customers.attributes`,
    );
    expect(() => checkPlanAttributes({ audience: 'attr.region == "north"' }, parsePopulation(`history:${config}`))).not.toThrow();
  });

  it("stops on a value that does not parse as its type, and on bad attribute config", () => {
    write("bad.csv", "id;clv;vip\nA;12.5;maybe\n");
    const bad = write("bad.yaml", `calibrationEnd: 2024-06-30
transactions: {file: tx.csv, columns: {customer: id, date: day, amount: usd}}
customers:
  file: bad.csv
  delimiter: semicolon
  decimal: comma
  columns: {id: id}
  attributes: {clv: {column: clv, type: number}, vip: {column: vip, type: boolean}}
`);
    expect(errorOf(() => importHistory(bad), dir)).toBe([
      `<dir>/bad.csv:2: attributes.clv (column "clv"): bad number "12.5": expected a number with a decimal comma such as 12,50, 1.234,50 or 1 234,50 (decimal: comma) (empty means unknown)`,
      `<dir>/bad.csv:2: attributes.vip (column "vip"): bad boolean "maybe": expected 1/0, true/false, yes/no, y/n, opt-in/opt-out (empty means no) (empty means unknown)`,
    ].join("\n"));
    const cfg = write("bad2.yaml", `calibrationEnd: 2024-06-30
transactions: {file: tx.csv, columns: {customer: id, date: day, amount: usd}}
customers: {file: cust.csv, columns: {id: id}, attributes: {loyalty-tier: tier, clv: {column: clv, type: money}}}
consent: {fax: true}
`);
    expect(errorOf(() => importHistory(cfg), dir)).toBe([
      `<dir>/bad2.yaml:4: consent.fax: unknown field; valid fields: email, sms, push, mail, call`,
      `<dir>/bad2.yaml:3: customers.attributes.loyalty-tier: attribute names are identifiers (letters, digits, _; not starting with a digit) so plans can write attr.loyalty_tier`,
      `<dir>/bad2.yaml:3: customers.attributes.clv.type: unknown type "money"; expected text, number, boolean or date`,
    ].join("\n"));
  });
});

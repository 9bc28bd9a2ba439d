/**
 * POST /v1/customers as text/csv (web/csv.ts) against a real server: an empty cell's meaning per column,
 * RFC 4180 quoting (line breaks inside quotes, the line and column of an unterminated quote), duplicate
 * columns and numbers written in plain digits.
 */
import { describe, expect, it } from "vitest";
import { parseDate } from "../../engine/core/time.ts";
import { serversStoppedAfterEach, type TestServer } from "./live-helpers.ts";

const server = serversStoppedAfterEach(parseDate("2026-03-02")!);
const csv = (s: TestServer, text: string) => s.api("POST", "/v1/customers", text, { key: s.keys.ingest, type: "text/csv" });
const profile = async (s: TestServer, id: string) => (await s.api("GET", `/v1/customers/${encodeURIComponent(id)}`, undefined, { key: s.keys.analyst })).body.profile;

describe("an empty cell in customers.csv", () => {
  it("in consents means no consents; a file without the column keeps them", async () => {
    const s = server();
    for (const empty of ["", '""']) {
      await s.api("POST", "/v1/customers", { customers: [{ id: "OPT", consents: ["email", "sms"], orders: 3 }] }, { key: s.keys.ingest });
      expect((await csv(s, `id,orders\nOPT,4\n`)).body).toEqual({ created: 0, updated: 1 });
      expect((await profile(s, "OPT")).consents, "column absent").toEqual(["email", "sms"]);
      // the cell used to be skipped: the old consents stayed, only the undocumented `|` cleared them
      expect((await csv(s, `id,consents\nOPT,${empty}\n`)).body).toEqual({ created: 0, updated: 1 });
      expect((await profile(s, "OPT")).consents, `cell ${empty || "empty"}`).toEqual([]);
    }
  });

  it("in a time or the birthday means none; in the timezone, signup or a number leaves the field as it is", async () => {
    const s = server();
    const full = { id: "K1", timezone: "+02:00", signup: "2026-01-10", orders: 3, revenue: 90, score: 0.5, limit: 4, rfm: 345, lastPurchase: "2026-02-01", lastVisit: "2026-02-03", birthday: "03-14" };
    await s.api("POST", "/v1/customers", { customers: [full] }, { key: s.keys.ingest });
    expect((await csv(s, "id,timezone,signup,orders,revenue,score,limit,rfm,lastPurchase,lastVisit,birthday\nK1,,,,,,,,,,\n")).status).toBe(200);
    expect(await profile(s, "K1")).toMatchObject({
      timezone: 120, signup: "2026-01-10T00:00:00Z", orders: 3, revenue: 90, score: 0.5, limit: 4, rfm: 345,
      lastPurchase: null, lastVisit: null, birthday: null,
    });
  });

  it("in id is refused, naming the line", async () => {
    const r = await csv(server(), "id,orders\nA1,1\n,2\n");
    expect(r.status).toBe(400);
    expect(r.body.error).toBe("customers.csv:3: id: empty; every customer needs its id, such as C0001");
  });
});

describe("customers.csv is read as written", () => {
  it("refuses a column named twice (id,id created D2 only)", async () => {
    const s = server();
    const r = await csv(s, "id,id\nD1,D2\n");
    expect(r.status).toBe(400);
    expect(r.body.error).toBe("customers.csv:1: column 'id' is named twice (columns 1 and 2); name each column once");
    expect((await s.api("GET", "/v1/customers/D2", undefined, { key: s.keys.analyst })).status).toBe(404);
  });

  it("takes whole numbers in plain digits only (0x10 was 16, 1e1 was 10)", async () => {
    const s = server();
    for (const [column, value] of [["orders", "0x10"], ["orders", "1e1"], ["orders", "1.5"], ["rfm", "0b11"], ["revenue", "1e3"], ["revenue", "Infinity"], ["score", "0x1"]]) {
      const r = await csv(s, `id,${column}\nN1,${value}\n`);
      expect(r.status, value).toBe(400);
      expect(r.body.problems[0], value).toMatchObject({ path: "customers.csv", line: 2, message: expect.stringContaining(`${column}: expected`) });
      expect(r.body.error, value).toContain(`written in digits`);
    }
    expect((await csv(s, "id,orders,revenue,score\nN1,16,80.50,.5\n")).status).toBe(200);
    expect(await profile(s, "N1")).toMatchObject({ orders: 16, revenue: 80.5, score: 0.5 });
  });

  it("reports an unterminated quote at its line and column (it swallowed the rest and blamed consents)", async () => {
    const r = await csv(server(), 'id,consents\nA1,email\nZ,"aaa,bbb\nB2,sms\n');
    expect(r.status).toBe(400);
    expect(r.body.problems).toHaveLength(1);
    expect(r.body.problems[0]).toMatchObject({ path: "customers.csv", line: 3, message: expect.stringMatching(/^column 3: unterminated quote/) });
  });

  it("reads a quoted line break (RFC 4180) and names a later record by its first line", async () => {
    const s = server();
    // a quoted value over two lines: the record after it starts on line 4, and its error says so (it said 3, then refused the file)
    const r = await csv(s, 'id,consents,birthday\n"multi\nline",email,03-14\nB7,emial,03-14\n');
    expect(r.status).toBe(400);
    expect(r.body.error).toContain("customers.csv:4: consents.0");
    expect((await csv(s, 'id,consents\n"multi\nline",email\nB7,sms\n')).body).toEqual({ created: 2, updated: 0 });
    expect((await profile(s, "multi\nline")).consents).toEqual(["email"]);
  });

  it("takes a quoted value as written and trims an unquoted one", async () => {
    const s = server();
    expect((await csv(s, 'id,consents\n" C1",email\n  C2 , sms \n"C3","email|sms"\n')).body).toEqual({ created: 3, updated: 0 });
    expect((await profile(s, " C1")).consents).toEqual(["email"]);
    expect((await s.api("GET", "/v1/customers/C1", undefined, { key: s.keys.analyst })).status).toBe(404);
    expect((await profile(s, "C2")).consents).toEqual(["sms"]);
    expect((await profile(s, "C3")).consents).toEqual(["email", "sms"]);
    // a quote in the middle of an unquoted value opened a quoted run there
    const r = await csv(s, 'id,consents\nO"Brien,email\n');
    expect(r.body.problems[0]).toMatchObject({ line: 2, message: expect.stringMatching(/^column 2: a quote inside an unquoted value/) });
    const after = await csv(s, 'id,consents\n"C4"x,email\n');
    expect(after.body.problems[0]).toMatchObject({ line: 2, message: expect.stringMatching(/^column 5: text after a closing quote/) });
  });
});

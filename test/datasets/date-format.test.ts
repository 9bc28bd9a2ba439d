import { describe, expect, it } from "vitest";
import { dateParser } from "../../datasets/date-format.ts";

const at = (y: number, m: number, d: number, h = 0, min = 0) => Date.UTC(y, m - 1, d, h, min) / 60000;

describe("dates with a time of day and a zone", () => {
  it("reads a time after any date format, seconds dropped", () => {
    expect(dateParser("YYYY-MM-DD")("2011-12-09 12:50:00")).toBe(at(2011, 12, 9, 12, 50));
    expect(dateParser("YYYY-MM-DD")("2011-12-09T12:50")).toBe(at(2011, 12, 9, 12, 50));
    expect(dateParser("MM/DD/YYYY")("12/1/2010 8:26")).toBe(at(2010, 12, 1, 8, 26)); // the UCI Online Retail export
    expect(dateParser("DD/MM/YYYY")("09.12.2011 07:05:59")).toBe(at(2011, 12, 9, 7, 5));
    expect(dateParser("YYYYMMDD")("19970101 23:59")).toBe(at(1997, 1, 1, 23, 59));
  });

  it("applies a written offset, else the table's zone (with daylight saving); a bare date stays its calendar day", () => {
    expect(dateParser("ISO")("2011-12-09T12:50:00+01:00")).toBe(at(2011, 12, 9, 11, 50));
    expect(dateParser("ISO")("2011-12-09T12:50:00-0500")).toBe(at(2011, 12, 9, 17, 50));
    expect(dateParser("ISO", "Europe/Paris")("2011-12-09T12:50:00Z")).toBe(at(2011, 12, 9, 12, 50));
    expect(dateParser("YYYY-MM-DD", "Europe/Paris")("2011-12-09 12:50")).toBe(at(2011, 12, 9, 11, 50));
    expect(dateParser("YYYY-MM-DD", "Europe/Paris")("2011-07-09 12:50")).toBe(at(2011, 7, 9, 10, 50));
    expect(dateParser("YYYY-MM-DD", "America/New_York")("2011-03-13 03:30")).toBe(at(2011, 3, 13, 7, 30)); // first EDT hour
    expect(dateParser("YYYY-MM-DD", "Europe/Paris")("2011-07-09")).toBe(at(2011, 7, 9));
  });

  it("refuses impossible times and trailing text", () => {
    for (const s of ["2011-12-09 24:00", "2011-12-09 12:60", "2011-12-09 12:50 pm", "2011-12-09x", "2011-02-30 10:00"]) {
      expect(dateParser("YYYY-MM-DD")(s)).toBeNull();
    }
    // an offset's minutes past 59, or beyond ±14:00, were applied as written
    for (const s of ["2011-12-09T12:50:00+01:75", "2011-12-09T12:50:00+99:00", "2011-12-09T12:50:00-1500"]) expect(dateParser("ISO")(s), s).toBeNull();
  });
});

/**
 * A history as a spreadsheet saves it in a European locale: a UTF-8 byte-order mark, CRLF line ends,
 * `;` between fields, decimal commas, thousands grouped by a space or a no-break space ("1 234,00",
 * quoted), day-first dates with a time, and a header in the analyst's language.
 */
import { describe, expect, it } from "vitest";
import { importHistory } from "../../datasets/import.ts";
import { errorOf, tempDir } from "./temp-files.ts";

const { dir, write } = tempDir();
const CONFIG = `currency: EUR
calibrationEnd: 2024-06-30
transactions:
  file: ventes.csv
  delimiter: semicolon
  decimal: comma
  dateFormat: DD/MM/YYYY
  timeZone: Europe/Paris
  columns: { customer: N° client, date: Date commande, amount: Montant TTC }
`;

function importSheet(rows: string[]) {
  write("ventes.csv", "\uFEFF" + ["N° client;Date commande;Montant TTC", ...rows].join("\r\n") + "\r\n");
  return importHistory(write("h.yaml", CONFIG));
}

describe("a spreadsheet's European CSV export", () => {
  it("reads thousands grouped by a space or a no-break space (1 234,00 was refused as a bad amount)", () => {
    const h = importSheet([
      `K001;02/01/2024 09:15;"1 234,00"`, // a space, quoted as a spreadsheet writes it
      `K001;15/03/2024 18:40;2\u00A0500,50`, // U+00A0, LibreOffice and Excel in French
      `K002;31/05/2024 23:30;12\u202F345,6`, // U+202F, the narrow no-break space of newer locales
      `K002;01/06/2024 00:10;89,90`,
    ]);
    expect(Array.from(h.transactions.amount)).toEqual([1234, 2500.5, 12345.6, 89.9]);
    // day-first dates with a local time: 31/05 23:30 in Paris (UTC+2) is 21:30 UTC the same day
    expect(new Date(h.transactions.time[2] * 60000).toISOString()).toBe("2024-05-31T21:30:00.000Z");
    expect(h.ids).toEqual(["K001", "K002"]);
  });

  it("still refuses groups that are not of three digits, naming the line and what is valid", () => {
    expect(errorOf(() => importSheet([`K001;02/01/2024;"12 34,00"`]), dir)).toBe(
      `<dir>/ventes.csv:2: amount (column "Montant TTC"): bad amount "12 34,00": expected a number with a decimal comma such as 12,50, 1.234,50 or 1 234,50 (decimal: comma) in EUR`,
    );
  });
});

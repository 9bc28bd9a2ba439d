/**
 * Text cells a spreadsheet shows rather than runs (OWASP "CSV Injection"). Excel and LibreOffice run a
 * cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return as a formula when the file is
 * opened: a customer id `=HYPERLINK("http://x","click")` from an imported history, or a live customer
 * posted as `=cmd|' /C calc'!A0`, would become a link or a command in the analyst's sheet. Every CSV
 * Cadence writes passes its text cells through `spreadsheetText`, which puts a `'` in front of such a
 * text; a spreadsheet then shows it as text, with the `'`. Numbers are never touched: a number cell is
 * written by the number formatters, and a text that is a plain number (`-12.5`, `+33612345678`) is not a
 * formula in any spreadsheet, so it stays as it is.
 *
 * Reversible: a text that already begins with `'`s followed by one of those characters gets one more
 * `'`, so `originalText` (one `'` off such a text) gives back exactly what was written, and Cadence's
 * readers of CSV files (a history's files, the external contacts of a forecast) apply it: an extract
 * list appended to a contact history reads as the ids it was made from. docs/exports.md says it for users.
 */

/** A text a spreadsheet would run, or one that was escaped already ('=…, ''=…). */
const FORMULA_LEAD = /^'*[=+\-@\t\r]/;
/** What `spreadsheetText` wrote: one `'` or more, then a formula's first character. */
const ESCAPED = /^'+[=+\-@\t\r]/;
/** A plain decimal number, signed or not: a spreadsheet reads it as a number, never as a formula. */
const PLAIN_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The text as a CSV cell should hold it: with a leading `'` when a spreadsheet would run it as a formula.
 * @example spreadsheetText("=1+1") // "'=1+1"
 * @example spreadsheetText("-12.5") // "-12.5"
 */
export function spreadsheetText(s: string): string {
  // millions of cells pass here (simulate --out's messages): most begin with a letter or a digit
  const c = s.charCodeAt(0);
  if (c > 64 || (c >= 48 && c <= 57)) return s;
  return FORMULA_LEAD.test(s) && !PLAIN_NUMBER.test(s) ? "'" + s : s;
}

/**
 * The text `spreadsheetText` was given, from the cell it wrote (any other text is returned as it is).
 * @example originalText("'=1+1") // "=1+1"
 * @example originalText("'quoted") // "'quoted"
 */
export function originalText(cell: string): string {
  return cell.charCodeAt(0) === 39 && ESCAPED.test(cell) ? cell.slice(1) : cell;
}

/**
 * The HTML pieces the comparison report and the sweep page share: number formats, escaping, a table
 * cell with its 95 % interval, and the stylesheet (tables sized to fit a 1,000 px page).
 */
import { sep } from "node:path";
import type { Interval } from "../compare/intervals.ts";

export const n0 = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
export const n2 = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
export const esc = (s: string) => s.replace(/[&<>"]/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[ch]!);

/** The text of a line of the report's HTML (its tags dropped, `esc`'s entities read back): for the console. */
export const textOf = (html: string) => html.replace(/<[^>]*>/g, "").replace(/&(lt|gt|quot|amp);/g, (_, e: string) => ({ lt: "<", gt: ">", quot: '"', amp: "&" })[e]!);

/**
 * A relative file path as a link's href: each segment URL-encoded (a `#` or `?` in a folder name would
 * otherwise start a fragment or a query, a space or `%` break the link), joined with `/` (a path of
 * node:path relative(), so split on the platform's separator).
 * @example relativeHref("csv dir#2/compare-summary.csv") // "csv%20dir%232/compare-summary.csv"
 */
export const relativeHref = (path: string) => path.split(sep === "/" ? "/" : /[\\/]/).map(encodeURIComponent).join("/");

/**
 * A number as printed, a value that rounds to zero as "0" (not "-0", "+0" or "-0.00"), a positive one
 * with "+" when `signed`. @example signedText((x) => n0.format(x), true)(-0.3) // "0"
 */
export const signedText = (f: (x: number) => string, signed = false) => (x: number) => {
  const s = f(x);
  if (!/[1-9]/.test(s)) return s.replace(/^[-−+]/, ""); // no digit but zeros: it printed a zero
  return (signed && x > 0 ? "+" : "") + s;
};

/**
 * `x` to `d` decimals, as the tables write it; a figure that is not zero but would read as zero (a
 * paired difference of 0.0014 contacts a customer-week) gets its first two significant digits instead:
 * a cell marked worse read "0.00, 0.00 to 0.00".
 * @example fixed(2)(0.0014) // "0.0014"; fixed(2)(0.231) // "0.23"
 */
export const fixed = (d: number) => (x: number) =>
  x !== 0 && Math.abs(x) < 0.5 * 10 ** -d ? x.toFixed(Math.min(20, 1 - Math.floor(Math.log10(Math.abs(x))))) : x.toFixed(d);

/** A share in % to one decimal, as `fixed` writes it: 2.9 %, and 0.034 % rather than 0.0 %. */
export const percent = (x: number) => `${fixed(1)(100 * x)} %`;

/**
 * A difference between two shares, in percentage points, as `percent` writes the shares: 20 % against
 * 22 % is -2.0 pp. Written "-2.0 %" it read as a relative change (20 % is 2 % less than 20.4 %).
 * @example points(-0.02) // "-2.0 pp"; points(0.00034) // "0.034 pp"
 */
export const points = (x: number) => `${fixed(1)(100 * x)} pp`;

/**
 * A whole figure as the tables write it (n0: half away from zero, so -2.5 is "-3" where Math.round
 * gives -2), never "-0": for a chart's text that a reader compares with a table beside it.
 * @example whole(-1204.5) // "-1,205"
 */
export const whole = signedText((x) => n0.format(x));

/** "(95 % interval 194 to 633)", or nothing for a single replication or an interval of zero width. */
export function spanText(v: Interval, f: (x: number) => string): string {
  return v.lo !== null && v.hi !== null && v.lo < v.hi ? ` (95 % interval ${f(v.lo)} to ${f(v.hi)})` : "";
}

/**
 * Which side of zero an interval lies wholly on, the rule every coloured figure follows: an interval
 * of zero width (every seed the same) is no evidence either way.
 */
export function clearsZero(v: Interval): "above" | "below" | "either" {
  if (v.lo === null || v.hi === null || !(v.lo < v.hi)) return "either";
  return v.lo > 0 ? "above" : v.hi < 0 ? "below" : "either";
}

/**
 * A mean with its interval underneath; a signed difference whose interval excludes zero is coloured
 * better or worse. An interval of zero width (every seed gave the same figure: a percentile of whole
 * contacts often does) says so, uncoloured: with no spread across seeds the t-interval is no evidence.
 */
export function cell(v: Interval | null, f: (x: number) => string, signed = false, better: 1 | -1 | 0 = 0): string {
  if (!v) return `<td class="na">n/a</td>`;
  const g = signedText(f, signed);
  const spread = v.lo !== null && v.hi !== null && v.lo < v.hi;
  const same = signed && v.lo !== null && v.lo === v.hi;
  const ci = spread ? `<span class="ci">${g(v.lo!)} to ${g(v.hi!)}</span>` : same ? `<span class="ci">same in every seed</span>` : "";
  // a difference whose interval excludes zero is marked better or worse
  const side = clearsZero(v);
  let cls = "";
  if (signed && better && side !== "either") cls = (side === "above") === (better > 0) ? "better" : "worse";
  // the word as well as the shade: red and green alone are one colour to a red-green colour-blind reader
  const mark = cls ? `<span class="mark">${cls}</span>` : "";
  return `<td${cls ? ` class="${cls}"` : ""}>${g(v.mean)}${ci}${mark}</td>`;
}

// A phone: a label kept on one line filled the screen and every figure sat out of sight to its right.
// Labels wrap and stay in view while the figures scroll sideways in their table's box; an assumption
// line keeps a readable width instead of one word a line.
const NARROW = `@media (max-width:640px){body{padding:1rem .7rem 3rem}
td:first-child{white-space:normal;min-width:7.5rem;position:sticky;left:0;background:#fff;z-index:1}th:first-child{position:sticky;left:0;z-index:1}
td.assume{min-width:14rem}}
`;

// Paper: a scroll box prints what it shows and cuts the rest (the programs table lost its revenue and
// cost, the summary its last plans), so tables lay out at the page's width, smaller; a chart, a table
// row, a coverage matrix or the verdict is never cut across two pages, nor a heading left at a page's
// foot; a table's header row is repeated on each page it runs onto (thead); the links of the section
// menu mean nothing on paper. Shading (a background, which print drops) is kept.
const PRINT = `@media print{@page{size:A4;margin:12mm}
body{max-width:none;padding:0;font-size:11px}nav{display:none}
table,.wide{display:table;overflow:visible;max-width:none;width:100%}.wide table{width:100%}
td,th{padding:.2rem .25rem}td:first-child,table.programs td:first-child{white-space:normal;min-width:0}.ci{white-space:normal}
figure,svg,tr,.matrix,.verdict,dl.meta,p.explain{break-inside:avoid}h2,h3,p.explain,p.key{break-after:avoid}
.better,.worse{print-color-adjust:exact;-webkit-print-color-adjust:exact}}
`;

export const CSS = `
.key{font-size:.85rem;margin:.3rem 0}.key span{margin-right:1rem}.key svg{margin-right:.35rem;vertical-align:1px}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1040px;color:#222;padding:1.5rem 1.2rem 4rem}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.2rem;margin:2.4rem 0 .3rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
h3{font-size:1rem;margin:1.2rem 0 .3rem}p.lead{color:#444;margin:.3rem 0 1rem}p.note,.explain{color:#555;font-size:.9rem;margin:.2rem 0 .6rem}
table{border-collapse:collapse;margin:.6rem 0;font-variant-numeric:tabular-nums;display:block;overflow-x:auto;max-width:100%}td,th{padding:.3rem .6rem;border-bottom:1px solid #e3e3e3;text-align:right;vertical-align:top}
th{background:#f5f6f8;font-weight:600}td:first-child,th:first-child,.l{text-align:left}td:first-child{white-space:nowrap}
.ci{display:block;color:#777;font-size:.8rem;white-space:nowrap}.wide{overflow-x:auto;max-width:100%}table.programs td:first-child{white-space:normal;min-width:9rem}.better{background:#eaf6ea}.worse{background:#fbeaea}.mark{display:block;font-size:.75rem;font-weight:600}.better .mark{color:#1a6b1a}.worse .mark{color:#a32020}.worse .mark::before{content:"▼ "}.better .mark::before{content:"▲ "}.na{color:#999}
.row{display:flex;flex-wrap:wrap;gap:10px}.row figure,.row svg{margin:0}
figure{margin:.5rem 0}figcaption{color:#555;font-size:.85rem;margin:.3rem 0 1rem;max-width:62rem}.matrix{display:inline-block;vertical-align:top;margin-right:1.5rem}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;font-size:.9rem;color:#444}dl.meta dt{font-weight:600}dl.meta dd{margin:0}
code{font-size:.85rem}nav{display:flex;flex-wrap:wrap;gap:.1rem .8rem}
.assume{color:#555;font-size:.8rem;max-width:24rem}p.assume{max-width:none}td.assume{white-space:normal}table.sources td{white-space:normal}table.sources td.band{white-space:nowrap}table.sources td.src{font-size:.8rem;color:#555;min-width:16rem}ul.pressure{font-size:.9rem;color:#333}
.verdict{border-left:3px solid #1f77b4;padding:.1rem .8rem;margin:.6rem 0;background:#f7f9fc}.verdict p{margin:.35rem 0}
${NARROW}${PRINT}`;

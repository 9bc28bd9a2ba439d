/** Plain-text rendering of summaries for the terminal. */
import type { Summary } from "../sim/run.ts";
import { n0, n2 } from "../report/html.ts";

export const fmtInt = (x: number) => n0.format(x);
export const fmtMoney = (x: number) => n2.format(x);

/** `text` in lines of at most `width` characters, broken at spaces, each line after the first indented by `indent`. */
export function wrap(text: string, width: number, indent = ""): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/ (?![%×])/)) { // "95 %" and "1.2 ×" stay on one line
    if (line && (line + " " + word).length > width) lines.push(line), line = indent + word;
    else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line].join("\n");
}

export function table(rows: (string | number)[][], header?: string[]): string {
  const all = header ? [header, ...rows] : rows;
  const widths = all[0].map((_, i) => Math.max(...all.map((r) => String(r[i]).length)));
  const line = (r: (string | number)[]) =>
    r.map((v, i) => (typeof v === "number" || /^[-+\d.,% ]+[x×]?$/.test(String(v)) ? String(v).padStart(widths[i]) : String(v).padEnd(widths[i]))).join("  ");
  const out = all.map(line);
  if (header) out.splice(1, 0, widths.map((w) => "-".repeat(w)).join("  "));
  return out.join("\n");
}

export function formatSummary(s: Summary, currency = "EUR"): string {
  const lines = [
    `plan ${s.plan} · ${fmtInt(s.customers)} customers · ${s.days} days from ${s.start} · seed ${s.seed}`,
    `digest ${s.digest}`,
    "",
    table([
      ["reach (customers contacted)", fmtInt(s.reach)],
      ["contacts", fmtInt(s.contacts)],
      ...Object.entries(s.contactsByChannel).filter(([, v]) => v > 0).map(([k, v]) => [`  ${k}`, fmtInt(v)]),
      ["contacts per customer-week mean / p50 / p90 / p99 / max", `${s.contactsPerCustomerWeek.mean.toFixed(2)} / ${s.contactsPerCustomerWeek.p50} / ${s.contactsPerCustomerWeek.p90} / ${s.contactsPerCustomerWeek.p99} / ${s.contactsPerCustomerWeek.max}`],
      ["opens / clicks / conversions (purchases a message brought: caused or pulled forward)", `${fmtInt(s.opens)} / ${fmtInt(s.clicks)} / ${fmtInt(s.conversions)}`],
      [`revenue (${currency})`, fmtMoney(s.revenue)],
      [`no-plan baseline revenue`, fmtMoney(s.baselineRevenue)],
      [`incremental revenue`, fmtMoney(s.incrementalRevenue)],
      [`cost (messages + discounts)`, `${fmtMoney(s.cost)} (${fmtMoney(s.messageCost)} + ${fmtMoney(s.discountCost)})`],
      [`incremental margin`, fmtMoney(s.incrementalMargin)],
      ["ROI (incremental margin / cost)", s.roi === null ? "n/a" : `${s.roi.toFixed(2)}×`],
      ["unsubscribes / complaints", `${fmtInt(s.unsubscribes)} / ${fmtInt(s.complaints)}`],
      ["disengaged / churned by fatigue", `${fmtInt(s.disengaged)} / ${fmtInt(s.churned)}`],
      ["suppressed / deferred / holdout", `${fmtInt(s.suppressed)} / ${fmtInt(s.deferred)} / ${fmtInt(s.holdout)}`],
      ...Object.entries(s.suppressedByRule).sort((a, b) => b[1] - a[1]).map(([k, v]) => [`  suppressed by ${k}`, fmtInt(v)]),
      ...Object.entries(s.pressureLog.reduce((acc, r) => (r.deferred ? { ...acc, [r.rule]: (acc[r.rule] ?? 0) + r.deferred } : acc), {} as Record<string, number>))
        .map(([k, v]) => [`  deferred by ${k}`, fmtInt(v)]),
      ["held by send windows / cancelled", `${fmtInt(s.delayedBySendWindow)} / ${fmtInt(s.cancelled)}`],
      ...Object.entries(s.coercions).map(([k, v]) => [`  coerced: ${k}`, fmtInt(v)]),
    ]),
  ];
  if (s.programs.length) {
    lines.push("", table(
      s.programs.map((p) => [p.program, p.kind, fmtInt(p.contacts), fmtInt(p.reach), fmtInt(p.suppressed), fmtInt(p.conversions), fmtMoney(p.revenue), fmtMoney(p.cost)]),
      ["program", "kind", "contacts", "reach", "suppressed", "attributed orders", "attributed revenue", "message cost"],
    ), "attributed: the purchases a program's messages brought (the conversions above), and the organic orders made within",
    "a click's attribution window or with its offer (so they add up to more); discounts are in the cost above only");
  }
  return lines.join("\n");
}

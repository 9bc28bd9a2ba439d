/**
 * Published benchmarks the simulated world is held to, per send at a typical (about weekly) cadence
 * and per customer per year, with their sources (docs/calibration.md). A band is the published range,
 * widened where two published figures must both hold (each widening says why in `note`).
 */
export interface Benchmark {
  metric: string;
  channel: string;
  kind: string; // broadcast, targeted, triggered, transactional, or "plan" for per-year figures
  low: number;
  high: number;
  source: string;
  note?: string;
}

const CM = "Campaign Monitor 2019 e-mail benchmarks";
const MC = "Mailchimp e-mail benchmarks 2018–2019";
const KL = "Klaviyo e-mail benchmarks 2024";
// Quarterly reports Q4 2011 (opens +93.8 %, clicks +123 %), Q2 2012 (+94.8 %, +122.1 %), Q4 2012 (+70.5 %, +101.8 %), Q1 2015 (+65 %, +148.5 %), Q2 2015 (+78.7 %, +233.4 %)
const EP = "Epsilon Email Trends and Benchmarks, Q4 2011 – Q2 2015";
const KS = "Klaviyo SMS and MMS benchmarks (help centre, US customers; undated page, read 2026)";

export const BENCHMARKS: Benchmark[] = [
  { metric: "delivered", channel: "email", kind: "broadcast", low: 0.985, high: 0.995, source: `${MC}: hard 0.40 % + soft 0.61 % bounces` },
  { metric: "inbox", channel: "email", kind: "broadcast", low: 0.79, high: 0.87, source: "Validity 2020 Email Deliverability Benchmark: 83 % of sent mail reached the inbox in 2019 (7 % spam, 10 % missing)" },
  { metric: "opens", channel: "email", kind: "broadcast", low: 0.14, high: 0.23, source: `${CM} (17.9 %); ${MC} (21 %; retail ≈ 12–16 %)`, note: "human opens per delivered" },
  { metric: "clicks", channel: "email", kind: "broadcast", low: 0.02, high: 0.035, source: `${MC} (2.6–2.9 %); ${CM} (2.7 %)` },
  { metric: "click-to-open", channel: "email", kind: "broadcast", low: 0.1, high: 0.18, source: `${CM} (14.1 %)` },
  { metric: "orders", channel: "email", kind: "broadcast", low: 0.0004, high: 0.0015, source: `${KL}: placed-order rate per campaign recipient ≈ 0.08 %`, note: "attributed: caused, pulled forward, or bought within 5 days of a visit the e-mail brought" },
  { metric: "revenue per recipient", channel: "email", kind: "broadcast", low: 0.05, high: 0.25, source: `${KL}: ≈ $0.11 per campaign recipient`, note: "attributed, in the plan's currency (≈ €70 basket)" },
  { metric: "unsubscribes", channel: "email", kind: "broadcast", low: 0.001, high: 0.003, source: `${CM} (0.17 %); ${MC} (0.2–0.27 %)`, note: "widened below 0.17 %: at 0.17 % a weekly list would lose 8.8 % a year (52 sends), above the 3–7.5 % a year this project assumes for attrition" },
  { metric: "complaints", channel: "email", kind: "broadcast", low: 0.00005, high: 0.0003, source: `${MC} (≈ 0.012 %, 0.005–0.018 %); Gmail/Yahoo bulk-sender limit 0.3 % (aim < 0.1 %)` },
  { metric: "opens", channel: "email", kind: "targeted", low: 0.14, high: 0.3, source: `${CM} (17.9 %); ${MC} (21 %), broadcast opens`, note: "a targeted campaign reaches the likeliest buyers: at or above the broadcast rate" },
  { metric: "orders", channel: "email", kind: "targeted", low: 0.0008, high: 0.01, source: `${KL}: between campaigns (0.08 %) and flows (1.4–1.7 %)`, note: "assumption: no published targeted-campaign figure at hand; the 20 % likeliest buyers order several times as often as the base" },
  { metric: "opens vs broadcast", channel: "email", kind: "triggered", low: 1.65, high: 1.95, source: `${EP}: triggered opens +65 % to +95 % over business-as-usual (× 1.65–1.95)` },
  { metric: "clicks vs broadcast", channel: "email", kind: "triggered", low: 2, high: 3.3, source: `${EP}: triggered clicks +102 % to +233 % over business-as-usual (× 2.0–3.3)` },
  { metric: "orders", channel: "email", kind: "triggered", low: 0.008, high: 0.04, source: `${KL}: placed-order rate per flow recipient 1.4–1.7 % (abandoned cart ≈ 3 %)` },
  { metric: "revenue per recipient", channel: "email", kind: "triggered", low: 0.8, high: 4, source: `${KL}: ≈ $1.94 per flow recipient ($3.65 abandoned cart)` },
  { metric: "unsubscribes", channel: "email", kind: "triggered", low: 0, high: 0.003, source: `${CM} (0.17 %); ${MC} (0.2–0.27 %), campaign unsubscribes`, note: "relevant messages annoy less: at most the campaign rate" },
  { metric: "opens", channel: "email", kind: "transactional", low: 0.4, high: 0.85, source: "assumption: order confirmations are awaited (no public figure at hand)" },
  { metric: "orders", channel: "email", kind: "transactional", low: 0, high: 0.0005, source: "issue 11 #4: a confirmation does not drive purchases like marketing" },
  { metric: "unsubscribes", channel: "email", kind: "transactional", low: 0, high: 0, source: "issue 11 #4: a transactional message never switches off marketing consent" },
  { metric: "clicks", channel: "sms", kind: "broadcast", low: 0.059, high: 0.12, source: `${KS}: click rate below 5.9 % rated critical, 8.9–14.5 % good` },
  { metric: "SMS opt-outs", channel: "sms", kind: "broadcast", low: 0.005, high: 0.011, source: `${KS}: unsubscribes below 0.5 % great, 0.6–1.4 % good` },
  { metric: "opens", channel: "push", kind: "broadcast", low: 0.02, high: 0.06, source: "Appboy (now Braze) Digits vol. 1, mobile marketing benchmarks, fall 2016: push direct opens 2.0 % (iOS) – 6.1 % (Android)" },
  { metric: "responses", channel: "mail", kind: "broadcast", low: 0.05, high: 0.13, source: "ANA/DMA response rate report 2018: ≈ 9 % for house lists", note: "a response = the customer came (site or store) because of the piece; mailed every 4 weeks" },
  { metric: "e-mail list lost to opt-outs per year", channel: "email", kind: "broadcast", low: 0.03, high: 0.075, source: "assumption (issue 11; no dated publication at hand): an e-mail list mailed weekly loses ≈ 3–7.5 % a year to opt-outs", note: "unsubscribes + complaints + hard bounces over a year / e-mail opt-ins" },
  { metric: "share of revenue driven by CRM", channel: "all", kind: "plan", low: 0.06, high: 0.35, source: "assumption (a rule of thumb quoted by e-mail platforms, no dated publication at hand): owned channels drive ≈ 20–30 % of an online store's revenue (attributed)", note: "attributed revenue of one weekly e-mail + welcome, cart and confirmation flows / all revenue; a plan this small (no SMS, few flows) sits at the low end, hence the band down to 6 % (assumption)" },
  { metric: "share of revenue caused by CRM", channel: "all", kind: "plan", low: 0.02, high: 0.2, source: "assumption: holdout tests find a fraction of attributed revenue incremental (Sahni et al. 2017; Braze global control groups)", note: "incremental revenue against the no-plan baseline / all revenue" },
];

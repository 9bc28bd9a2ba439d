/**
 * Writes a realistic, messy retail example to a folder so the line-item import, customer attributes,
 * contact history and seasonal forecast can be tried without any real data:
 *   retail.csv.gz   line items (orders of 1–12 lines, cancellations "C…", rows without a customer,
 *                   zero prices, other countries, rows before the study period), `;` with decimal commas
 *   customers.csv   region, loyalty tier, preferred channel, signup, consents for the five channels
 *   sends.csv       a year of weekly e-mails and monthly SMS with delivered/opened/clicked/unsubscribed
 *   retail.yaml     the history config mapping all three
 * Seeded: the same files every time.
 * Run: npx deno run -A datasets/retail-example.ts [folder=out/retail] [line items=100000]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import seedrandom from "seedrandom";
import { lineItemConfig, lineItems } from "./line-items-example.ts";

const dir = Deno.args[0] ?? "out/retail", rows = Number(Deno.args[1] ?? 100_000);
mkdirSync(dir, { recursive: true });
const { text, truth } = lineItems({ rows, style: "semicolon", seed: "retail-example" });
writeFileSync(join(dir, "retail.csv.gz"), gzipSync(text));

// every customer id the export uses (the generator draws them from 12346 upward, written "12346.0")
const ids = [...new Set(text.split("\n").slice(1).map((l) => l.split(";")[5]).filter((id) => id))].sort();
const rng = seedrandom("retail-example-customers");
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)];
const customers = ["id,created,region,tier,preferred,email_ok,sms_ok,push_ok,post_ok,phone_ok"];
const sends = ["sent_at,customer,channel,campaign,category,delivered,opened,clicked,unsubscribed,complained"];
for (const id of ids) {
  const email = rng() < 0.8, sms = rng() < 0.35;
  const created = new Date(Date.UTC(2009, 0, 1) + Math.floor(rng() * 700) * 86400000).toISOString().slice(0, 10);
  customers.push([id, created, pick(["north", "south", "east", "west"]), pick(["bronze", "bronze", "silver", "gold"]),
    pick(["email", "sms", "mail"]), +email, +sms, +(rng() < 0.2), +(rng() < 0.9), +(rng() < 0.5)].join(","));
  let optedIn = { email, sms };
  for (let week = 0; week < 52; week++) {
    const day = new Date(Date.UTC(2010, 11, 2) + week * 7 * 86400000).toISOString().slice(0, 10);
    for (const [ch, every, open, click, unsub] of [["email", 1, 0.22, 0.11, 0.002], ["sms", 4, 0.9, 0.07, 0.008]] as const) {
      if (!optedIn[ch] || week % every) continue;
      const d = rng() < 0.98, o = d && rng() < open, k = o && rng() < click, u = d && rng() < unsub, c = d && !u && rng() < 0.0003;
      sends.push(`${day} 10:00,${id},${ch},${ch}-w${week},promotional,${+d},${+o},${+k},${+u},${+c}`);
      if (u) optedIn = { ...optedIn, [ch]: false };
    }
  }
}
writeFileSync(join(dir, "customers.csv"), customers.join("\n") + "\n");
writeFileSync(join(dir, "sends.csv"), sends.join("\n") + "\n");
writeFileSync(join(dir, "retail.yaml"), lineItemConfig("retail.csv.gz", "semicolon", `customers:
  file: customers.csv
  columns: {id: id, signup: created, emailConsent: email_ok, smsConsent: sms_ok, pushConsent: push_ok, mailConsent: post_ok, callConsent: phone_ok}
  attributes:
    region: region
    tier: {column: tier, type: text}
    preferred_channel: preferred
contacts:
  file: sends.csv
  dateFormat: YYYY-MM-DD
  timeZone: Europe/London
  columns: {customer: customer, date: sent_at, channel: channel, program: campaign, category: category, delivered: delivered, opened: opened, clicked: clicked, unsubscribed: unsubscribed, complained: complained}
seasonality:
  peaks:
    - {name: christmas, from: "12-01", to: "12-23"}
`));
console.log(`wrote ${dir}: ${truth.rows.toLocaleString("en-US")} line items (retail.csv.gz), ${ids.length} customers, ${sends.length - 1} sends; config ${join(dir, "retail.yaml")}`);

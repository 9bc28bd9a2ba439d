import { describe, expect, it } from "vitest";
import { parsePlan } from "../../engine/plan/load.ts";
import { comparePlans } from "../../engine/compare/compare.ts";
import { renderReport } from "../../engine/report/report.ts";
import { DEFAULT_WORLD } from "../../engine/sim/world-model.ts";
import { parsePopulation } from "../../engine/sim/population-spec.ts";
import { tempDir } from "../datasets/temp-files.ts";

// The assumptions section showed the default's basis and source beside whatever value ran (an e-mail open
// rate of 30 % set by the plan was 'published benchmark, Campaign Monitor'), and a parameter outside its
// eleven rows (relevance, open boost, reputation…) set for the comparison appeared nowhere
const plan = (world: string) =>
  parsePlan(
    `name: news
channels:
  email: {}
programs:
  - id: news
    type: campaign
    schedule: { every: 1w }
    send: { channel: email, message: news }
${world}`,
    "news.yaml",
  );
const o = { customers: 300, days: 14, replications: 1 };
const sectionOf = (html: string, id: string) => html.slice(html.indexOf(`<section id="${id}">`), html.indexOf("</section>", html.indexOf(`<section id="${id}">`)));

describe("the report's assumptions under a world set for the comparison", () => {
  const c = comparePlans([plan("world:\n  relevance: { triggered: 3 }\n  channels: { email: { open: 0.3, unsubscribe: 0.002 } }\n")], o);
  const html = renderReport(c), a = sectionOf(html, "assumptions");

  it("marks a row whose value was set, with the value used and the default it replaced", () => {
    expect(a).toContain(`<td>e-mail: opened | delivered</td><td><b>30 %</b> <small>(default 20 %)</small></td><td class="l">set for this comparison, not the default</td><td class="l src">the default's: published benchmark, Campaign Monitor 2019 (17.9 %), Mailchimp 2018–2019 (21 %)</td>`);
    // a row left at its default keeps its basis
    expect(a).toContain(`<td>e-mail: incremental purchase | came</td><td>5.5 %</td><td class="l">measured: fitted on an experiment</td>`);
  });

  it("lists every parameter set, the ones without a row of their own included, each beside its default", () => {
    expect(a).toContain("3 parameters differ from the default world");
    expect(a).toContain(`<tr><td>channels.email.open</td><td><b>0.3</b></td><td>0.2</td></tr>`);
    expect(a).toContain(`<tr><td>channels.email.unsubscribe</td><td><b>0.002</b></td><td>0.0014</td></tr>`);
    expect(a).toContain(`<tr><td>relevance.triggered</td><td><b>3</b></td><td>${DEFAULT_WORLD.relevance.triggered}</td></tr>`);
    expect(a).toContain("They were checked on the default world, not on this comparison's");
  });

  it("names the parameters set in the headline and does not call a value set a benchmark's", () => {
    const h = sectionOf(html, "headline");
    expect(h).toContain("world parameters changed: channels.email.open, channels.email.unsubscribe, relevance.triggered (values in the assumptions section)");
    expect(h).toContain("P(opt-out) 0.20 % per delivered e-mail at a weekly cadence (set for this comparison; the published benchmark&#39;s default is 0.14 %)".replace("&#39;", "'"));
  });

  it("says a comparison in the default world is one, a world option equal to the defaults included", () => {
    const same = renderReport(comparePlans([plan("")], { ...o, world: { relevance: { ...DEFAULT_WORLD.relevance } } }));
    expect(sectionOf(same, "assumptions")).toContain("This comparison ran in the default world (docs/world-model.md): no parameter was set");
    expect(sectionOf(same, "assumptions")).not.toContain("<b>");
    expect(sectionOf(same, "headline")).toContain("default world parameters (docs/world-model.md)");
  });

  it("writes a fitted world's values readably, to 4 significant digits, and a value that rounds to its default whole", () => {
    // a world as fit --world-out writes it: the table gave channels.email.open as 0.2186301221314031 beside
    // the 21.9 % of the row above, and the learned weekdays as seven 16-digit numbers
    const fitted = comparePlans([plan(`world:
  channels: { email: { open: 0.2186301221314031, deliver: 0.99400001 } }
  seasonality: { weekdays: [0.9984814947450067, 0.9840073541254011, 1.0303790074562897, 0.9917729624347539, 1.023048140352621, 1.01778773804508, 0.9545233028408476] }
`)], o);
    const f = sectionOf(renderReport(fitted), "assumptions");
    expect(f).toContain(`<td>e-mail: opened | delivered</td><td><b>21.9 %</b>`);
    expect(f).toContain(`<tr><td>channels.email.open</td><td><b>0.2186</b></td><td>0.2</td></tr>`);
    expect(f).toContain(`<tr><td>seasonality.weekdays</td><td><b>[0.9985, 0.984, 1.03, 0.9918, 1.023, 1.018, 0.9545]</b></td><td>[1.1, 1, 1, 0.95, 0.9, 0.85, 1.2]</td></tr>`);
    expect(f).toContain(`<tr><td>channels.email.deliver</td><td><b>0.99400001</b></td><td>0.994</td></tr>`);
    for (const long of ["0.2186301221314031", "0.9984814947450067"]) expect(f).not.toContain(long);
  });
});

describe("the report's purchase row on a history population", () => {
  // 12 customers buying in 2024 (test/cli/history-commands' history): the run draws their purchases and
  // spend from the history's own fit; the row showed CDNOW's BG/NBD r 0.243, α 4.414 and called it theirs
  const t = tempDir();
  const rows = ["id,day,usd"];
  for (let c = 1; c <= 12; c++) for (let k = 0; k < 1 + (c % 4); k++) rows.push(`C${c},2024-${String(1 + ((c + 3 * k) % 9)).padStart(2, "0")}-${String(1 + c).padStart(2, "0")},${10 + c + k}`);
  t.write("tx.csv", rows.join("\n") + "\n");
  const config = t.write("h.yaml", "currency: USD\ncalibrationEnd: 2024-06-30\nholdoutEnd: 2024-09-30\ntransactions: { file: tx.csv, columns: { customer: id, date: day, amount: usd } }\nconsent: { email: true }\n");

  it("says the purchase rates and spend are the history's fit, not the synthetic defaults", () => {
    const spec = parsePopulation(`history:${config}`);
    const c = comparePlans([plan("")], { days: 14, replications: 1, start: spec.start, population: spec.population, world: spec.world, populationLabel: spec.label });
    const a = sectionOf(renderReport(c), "assumptions");
    expect(a).toContain(`<td>purchase rates and spend (the history's customers)</td><td>fitted on history:${config}: BG/NBD and gamma-gamma (cadence fit --history ${config} prints the figures)</td><td class="l">measured: fitted on the brand's history</td>`);
    expect(a).not.toContain("synthetic customers");
    expect(a).not.toContain(`BG/NBD r ${DEFAULT_WORLD.purchase.r}`);
    // a synthetic run keeps the world's priors
    expect(sectionOf(renderReport(comparePlans([plan("")], o)), "assumptions"))
      .toContain(`<td>purchase rates and spend (synthetic customers)</td><td>BG/NBD r ${DEFAULT_WORLD.purchase.r}, α ${DEFAULT_WORLD.purchase.alpha}; gamma-gamma p ${DEFAULT_WORLD.spend.p}</td><td class="l">measured: fitted on an experiment</td>`);
  });
});

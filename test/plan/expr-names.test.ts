import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadPlan } from "../../engine/plan/load.ts";
import { coreScope } from "../../engine/plan/scope.ts";

describe("a plan's unknown expression name", () => {
  it("is answered with every name the plan may use, grouped: plain, consent.*, event.*, journey.*, message.*", () => {
    const dir = mkdtempSync(join(tmpdir(), "cadence-names-"));
    const file = join(dir, "p.yaml");
    writeFileSync(file, `name: p
currency: EUR
channels:
  email: { cost: 0.001 }
programs:
  - { id: n, type: campaign, schedule: { weekly: [mon] }, audience: "lifecylce != 'churned'", send: { channel: email, message: n } }
`);
    let message = "";
    try {
      loadPlan(file);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("unknown name 'lifecylce'");
    expect(message).toContain("did you mean 'lifecycle'?");
    const list = message.slice(message.indexOf("valid names: ") + "valid names: ".length).split("\n")[0];
    for (const name of Object.keys(coreScope.vars)) expect(list, name).toContain(name);
    expect(list).not.toContain("more)");
    const groups = list.split("; ");
    expect(groups[0].startsWith("lifecycle, orders")).toBe(true);
    expect(groups.find((g) => g.startsWith("consent."))).toBe("consent.email, consent.sms, consent.push, consent.mail, consent.call");
    expect(groups.some((g) => g.startsWith("event.type"))).toBe(true);
    expect(groups.some((g) => g.startsWith("message.channel"))).toBe(true);
  });
});

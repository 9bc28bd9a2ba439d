/**
 * Program ids and message names are what feedback events carry back (POST /v1/events: program, message),
 * so the loader holds them to the API's limit (one constant, MAX_NAME_LENGTH): a 10,000-character message
 * name loaded, and no event naming it could ever be posted (400 Too big).
 */
import { describe, expect, it } from "vitest";
import { planError } from "../helpers.ts";
import { parsePlan } from "../../engine/plan/load.ts";
import { MAX_NAME_LENGTH } from "../../engine/plan/fields.ts";
import { Event } from "../../web/schemas.ts";

const plan = (id: string, message: string) => `channels: { email: {} }
programs:
  - id: ${JSON.stringify(id)}
    type: journey
    trigger: { event: purchase }
    steps:
      - send: { channel: email, message: ${JSON.stringify(message)}, category: transactional }
`;

describe("program ids and message names", () => {
  it("are at most as long as an event may name them", () => {
    expect(MAX_NAME_LENGTH).toBe(200);
    const longest = "p".repeat(MAX_NAME_LENGTH), names = parsePlan(plan(longest, "m".repeat(MAX_NAME_LENGTH)), "plan.yaml").compiled.names;
    expect(names.programs).toEqual([longest]);
    // and an event naming them passes the API's schema: the same limit
    expect(Event.safeParse({ id: "e", customer: "C", type: "opened", channel: "email", program: longest, message: "m".repeat(MAX_NAME_LENGTH) }).success).toBe(true);
    expect(Event.safeParse({ id: "e", customer: "C", type: "opened", channel: "email", program: longest, message: "m".repeat(MAX_NAME_LENGTH + 1) }).success).toBe(false);
  });

  it("refuses a longer program id or message name, naming the field and the limit", () => {
    expect(planError(plan("p".repeat(201), "hello"), "plan.yaml")).toBe(
      "plan.yaml:3: programs[0].id: too long ('pppppppppppppppppppppppp…', 201 characters): at most 200, as many as the events that name it (POST /v1/events) may carry",
    );
    expect(planError(plan("receipt", "m".repeat(10_000)), "plan.yaml")).toBe(
      "plan.yaml:7: programs[0].steps[0].send.message: too long ('mmmmmmmmmmmmmmmmmmmmmmmm…', 10000 characters): at most 200, as many as the events that name it (POST /v1/events) may carry",
    );
  });

  it("says ASCII letters where it refuses a program id ('Zoë' was refused by a message allowing letters)", () => {
    expect(planError(plan("Zoë", "hello"), "plan.yaml")).toBe(
      "plan.yaml:3: programs[0].id: program ids use ASCII letters (A-Z, a-z), digits, '-', '_' and '.', starting with a letter or digit, got 'Zoë'",
    );
  });
});

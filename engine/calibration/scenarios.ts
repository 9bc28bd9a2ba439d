/**
 * The plans the calibration simulates: each channel and program kind alone at a typical cadence
 * (weekly; direct mail every four weeks), and a typical plan for the per-year share of revenue.
 */
const HEAD = (name: string) => `name: calibration-${name}
timezone: "+01:00"
margin: 0.45
channels:
  email: { cost: 0.002 }
  sms: { cost: 0.05, window: "09:00-20:00" }
  push: { cost: 0.0005 }
  mail: { cost: 0.6 }
programs:
`;

const weekly = (id: string, channel: string, extra = "") => `  - id: ${id}
    type: campaign
    schedule: { every: 1w, start: "2026-01-06", at: "10:00" }
    audience: consent.${channel}
${extra}    send: { channel: ${channel}, message: ${id}, category: promotional }
`;

const cart = `  - id: abandoned-cart
    type: journey
    trigger: { event: cart_abandoned }
    reentry: { cooldown: 7d }
    exitOn: [purchase]
    steps:
      - wait: 1h
      - send: { channel: email, message: cart-reminder, category: promotional }
`;
const welcome = `  - id: welcome
    type: journey
    trigger: { event: signup }
    steps:
      - send: { channel: email, message: welcome, category: relational }
`;
const confirmation = `  - id: order-confirmation
    type: journey
    trigger: { event: purchase }
    reentry: always
    steps:
      - send: { channel: email, message: order-confirmation, category: transactional }
`;

export interface CalibrationScenario {
  key: string;
  channel: string;
  kind: string;
  yaml: string;
  baseline?: boolean; // needs the no-plan run (incremental figures)
}

export const SCENARIOS: CalibrationScenario[] = [
  { key: "email-broadcast", channel: "email", kind: "broadcast", yaml: HEAD("email-broadcast") + weekly("newsletter", "email") },
  { key: "email-targeted", channel: "email", kind: "targeted", yaml: HEAD("email-targeted") + weekly("targeted", "email", "    targeted: { share: 0.2, score: score }\n") },
  { key: "email-triggered", channel: "email", kind: "triggered", yaml: HEAD("email-triggered") + cart + welcome },
  { key: "email-transactional", channel: "email", kind: "transactional", yaml: HEAD("email-transactional") + confirmation },
  { key: "sms-broadcast", channel: "sms", kind: "broadcast", yaml: HEAD("sms-broadcast") + weekly("sms-weekly", "sms") },
  { key: "push-broadcast", channel: "push", kind: "broadcast", yaml: HEAD("push-broadcast") + weekly("push-weekly", "push") },
  {
    key: "mail-broadcast", channel: "mail", kind: "broadcast",
    yaml: HEAD("mail-broadcast") + weekly("mail-monthly", "mail").replace("every: 1w", "every: 4w"),
  },
  { key: "typical-plan", channel: "all", kind: "plan", yaml: HEAD("typical-plan") + weekly("newsletter", "email") + cart + welcome + confirmation, baseline: true },
];

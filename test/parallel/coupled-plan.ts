/**
 * A plan with every coupling between customers in play, for the tests of runs split across workers
 * (sharding.test.ts) and of the tuner over workers (sharded-tuner.test.ts): a targeted promotion twice a
 * week to the best 15 % by score among the top RFM cells, a blast three days a week, and a world whose
 * complaints cross the reputation's thresholds within days.
 */
export const COUPLED_PLAN = `
name: coupled
timezone: "+01:00"
margin: 0.4
channels:
  email: { cost: 0.002 }
  sms: { cost: 0.05, window: "09:00-20:00" }
world:
  channels: { email: { complain: 0.004 } }
  reputation: { goodBelow: 0.0005, worstAt: 0.002, worstInbox: 0.3 }
programs:
  - id: blast
    type: campaign
    schedule: { weekly: [mon, wed, sat], at: "10:00" }
    audience: consent.email
    send: { channel: email, message: daily, category: promotional }
  - id: best-rfm
    type: campaign
    priority: 50
    schedule: { weekly: [tue, fri], at: "08:00" }
    audience: consent.email && rfm >= 300
    targeted: { share: 0.15, score: score }
    send: { channel: email, message: offer, category: promotional, offer: { discount: 0.1 } }
  - id: cart
    type: journey
    trigger: { event: cart_abandoned }
    steps:
      - wait: 2h
      - send: { channel: sms, message: cart-sms, category: promotional }
`;

/** The same plan with a weekly cap to tune. */
export const COUPLED_CAPPED_PLAN = COUPLED_PLAN.replace("name: coupled\n", "name: coupled-capped\n")
  .replace("programs:\n", "pressure:\n  rules:\n    - name: weekly\n      cap: 3\n      window: 7d\nprograms:\n");

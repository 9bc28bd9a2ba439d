/**
 * Optional per-row records of a run: every message decision and every event of the simulated world,
 * kept as columns (plain arrays) and written out by engine/sim/output.ts. Only runs that write files
 * pay for it.
 */
/**
 * A message decision's status: sent; suppressed (by `rule`); holdout; deferred (blocked by `rule`,
 * retried at `at`); delayed (accepted, held by the send window until `at`); cancelled (held, then its
 * journey ended or the customer left before it went out).
 */
export const STATUS = ["sent", "suppressed", "holdout", "deferred", "delayed", "cancelled"] as const;

export class Recorder {
  // messages
  mTime: number[] = [];
  mCust: number[] = [];
  mSend: number[] = [];
  mStatus: number[] = [];
  mRule: string[] = [];
  mCost: number[] = [];
  mAt: number[] = []; // when it goes (sent, delayed) or is retried (deferred); the decision time otherwise
  // events: type -1 = the customer left the brand
  eTime: number[] = [];
  eCust: number[] = [];
  eType: number[] = [];
  eChannel: number[] = [];
  eProgram: number[] = [];
  eSend: number[] = [];
  eValue: number[] = [];

  message(time: number, c: number, send: number, status: typeof STATUS[number], rule: string, cost: number, at = time): void {
    this.mTime.push(time), this.mCust.push(c), this.mSend.push(send), this.mStatus.push(STATUS.indexOf(status));
    this.mRule.push(rule), this.mCost.push(cost), this.mAt.push(at);
  }

  /** A journey instance entered or ended (`how`: entered, completed, goal, left). The base recorder keeps none: explain does. */
  journey(_time: number, _c: number, _journey: number, _how: string): void {}

  event(time: number, c: number, type: number, channel: number, program: number, send: number, value: number): void {
    this.eTime.push(time), this.eCust.push(c), this.eType.push(type), this.eChannel.push(channel);
    this.eProgram.push(program), this.eSend.push(send), this.eValue.push(value);
  }

  /** Event row indices in time order; rows logged ahead of their time (deliveries) find their place. */
  eventOrder(): Uint32Array {
    const idx = new Uint32Array(this.eTime.length);
    for (let i = 0; i < idx.length; i++) idx[i] = i;
    const t = this.eTime;
    // stable by construction: ties keep logging order, which is the queue's (kind, customer, sequence) order
    return idx.sort((a, b) => t[a] - t[b] || a - b);
  }
}

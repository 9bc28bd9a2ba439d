/**
 * A Recorder that also explains: at every message decision (the simulator calls `rec.message` inside
 * the decision, while the customer's pressure ledger is as the core saw it) it asks the Explainer why,
 * and keeps the answer in `why`, a column beside the recorder's own. With `customer` set it records and
 * explains that customer only (the `explain` command: a million-customer run keeps a few hundred rows).
 */
import type { CompiledPlan } from "../core/compiled.ts";
import type { CustomerTable } from "../core/customer-table.ts";
import { Recorder, type STATUS } from "../sim/recorder.ts";
import { Explainer } from "./why.ts";

export class ExplainRecorder extends Recorder {
  readonly why: string[] = [];
  // one logging order across message decisions and journey steps, so a timeline can interleave them
  private seq = 0;
  readonly mSeq: number[] = [];
  private explainer: Explainer | null = null;

  /** `customer` −1: every customer. The table can be attached later (it is built inside a run). */
  constructor(readonly plan: CompiledPlan, table: CustomerTable | null = null, readonly customer = -1) {
    super();
    if (table) this.attach(table);
  }

  attach(table: CustomerTable): void {
    this.explainer = new Explainer(this.plan, table);
  }

  override message(time: number, c: number, send: number, status: typeof STATUS[number], rule: string, cost: number, at = time): void {
    if (this.customer >= 0 && c !== this.customer) return;
    // `at` is passed on: the recorder keeps it where it records when a held message goes
    (Recorder.prototype.message as (...a: unknown[]) => void).call(this, time, c, send, status, rule, cost, at);
    this.why.push(this.explainer ? this.explainer.explain(c, { time, at, send, status, rule }).text : "");
    this.mSeq.push(this.seq++);
  }

  // journey instances of the explained customer: entered, completed, goal reached, left
  readonly jTime: number[] = [];
  readonly jJourney: number[] = [];
  readonly jHow: string[] = [];
  readonly jSeq: number[] = [];

  override journey(time: number, c: number, journey: number, how: string): void {
    if (this.customer >= 0 && c !== this.customer) return;
    this.jTime.push(time), this.jJourney.push(journey), this.jHow.push(how), this.jSeq.push(this.seq++);
  }

  override event(time: number, c: number, type: number, channel: number, program: number, send: number, value: number): void {
    if (this.customer >= 0 && c !== this.customer) return;
    super.event(time, c, type, channel, program, send, value);
  }
}

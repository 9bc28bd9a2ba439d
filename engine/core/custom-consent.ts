/**
 * Consent to a plan's custom channels (issue 11 #11), shared by the drivers: a custom channel's consent
 * comes from a customer attribute (`consent: attr.app_user`): a truthy value is the opt-in and a working
 * address; `consent: none` reaches everyone. Once set, the bits live like a built-in channel's: an
 * opt-out or a hard bounce clears them, a new value of the attribute sets them again (the customer's
 * system of record said so). The simulator's populations get theirs in engine/sim/custom-channels.ts.
 */
import { BUILTIN_CHANNELS, consentBit } from "./channels.ts";
import type { CompiledPlan } from "./compiled.ts";
import type { CustomerTable } from "./customer-table.ts";
import { truthy, type Value } from "./truthy.ts";
import { PER2 } from "./record.ts";

/** A custom channel's bits in a row: its consent, its consent at the start, a working address. */
export const CONSENT = 1, START = 2, REACH = 4, ALL_BITS = CONSENT | START | REACH;

/** The customer's custom-channel bits by channel name (the row format: engine/core/row-codec.ts). */
export function customBits(plan: CompiledPlan, t: CustomerTable, c: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (let ch = BUILTIN_CHANNELS; ch < plan.names.channels.length; ch++) {
    const b = consentBit(ch);
    out[plan.names.channels[ch]] = (t.consent[c * PER2] & b ? CONSENT : 0) | (t.consent0[c] & b ? START : 0) | (t.reach[c * PER2] & b ? REACH : 0);
  }
  return out;
}

/**
 * Sets slot c's custom-channel bits from a row's `channels` (by name); a channel the row has no bits
 * for takes them from its attribute in `attrs`.
 */
export function setCustomBits(plan: CompiledPlan, t: CustomerTable, c: number, bits: Record<string, number>, attrs: Record<string, Value>): void {
  for (let ch = BUILTIN_CHANNELS; ch < plan.names.channels.length; ch++) {
    const name = plan.names.channels[ch];
    const v = bits[name] ?? fromAttribute(plan, ch, attrs, CONSENT | START | REACH);
    setChannelBits(t, c, ch, v);
  }
}

/**
 * A profile update gave these attributes: every custom channel whose consent attribute is among them
 * takes its consent and reach from the new value (its start consent too for a new customer).
 * @example applyConsentAttributes(plan, table, c, { app_user: true }, false)
 */
export function applyConsentAttributes(plan: CompiledPlan, t: CustomerTable, c: number, attrs: Record<string, Value>, isNew: boolean): void {
  for (let ch = BUILTIN_CHANNELS; ch < plan.names.channels.length; ch++) {
    const attribute = plan.channels[ch]?.custom?.attribute;
    if (!attribute || !(attribute in attrs)) continue;
    const b = consentBit(ch), start = isNew ? fromAttribute(plan, ch, attrs, START) : t.consent0[c] & b ? START : 0;
    setChannelBits(t, c, ch, fromAttribute(plan, ch, attrs, CONSENT | REACH) | start);
  }
}

function fromAttribute(plan: CompiledPlan, ch: number, attrs: Record<string, Value>, bits: number): number {
  const attribute = plan.channels[ch]?.custom?.attribute ?? null;
  return attribute === null || truthy(attrs[attribute] ?? null) ? bits : 0;
}

/** Sets or clears channel ch's consent, start-consent and reach bits of slot c from `v` (CONSENT | START | REACH). */
export function setChannelBits(t: CustomerTable, c: number, ch: number, v: number): void {
  const b = consentBit(ch);
  t.consent[c * PER2] = v & CONSENT ? t.consent[c * PER2] | b : t.consent[c * PER2] & ~b;
  t.consent0[c] = v & START ? t.consent0[c] | b : t.consent0[c] & ~b;
  t.reach[c * PER2] = v & REACH ? t.reach[c * PER2] | b : t.reach[c * PER2] & ~b;
}

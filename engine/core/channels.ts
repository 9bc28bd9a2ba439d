/**
 * The contact channels Cadence knows. Index order is part of the ledger format: never reorder.
 * A plan may declare custom channels (issue 11 #11): they come after these five, in the plan's
 * declaration order, so a built-in channel has the same index in every plan (docs/plan-format.md).
 */
export const CHANNELS = ["email", "sms", "push", "mail", "call"] as const;
export type ChannelName = typeof CHANNELS[number];
export const EMAIL = 0, SMS = 1, PUSH = 2, MAIL = 3, CALL = 4;
/** Channels every plan has; indices from here on are the plan's custom channels. */
export const BUILTIN_CHANNELS = CHANNELS.length;
/**
 * At most 16 channels in all (11 custom): consent and reach are a bit per channel in a Uint16
 * (engine/core/customer-table.ts), and pressure rules match channels in a 32-bit mask.
 */
export const MAX_CHANNELS = 16;

/** Consent bit of each channel in CustomerTable.consent (email opt-in, SMS opt-in, push token, postal address, phone, then custom channels). */
export const consentBit = (channel: number): number => 1 << channel;
/** The five built-in channels' bits: the default reach of a customer (custom channels' bits come from their attribute). */
export const ALL_CONSENTS = 0b11111;

/** Message categories every plan has; a plan may add its own after these. */
export const DEFAULT_CATEGORIES = ["transactional", "relational", "promotional"] as const;

/** The contact channels Cadence knows. Index order is part of the ledger format: never reorder. */
export const CHANNELS = ["email", "sms", "push", "mail", "call"] as const;
export type ChannelName = typeof CHANNELS[number];
export const EMAIL = 0, SMS = 1, PUSH = 2, MAIL = 3, CALL = 4;

/** Consent bit of each channel in CustomerTable.consent (email opt-in, SMS opt-in, push token, postal address, phone). */
export const consentBit = (channel: number): number => 1 << channel;
export const ALL_CONSENTS = 0b11111;

/** Message categories every plan has; a plan may add its own after these. */
export const DEFAULT_CATEGORIES = ["transactional", "relational", "promotional"] as const;

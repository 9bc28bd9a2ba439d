/**
 * The simulator's event kinds. Their numeric order is the tie-break between simultaneous events
 * (after time, before customer and sequence): the customer's own actions first, then responses to
 * messages, then the plan's timers, retries and due sends — so a plan reacts to everything that
 * happened at a minute, and a purchase at 10:00 exits a journey before its 10:00 reminder goes out.
 * K_LIFE carries the organic life events (back_in_stock, moved, subscription_expiring; the event type
 * in the queue entry's `a`) and sits with the customer's own actions, before the plan's timers.
 * Kinds are packed in 4 bits (engine/sim/event-queue.ts): at most 16.
 */
export const K_SIGNUP = 0, K_ORGANIC_PURCHASE = 1, K_MESSAGE_PURCHASE = 2, K_VISIT = 3, K_CART = 4;
export const K_BIRTHDAY = 5, K_INACTIVE = 6, K_OPENED = 7, K_CLICKED = 8, K_UNSUBSCRIBED = 9;
export const K_COMPLAINED = 10, K_LEAVE = 11, K_LIFE = 12, K_TIMER = 13, K_RETRY = 14, K_DUE = 15;

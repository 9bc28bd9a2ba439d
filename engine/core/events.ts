/**
 * Customer event types, in the order that breaks ties between simultaneous events (engine/sim's
 * queue orders by time, then this kind rank, then customer, then a sequence number). The order puts
 * what happens to a customer (signup, purchase) before what the plan does about it (timers, sends).
 * New types are appended at the END only: the index is a type's identity (recorded event rows, dispatch
 * lists), and among simultaneous events of one sim kind the list order is the tie-break.
 * `back_in_stock` (a product alert the customer set fires), `moved` (the customer changed address) and
 * `subscription_expiring` (the yearly membership comes up for renewal) are organic life events for the
 * product-alert, new-neighbours and re-subscription programs (docs/world-model.md).
 */
export const EVENT_TYPES = [
  "signup",
  "purchase",
  "visit",
  "cart_abandoned",
  "birthday",
  "inactive",
  "delivered",
  "opened",
  "clicked",
  "unsubscribed",
  "complained",
  "back_in_stock",
  "moved",
  "subscription_expiring",
] as const;
export type EventType = typeof EVENT_TYPES[number];

export const EV_SIGNUP = 0, EV_PURCHASE = 1, EV_VISIT = 2, EV_CART = 3, EV_BIRTHDAY = 4, EV_INACTIVE = 5;
export const EV_DELIVERED = 6, EV_OPENED = 7, EV_CLICKED = 8, EV_UNSUBSCRIBED = 9, EV_COMPLAINED = 10;
export const EV_BACK_IN_STOCK = 11, EV_MOVED = 12, EV_SUBSCRIPTION_EXPIRING = 13;

/** Events a journey may be triggered by, wait for or exit on. */
export const TRIGGER_EVENTS: readonly EventType[] = EVENT_TYPES;

/**
 * The event handed to the decision core. One mutable object is reused by the simulator (millions of
 * events), so the core must not keep a reference to it.
 */
export interface CoreEvent {
  type: number; // index into EVENT_TYPES
  time: number; // minutes since epoch
  value: number; // order value for purchases, 0 otherwise
  channel: number; // channel of a message event, -1 otherwise
  program: number; // program of a message event, -1 otherwise
  send: number; // send-step index of a message event, -1 otherwise
  days: number; // for inactive: the threshold crossed, in days
}

export function newEvent(): CoreEvent {
  return { type: 0, time: 0, value: 0, channel: -1, program: -1, send: -1, days: 0 };
}

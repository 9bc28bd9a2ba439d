/**
 * What the live API accepts as an event, and where each type ranks among simultaneous happenings.
 * The rank is the simulator's queue kind (engine/sim/kinds.ts): at one minute a customer's own actions
 * and message responses (ranks 0–12) come before the plan's timers, retries and due sends (13–15), and
 * the live driver fires a stored timer only once every event ranked before it has been handled — the
 * order that makes the live outbox equal the simulator's messages (test/live/parity.test.ts).
 */
import { EVENT_TYPES } from "../core/events.ts";
import * as K from "../sim/kinds.ts";

/** Provider feedback about a message the plan sent. */
export const FEEDBACK_TYPES = ["delivered", "opened", "clicked", "bounced", "unsubscribed", "complained"] as const;

/** Every type POST /v1/events takes: the core's event types, plus `left`, `bounced` and `contact` (a contact made outside the plan). */
export const LIVE_EVENT_TYPES = [...EVENT_TYPES.filter((t) => t !== "inactive"), "left", "bounced", "contact"] as const;
export type LiveEventType = typeof LIVE_EVENT_TYPES[number];

/** The simulator's kind for an event type (purchases attributed to a message rank after organic ones). */
export function rankOf(type: string, attributed: boolean): number {
  switch (type) {
    case "signup": return K.K_SIGNUP;
    case "purchase": return attributed ? K.K_MESSAGE_PURCHASE : K.K_ORGANIC_PURCHASE;
    case "visit": return K.K_VISIT;
    case "cart_abandoned": return K.K_CART;
    case "birthday": return K.K_BIRTHDAY;
    case "delivered":
    case "opened": return K.K_OPENED;
    case "clicked": return K.K_CLICKED;
    case "unsubscribed":
    case "bounced": return K.K_UNSUBSCRIBED;
    case "complained": return K.K_COMPLAINED;
    case "left": return K.K_LEAVE;
    default: return K.K_LIFE; // back_in_stock, moved, subscription_expiring, contact
  }
}

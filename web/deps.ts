/** What every route needs: the store, the driver, the lifecycle, the clock, the webhook, the configuration and retention. */
import type { Clock } from "../engine/live/clock.ts";
import type { LiveDriver } from "../engine/live/driver.ts";
import type { PlanLifecycle } from "../engine/live/plan-lifecycle.ts";
import type { Store } from "../engine/live/store.ts";
import type { WebhookAdapter } from "../engine/live/webhook.ts";
import type { Retention } from "../engine/live/retention.ts";

export interface Deps {
  store: Store;
  driver: LiveDriver;
  lifecycle: PlanLifecycle;
  clock: Clock;
  /** The webhook adapter, when the server has one (its circuit for the probes, its expiry for requeues). */
  webhook?: WebhookAdapter | null;
  /** The retention passes (--retain-days); null or left out: rows are kept forever. */
  retention?: Retention | null;
}

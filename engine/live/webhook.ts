/**
 * The webhook channel adapter: POSTs each pending outbox message to a configured URL, signed with
 * HMAC-SHA256 over `<timestamp>.<body>` (headers X-Cadence-Timestamp, X-Cadence-Signature:
 * sha256=<hex>) and carrying its idempotency key (Idempotency-Key, ASCII-safe: `headerKey`).
 *
 * Delivery is **at most once per key**, so a receiver never sees a key twice, crashes included:
 *  - before its POST a message is moved to `sending` (one commit for the batch about to be sent);
 *  - a 2xx answer makes it `delivered`, committed the moment the answer arrives;
 *  - a definite failure — the connection was refused before anything was sent, or the receiver
 *    answered 3xx/4xx/5xx (a redirect is not followed) — is retried with exponential back-off and jitter (base · 2^(attempt−1), capped,
 *    times a factor in [0.5, 1) drawn from a seeded stream keyed by message and attempt; never sooner
 *    than a 429's or 503's `Retry-After`, bounded by the cap) until the message **expires** (24 h after its
 *    decision by default, per category: expiry.ts; then `expired`, never sent) or, with `maxAttempts`
 *    set, after that many tries (`dead`, last error kept; an operator may requeue it: outbox-ops.ts);
 *    so is a request that could not even be built (nothing left this process);
 *  - a receiver that keeps failing, asks to be left alone (Retry-After) or hangs opens the circuit
 *    (circuit.ts): nothing more is sent until one message, probing, gets an answer; a restart resumes it;
 *  - an ambiguous outcome — a timeout or a reset after the request may have been sent, or a message
 *    found `sending` at start (the process died during its POST) — makes it `unknown`: never resent
 *    automatically; an operator redelivers it (same key: the receiver dedupes) or resolves it.
 * Why a sender cannot have "exactly once" on its own, and what the operator does: docs/live.md, "Delivery".
 */
import { createHash, createHmac } from "node:crypto";
import { hashString, uniform } from "../core/hash.ts";
import { Circuit, type CircuitView, type SavedCircuit } from "./circuit.ts";
import { type Clock, SystemClock } from "./clock.ts";
import { deadline, DEFAULT_EXPIRY, type Expiry, expiredReason, expiryText } from "./expiry.ts";
import { retryAfterMs } from "./retry-after.ts";
import type { OutboxRow, Store } from "./store.ts";

export interface WebhookConfig {
  url: string;
  secret: string;
  /** Tries before the dead letter; default Infinity: a failing message is retried until it expires. */
  maxAttempts: number;
  expiry: Expiry; // default 24 h for every category
  baseMs: number; // default 1,000
  capMs: number; // default 600,000
  seed: number;
  timeoutMs: number; // default 10,000
  concurrency: number; // default 32: messages POSTed at once, hence the most a crash can leave in flight
  breakerFailures: number; // default 10: failures in a row that open the circuit
  probeMs: number; // default 30,000: the circuit's first wait before a probe (doubled per failed probe, capped)
}

export const WEBHOOK_DEFAULTS: Omit<WebhookConfig, "url" | "secret"> = {
  maxAttempts: Infinity, expiry: DEFAULT_EXPIRY, baseMs: 1000, capMs: 600_000, seed: 1, timeoutMs: 10_000, concurrency: 32,
  breakerFailures: 10, probeMs: 30_000,
};

/** What readiness and health show of the webhook: its circuit and the messages' expiry. */
export interface WebhookStatus extends CircuitView {
  expireAfter: string;
}

const JITTER = 0x717e;

/** The delay before attempt `attempt + 1`, after `attempt` failures. */
export function backoff(c: Pick<WebhookConfig, "baseMs" | "capMs" | "seed">, key: string, attempt: number): number {
  const u = uniform(c.seed, hashString(key), JITTER, attempt);
  return Math.round(Math.min(c.capMs, c.baseMs * 2 ** (attempt - 1)) * (0.5 + 0.5 * u));
}

export function sign(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/**
 * The key as the Idempotency-Key header carries it. A header value is bytes, not text: a customer id
 * such as `Zoë-日本` put raw into it made fetch refuse every attempt. So every UTF-8 byte outside
 * printable ASCII (`!` to `~`), and `%` itself, is written `%XX` (upper-case hex): a key of plain ASCII
 * is sent as it is, and `decodeURIComponent(header)` gives back the body's `key` exactly.
 * @example headerKey("1:Zoë:receipt:receipt:29560320") // "1:Zo%C3%AB:receipt:receipt:29560320"
 */
export function headerKey(key: string): string {
  let out = "";
  for (const byte of new TextEncoder().encode(key)) {
    out += byte > 0x20 && byte < 0x7f && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/**
 * The ports fetch refuses to reach (the Fetch standard's "bad port" list): a webhook URL on one of them
 * fails every attempt without a request leaving.
 */
const BAD_PORTS = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110, 111, 113, 115, 117,
  119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636,
  989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

/**
 * What makes `url` a webhook URL no request can be sent to, in words, or null. Checked when the server
 * is configured: such a URL used to be taken, and every message then failed its eight attempts into the
 * dead letter (or, written `HTTP://…`, was refused though fetch takes it).
 * @example webhookUrlProblem("http://user:pw@hooks.example/in") // "credentials in a URL are not sent: ..."
 */
export function webhookUrlProblem(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return "not a URL; expected such as https://hooks.example.com/cadence";
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return `expected an http or https URL, got a ${u.protocol.slice(0, -1)} one`;
  if (!u.hostname) return "no host; expected such as https://hooks.example.com/cadence";
  if (u.username || u.password) return "credentials in a URL are not sent (fetch refuses them); drop user:password@ — the receiver checks X-Cadence-Signature";
  const port = Number(u.port || (u.protocol === "https:" ? 443 : 80));
  if (BAD_PORTS.has(port)) return `port ${port} is one fetch never connects to (the Fetch standard's bad ports: SMTP, SSH, X11…); give the receiver another port`;
  return null;
}

/**
 * The webhook URL as logs and error texts show it: its origin, its path and query left out as `/…`.
 * Hosted receivers carry their credential in the URL (Slack's and Discord's in the path, others'
 * in `?token=`): a connection error quoted the whole URL, and `/healthz`, which needs no key, showed it.
 * @example shownUrl("https://hooks.example.com/services/T0/B0/XXXX?token=abc") // "https://hooks.example.com/…"
 */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname === "/" && !u.search ? "/" : "/…"}`;
  } catch {
    return "the webhook URL";
  }
}

/**
 * A redirect's Location as error texts show it: resolved against the webhook URL (`/moved` is on its
 * host), then shown as `shownUrl` shows a URL. A Location may carry a token in its path or query as the
 * webhook URL may, and the redirect's error was shown whole by GET /v1/outbox; its origin still tells
 * an operator whether the receiver moved to another host or scheme (http to https).
 * @example shownLocation("/v2/hook?token=abc", "http://hooks.example.com/in") // "http://hooks.example.com/…"
 */
function shownLocation(location: string, url: string): string {
  try {
    return shownUrl(new URL(location, url).href);
  } catch {
    return "a Location that is not a URL";
  }
}

/**
 * `text` with the webhook URL, as given or as fetch writes it (parsed, without its fragment: a URL
 * ending in `#…` was quoted whole, its token with it), shown as `shownUrl` shows it.
 */
function redactUrl(text: string, url: string): string {
  const forms = [url];
  try {
    const u = new URL(url);
    forms.push(u.href);
    u.hash = "";
    forms.push(u.href);
  } catch { /* as given */ }
  // the longest first: a form that is the start of another would leave that one's tail
  return [...new Set(forms)].sort((a, b) => b.length - a.length).reduce((t, u) => t.replaceAll(u, shownUrl(url)), text);
}

export function payload(m: OutboxRow): string {
  return JSON.stringify({
    key: m.key, id: m.id, plan: m.plan, time: new Date(m.time * 60000).toISOString(), customer: m.customer,
    program: m.program, message: m.message, channel: m.channel, category: m.category,
  });
}

/** The store's meta key of the circuit's state (circuit.ts), with the receiver it is about. */
const CIRCUIT_META = "webhookCircuit";

/** Who a kept circuit is about: a hash of the webhook URL, not the URL, which may hold a token. */
function receiverOf(url: string): string {
  return createHash("sha256").update(url).digest("hex").slice(0, 16);
}

/**
 * The circuit the last server left, when it was about this receiver: a restart with another
 * --webhook-url starts closed (the receiver moved, or a mistyped URL was put right). A record that
 * cannot be read starts closed too, as every start did before the circuit was kept.
 */
function savedCircuit(store: Store, receiver: string): SavedCircuit | null {
  let r: Record<string, unknown>;
  try {
    r = JSON.parse(store.getMeta(CIRCUIT_META) ?? "null");
  } catch {
    return null;
  }
  const count = (x: unknown) => Number.isSafeInteger(x) && (x as number) >= 0;
  const ok = r?.receiver === receiver && count(r.failures) && count(r.probes) && typeof r.lastError === "string" &&
    (r.openUntil === null || Number.isFinite(r.openUntil));
  return ok ? r as unknown as SavedCircuit : null;
}

export class WebhookAdapter {
  private current: Promise<number> | null = null;
  private stopped = false;
  /**
   * Answers whose record failed (the database could not be written: a full disk, a read-only file
   * system): kept here and recorded first at the next pass. Left alone, the message stayed `sending`
   * though the receiver had answered, and the next start called it unknown.
   */
  private unrecorded: { m: OutboxRow; outcome: Outcome; at: number }[] = [];
  private readonly circuit: Circuit;
  private readonly receiver: string;
  /** The circuit as the store holds it (JSON), so an outcome that changes nothing writes nothing; null: unknown. */
  private kept: string | null;
  /** The minute of the clock the last sweep of expired messages ran in (expireLate). */
  private swept = -1;
  /** When each request is signed: X-Cadence-Timestamp is the second it leaves, whatever the engine's clock. */
  private readonly wall = new SystemClock();

  constructor(readonly store: Store, readonly clock: Clock, readonly config: WebhookConfig) {
    this.receiver = receiverOf(config.url);
    this.circuit = Circuit.resume(config.breakerFailures, config.probeMs, config.capMs, savedCircuit(store, this.receiver));
    this.kept = this.circuitText();
    this.recover();
  }

  status(): WebhookStatus {
    return { ...this.circuit.view(this.clock.nowMs()), expireAfter: expiryText(this.config.expiry) };
  }

  /**
   * Messages still `sending` when the previous process died: their POST may or may not have reached the
   * receiver. The attempt counts as made, and the message becomes `unknown` (one commit), for an operator.
   */
  private recover(): number {
    const rows = this.store.inFlight();
    if (!rows.length) return 0;
    const at = this.clock.nowMs();
    this.store.tx(() => {
      for (const m of rows) {
        this.store.setDelivery(m.id, "unknown", m.sending, 0, `attempt ${m.sending} was in flight when the server stopped: it may have reached the receiver; not resent (redeliver or resolve it)`, { at });
      }
    });
    return rows.length;
  }

  /**
   * Delivers what is due, up to `batch` messages at once (the delivery concurrency, hence the most
   * messages a crash can leave in flight). Returns the number of attempts made.
   */
  pass(batch = this.config.concurrency): Promise<number> {
    if (this.current || this.stopped) return Promise.resolve(0);
    this.current = this.run(batch).finally(() => (this.current = null));
    return this.current;
  }

  /** Lets the pass in flight record its outcomes (bounded by the request timeout), then starts no other. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.current?.catch(() => 0);
    try {
      this.recordLeft();
    } catch { /* still not writable: these messages are `sending`, so the next start makes them unknown */ }
  }

  private async run(batch: number): Promise<number> {
    this.recordLeft(); // throws while the database still cannot be written: nothing new is sent meanwhile
    const now = this.clock.nowMs();
    this.expireLate(now);
    const allowed = this.circuit.allowance(now, batch);
    if (!allowed) return 0; // the circuit is open: the receiver is left alone until its probe
    const due = this.store.deliverable(now, allowed);
    if (!due.length) return 0;
    const expired = due.filter((m) => now > deadline(this.config.expiry, m)), send = due.filter((m) => now <= deadline(this.config.expiry, m));
    // durable before any POST leaves: a crash from here on finds these messages `sending`
    this.store.tx(() => {
      for (const m of expired) this.store.setDelivery(m.id, "expired", m.attempts, 0, this.expiredText(m, m.lastError), { from: "pending", at: now });
      this.store.markSending(send.map((m) => m.id));
    });
    this.circuit.sent(send.length);
    await Promise.all(send.map(async (m) => {
      const outcome = await this.attempt(m), at = this.clock.nowMs();
      this.observe(outcome, at);
      try {
        this.store.tx(() => (this.record(m, outcome, at), this.keepCircuit())); // durable as soon as the answer is in
      } catch (e) {
        this.unrecorded.push({ m, outcome, at });
        this.kept = null; // rolled back with it: written with the next record
        throw e;
      }
    }));
    return send.length;
  }

  /**
   * Every pending message past its expiry becomes `expired` once a minute, whatever the circuit lets
   * through: it needs no POST. Expired only when a pass took it, a backlog behind an open circuit stayed
   * `pending` past its expiry, and then held up the probe a pass each (it went first, id order): at the
   * 1 s tick, the receiver back and nothing sent for an hour per 3,600 of them. Once a minute, as a
   * deadline is a whole minute (expiry.ts) and the sweep reads every pending message; a pass still checks
   * those it takes.
   */
  private expireLate(now: number): void {
    const minute = Math.floor(now / 60_000);
    if (minute === this.swept) return;
    this.store.tx(() => this.store.expirePending(this.config.expiry, now));
    this.swept = minute;
  }

  /** What the outcome says of the receiver, for the circuit. */
  private observe(o: Outcome, at: number): void {
    if (o.kind === "delivered") this.circuit.up();
    else if (o.kind === "unknown") this.circuit.down(at, o.error, null);
    else if (o.receiver === "down") this.circuit.down(at, o.error, o.retryAfterMs ?? null);
    else if (o.receiver === "up") this.circuit.up();
  }

  private expiredText(m: OutboxRow, lastError: string): string {
    return `${expiredReason(this.config.expiry, m.category)}${lastError ? `; last error: ${lastError}` : ""}`;
  }

  /** Records the answers an earlier pass could not, in one transaction. */
  private recordLeft(): void {
    if (!this.unrecorded.length) return;
    this.store.tx(() => {
      for (const { m, outcome, at } of this.unrecorded) this.record(m, outcome, at);
      this.keepCircuit();
    });
    this.unrecorded = [];
  }

  private circuitText(): string {
    return JSON.stringify({ receiver: this.receiver, ...this.circuit.saved() });
  }

  /** Writes the circuit's state into the store's meta when an outcome changed it, in the outcome's transaction. */
  private keepCircuit(): void {
    const text = this.circuitText();
    if (text === this.kept) return;
    this.store.setMeta(CIRCUIT_META, text);
    this.kept = text;
  }

  /** One POST and what is known of its fate. */
  private async attempt(m: OutboxRow): Promise<Outcome> {
    // the wall clock's second, not the engine's: a receiver compares it with its own clock to refuse a
    // replayed request, and a manual clock (2026-03-02 in a demo) made every message look stale
    const body = payload(m), ts = String(Math.floor(this.wall.nowMs() / 1000));
    let req: Request;
    try {
      req = new Request(this.config.url, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": headerKey(m.key), "x-cadence-timestamp": ts, "x-cadence-signature": sign(this.config.secret, ts, body) },
        body,
        // never followed: fetch turns a POST redirected by 301/302/303 into a bodiless GET, and the 2xx of
        // whatever answers there was taken for a delivery of a message nobody received
        redirect: "manual",
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
    } catch (e) {
      // a request that cannot be built never left: a definite failure, not an unknown one
      return { kind: "failed", error: redactUrl(`the request could not be built: ${(e as Error)?.message ?? e}`, this.config.url).slice(0, 300), receiver: null };
    }
    let res: Response;
    try {
      res = await fetch(req);
    } catch (e) {
      return failure(e, this.config.url);
    }
    try {
      await res.body?.cancel();
    } catch { /* the answer's status is all that counts */ }
    if (res.status >= 300 && res.status < 400) {
      const to = res.headers.get("location");
      return { kind: "failed", error: `HTTP ${res.status}: a redirect${to ? ` to ${shownLocation(to, this.config.url).slice(0, 200)}` : ""}, not followed (the message was not taken there); set --webhook-url to the receiver's own URL`, receiver: "up" };
    }
    if (res.ok) return { kind: "delivered" };
    // the receiver asks when to come back (RFC 9110 §10.2.3, RFC 6585 §4): never sooner, at most the cap
    const asked = res.status === 429 || res.status === 503 ? retryAfterMs(res.headers.get("retry-after"), this.clock.nowMs()) : null;
    const retryAfter = asked === null ? null : Math.min(this.config.capMs, asked);
    const down = res.status >= 500 || res.status === 408 || res.status === 429;
    return { kind: "failed", error: `HTTP ${res.status}${retryAfter === null ? "" : ` (Retry-After ${Math.ceil(retryAfter / 1000)} s)`}`, receiver: down ? "down" : "up", retryAfterMs: retryAfter };
  }

  private record(m: OutboxRow, o: Outcome, at: number): void {
    const attempts = m.attempts + 1, set = (state: Parameters<Store["setDelivery"]>[1], next: number, error: string) => this.store.setDelivery(m.id, state, attempts, next, error, { at });
    let moved: boolean;
    if (o.kind === "delivered") moved = set("delivered", 0, "");
    else if (o.kind === "unknown") moved = set("unknown", 0, `${o.error}: the request may have reached the receiver; not resent (redeliver or resolve it)`);
    else if (attempts >= this.config.maxAttempts) moved = set("dead", 0, o.error);
    else {
      const next = at + Math.max(backoff(this.config, m.key, attempts), o.retryAfterMs ?? 0);
      // a next try past the expiry could only be refused then: expired now, so no one waits on it
      moved = next > deadline(this.config.expiry, m) ? set("expired", 0, this.expiredText(m, o.error)) : set("pending", next, o.error);
    }
    if (!moved) this.store.clearSending(m.id); // cancelled (unsubscribe) while in flight: it stays cancelled
  }
}

/**
 * What an attempt established: delivered, a definite failure (nothing acted on: retry), or unknown.
 * A failure says what it shows of the receiver (the circuit's input): `down` (refused, 5xx, 408, 429),
 * `up` (it answered about this one message: another 4xx, a 3xx), or null (nothing left this process).
 */
export type Outcome =
  | { kind: "delivered" }
  | { kind: "failed"; error: string; receiver: "up" | "down" | null; retryAfterMs?: number | null }
  | { kind: "unknown"; error: string };

/**
 * A fetch that threw. Only a failure to connect (refused, no route, DNS, a blocked port: hyper's
 * "client error (Connect)") proves nothing was sent; a timeout, a reset or a connection closed after
 * the request was written may come after the receiver acted, so it is unknown. `url`: the webhook's,
 * shown in the error text as `shownUrl` shows it.
 */
export function failure(e: unknown, url = ""): Outcome {
  const err = e as Error & { cause?: unknown };
  // fetch's error quotes the URL (`error sending request for url (...)`), which may hold the receiver's token
  const said = `${err?.message ?? e}${err?.cause ? `: ${String((err.cause as Error).message ?? err.cause)}` : ""}`;
  const text = (url ? redactUrl(said, url) : said).slice(0, 300);
  if (/client error \(Connect\)|Connection refused|are blocked/i.test(text)) return { kind: "failed", error: text, receiver: "down" };
  return { kind: "unknown", error: err?.name === "TimeoutError" ? "timed out" : text || "network error" };
}

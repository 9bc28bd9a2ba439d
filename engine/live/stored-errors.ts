/**
 * Last errors written before the webhook redacted its texts (d70c19e, 781950e): fetch's connection
 * errors quoted the whole webhook URL (`error sending request for url (https://hooks.example.com/T0/B0/XXXX?token=…)`),
 * a redirect's error its Location, token and all, and GET /v1/outbox still showed them; an expired or
 * requeued message carries them on (`…; last error: <the old text>`). Schema 12 rewrites every stored
 * text once as the webhook writes it now (webhook.ts `shownUrl`: the origin, and `/…` for a path or
 * query), through this SQL function, which `SqliteStore.migrate` registers on its connection.
 *
 * A migration cannot know the webhook URL, so it shows every http(s) URL in a text that way, not only
 * the webhook's, and a redirect to a relative Location (which the webhook resolves against its URL) as
 * `/…`. A text already redacted is left as it is, so a text written after the fix is unchanged.
 */
import { shownUrl } from "./webhook.ts";

/** The SQL name of `redactStoredError`, as schema 12 calls it (migrations.ts). */
export const REDACT_FUNCTION = "cadence_redact_error";

/** `HTTP 302: a redirect to <Location>, not followed (…)`: the Location as the webhook wrote it before 781950e. */
const REDIRECT = /(a redirect to )(.*?)(, not followed \(the message was not taken there\))/g;
/** An http(s) URL, to the next space; punctuation that ends it in the text (`…token=abc):`) is put back after it. */
const URL_RUN = /https?:\/\/\S+/gi;
const TRAILING = /[)\]}>'",.;:]+$/;

/**
 * `text` with every URL in it shown as the webhook shows its own, and a redirect's Location likewise.
 * @example redactStoredError("error sending request for url (http://h.example/T0/B0/XXXX?token=abc): client error (Connect)") // "error sending request for url (http://h.example/…): client error (Connect)"
 */
export function redactStoredError(text: string): string {
  return text
    .replace(REDIRECT, (_, before: string, location: string, after: string) => `${before}${shownLocation(location)}${after}`)
    .replace(URL_RUN, (run) => {
      const tail = TRAILING.exec(run)?.[0] ?? "";
      return shownUrl(run.slice(0, run.length - tail.length)) + tail;
    });
}

/** A Location as the webhook shows it, without the URL a relative one was resolved against. */
function shownLocation(location: string): string {
  return URL.canParse(location) ? shownUrl(location) : "/…";
}

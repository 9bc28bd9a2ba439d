/**
 * A `Retry-After` header (RFC 9110 §10.2.3) as a wait in milliseconds from `nowMs`: delay-seconds
 * (`120`) or an HTTP-date (`Wed, 04 Mar 2026 10:00:00 GMT`; the obsolete RFC 850 and asctime forms
 * too, which Date.parse reads). A date already past is 0; anything else (empty, `-5`, `soon`) is null:
 * ignored, as the RFC lets a recipient do with a value it cannot parse.
 * @example retryAfterMs("120", 0) // 120000
 */
export function retryAfterMs(value: string | null, nowMs: number): number | null {
  const v = value?.trim();
  if (!v) return null;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  if (!/[a-z]/i.test(v)) return null; // Date.parse reads "-5" or "2026" as dates: an HTTP-date names its day and month
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

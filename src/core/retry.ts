// The retry policy: which failures are repeated, and how long to wait before the next attempt.
// Sending a fax costs money and reaches a person, so a POST is repeated only when the request
// provably never got processed. The loop that applies it is in transport.ts.
import { ConnectionError, parseRetryAfter } from "./errors.js";

/** Longest `Retry-After` we wait for; above it the response is returned at once. */
export const MAX_RETRY_AFTER_SECONDS = 60;

const IDEMPOTENT_RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
/** Failures that prove the request never reached the server, so even a POST may be repeated. */
export const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN"]);

/** GET, PUT, DELETE may be repeated; POST and PATCH only when nothing was processed. */
export function isIdempotent(method: string): boolean {
  return method !== "POST" && method !== "PATCH";
}

/**
 * Whether a failure without a response is worth another attempt: for GET, PUT and DELETE any
 * connection error or timeout; for POST only one that proves nothing was sent (refused, DNS, or a
 * timeout while the token function was still running).
 */
export function isRetryableError(error: unknown, idempotent: boolean): boolean {
  if (error instanceof ConnectionError) return idempotent || !error.mayHaveBeenProcessed;
  return false; // a caller's abort, or anything we did not classify
}

/**
 * The wait before retrying a response, in ms, or undefined when it is not retried: a status of the
 * policy (any of 408, 429, 5xx gateways for idempotent methods; only 429 for POST), and no
 * `Retry-After` above {@link MAX_RETRY_AFTER_SECONDS} (the caller then gets the response at once).
 * A valid `Retry-After` is waited for as given; a malformed one or a past date gets {@link backoff}.
 */
export function retryDelay(
  response: Response,
  idempotent: boolean,
  retry: number,
): number | undefined {
  const status = response.status;
  if (idempotent ? !IDEMPOTENT_RETRY_STATUSES.has(status) : status !== 429) return undefined;
  const header = response.headers.get("retry-after");
  const retryAfter = parseRetryAfter(header);
  // Missing, malformed (`1.5`, `-1`, `2, 5`) or a date in the past: our own backoff, never 0 ms.
  // (`0` itself is the server asking for an immediate retry.)
  if (retryAfter === undefined || (retryAfter === 0 && !/^\s*0+\s*$/.test(header ?? ""))) {
    return backoff(retry);
  }
  return retryAfter <= MAX_RETRY_AFTER_SECONDS ? retryAfter * 1000 : undefined;
}

/** min(0.5 s * 2^n, 8 s), minus up to 25 % jitter. */
export function backoff(retry: number): number {
  return Math.min(500 * 2 ** retry, 8000) * (1 - Math.random() * 0.25);
}

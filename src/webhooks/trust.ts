// Trust without signatures. Fax.Plus does not sign its callbacks, so a receiver trusts a delivery
// by what the user chose: a secret in the target URL (compared in constant time), the fax
// re-fetched through the API by its ID, or both. Web Crypto only: this runs in browsers' bundles,
// on Workers, Deno and Bun as well as on Node.
import { getFax } from "../../generated/operations.js";
import type { Fax } from "../../generated/types.js";
import { type FaxPlusCore, transportOf } from "../core/client.js";
import { NotFoundError, ValidationError } from "../core/errors.js";
import type { WebhookCallback } from "./parse.js";

/**
 * How a receiver decides that a delivery comes from Fax.Plus. At least one of:
 * - `urlSecret`: a secret you put in the target URL you register, as its last path segment
 *   (`https://example.com/hooks/<secret>`) or its `secret` query parameter
 *   (`https://example.com/hooks?secret=<secret>`). Refuses any body posted by someone who does not
 *   know the URL. Does not help once the URL leaks (logs, proxies): rotate it then.
 * - `refetch`: a client; the fax is read through the API by `data.id` before the event is handed
 *   over, and its direction, numbers, status and pages must match the body's. A forged body cannot
 *   invent a fax or change what happened to one; it can still replay a real, earlier event (the
 *   dedupe store drops replays it has seen). Costs one API call per delivery.
 *
 * `"none"` hands over any well-formed body: only for local development.
 */
export type WebhookTrust =
  | { urlSecret: string; refetch?: FaxPlusCore }
  | { urlSecret?: undefined; refetch: FaxPlusCore }
  | "none";

/** The shortest `urlSecret` accepted, in characters. */
export const MIN_SECRET_LENGTH = 16;

/** A fresh random secret for a target URL: 32 hex digits (128 bits), URL-safe. */
export function newWebhookSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Checks a trust option once, when the receiver is made. */
export function checkTrust(trust: unknown): asserts trust is WebhookTrust {
  if (trust === "none") return;
  if (typeof trust !== "object" || trust === null) {
    throw new ValidationError("trust", 'must be { urlSecret }, { refetch }, both, or "none"');
  }
  const { urlSecret, refetch } = trust as { urlSecret?: unknown; refetch?: unknown };
  if (urlSecret === undefined && refetch === undefined) {
    throw new ValidationError("trust", 'must name urlSecret, refetch or both (or be "none")');
  }
  if (urlSecret !== undefined) {
    if (typeof urlSecret !== "string" || urlSecret.length < MIN_SECRET_LENGTH) {
      throw new ValidationError(
        "trust.urlSecret",
        `must be a string of at least ${MIN_SECRET_LENGTH} characters (newWebhookSecret() makes one)`,
      );
    }
  }
  if (refetch !== undefined) {
    try {
      transportOf(refetch as FaxPlusCore);
    } catch {
      throw new ValidationError(
        "trust.refetch",
        "must be a client (createFaxPlus() or new FaxPlus())",
      );
    }
  }
}

/**
 * Whether `url` carries `secret` as its last path segment or its `secret` query parameter. Both
 * places are always compared, each over SHA-256 digests of equal length with no early exit, so
 * the time taken says nothing about how much of a guess was right, nor about the secret's length.
 */
export async function urlHasSecret(url: string, secret: string): Promise<boolean> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const segments = parsed.pathname.split("/").filter((segment) => segment !== "");
  const [expected, inPath, inQuery] = await Promise.all([
    digest(secret),
    digest(decodeSegment(segments.at(-1) ?? "")),
    digest(parsed.searchParams.get("secret") ?? ""),
  ]);
  return (sameBytes(expected, inPath) | sameBytes(expected, inQuery)) === 1;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

/** 1 when equal, else 0; reads every byte whatever it finds. */
function sameBytes(a: Uint8Array, b: Uint8Array): number {
  let difference = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ (b[i] ?? 0);
  return difference === 0 ? 1 : 0;
}

/** The outcome of re-fetching a delivery's fax. */
export type Refetched =
  | { kind: "found"; fax: Fax }
  | { kind: "refused"; reason: string }
  | { kind: "unavailable"; error: unknown };

/**
 * Reads the fax of a delivery through the API and compares it with the body: refused when no such
 * fax exists or a field differs; unavailable when the API could not answer (the delivery should be
 * retried later).
 */
export async function refetchFax(
  client: FaxPlusCore,
  callback: WebhookCallback,
): Promise<Refetched> {
  const { hook, data } = callback;
  if (data.id === undefined || data.id === "")
    return { kind: "refused", reason: "data.id is missing" };
  let fax: Fax;
  try {
    fax = await getFax(client, { fax_id: data.id });
  } catch (error) {
    if (error instanceof NotFoundError) {
      return { kind: "refused", reason: `the API has no fax ${shown(data.id)}` };
    }
    if (error instanceof ValidationError) {
      return { kind: "refused", reason: `data.id is not a fax ID (${error.rule})` };
    }
    return { kind: "unavailable", error };
  }
  const final = hook.event === "fax_sent" || hook.event === "fax_received";
  const expected: [field: string, body: unknown, record: unknown][] = [
    ["direction", hook.event === "fax_sent" ? "outgoing" : "incoming", fax.direction],
    ["from", data.from ?? data.from_number, fax.from],
    ["to", data.to ?? data.to_number, fax.to],
    ...(final
      ? ([
          ["status", data.status, fax.status],
          ["pages", data.pages, fax.pages],
        ] as [string, unknown, unknown][])
      : []),
  ];
  for (const [field, body, record] of expected) {
    if (body !== undefined && record !== undefined && body !== record) {
      return {
        kind: "refused",
        reason: `${field} of fax ${shown(data.id)} is ${shown(record)} in the API, not ${shown(body)}`,
      };
    }
  }
  return { kind: "found", fax };
}

/** A value for a message: JSON, cut at 80 characters. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

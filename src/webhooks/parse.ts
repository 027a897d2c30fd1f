// Webhook callbacks: the JSON body Fax.Plus POSTs to a registered target URL, checked against the
// spec's WebhookCallback schema and narrowed by its event.
import * as rules from "../../generated/rules.js";
import type { WebhookCallbackData, WebhookCallbackHook } from "../../generated/types.js";
import { ValidationError } from "../core/errors.js";
import { parseJson, snapshot } from "../core/validate.js";

/** An event a callback can carry, as the spec lists them (`fax_sent`, `fax_received`, ...). */
export type WebhookEvent = NonNullable<WebhookCallbackHook["event"]>;

/** Every event a callback can carry, read from the spec's rules (a spec update adds to it). */
export function webhookEvents(): readonly WebhookEvent[] {
  return rules.WebhookCallbackHook.properties.event.enum as readonly WebhookEvent[];
}

/** A checked callback body; narrow it with `callback.hook.event`. */
export type WebhookCallback = {
  [E in WebhookEvent]: { hook: WebhookCallbackHook & { event: E }; data: WebhookCallbackData };
}[WebhookEvent];

/**
 * Checks a webhook callback body, given as the raw JSON text or already parsed, against the spec
 * (the type of every field it has; fields the spec does not list yet are kept) and returns a copy
 * typed by `hook.event`. No signature is documented, so this checks the shape, not the sender.
 * @throws ValidationError naming the bad field: `body`, `hook`, `hook.event`, `data`, `data.pages`, ...
 * @example
 * const callback = parseWebhook(await request.text());
 * if (callback.hook.event === "fax_received") console.log(callback.data.file);
 */
export function parseWebhook(body: unknown): WebhookCallback {
  const value = typeof body === "string" ? parseJson(body) : body;
  if (typeof body === "string" && value === undefined) {
    throw new ValidationError("body", "must be valid JSON");
  }
  const callback = snapshot(rules.WebhookCallback, value) as Partial<WebhookCallback>;
  // What the narrowed type needs, beyond what the schema requires.
  if (callback.hook === undefined) throw new ValidationError("hook", "is required");
  if (callback.hook.event === undefined) throw new ValidationError("hook.event", "is required");
  if (callback.data === undefined) throw new ValidationError("data", "is required");
  return callback as WebhookCallback;
}

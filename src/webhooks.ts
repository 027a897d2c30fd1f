// Webhook callbacks: the JSON body Fax.Plus POSTs to a registered target URL.
import type { components } from "../generated/schema.js";
import { ValidationError } from "./errors.js";

/** The `hook` part of a webhook callback: which hook fired, for which event, when. */
export type WebhookCallbackHook = components["schemas"]["WebhookCallbackHook"];

/** An event a callback can carry: `fax_sent` or `fax_received`. */
export type WebhookEvent = NonNullable<WebhookCallbackHook["event"]>;

/** The fax a callback is about; read `from`/`to` first, then `from_number`/`to_number`. */
export type WebhookCallbackData = components["schemas"]["WebhookCallbackData"];

/** A validated callback body; narrow it with `callback.hook.event`. */
export type WebhookCallback = {
  [E in WebhookEvent]: { hook: WebhookCallbackHook & { event: E }; data: WebhookCallbackData };
}[WebhookEvent];

// `satisfies` keeps this list in step with the spec's enum of `hook.event`.
const EVENTS: readonly string[] = Object.keys({
  fax_sent: true,
  fax_received: true,
} satisfies Record<WebhookEvent, true>);

/**
 * Validates a webhook callback body, given as the raw JSON text or already parsed, and returns
 * it typed by `hook.event`. No signature is documented, so this checks the shape, not the sender.
 * @throws ValidationError naming the bad field: `body`, `hook`, `hook.event` or `data`
 * @example
 * const callback = parseWebhook(await request.text());
 * if (callback.hook.event === "fax_received") console.log(callback.data.file);
 */
export function parseWebhook(body: unknown): WebhookCallback {
  const value = typeof body === "string" ? parseJson(body) : body;
  if (!isObject(value)) throw new ValidationError("body", "must be a JSON object");
  const { hook, data } = value;
  if (!isObject(hook)) throw new ValidationError("hook", "must be an object");
  if (!EVENTS.includes(hook["event"] as string)) {
    throw new ValidationError("hook.event", `must be one of ${EVENTS.join(", ")}`);
  }
  if (!isObject(data)) throw new ValidationError("data", "must be an object");
  return value as WebhookCallback;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError("body", "must be valid JSON");
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// The webhook receiver: a Web-standard handler, `(request: Request) => Promise<Response>`, which
// Next.js route handlers, Hono, Bun, Deno and Workers take as it is (Node's http and Express
// through `toNodeHandler` of the Node entry). One delivery, top to bottom: method, trust of the
// URL, the body read within its limit, its shape, duplicates, trust of the fax, the app's handler.
import type { Fax } from "../../generated/types.js";
import { ValidationError } from "../core/errors.js";
import { parseWebhook, type WebhookCallback, type WebhookEvent } from "./parse.js";
import { deliveryKey, memorySeenStore, type SeenStore } from "./seen.js";
import { checkTrust, refetchFax, urlHasSecret, type WebhookTrust } from "./trust.js";

/**
 * One delivery of an event, as the receiver hands it to the app; without a type argument, the
 * union of every event's, narrowed by `event`.
 */
export type WebhookDelivery<E extends WebhookEvent = WebhookEvent> = {
  [K in E]: {
    /** The event's name (also `callback.hook.event`). */
    event: K;
    /** The checked body. */
    callback: Extract<WebhookCallback, { hook: { event: K } }>;
    /**
     * Whether the fax is being retried by Fax.Plus: `hook.id` differs from `data.id` (the fax
     * session ID, shared by all retries). Each retry is its own delivery, handed over once.
     */
    retry: boolean;
    /** The fax as the API answered it, when the trust includes `refetch`. */
    fax: Fax | undefined;
  };
}[E];

/** The app's function for each event it wants; events without one are accepted and dropped. */
export type WebhookHandlers = {
  [E in WebhookEvent]?: (delivery: WebhookDelivery<E>) => void | Promise<void>;
};

export interface WebhookHandlerOptions {
  /** What to do with each event. */
  on: WebhookHandlers;
  /** How a delivery is trusted: see {@link WebhookTrust}. Required: there is no signature. */
  trust: WebhookTrust;
  /** Where the deliveries handed over are kept (default: the last 10,000 in memory). */
  seen?: SeenStore;
  /** Largest body read, in bytes (default 64 KiB; callbacks are under 1 KiB); larger: 413. */
  maxBodyBytes?: number;
  /**
   * Told of what the receiver answers 5xx for: an exception of a handler of `on`, a failure of
   * the `seen` store, an API that could not re-fetch the fax (default: `console.error`).
   */
  onError?: (error: unknown) => void;
}

/** A receiver: takes a callback request, answers it. Never rejects. */
export type WebhookHandler = (request: Request) => Promise<Response>;

/** The default of `maxBodyBytes`. */
export const DEFAULT_WEBHOOK_BODY_BYTES = 65_536; // 64 KiB, a literal so that bundlers drop it unused

/**
 * A receiver of Fax.Plus webhook callbacks. It answers:
 * - 200 `{"received":true}` once a delivery is handed over (its handler returned), or is a
 *   duplicate of one that was (`"duplicate":true`), or has no handler;
 * - 4xx `{"error","description"}` for what no retry can fix: 405 not a POST, 403 the URL's secret
 *   is wrong or the re-fetched fax refutes the body, 413 a body over `maxBodyBytes`, 400 a body
 *   that is not a callback (the description names the field);
 * - 500 when a handler of `on` threw (not marked seen, so the API's retry hands it over again),
 *   503 when the `seen` store or the API (for `refetch`) failed. Never 5xx for bad input.
 * @example
 * const handler = webhookHandler({
 *   trust: { urlSecret: process.env.FAXPLUS_WEBHOOK_SECRET! },
 *   on: { fax_received: async ({ callback }) => console.log("fax from", callback.data.from) },
 * });
 * export const POST = handler; // a Next.js route; Hono: (c) => handler(c.req.raw)
 */
export function webhookHandler(options: WebhookHandlerOptions): WebhookHandler {
  const settings = checkOptions(options);
  const inFlight = new Map<string, Promise<Outcome>>();

  const deliver = async (callback: WebhookCallback): Promise<Outcome> => {
    const key = deliveryKey(callback);
    // A duplicate that arrives while the first is being handled shares its outcome.
    const running = inFlight.get(key);
    if (running) return running;
    const outcome = handOver(settings, callback, key);
    inFlight.set(key, outcome);
    try {
      return await outcome;
    } finally {
      inFlight.delete(key);
    }
  };

  return async (request) => {
    try {
      const outcome = await receive(settings, request, deliver);
      return answer(outcome);
    } catch (error) {
      // Not reached by any input (each step turns bad input into its 4xx); a guard all the same.
      settings.onError(error);
      return answer({ status: 500, error: "receiver_failed", description: "the receiver failed" });
    }
  };
}

/** What the receiver answers. */
type Outcome =
  | { status: 200; duplicate?: true }
  | { status: number; error: string; description: string; headers?: Record<string, string> };

interface Settings {
  on: WebhookHandlers;
  trust: WebhookTrust;
  seen: SeenStore;
  maxBodyBytes: number;
  onError: (error: unknown) => void;
}

function checkOptions(options: WebhookHandlerOptions): Settings {
  if (typeof options !== "object" || options === null) {
    throw new ValidationError("options", "must be an object with `on` and `trust`");
  }
  const { on, trust, seen, maxBodyBytes = DEFAULT_WEBHOOK_BODY_BYTES, onError } = options;
  if (typeof on !== "object" || on === null) {
    throw new ValidationError("on", "must be an object of handlers by event name");
  }
  for (const [event, handler] of Object.entries(on)) {
    if (typeof handler !== "function" && handler !== undefined) {
      throw new ValidationError(`on.${event}`, "must be a function");
    }
  }
  checkTrust(trust);
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1) {
    throw new ValidationError("maxBodyBytes", "must be a whole number of bytes, at least 1");
  }
  if (seen !== undefined && (typeof seen?.has !== "function" || typeof seen?.add !== "function")) {
    throw new ValidationError("seen", "must have has(key) and add(key)");
  }
  return {
    on,
    trust,
    seen: seen ?? memorySeenStore(),
    maxBodyBytes,
    onError: (error) => {
      try {
        (onError ?? ((e: unknown) => console.error("faxplus webhook:", e)))(error);
      } catch {
        // A reporter that throws changes no answer.
      }
    },
  };
}

async function receive(
  settings: Settings,
  request: Request,
  deliver: (callback: WebhookCallback) => Promise<Outcome>,
): Promise<Outcome> {
  if (request.method !== "POST") {
    void request.body?.cancel().catch(() => {});
    const description = `callbacks are POSTed (got ${request.method})`;
    return { status: 405, error: "method_not_allowed", description, headers: { allow: "POST" } };
  }
  const { trust } = settings;
  if (trust !== "none" && trust.urlSecret !== undefined) {
    if (!(await urlHasSecret(request.url, trust.urlSecret))) {
      void request.body?.cancel().catch(() => {});
      const description = "the URL does not carry the receiver's secret";
      return { status: 403, error: "forbidden", description };
    }
  }
  const body = await readText(request, settings.maxBodyBytes);
  if (body.kind === "too_large") {
    const description = `the body is larger than ${settings.maxBodyBytes} bytes`;
    return { status: 413, error: "payload_too_large", description };
  }
  if (body.kind === "unreadable") {
    return { status: 400, error: "invalid_body", description: body.reason };
  }
  let callback: WebhookCallback;
  try {
    callback = parseWebhook(body.text);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return { status: 400, error: "invalid_body", description: error.message };
  }
  return deliver(callback);
}

/** Duplicates, trust of the fax, the app's handler; then the delivery is marked seen. */
async function handOver(
  settings: Settings,
  callback: WebhookCallback,
  key: string,
): Promise<Outcome> {
  try {
    if (await settings.seen.has(key)) return { status: 200, duplicate: true };
  } catch (error) {
    settings.onError(error);
    return { status: 503, error: "unavailable", description: "the seen store failed" };
  }
  let fax: Fax | undefined;
  const { trust } = settings;
  if (trust !== "none" && trust.refetch !== undefined) {
    const refetched = await refetchFax(trust.refetch, callback);
    if (refetched.kind === "refused") {
      return { status: 403, error: "forbidden", description: refetched.reason };
    }
    if (refetched.kind === "unavailable") {
      settings.onError(refetched.error);
      const description = "the fax could not be read from the API to check the delivery";
      return { status: 503, error: "unavailable", description };
    }
    fax = refetched.fax;
  }
  const event = callback.hook.event;
  const handler = settings.on[event] as ((delivery: WebhookDelivery) => unknown) | undefined;
  if (handler) {
    const delivery = {
      event,
      callback,
      retry: callback.hook.id !== undefined && callback.hook.id !== callback.data.id,
      fax,
    } as WebhookDelivery;
    try {
      await handler(delivery);
    } catch (error) {
      settings.onError(error);
      const description = `the app's handler of ${event} failed`;
      return { status: 500, error: "handler_failed", description };
    }
  }
  try {
    await settings.seen.add(key);
  } catch (error) {
    settings.onError(error); // handed over all the same: a duplicate may be handed over again
  }
  return { status: 200 };
}

type Body =
  { kind: "read"; text: string } | { kind: "too_large" } | { kind: "unreadable"; reason: string };

/**
 * The body as UTF-8 text, read only up to `limit` bytes: a `Content-Length` over it is refused
 * before any byte is read, and a body that grows past it is cancelled there.
 */
async function readText(request: Request, limit: number): Promise<Body> {
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declared > limit) {
    void request.body?.cancel().catch(() => {});
    return { kind: "too_large" };
  }
  if (!request.body) return { kind: "read", text: "" };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        void reader.cancel().catch(() => {});
        return { kind: "too_large" };
      }
      chunks.push(value);
    }
  } catch {
    return { kind: "unreadable", reason: "the body could not be read to its end" };
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return { kind: "read", text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    return { kind: "unreadable", reason: "the body is not UTF-8 text" };
  }
}

function answer(outcome: Outcome): Response {
  const json =
    "error" in outcome
      ? { error: outcome.error, description: outcome.description }
      : { received: true, ...(outcome.duplicate ? { duplicate: true } : {}) };
  const headers = {
    "content-type": "application/json",
    ...("headers" in outcome ? outcome.headers : {}),
  };
  return new Response(JSON.stringify(json), { status: outcome.status, headers });
}

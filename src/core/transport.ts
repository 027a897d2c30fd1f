// The transport: the `fetch` that openapi-fetch calls with every request it built. In order:
//  1. guards: no path parameter left unfilled, no credentials to a URL the policy refuses (url.ts);
//  2. the body is kept, to send the same bytes on every attempt;
//  3. each attempt: its deadline is armed (deadline.ts), the credentials are set (auth.ts; a token
//     function counts against the deadline and the caller's signal), then fetch, without following
//     redirects;
//  4. a 401 gets one token refresh and re-send; a failure the policy retries (retry.ts) waits, then
//     goes back to 3;
//  5. the response is returned with its deadline still armed until its body has been read.

import type { Credentials } from "./auth.js";
import { arm, disarm, type Deadline } from "./deadline.js";
import {
  ConnectionError,
  FaxPlusError,
  TimeoutError,
  ValidationError,
  hasSideEffects,
  hint,
} from "./errors.js";
import { eventLogger, redact, type LogFields } from "./log.js";
import type { CallOptions, FetchLike, Settings } from "./options.js";
import { NOT_SENT_CODES, backoff, isIdempotent, isRetryableError, retryDelay } from "./retry.js";
import { checkRequestUrl } from "./url.js";

/**
 * What the transport sends: a Request (openapi-fetch builds one per call), or just its parts (the
 * operations', which so spare building a Request that fetch would copy anyway).
 */
export interface Outgoing {
  readonly method: string;
  readonly url: string;
  readonly headers: Headers;
  /** The caller's signal, if any: a Request's own signal, or none. */
  readonly signal?: AbortSignal | undefined;
}

const PREPARED = Symbol("faxplus.prepared");

/** What a prepared request keeps: its first attempt's controller, and the caller's own signal. */
interface Prepared {
  readonly controller: AbortController;
  readonly caller: AbortSignal | undefined;
}

const preparedClasses = new WeakMap<typeof Request, typeof Request>();

/**
 * The Request class openapi-fetch builds with (operations/api-client.ts): each request is made
 * with the signal of its first attempt and without following redirects, so that the first attempt
 * of a request without a body goes to fetch as it is, with no init. (For any init, undici copies
 * the request's headers and state: measurable on every call.) Derived from the Request class of
 * the moment, once per class, so that a Request installed later (a polyfill) is the one extended.
 */
export function preparedRequestClass(): typeof Request {
  const Base = globalThis.Request;
  let Prepared = preparedClasses.get(Base);
  if (!Prepared) {
    Prepared = class extends Base {
      readonly [PREPARED]: Prepared;
      constructor(input: RequestInfo | URL, init?: RequestInit) {
        const controller = new AbortController();
        super(input, { ...init, signal: controller.signal, redirect: "manual" });
        this[PREPARED] = { controller, caller: init?.signal ?? undefined };
      }
    };
    preparedClasses.set(Base, Prepared);
  }
  return Prepared;
}

function preparedOf(request: Outgoing): Prepared | undefined {
  return (request as { [PREPARED]?: Prepared })[PREPARED];
}

/** The caller's signal of a request: a Request's own, or the one a PreparedRequest keeps. */
function callerSignal(request: Outgoing): AbortSignal | undefined {
  const prepared = preparedOf(request);
  return prepared ? prepared.caller : request.signal;
}

/** A body the caller already holds: sent as is on every attempt instead of the request's own. */
export type KeptBody = string | FormData;

/** What a client sends with: its settings and credentials. */
export interface Transport {
  readonly settings: Settings;
  readonly auth: Credentials;
}

/**
 * A fetch for openapi-fetch that sends with `call`'s retries, timeout and signal. `body`, when
 * given, is sent on every attempt instead of reading the request's body back: the serialised JSON
 * of a checked payload, or a multipart form (re-serialised per attempt, so that files stream).
 */
export function fetchFor(transport: Transport, call: CallOptions, body?: KeptBody): FetchLike {
  return (request) => send(transport, call, request, body);
}

/** Sends `request`: guards, then attempts until one answers or the retry policy gives up. */
export async function send(
  transport: Transport,
  call: CallOptions,
  request: Outgoing,
  kept?: KeptBody,
): Promise<Response> {
  const { settings, auth } = transport;
  checkFilled(request.url);
  checkRequestUrl(request.url, settings.baseUrl, settings.allowInsecureHttp);
  const note = settings.logger && eventLogger(settings.logger, request);
  const idempotent = isIdempotent(request.method);

  let body: BodyInit | null = null;
  if (kept !== undefined) {
    body = kept;
    // A form is re-serialised per attempt with a new boundary: fetch must set the header.
    if (kept instanceof FormData) request.headers.delete("content-type");
  } else if (request instanceof Request && hasSideEffects(request.method)) {
    // Decided by method, not `request.body`, which Firefox does not implement.
    const bytes = await request.arrayBuffer();
    if (bytes.byteLength) body = bytes;
  }

  let retries = 0;
  let renewed = false;
  for (let attempt = 1; ; attempt++) {
    let sent: Attempt;
    try {
      sent = await attemptOnce(transport, call, request, body, attempt, note);
    } catch (error) {
      if (retries < call.maxRetries && isRetryableError(error, idempotent)) {
        const delayMs = backoff(retries++);
        note?.(attempt, { event: "retry", reason: reasonOf(error), delayMs });
        await sleep(delayMs, callerSignal(request), call.signal);
        continue;
      }
      note?.(attempt, { event: "error", message: messageOf(error) });
      throw error;
    }

    const response = sent.response as Response;
    if (response.status === 401 && auth.canRenew && !renewed) {
      renewed = true;
      discard(sent);
      await untilAborted(auth.renew(sent.token), callerSignal(request), call.signal);
      note?.(attempt, { event: "retry", reason: "token refreshed", delayMs: 0 });
      continue;
    }
    if (retries < call.maxRetries) {
      const delayMs = retryDelay(response, idempotent, retries);
      if (delayMs !== undefined) {
        retries++;
        discard(sent);
        note?.(attempt, { event: "retry", reason: `status ${response.status}`, delayMs });
        await sleep(delayMs, callerSignal(request), call.signal);
        continue;
      }
    }
    keepUntilRead(sent);
    return response;
  }
}

/**
 * One attempt: its abort controller, its deadline and its abort listener, in one object (it is
 * the deadline the registry expires and the listener the signals call), so that an attempt
 * allocates no closures.
 */
class Attempt implements Deadline {
  at = 0;
  /** Whether the request may have left: a timeout before that (the token) is safe to repeat. */
  sending = false;
  /** The token the attempt was sent with, for a refresh after a 401. */
  token: string | undefined;
  response: Response | undefined;
  /** Ends a pending read of the body (see settle). */
  stopRead: ((reason: unknown) => void) | undefined;

  constructor(
    readonly request: Outgoing,
    readonly call: CallOptions,
    /** The caller's signal of the request (see callerSignal). */
    readonly caller: AbortSignal | undefined,
    readonly controller: AbortController,
  ) {
    arm(this, call.timeout);
    caller?.addEventListener("abort", this);
    call.signal?.addEventListener("abort", this);
  }

  /** A caller's abort (the call's signal, or the request's own). */
  handleEvent(): void {
    const { signal } = this.call;
    const reason = signal?.aborted ? signal.reason : this.caller?.reason;
    this.controller.abort(reason);
    this.stopRead?.(reason);
  }

  /** The attempt's deadline passed. */
  expire(): void {
    const { request } = this;
    const timeout = new TimeoutError({
      method: request.method,
      url: urlOf(request),
      timeout: this.call.timeout,
      mayHaveBeenProcessed: this.sending && hasSideEffects(request.method),
    });
    this.controller.abort(timeout);
    this.stopRead?.(timeout);
  }

  /** Disarms the deadline and stops listening (the attempt is over, or its body is read). */
  finish(): void {
    disarm(this);
    this.caller?.removeEventListener("abort", this);
    this.call.signal?.removeEventListener("abort", this);
  }
}

async function attemptOnce(
  { settings, auth }: Transport,
  call: CallOptions,
  request: Outgoing,
  body: BodyInit | null,
  number: number,
  note: ((attempt: number, fields: LogFields) => void) | undefined,
): Promise<Attempt> {
  const caller = callerSignal(request);
  if (call.signal?.aborted) throw call.signal.reason;
  if (caller?.aborted) throw caller.reason;
  // A PreparedRequest's first attempt without a body is sent as it is, with its own signal.
  const prepared = number === 1 && body === null ? preparedOf(request)?.controller : undefined;
  const attempt = new Attempt(request, call, caller, prepared ?? new AbortController());
  const { signal } = attempt.controller;

  try {
    const applied = auth.apply(request.headers);
    // No await (a microtask) for a string token, the common case.
    attempt.token = typeof applied === "object" ? await untilAborted(applied, signal) : applied;
  } catch (error) {
    attempt.finish();
    throw signal.aborted ? signal.reason : error;
  }

  note?.(number, { event: "request", headers: redact(request.headers) });
  const started = note ? performance.now() : 0;
  // A Request keeps its method and headers; the parts of one are given with the init.
  const init: RequestInit =
    request instanceof Request
      ? { signal, redirect: "manual" }
      : { method: request.method, headers: request.headers, signal, redirect: "manual" };
  if (body !== null) init.body = body;
  const input = request instanceof Request ? request : request.url;
  attempt.sending = true;
  try {
    // Resolved now, called unbound. The platform fetch takes `init` directly, which spares a
    // Request copy; an injected fetch gets one complete Request, as openapi-fetch gives it.
    const injected = settings.fetch;
    if (prepared) {
      attempt.response = await (injected
        ? injected(request as Request)
        : globalThis.fetch(request as Request));
    } else {
      attempt.response = await (injected
        ? injected(new Request(input, init))
        : globalThis.fetch(input, init));
    }
    note?.(number, {
      event: "response",
      status: attempt.response.status,
      durationMs: performance.now() - started,
    });
    return attempt;
  } catch (error) {
    attempt.finish();
    throw signal.aborted ? signal.reason : connectionError(error, request);
  }
}

/** openapi-fetch skips the path serializer when `params.path` is absent, leaving `{name}`. */
function checkFilled(url: string): void {
  if (!url.includes("%7B") && !url.includes("%7b")) return;
  const left = /%7B([\w.;*-]+)%7D/i.exec(url);
  if (left) throw new ValidationError(`path.${left[1]}`, "is required");
}

// openapi-fetch reads the body after our fetch returned, so the deadline must outlive the return.
// Wrapping the body in a TransformStream costs ~50 µs per call on Node; instead the read methods
// openapi-fetch uses disarm the deadline once they settle (shared functions, no closure per call).
// A `body` stream read directly (parseAs: "stream") stays covered by the deadline, which aborts it.
const SENT = Symbol("faxplus.attempt");
type Tracked = Response & { [SENT]?: Attempt };
const READS = {
  text(this: Tracked) {
    return settle(this, Response.prototype.text.call(this));
  },
  json(this: Tracked) {
    return settle(this, Response.prototype.json.call(this));
  },
  arrayBuffer(this: Tracked) {
    return settle(this, Response.prototype.arrayBuffer.call(this));
  },
  blob(this: Tracked) {
    return settle(this, Response.prototype.blob.call(this));
  },
};

function keepUntilRead(attempt: Attempt): void {
  const response = attempt.response as Tracked;
  if (response.body === null) return attempt.finish();
  response[SENT] = attempt;
  Object.assign(response, READS);
}

function settle<T>(response: Tracked, read: Promise<T>): Promise<T> {
  const attempt = response[SENT];
  if (!attempt) return read;
  return new Promise<T>((resolve, reject) => {
    // The deadline and a caller's abort end the read even when the body never settles (Node's
    // fetch can leave it pending after a retried 421 whose connection dropped).
    attempt.stopRead = reject;
    read.then(
      (value) => {
        attempt.finish();
        resolve(value);
      },
      (error: unknown) => {
        attempt.finish();
        reject(readError(error, attempt.request));
      },
    );
  });
}

/** A body that failed mid-read is a ConnectionError; aborts, timeouts and JSON errors stay as is. */
function readError(error: unknown, request: Outgoing): unknown {
  if (error instanceof FaxPlusError || error instanceof SyntaxError) return error;
  if (request.signal?.aborted && error === request.signal.reason) return error;
  if (error instanceof DOMException && error.name === "AbortError") return error;
  return connectionError(error, request, "the response body was cut short", false);
}

function discard(attempt: Attempt): void {
  attempt.finish();
  attempt.response?.body?.cancel().catch(() => {});
}

/**
 * The ConnectionError of a request that got no (complete) answer. `beforeSending` failures (refused,
 * DNS) prove that nothing reached the server, so even a POST may be repeated.
 */
function connectionError(
  error: unknown,
  request: Outgoing,
  what = "connection failed",
  beforeSending = true,
): ConnectionError {
  const { method } = request;
  const code = codeOf(error);
  const mayHaveBeenProcessed =
    hasSideEffects(method) && !(beforeSending && NOT_SENT_CODES.has(code ?? ""));
  const url = urlOf(request);
  return new ConnectionError(
    `${method} ${url}: ${what} (${code ?? detailOf(error)}).${hint({ method, mayHaveBeenProcessed })}`,
    { method, url, code, mayHaveBeenProcessed },
    { cause: error },
  );
}

/** Resolves with `promise`, or rejects with the reason of the first of `signals` to abort. */
function untilAborted<T>(promise: Promise<T>, ...signals: (AbortSignal | undefined)[]): Promise<T> {
  const active = signals.filter((s): s is AbortSignal => s !== undefined);
  const aborted = active.find((s) => s.aborted);
  if (aborted) return Promise.reject(aborted.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (event: Event) => {
      done();
      reject((event.target as AbortSignal).reason);
    };
    const done = () => active.forEach((s) => s.removeEventListener("abort", onAbort));
    active.forEach((s) => s.addEventListener("abort", onAbort));
    promise.then(
      (value) => {
        done();
        resolve(value);
      },
      (error: unknown) => {
        done();
        reject(error);
      },
    );
  });
}

/** Waits `ms`, or rejects at once with the reason of a caller's abort. */
function sleep(ms: number, ...signals: (AbortSignal | undefined)[]): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const wait = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return untilAborted(wait, ...signals).finally(() => clearTimeout(timer));
}

function codeOf(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 3; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
    e = e.cause;
  }
  return undefined;
}

function detailOf(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

function urlOf(request: Outgoing): string {
  const query = request.url.indexOf("?");
  return query === -1 ? request.url : request.url.slice(0, query);
}

function reasonOf(error: unknown): string {
  if (error instanceof TimeoutError) return "timeout";
  return (error instanceof ConnectionError && error.code) || "connection failed";
}

function messageOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

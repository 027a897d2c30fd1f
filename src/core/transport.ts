// The transport: every request of a client goes through `execute`, in one shape (Outgoing). In order:
//  1. each attempt: its deadline is armed (deadline.ts), the credentials are set (auth.ts; a token
//     function counts against the deadline and the caller's signal), then fetch, without following
//     redirects, with the same body bytes on every attempt (a FormData is re-serialised, so its
//     files stream again);
//  2. a 401 gets one token refresh and re-send; a failure the policy retries (retry.ts) waits, then
//     goes back to 1;
//  3. the final answer is read by the caller's `read` within the attempt: the deadline and the
//     caller's abort still end a body that stalls. A body handed on unread (relay.ts) keeps them
//     until it ends.
// Who builds an Outgoing guarantees that its URL may get the credentials: the standalone
// operations build it from the checked `baseUrl` (operations/operation.ts); openapi-fetch's
// Request, whose URL a caller may set, is checked by the URL policy (url.ts) and turned into one at
// the edge of `fax.api` (operations/api-client.ts); the OAuth2 refresh sends to its checked
// `tokenUrl` (oauth.ts).

import type { Credentials } from "./auth.js";
import { arm, disarm, type Deadline } from "./deadline.js";
import {
  ConnectionError,
  FaxPlusError,
  ResponseTooLargeError,
  TimeoutError,
  hasSideEffects,
  hint,
  type RequestTarget,
} from "./errors.js";
import { eventLogger, redact, type LogFields } from "./log.js";
import type { CallOptions, Settings } from "./options.js";
import { NOT_SENT_CODES, backoff, isIdempotent, isRetryableError, retryDelay } from "./retry.js";

/** A request body: sent as is on every attempt (a FormData is re-serialised, so files stream). */
export type OutgoingBody = string | FormData | Uint8Array | null;

/** The one shape of request the transport sends. */
export interface Outgoing {
  readonly method: string;
  readonly url: string;
  /** Its headers; the credentials of each attempt are set here. */
  readonly headers: Headers;
  readonly body: OutgoingBody;
  /** The caller's own signal besides the call options' one (openapi-fetch's `signal`), if any. */
  readonly signal: AbortSignal | undefined;
}

/** What a client sends with: its settings and credentials. */
export interface Transport {
  readonly settings: Settings;
  readonly auth: Credentials;
}

/** Reads the final answer of a request while its deadline and the caller's abort still apply. */
export type Reader<T> = (response: Response, reading: Reading) => Promise<T>;

/**
 * How a {@link Reader} reads the answer whole, bounded. (A reader that hands the body on unread, a
 * download stream, uses relay.ts's `handOn`: only apps that stream bundle it.)
 */
export interface Reading {
  /**
   * The whole body, at most the client's `maxResponseBytes` counted as it arrives (after
   * decompression); a larger one is cancelled and throws a ResponseTooLargeError.
   */
  bytes(): Promise<Uint8Array>;
  /** {@link bytes} as UTF-8 text (a BOM dropped, as `Response.text()` does). */
  text(): Promise<string>;
}

/**
 * A {@link Reading} of an answer outside an attempt (one openapi-fetch middleware hands on): bounded
 * by `maxResponseBytes` alike, with no deadline of its own.
 */
export function readingOf(response: Response, limit: number, target: RequestTarget): Reading {
  const bytes = () => readBounded(response, limit, target);
  return { bytes, text: async () => decoder.decode(await bytes()) };
}

const decoder = /* @__PURE__ */ new TextDecoder();
const EMPTY = /* @__PURE__ */ new Uint8Array(0);

/**
 * Reads a body whole, counting its bytes as they arrive from the body stream (after fetch
 * decompressed them): past `limit` the body is cancelled and a ResponseTooLargeError thrown, so
 * an endless body or a decompression bomb costs at most `limit` bytes of memory.
 */
export async function readBounded(
  response: Response,
  limit: number,
  target: RequestTarget,
): Promise<Uint8Array> {
  const body = response.body;
  if (body === null) return EMPTY;
  const tooLarge = () => new ResponseTooLargeError({ ...target, status: response.status, limit });
  const declared = response.headers.get("content-length");
  if (declared !== null && Number(declared) > limit && !response.headers.has("content-encoding")) {
    body.cancel().catch(() => {});
    throw tooLarge();
  }
  const reader = body.getReader();
  let first: Uint8Array | undefined;
  let chunks: Uint8Array[] | undefined;
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      reader.cancel().catch(() => {});
      throw tooLarge();
    }
    if (first === undefined) first = value;
    else (chunks ??= [first]).push(value);
  }
  if (chunks === undefined) return first ?? EMPTY;
  const whole = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    whole.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return whole;
}

/**
 * Sends `request` with `call`'s retries, timeout and signal: attempts until one answers or the
 * retry policy gives up; the answer is read by `read` within the last attempt.
 */
export async function execute<T>(
  transport: Transport,
  call: CallOptions,
  request: Outgoing,
  read: Reader<T>,
): Promise<T> {
  const { settings, auth } = transport;
  // A form is re-serialised per attempt with a new boundary: fetch must set the header.
  if (request.body instanceof FormData) request.headers.delete("content-type");
  const note = settings.logger && eventLogger(settings.logger, request);
  const idempotent = isIdempotent(request.method);

  let retries = 0;
  let renewed = false;
  for (let number = 1; ; number++) {
    let attempt: Attempt;
    try {
      attempt = await attemptOnce(transport, call, request, number, note);
    } catch (error) {
      if (retries < call.maxRetries && isRetryableError(error, idempotent)) {
        const delayMs = backoff(retries++);
        note?.(number, { event: "retry", reason: reasonOf(error), delayMs });
        await sleep(delayMs, request.signal, call.signal);
        continue;
      }
      note?.(number, { event: "error", message: messageOf(error) });
      throw error;
    }

    const response = attempt.response as Response;
    if (response.status === 401 && auth.canRenew && !renewed) {
      renewed = true;
      attempt.discard();
      await auth.renew(attempt.token, call.timeout, [request.signal, call.signal]);
      note?.(number, { event: "retry", reason: "token refreshed", delayMs: 0 });
      continue;
    }
    if (retries < call.maxRetries) {
      const delayMs = retryDelay(response, idempotent, retries);
      if (delayMs !== undefined) {
        retries++;
        attempt.discard();
        note?.(number, { event: "retry", reason: `status ${response.status}`, delayMs });
        await sleep(delayMs, request.signal, call.signal);
        continue;
      }
    }
    return attempt.read(read);
  }
}

/**
 * One attempt: its abort controller, its deadline and its abort listener, in one object (it is
 * the deadline the registry expires and the listener the signals call), so that an attempt
 * allocates no closures until its answer is read.
 */
export class Attempt implements Deadline, Reading {
  at = 0;
  /** Whether the request may have left: a timeout before that (the token) is safe to repeat. */
  sending = false;
  /** The token the attempt was sent with, for a refresh after a 401. */
  token: string | undefined;
  response: Response | undefined;
  /** Ends a pending read of the body (the deadline passed, or the caller aborted). */
  stopRead: ((reason: unknown) => void) | undefined;
  /** Whether the body was handed on unread: the attempt then ends with that body. */
  handedOn = false;
  readonly controller = new AbortController();

  constructor(
    readonly request: Outgoing,
    readonly call: CallOptions,
  ) {
    arm(this, call.timeout);
    request.signal?.addEventListener("abort", this);
    call.signal?.addEventListener("abort", this);
  }

  /** A caller's abort (the call's signal, or the request's own). */
  handleEvent(): void {
    const { signal } = this.call;
    this.stop(signal?.aborted ? signal.reason : this.request.signal?.reason);
  }

  /** The attempt's deadline passed (before sending: while the token function ran). */
  expire(): void {
    const { request, sending } = this;
    const method = request.method;
    const url = urlOf(request);
    const timeout = this.call.timeout;
    const init = { method, url, timeout, mayHaveBeenProcessed: sending && hasSideEffects(method) };
    this.stop(
      new TimeoutError(
        sending
          ? init
          : {
              ...init,
              message: `${method} ${url}: the token function did not return within ${timeout} ms; nothing was sent.`,
            },
      ),
    );
  }

  stop(reason: unknown): void {
    this.controller.abort(reason);
    this.finish();
    // The deadline and a caller's abort end a read even when the body never settles (Node's fetch
    // can leave it pending after a retried 421 whose connection dropped).
    this.stopRead?.(reason);
  }

  /** Disarms the deadline and stops listening (the attempt is over, or its body is read). */
  finish(): void {
    disarm(this);
    this.request.signal?.removeEventListener("abort", this);
    this.call.signal?.removeEventListener("abort", this);
  }

  /** Ends an attempt whose answer is not used (it is retried). */
  discard(): void {
    this.finish();
    this.response?.body?.cancel().catch(() => {});
  }

  /** Reads the answer with `read`, then ends the attempt (unless its body was handed on). */
  read<T>(read: Reader<T>): Promise<T> {
    const response = this.response as Response;
    if (response.body === null) {
      this.finish();
      return read(response, this);
    }
    return new Promise<T>((resolve, reject) => {
      // `reject` itself: V8 puts a function literal assigned to a property in old space, where
      // it would keep every answer alive (through its scope) until the next full GC.
      this.stopRead = reject;
      read(response, this).then(
        (value) => {
          if (!this.handedOn) this.finish();
          resolve(value);
        },
        (error: unknown) => {
          this.finish();
          reject(readError(error, this.request));
        },
      );
    });
  }

  bytes(): Promise<Uint8Array> {
    const { request } = this;
    const target = { method: request.method, url: urlOf(request) };
    return readBounded(this.response as Response, this.call.maxResponseBytes, target);
  }

  async text(): Promise<string> {
    return decoder.decode(await this.bytes());
  }

  /**
   * Keeps the attempt going after its reader returns, until `stop` or the handed-on body ends it
   * (relay.ts). False when the body was already handed on.
   */
  keep(stop: (reason: unknown) => void): boolean {
    if (this.handedOn) return false;
    this.handedOn = true;
    this.stopRead = stop;
    return true;
  }
}

async function attemptOnce(
  { settings, auth }: Transport,
  call: CallOptions,
  request: Outgoing,
  number: number,
  note: ((attempt: number, fields: LogFields) => void) | undefined,
): Promise<Attempt> {
  if (call.signal?.aborted) throw call.signal.reason;
  if (request.signal?.aborted) throw request.signal.reason;
  const attempt = new Attempt(request, call);
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
  const init: RequestInit = {
    method: request.method,
    headers: request.headers,
    signal,
    redirect: "manual",
  };
  if (request.body !== null) init.body = request.body as BodyInit;
  attempt.sending = true;
  try {
    // Resolved now, called unbound. The platform fetch takes `init` directly, which spares a
    // Request copy; an injected fetch gets one complete Request.
    const injected = settings.fetch;
    attempt.response = await (injected
      ? injected(new Request(request.url, init))
      : globalThis.fetch(request.url, init));
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

/** A body that failed mid-read is a ConnectionError; aborts, timeouts and JSON errors stay as is. */
export function readError(error: unknown, request: Outgoing): unknown {
  if (error instanceof FaxPlusError || error instanceof SyntaxError) return error;
  if (request.signal?.aborted && error === request.signal.reason) return error;
  if (error instanceof DOMException && error.name === "AbortError") return error;
  return connectionError(error, request, "the response body was cut short", false);
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
  // fetch refuses a "bad port" (url.ts) before connecting: nothing was sent.
  const notSent = NOT_SENT_CODES.has(code ?? "") || detailOf(error) === "bad port";
  const mayHaveBeenProcessed = hasSideEffects(method) && !(beforeSending && notSent);
  const url = urlOf(request);
  return new ConnectionError(
    `${method} ${url}: ${what} (${code ?? detailOf(error)}).${hint({ method, mayHaveBeenProcessed })}`,
    { method, url, code, mayHaveBeenProcessed },
    { cause: error },
  );
}

/** Resolves with `promise`, or rejects with the reason of the first of `signals` to abort. */
export function untilAborted<T>(
  promise: Promise<T>,
  ...signals: (AbortSignal | undefined)[]
): Promise<T> {
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

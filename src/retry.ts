import {
  ConnectionError,
  MAY_HAVE_BEEN_PROCESSED,
  TimeoutError,
  parseRetryAfter,
} from "./errors.js";

/** A fetch function: the global one or any compatible replacement. Called unbound. */
export type FetchLike = (input: Request) => Promise<Response>;

/** A structured debug event. Header values of `authorization` and `cookie` are redacted. */
export interface LogEvent {
  event: "request" | "response" | "retry" | "error";
  method: string;
  url: string;
  /** 1 for the first attempt, 2 for the next, ... (a re-send after a token refresh counts too). */
  attempt: number;
  /** On `request`: the request headers, redacted. */
  headers?: Record<string, string>;
  /** On `response`: the HTTP status. */
  status?: number;
  /** On `response`: time to the response headers. */
  durationMs?: number;
  /** On `retry`: why, e.g. `status 503`, `ECONNREFUSED`, `timeout`, `token refreshed`. */
  reason?: string;
  /** On `retry`: the wait before the next attempt. */
  delayMs?: number;
  /** On `error`: the error message (never contains the token). */
  message?: string;
}

/** Receives debug events; must not throw (exceptions are swallowed). */
export type Logger = (event: LogEvent) => void;

/** Sets credentials on each attempt and renews them after a 401 (implemented in auth.ts). */
export interface Credentials {
  /** Sets the auth headers; returns the token used, for `renew`. */
  apply(headers: Headers): string | undefined | Promise<string | undefined>;
  /** Whether `renew` can get a new token. */
  readonly canRenew: boolean;
  /** Gets a new token after a 401 on a request sent with `used` (single-flight). */
  renew(used: string | undefined): Promise<void>;
}

export interface SendOptions {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Per-attempt timeout in ms, covering the response headers and the body read. */
  timeout: number;
  /** Resolved at call time: undefined means `globalThis.fetch`. */
  fetch: FetchLike | undefined;
  /** A caller's signal in addition to `request.signal`. */
  signal?: AbortSignal | undefined;
  credentials?: Credentials | undefined;
  logger?: Logger | undefined;
  /**
   * A multipart body to send with every attempt instead of the request's own bytes. fetch
   * serialises it anew each time, streaming file-backed Blobs from disk instead of buffering them.
   */
  form?: FormData | undefined;
}

/** Longest `Retry-After` we wait for; above it the response is returned at once. */
export const MAX_RETRY_AFTER_SECONDS = 60;

const IDEMPOTENT_RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
/** Failures that prove the request never reached the server, so even a POST may be repeated. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN"]);

/**
 * Sends `request` with per-attempt timeouts, retries and credentials.
 *
 * GET, PUT, DELETE are retried on network errors, timeouts, 408, 429, 500, 502, 503, 504.
 * POST (and PATCH) only when the request provably was not processed: 429, connection refused,
 * DNS failure. A 401 triggers one credential renewal and re-send, which is not a retry.
 * Never retried: a caller's abort (it surfaces as the abort reason).
 */
export async function send(request: Request, options: SendOptions): Promise<Response> {
  const { credentials } = options;
  const note = options.logger && eventLogger(options.logger, request);
  const idempotent = request.method !== "POST" && request.method !== "PATCH";
  let retries = 0;
  let renewed = false;
  // A body can be read only once: keep its bytes and send them with every attempt. Decided by
  // method, not `request.body`, which Firefox does not implement.
  let body: ArrayBuffer | FormData | null = options.form ?? null;
  if (body) {
    // The form is re-serialised per attempt with a new boundary: fetch must set the header.
    request.headers.delete("content-type");
  } else if (request.method !== "GET" && request.method !== "HEAD") {
    const bytes = await request.arrayBuffer();
    if (bytes.byteLength) body = bytes;
  }

  for (let attempt = 1; ; attempt++) {
    let used = credentials?.apply(request.headers);
    if (used instanceof Promise) used = await used; // no await (a microtask) for string tokens
    note?.(attempt, { event: "request", headers: redact(request.headers) });
    const started = note ? performance.now() : 0;

    let sent: Sent;
    try {
      sent = await sendOnce(request, body, options);
    } catch (error) {
      if (retries < options.maxRetries && isRetryable(error, idempotent)) {
        const delayMs = backoff(retries++);
        note?.(attempt, { event: "retry", reason: reasonOf(error), delayMs });
        await sleep(delayMs, request, options.signal);
        continue;
      }
      note?.(attempt, { event: "error", message: messageOf(error) });
      throw error;
    }

    const { status, headers } = sent.response;
    note?.(attempt, { event: "response", status, durationMs: performance.now() - started });

    if (status === 401 && credentials?.canRenew && !renewed) {
      renewed = true;
      discard(sent);
      await credentials.renew(used);
      note?.(attempt, { event: "retry", reason: "token refreshed", delayMs: 0 });
      continue;
    }

    const retryable = idempotent ? IDEMPOTENT_RETRY_STATUSES.has(status) : status === 429;
    if (retryable && retries < options.maxRetries) {
      const retryAfter = parseRetryAfter(headers.get("retry-after"));
      // Above the cap we do not wait: the caller gets the response, and ApiError states the wait.
      if (retryAfter === undefined || retryAfter <= MAX_RETRY_AFTER_SECONDS) {
        const delayMs = retryAfter === undefined ? backoff(retries) : retryAfter * 1000;
        retries++;
        discard(sent);
        note?.(attempt, { event: "retry", reason: `status ${status}`, delayMs });
        await sleep(delayMs, request, options.signal);
        continue;
      }
    }

    disarmAfterRead(sent);
    return sent.response;
  }
}

/** A response whose attempt timer is still armed; `finish` disarms it. */
interface Sent {
  response: Response;
  finish: () => void;
}

async function sendOnce(
  request: Request,
  body: ArrayBuffer | FormData | null,
  options: SendOptions,
): Promise<Sent> {
  const aborted = abortedSignal(request, options.signal);
  if (aborted) throw aborted.reason;

  const controller = new AbortController();
  const unsubscribe = onCallerAbort(request, options.signal, (reason) => controller.abort(reason));
  const timer = setTimeout(() => {
    controller.abort(
      new TimeoutError({
        method: request.method,
        url: urlOf(request),
        timeout: options.timeout,
        mayHaveBeenProcessed: hasSideEffects(request.method),
      }),
    );
    finish();
  }, options.timeout);
  // Node: an armed timer must not keep the process alive (browsers have no unref).
  (timer as { unref?: () => void }).unref?.();
  const finish = () => {
    clearTimeout(timer);
    unsubscribe();
  };

  const init: RequestInit = { signal: controller.signal };
  if (body !== null) init.body = body;
  // Resolved now, called unbound. The platform fetch takes `init` directly, which spares a
  // Request copy (~20 µs on Node); an injected fetch gets one complete Request, as openapi-fetch
  // gives it.
  const injected = options.fetch;
  const platform = globalThis.fetch;
  try {
    const response = await (injected
      ? injected(new Request(request, init))
      : platform(request, init));
    return { response, finish };
  } catch (error) {
    finish();
    throw controller.signal.aborted ? controller.signal.reason : connectionError(error, request);
  }
}

function connectionError(error: unknown, request: Request): ConnectionError {
  const code = errorCode(error);
  const mayHaveBeenProcessed = hasSideEffects(request.method) && !NOT_SENT_CODES.has(code ?? "");
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const detail = code ?? (cause instanceof Error ? cause.message : String(cause));
  const hint =
    mayHaveBeenProcessed && request.method === "POST" ? ` ${MAY_HAVE_BEEN_PROCESSED}` : "";
  const url = urlOf(request);
  return new ConnectionError(
    `${request.method} ${url}: connection failed (${detail}).${hint}`,
    { method: request.method, url, ...(code ? { code } : {}), mayHaveBeenProcessed },
    { cause: error },
  );
}

function isRetryable(error: unknown, idempotent: boolean): boolean {
  if (error instanceof TimeoutError) return idempotent;
  if (error instanceof ConnectionError) return idempotent || !error.mayHaveBeenProcessed;
  return false; // a caller's abort, or anything we did not classify
}

// openapi-fetch reads the body after our fetch returned, so the timer must outlive the return.
// Wrapping the body in a TransformStream costs ~50 µs per call on Node; instead the read
// methods disarm the timer once they settle. A `body` stream read directly (parseAs: "stream")
// stays covered by the timer, which then aborts it.
const READ_METHODS = ["arrayBuffer", "blob", "bytes", "formData", "json", "text"] as const;

function disarmAfterRead({ response, finish }: Sent): void {
  if (response.body === null || response.headers.get("content-length") === "0") return finish();
  const methods = response as unknown as Record<string, unknown>;
  for (const name of READ_METHODS) {
    const read = methods[name];
    if (typeof read !== "function") continue; // `bytes` is missing on Node 20
    methods[name] = () => (read.call(response) as Promise<unknown>).finally(finish);
  }
}

function discard({ response, finish }: Sent): void {
  finish();
  response.body?.cancel().catch(() => {});
}

/** min(0.5 s * 2^n, 8 s), minus up to 25 % jitter. */
function backoff(retry: number): number {
  return Math.min(500 * 2 ** retry, 8000) * (1 - Math.random() * 0.25);
}

function sleep(ms: number, request: Request, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const aborted = abortedSignal(request, signal);
    if (aborted) return reject(aborted.reason);
    const unsubscribe = onCallerAbort(request, signal, (reason) => {
      clearTimeout(timer);
      reject(reason);
    });
    const timer = setTimeout(() => {
      unsubscribe();
      resolve();
    }, ms);
  });
}

function abortedSignal(request: Request, signal: AbortSignal | undefined): AbortSignal | undefined {
  if (signal?.aborted) return signal;
  return request.signal.aborted ? request.signal : undefined;
}

function onCallerAbort(
  request: Request,
  signal: AbortSignal | undefined,
  listener: (reason: unknown) => void,
): () => void {
  const onAbort = () => {
    unsubscribe();
    listener(abortedSignal(request, signal)?.reason);
  };
  const unsubscribe = () => {
    request.signal.removeEventListener("abort", onAbort);
    signal?.removeEventListener("abort", onAbort);
  };
  request.signal.addEventListener("abort", onAbort);
  signal?.addEventListener("abort", onAbort);
  return unsubscribe;
}

function hasSideEffects(method: string): boolean {
  return method !== "GET" && method !== "HEAD";
}

function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 3; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
    e = e.cause;
  }
  return undefined;
}

function urlOf(request: Request): string {
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

type LogFields = Omit<LogEvent, "method" | "url" | "attempt">;

function eventLogger(logger: Logger, request: Request) {
  return (attempt: number, fields: LogFields): void => {
    try {
      logger({ ...fields, method: request.method, url: request.url, attempt });
    } catch {
      // A debug hook must not break requests.
    }
  };
}

const REDACTED_HEADERS = new Set(["authorization", "cookie", "proxy-authorization"]);

function redact(headers: Headers): Record<string, string> {
  const result: Record<string, string> = {};
  headers.forEach((value, name) => {
    result[name] = REDACTED_HEADERS.has(name) ? "[redacted]" : value;
  });
  return result;
}

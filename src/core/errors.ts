// Every error the SDK throws. A caller's abort is the one exception: it surfaces as the abort
// reason, as with fetch.

/** Base class of every error this SDK throws. A caller's abort surfaces as the abort reason. */
export class FaxPlusError extends Error {
  override name = "FaxPlusError";
}

/** Appended to ambiguous POST failures: the request may have reached the server. */
export const MAY_HAVE_BEEN_PROCESSED =
  "The server may have processed this request; if it sent a fax, the fax may already be queued. " +
  "Check the outbox (GET /accounts/{user_id}/outbox) before sending again, " +
  "and send with return_ids: true to get the IDs of queued faxes.";

/** A value the SDK refused before sending anything, e.g. `to[3]`, `path.fax_id`, `header x-fax-clientid`. */
export class ValidationError extends FaxPlusError {
  override name = "ValidationError";
  /** Where the bad value is: `to[3]`, `path.fax_id`, `baseUrl`, `header x-fax-clientid`. */
  declare readonly field: string;
  /** What the value must satisfy, in plain words. Never echoes secrets. */
  declare readonly rule: string;

  constructor(field: string, rule: string) {
    // A field named by a caller's key can be any length: the message shows its start.
    super(`${field.length > 120 ? `${field.slice(0, 120)}…` : field}: ${rule}`);
    this.field = field;
    this.rule = rule;
  }
}

/** Where a failed request went: the method and the URL without its query string. */
export interface RequestTarget {
  method: string;
  url: string;
}

/** The request did not get a complete response: refused, DNS failure, reset, body cut short. */
export class ConnectionError extends FaxPlusError {
  override name = "ConnectionError";
  declare readonly method: string;
  /** The request URL without its query string. */
  declare readonly url: string;
  /** The system error code when known, e.g. `ECONNREFUSED`, `ENOTFOUND`, `UND_ERR_SOCKET`. */
  declare readonly code: string | undefined;
  /** True when the server may have acted on the request (a POST that may have queued a fax). */
  declare readonly mayHaveBeenProcessed: boolean;

  constructor(
    message: string,
    init: RequestTarget & { code?: string | undefined; mayHaveBeenProcessed: boolean },
    options?: { cause: unknown },
  ) {
    super(message, options);
    this.method = init.method;
    this.url = init.url;
    this.code = init.code;
    this.mayHaveBeenProcessed = init.mayHaveBeenProcessed;
  }
}

/** An attempt took longer than `timeout` ms: getting the token, the response headers or the body. */
export class TimeoutError extends ConnectionError {
  override name = "TimeoutError";
  /** The per-attempt timeout, in ms. */
  declare readonly timeout: number;

  /**
   * `message` replaces the default one when what timed out was not the request itself (the token
   * function, the token refresh): no fax is involved then.
   */
  constructor(
    init: RequestTarget & { timeout: number; mayHaveBeenProcessed: boolean; message?: string },
  ) {
    super(
      init.message ?? `${init.method} ${init.url} timed out after ${init.timeout} ms.${hint(init)}`,
      init,
    );
    this.timeout = init.timeout;
  }
}

/**
 * An answer's body was larger than the client's `maxResponseBytes` (counted after decompression):
 * it was not read further. A JSON or error body that large is no answer of the API (an endless
 * body, a decompression bomb, a misconfigured proxy). Downloads are streamed, not limited by it.
 */
export class ResponseTooLargeError extends FaxPlusError {
  override name = "ResponseTooLargeError";
  declare readonly method: string;
  /** The request URL without its query string. */
  declare readonly url: string;
  /** The status of the answer whose body was too large. */
  declare readonly status: number;
  /** The limit in bytes: the client option `maxResponseBytes`. */
  declare readonly limit: number;
  /** True when the server may have acted on the request (a POST answered 2xx or 5xx). */
  declare readonly mayHaveBeenProcessed: boolean;

  constructor(init: RequestTarget & { status: number; limit: number }) {
    const { method, status } = init;
    const mayHaveBeenProcessed = hasSideEffects(method) && (status < 400 || status >= 500);
    super(
      `${method} ${init.url}: the ${status} answer's body is larger than maxResponseBytes (${init.limit} bytes).${hint({ method, mayHaveBeenProcessed })}`,
    );
    this.method = method;
    this.url = init.url;
    this.status = status;
    this.limit = init.limit;
    this.mayHaveBeenProcessed = mayHaveBeenProcessed;
  }
}

/**
 * The API answered with a 2xx status, but its body is not what the spec says (not JSON, or not
 * the expected shape). For a POST the request was processed: a fax may be queued.
 */
export class UnexpectedResponseError extends FaxPlusError {
  override name = "UnexpectedResponseError";
  declare readonly status: number;
  declare readonly method: string;
  /** The path template, e.g. `/accounts/{user_id}/outbox`. */
  declare readonly path: string;
  declare readonly headers: Headers;
  /** True unless the request was a GET: the server answered success, so it acted on it. */
  declare readonly mayHaveBeenProcessed: boolean;

  constructor(
    response: Response,
    target: { method: string; path: string },
    problem: string,
    options?: { cause: unknown },
  ) {
    const mayHaveBeenProcessed = hasSideEffects(target.method);
    super(
      `${response.status} (${target.method} ${target.path}): ${problem}.${hint({ method: target.method, mayHaveBeenProcessed })}`,
      options,
    );
    this.status = response.status;
    this.method = target.method;
    this.path = target.path;
    this.headers = response.headers;
    this.mayHaveBeenProcessed = mayHaveBeenProcessed;
  }
}

/** The API answered with a non-2xx status. Subclasses by status: see {@link ApiError.from}. */
export class ApiError extends FaxPlusError {
  override name = "ApiError";
  /** The HTTP status; 3xx (or 0 in browsers) for a redirect, which the SDK does not follow. */
  declare readonly status: number;
  /** The API's error code from the `{error, description}` body, e.g. `invalid_user_id`. */
  declare readonly error: string | undefined;
  /** The API's human-readable description from the body. */
  declare readonly description: string | undefined;
  /** The parsed response body: JSON, text, or undefined when empty. */
  declare readonly body: unknown;
  declare readonly headers: Headers;
  declare readonly method: string;
  /** The path template, e.g. `/accounts/{user_id}/outbox`. */
  declare readonly path: string;
  /** Seconds to wait from the `Retry-After` header, when present. */
  declare readonly retryAfter: number | undefined;
  /** True when the server may have acted on the request (a POST answered with 5xx). */
  declare readonly mayHaveBeenProcessed: boolean;

  constructor(response: Response, body: unknown, method: string, path: string) {
    const fields =
      typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
    const error = text(fields["error"]);
    const description = text(fields["description"] ?? fields["error_description"]);
    const retryAfter = parseRetryAfter(response.headers.get("retry-after"));
    const mayHaveBeenProcessed = hasSideEffects(method) && response.status >= 500;
    const redirect = isRedirect(response);

    let message = redirect
      ? `${response.status || ""} redirect to ${response.headers.get("location") ?? "another URL"}, which the SDK does not follow`.trimStart()
      : `${response.status} ${error ?? response.statusText}`.trimEnd();
    if (description) message += `: ${description}`;
    message += ` (${method} ${path})`;
    if (retryAfter !== undefined) message += `. Retry after ${Math.ceil(retryAfter)} s`;
    if (mayHaveBeenProcessed && method === "POST") message += `. ${MAY_HAVE_BEEN_PROCESSED}`;
    super(message);

    this.status = response.status;
    this.error = error;
    this.description = description;
    this.body = body === "" ? undefined : body;
    this.headers = response.headers;
    this.method = method;
    this.path = path;
    this.retryAfter = retryAfter;
    this.mayHaveBeenProcessed = mayHaveBeenProcessed;
  }

  /** Builds the subclass matching the response status. */
  static from(response: Response, body: unknown, method: string, path: string): ApiError {
    const status = response.status;
    const Class = status >= 500 ? InternalServerError : (STATUS_CLASSES[status] ?? ApiError);
    return new Class(response, body, method, path);
  }
}

export class BadRequestError extends ApiError {
  override name = "BadRequestError";
}
export class AuthenticationError extends ApiError {
  override name = "AuthenticationError";
}
export class PermissionDeniedError extends ApiError {
  override name = "PermissionDeniedError";
}
export class NotFoundError extends ApiError {
  override name = "NotFoundError";
}
export class ConflictError extends ApiError {
  override name = "ConflictError";
}
export class UnprocessableEntityError extends ApiError {
  override name = "UnprocessableEntityError";
}
export class RateLimitError extends ApiError {
  override name = "RateLimitError";
}
export class InternalServerError extends ApiError {
  override name = "InternalServerError";
}

const STATUS_CLASSES: Record<number, typeof ApiError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

/**
 * Seconds to wait from a `Retry-After` value as RFC 9110 defines it: delta-seconds (digits only)
 * or an HTTP-date (IMF-fixdate, the form servers must send), 0 for a date in the past. Anything
 * else (`1.5`, `-1`, `+5`, `2, 5`, the obsolete date forms) is undefined: the SDK's own backoff
 * applies.
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const day = IMF_FIXDATE.exec(trimmed)?.[1];
  const date = day === undefined ? NaN : Date.parse(trimmed);
  // 31 Feb and the like roll over into the next month: not a date.
  if (Number.isNaN(date) || new Date(date).getUTCDate() !== Number(day)) return undefined;
  return Math.max(0, (date - now) / 1000);
}

/** `Sun, 06 Nov 1994 08:49:37 GMT` */
const IMF_FIXDATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d\d) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} [0-2]\d:[0-5]\d:[0-6]\d GMT$/;

/** Whether a request with this method can change something on the server. */
export function hasSideEffects(method: string): boolean {
  return method !== "GET" && method !== "HEAD";
}

/** A 3xx, or the opaque answer browsers give for a redirect that was not followed. */
export function isRedirect(response: Response): boolean {
  return response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400);
}

/** What a message adds for a POST that may have been processed: check the outbox first. */
export function hint(init: { method: string; mayHaveBeenProcessed: boolean }): string {
  return init.mayHaveBeenProcessed && init.method === "POST" ? ` ${MAY_HAVE_BEEN_PROCESSED}` : "";
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

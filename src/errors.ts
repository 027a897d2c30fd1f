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
  readonly field: string;
  /** What the value must satisfy, in plain words. Never echoes secrets. */
  readonly rule: string;

  constructor(field: string, rule: string) {
    super(`${field}: ${rule}`);
    this.field = field;
    this.rule = rule;
  }
}

/** The request did not get a response: refused, DNS failure, reset, dropped connection. */
export class ConnectionError extends FaxPlusError {
  override name = "ConnectionError";
  readonly method: string;
  /** The request URL without its query string. */
  readonly url: string;
  /** The system error code when known, e.g. `ECONNREFUSED`, `ENOTFOUND`, `UND_ERR_SOCKET`. */
  readonly code: string | undefined;
  /** True when the server may have acted on the request (a POST that may have queued a fax). */
  readonly mayHaveBeenProcessed: boolean;

  constructor(
    message: string,
    init: { method: string; url: string; code?: string; mayHaveBeenProcessed: boolean },
    options?: { cause: unknown },
  ) {
    super(message, options);
    this.method = init.method;
    this.url = init.url;
    this.code = init.code;
    this.mayHaveBeenProcessed = init.mayHaveBeenProcessed;
  }
}

/** An attempt took longer than `timeout` ms, waiting for the response headers or reading the body. */
export class TimeoutError extends ConnectionError {
  override name = "TimeoutError";
  /** The per-attempt timeout, in ms. */
  readonly timeout: number;

  constructor(init: {
    method: string;
    url: string;
    timeout: number;
    mayHaveBeenProcessed: boolean;
  }) {
    const hint =
      init.mayHaveBeenProcessed && init.method === "POST" ? ` ${MAY_HAVE_BEEN_PROCESSED}` : "";
    super(`${init.method} ${init.url} timed out after ${init.timeout} ms.${hint}`, init);
    this.timeout = init.timeout;
  }
}

/** The API answered with a non-2xx status. Subclasses by status: see {@link ApiError.from}. */
export class ApiError extends FaxPlusError {
  override name = "ApiError";
  readonly status: number;
  /** The API's error code from the `{error, description}` body, e.g. `invalid_user_id`. */
  readonly error: string | undefined;
  /** The API's human-readable description from the body. */
  readonly description: string | undefined;
  /** The parsed response body: JSON, text, or undefined when empty. */
  readonly body: unknown;
  readonly headers: Headers;
  readonly method: string;
  /** The path template, e.g. `/accounts/{user_id}/outbox`. */
  readonly path: string;
  /** Seconds to wait from the `Retry-After` header, when present. */
  readonly retryAfter: number | undefined;
  /** True when the server may have acted on the request (a POST answered with 5xx). */
  readonly mayHaveBeenProcessed: boolean;

  constructor(response: Response, body: unknown, method: string, path: string) {
    const fields =
      typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
    const error = stringOrUndefined(fields["error"]);
    const description = stringOrUndefined(fields["description"] ?? fields["error_description"]);
    const retryAfter = parseRetryAfter(response.headers.get("retry-after"));
    const mayHaveBeenProcessed = method !== "GET" && method !== "HEAD" && response.status >= 500;

    let message = `${response.status} ${error ?? response.statusText}`.trimEnd();
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

/** The success data of an openapi-fetch result type. */
export type SuccessData<R> = R extends { data: infer D } ? D : never;

/**
 * Turns an openapi-fetch result into its data, or throws the matching {@link ApiError}.
 *
 * Contract, for helpers built on `fax.api`:
 * - Success is decided on `result.response.ok` only, so a non-2xx with an empty or
 *   non-JSON body still throws (openapi-fetch leaves `error` undefined for those).
 * - `method` and `path` are the HTTP method and the path TEMPLATE exactly as passed to
 *   `fax.api` (`"POST"`, `"/accounts/{user_id}/outbox"`); they end up in the error.
 * - Transport failures (`ConnectionError`, `TimeoutError`), a caller's abort and
 *   `ValidationError` are thrown by `fax.api` itself, before `unwrap` runs.
 * - Returns `data` as typed by openapi-fetch (`undefined` for 204 responses).
 *
 * @example
 * const data = unwrap(
 *   await fax.api.POST("/accounts/{user_id}/outbox", { params, body, fetch: fax.fetchWith(opts) }),
 *   "POST",
 *   "/accounts/{user_id}/outbox",
 * );
 */
export function unwrap<R extends { data?: unknown; error?: unknown; response: Response }>(
  result: R,
  method: string,
  path: string,
): SuccessData<R> {
  if (result.response.ok) return result.data as SuccessData<R>;
  throw ApiError.from(result.response, result.error, method, path);
}

/** Seconds to wait from a `Retry-After` value (delta-seconds or HTTP date), or undefined. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

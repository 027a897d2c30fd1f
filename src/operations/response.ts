// What an operation gives back: its data, or a typed error; and, on request, the raw Response.
// `readAnswer` is the one reader of answers, for the operations and for `fax.throwingApi`;
// `streamAnswer` hands a download's body on unread.
import { ApiError, UnexpectedResponseError } from "../core/errors.js";
import { handOn } from "../core/relay.js";
import type { Reading } from "../core/transport.js";
import { parseJson } from "../core/validate.js";

/** The data of a call together with the HTTP response it came in (its body already read). */
export interface WithResponse<T> {
  data: T;
  /** Status, headers (e.g. rate limits) and URL of the answer. Its body has been consumed. */
  response: Response;
}

/**
 * The promise every operation and helper returns: it resolves to the data, and
 * `.withResponse()` gives the data together with the Response, without a second request.
 * @example const { data, response } = await getFax(client, { fax_id }).withResponse();
 */
export interface ApiPromise<T> extends Promise<T> {
  /** The data and the raw Response of the same call. */
  withResponse(): Promise<WithResponse<T>>;
}

/** Wraps a call that resolves to data and response into an {@link ApiPromise}. */
export function apiPromise<T>(call: Promise<WithResponse<T>>): ApiPromise<T> {
  const data = call.then((result) => result.data) as ApiPromise<T>;
  data.withResponse = () => {
    // The caller reads the failure from here: the data promise must not report it again.
    data.catch(() => {});
    return call;
  };
  return data;
}

/** What an answer is read for: the request (for errors) and, for an operation, its body kind. */
export interface AnswerTarget {
  method: string;
  path: string;
  /** The kind of success body the spec declares; a body of another kind is not JSON-parsed. */
  response?: string;
}

/**
 * Reads a 2xx answer that has a body, when not the operation's default reading: `streamAnswer`
 * hands the body on as a stream (relay.ts), for the downloads.
 */
export type SuccessReader = (response: Response, reading: Reading) => WithResponse<unknown>;

/**
 * Reads an answer: a non-2xx one throws the {@link ApiError} of its status; an empty body is
 * `undefined` data; a 2xx body is read by `success` when given, else it is JSON (or an
 * UnexpectedResponseError), or a Blob for a binary operation. JSON and error bodies are read
 * through `reading`, bounded by the client's `maxResponseBytes`.
 */
export async function readAnswer<Data>(
  response: Response,
  target: AnswerTarget,
  reading: Reading,
  success?: SuccessReader,
): Promise<WithResponse<Data>> {
  const empty = hasNoBody(response);
  if (!response.ok) {
    const text = empty ? "" : await reading.text();
    throw ApiError.from(response, parseJson(text) ?? text, target.method, target.path);
  }
  if (empty) {
    response.body?.cancel().catch(() => {});
    return { data: undefined as Data, response };
  }
  if (success) return success(response, reading) as WithResponse<Data>;
  if (target.response === "binary") return { data: (await response.blob()) as Data, response };
  const text = await reading.text();
  if (target.response !== undefined && target.response !== "json") {
    return { data: undefined as Data, response };
  }
  return { data: successJson(response, text, target) as Data, response };
}

/**
 * A success body handed on unread, as a stream: within the transport, the call's deadline and
 * abort keep covering it until it ends (relay.ts).
 */
export const streamAnswer: SuccessReader = (response, reading) => {
  const handed = handOn(response, reading);
  return { data: handed.body, response: handed };
};

/** Whether an answer says it has no body: 204, or `Content-Length: 0`. */
export function hasNoBody(response: Response): boolean {
  return response.status === 204 || response.headers.get("content-length") === "0";
}

/**
 * The JSON value of a 2xx answer's body text (undefined when empty). A body that is not JSON (a
 * proxy's HTML page, say) is an UnexpectedResponseError: for a POST, the request was processed.
 */
export function successJson(
  response: Response,
  text: string,
  target: { method: string; path: string },
): unknown {
  const data = parseJson(text);
  if (text === "" || data !== undefined) return data;
  const type = response.headers.get("content-type") ?? "no content type";
  throw new UnexpectedResponseError(
    response,
    target,
    `the body is not JSON (${type}, ${text.length} characters)`,
  );
}

/** The success data of an openapi-fetch result type. */
export type SuccessData<R> = R extends { data: infer D } ? D : never;

/**
 * Turns an openapi-fetch result into its data, or throws the matching {@link ApiError}.
 *
 * Contract, for code built on `client.api`:
 * - Success is decided on `result.response.ok` only, so a non-2xx with an empty or
 *   non-JSON body still throws (openapi-fetch leaves `error` undefined for those).
 * - `method` and `path` are the HTTP method and the path TEMPLATE exactly as passed to
 *   `client.api` (`"POST"`, `"/accounts/{user_id}/outbox"`); they end up in the error.
 * - Transport failures (`ConnectionError`, `TimeoutError`), a caller's abort and
 *   `ValidationError` are thrown by `client.api` itself, before `unwrap` runs.
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

// One call of one operation of the spec, from its generated rules: the parameters are split into
// path, query and body, checked and snapshot before anything is sent (core/validate.ts), sent
// through the client's transport (core/transport.ts), and the answer becomes data or a typed
// error. generated/operations.ts makes one function per operation from this. (The typed
// openapi-fetch client of api-client.ts uses the same transport for raw calls.)
import type { OperationRules } from "../core/rules.js";
import { transportOf, type FaxPlusCore } from "../core/client.js";
import { FaxPlusError, ValidationError } from "../core/errors.js";
import { callOptions, type RequestOptions } from "../core/options.js";
import { encodePathParam, serializePath } from "../core/path.js";
import { execute, type Outgoing } from "../core/transport.js";
import {
  check,
  checkQuery,
  readFields,
  snapshot,
  type Json,
  type SchemaRules,
} from "../core/validate.js";
import {
  apiPromise,
  readAnswer,
  type ApiPromise,
  type SuccessReader,
  type WithResponse,
} from "./response.js";

/**
 * A standalone operation: `op(client, params, options?)`. `params` holds the path and query
 * parameters and the request body's fields in one object; `user_id` defaults to the client's.
 */
export type Operation<Params, Data> = {} extends Params
  ? (client: FaxPlusCore, params?: Params, options?: RequestOptions) => ApiPromise<Data>
  : (client: FaxPlusCore, params: Params, options?: RequestOptions) => ApiPromise<Data>;

/** An operation bound to a client, as `FaxPlus#operations` holds them. */
export type BoundOperation<Params, Data> = {} extends Params
  ? (params?: Params, options?: RequestOptions) => ApiPromise<Data>
  : (params: Params, options?: RequestOptions) => ApiPromise<Data>;

/**
 * The standalone function of an operation (used by generated/operations.ts). `encode` makes the
 * request body from its checked fields: {@link jsonBody} or {@link multipartBody}; an operation
 * without a body has none, so a bundle of such operations carries no body code.
 */
export function operation<Params, Data>(
  rules: OperationRules,
  encode?: BodyEncoder,
): Operation<Params, Data> {
  return ((client: FaxPlusCore, params?: unknown, options?: RequestOptions) =>
    apiPromise(
      callOperation<Data>(client, rules, params, options, undefined, encode),
    )) as Operation<Params, Data>;
}

/** Makes a request body from the body fields of the parameters, checking them. */
export type BodyEncoder = (rules: SchemaRules, fields: Record<string, unknown>) => Body;

/** A request body: its bytes (a string or a FormData) and its content type, if fetch does not set it. */
export interface Body {
  content: string | FormData;
  type?: string;
}

/** A JSON body: the snapshot of the checked fields, serialised once. */
export const jsonBody: BodyEncoder = (rules, fields) => ({
  content: JSON.stringify(snapshot(rules, fields)),
  type: "application/json",
});

/** A multipart body: one part per field, files as file parts (fetch sets the boundary). */
export const multipartBody: BodyEncoder = (rules, fields) => {
  const form = new FormData();
  for (const [name, value] of Object.entries(snapshot(rules, fields) as Record<string, unknown>)) {
    if (value instanceof Blob) form.append(name, value, (value as Partial<File>).name ?? "blob");
    else form.append(name, typeof value === "string" ? value : JSON.stringify(value));
  }
  return { content: form };
};

/** A request split into its parts, checked, as it will be sent. */
export interface PreparedRequest {
  path: Record<string, string>;
  query: Record<string, Json>;
  body?: Body;
}

/**
 * Splits `params` into path, query and body by the operation's rules and checks all of it, before
 * anything is sent. Unknown names are refused; `user_id` defaults to `userId`.
 */
export function prepare(
  rules: OperationRules,
  params: unknown,
  userId: string,
  encode: BodyEncoder | undefined,
): PreparedRequest {
  const fields = params === undefined ? {} : readFields(params, "params");
  const bodyRules = rules.body;
  const bodyFields: Record<string, unknown> = {};
  const path: Record<string, string> = {};
  const query: Record<string, unknown> = {};
  let hasBodyFields = false;
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (Object.hasOwn(rules.params, `path.${key}`)) path[key] = value as string;
    else if (Object.hasOwn(rules.params, `query.${key}`)) query[key] = value;
    else if (bodyRules && acceptsField(bodyRules, key)) {
      bodyFields[key] = value;
      hasBodyFields = true;
    } else throw new ValidationError(key, "is not a parameter of this request");
  }

  for (const [name, paramRules] of Object.entries(rules.params)) {
    if (!name.startsWith("path.")) continue;
    const key = name.slice("path.".length);
    if (path[key] === undefined && key === "user_id") path[key] = userId;
    encodePathParam(key, path[key]); // present, not empty, ".", ".." or malformed Unicode
    check(paramRules, path[key], name);
  }
  checkQuery(rules.params, query);
  const prepared: PreparedRequest = { path, query: query as Record<string, Json> };

  if (bodyRules && encode && (hasBodyFields || rules.bodyRequired)) {
    prepared.body = encode(bodyRules, bodyFields);
  }
  return prepared;
}

/**
 * Calls an operation: prepares and checks the request, sends it through the client's transport,
 * and returns the data with the response (a 2xx body read by `success` when given), or throws the
 * error of its answer. Every failure is a FaxPlusError, except a caller's abort, which surfaces as
 * the abort reason.
 */
export async function callOperation<Data>(
  client: FaxPlusCore,
  rules: OperationRules,
  params: unknown,
  options?: RequestOptions,
  success?: SuccessReader,
  encode?: BodyEncoder,
): Promise<WithResponse<Data>> {
  const transport = transportOf(client);
  const prepared = prepare(rules, params, client.userId, encode);
  const call = callOptions(transport.settings, options);
  const headers = new Headers(transport.auth.headers);
  const body = prepared.body;
  if (body?.type) headers.set("content-type", body.type);
  const request: Outgoing = {
    method: rules.method,
    url:
      serializePath(transport.settings.baseUrl + rules.path, prepared.path) +
      queryString(prepared.query),
    headers,
    body: body?.content ?? null,
    signal: undefined, // the caller's is `options.signal`, in `call`
  };
  try {
    return await execute(transport, call, request, (response, reading) =>
      readAnswer<Data>(response, rules, reading, success),
    );
  } catch (error) {
    throw typed(error, rules, options);
  }
}

/** `?name=value&...` in openapi-fetch's encoding (arrays exploded), or "" without parameters. */
function queryString(query: Record<string, Json>): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(String(item))}`);
    }
  }
  return parts.length ? `?${parts.join("&")}` : "";
}

/** Errors that are not the SDK's own (e.g. a URL the platform refuses) become FaxPlusErrors. */
function typed(error: unknown, rules: OperationRules, options?: RequestOptions): unknown {
  if (error instanceof FaxPlusError) return error;
  if (options?.signal?.aborted && error === options.signal.reason) return error;
  if (error instanceof DOMException && error.name === "AbortError") return error;
  const name = error instanceof Error ? error.name : typeof error;
  return new FaxPlusError(`${rules.method} ${rules.path}: the request failed (${name})`, {
    cause: error,
  });
}

/** Whether a body takes a field of this name: a listed property, or any name if it is open. */
function acceptsField(body: SchemaRules, key: string): boolean {
  if (body.properties && Object.hasOwn(body.properties, key)) return true;
  return body.properties === undefined && body.additionalProperties !== false;
}

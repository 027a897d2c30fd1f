// The client's options: their types, their defaults, and the one place where they are checked and
// normalised, once, when a client is created. Per-call overrides (RequestOptions) are checked by
// `callOptions`, on each call that has some.
import { checkHeaderValue, type AuthSettings, type Renewer, type TokenSource } from "./auth.js";
import { ValidationError } from "./errors.js";
import type { Logger } from "./log.js";
import { encodePathParam } from "./path.js";
import { checkBaseUrl, withoutTrailingSlash } from "./url.js";
import { readFields } from "./validate.js";

export const DEFAULT_BASE_URL = "https://restapi.fax.plus/v3";
/** The default `maxResponseBytes`: 8 MiB, far above any JSON or error answer of the API. */
export const DEFAULT_MAX_RESPONSE_BYTES = 8_388_608; // 8 MiB, a literal: a bundler drops it when unused

/** A fetch function: the global one or any compatible replacement. Called unbound. */
export type FetchLike = (input: Request) => Promise<Response>;

/**
 * Options of a client (`createFaxPlus` or `new FaxPlus`). Every field is optional. On Node, `token`
 * and `clientId` default to the `FAXPLUS_TOKEN` and `FAXPLUS_CLIENT_ID` environment variables
 * (never in browsers). A client for the Fax.Plus API itself without a token (nor a `refresh`)
 * is refused when it is made; for a proxy or a mock `baseUrl`, without a token no
 * `Authorization` header is sent.
 */
export interface FaxPlusOptions {
  /**
   * A personal access token, or a (possibly async) function returning the current access
   * token, called before every attempt (for token stores and frontends). Default on Node:
   * `process.env.FAXPLUS_TOKEN`.
   */
  token?: TokenSource | undefined;
  /** OAuth2 client ID, sent as the `x-fax-clientid` header. Default on Node: `FAXPLUS_CLIENT_ID`. */
  clientId?: string | undefined;
  /**
   * The OAuth2 refresh, made by `oauthRefresh({ clientSecret, refreshToken, onTokens, tokenUrl })`
   * (with `clientId`): a 401 triggers one refresh (shared by concurrent requests), then the request
   * is sent again once. After a refresh the new access token replaces `token`.
   */
  refresh?: TokenRefresh | undefined;
  /**
   * API root. Default `https://restapi.fax.plus/v3`. Must be https, except for loopback hosts
   * or with `allowInsecureHttp`; a same-origin path such as `/api/faxplus` is accepted too
   * (browser apps that proxy the API through their backend).
   */
  baseUrl?: string | undefined;
  /** Allow `http:` URLs to non-loopback hosts (the token is then sent in clear text). */
  allowInsecureHttp?: boolean | undefined;
  /** The account that operations act on when no `user_id` is given. Default `"self"`. */
  userId?: string | undefined;
  /** A fetch implementation; default `globalThis.fetch`, looked up at call time. */
  fetch?: FetchLike | undefined;
  /** Retries after the first attempt, see the retry policy. Default 2. */
  maxRetries?: number | undefined;
  /** Per-attempt timeout in ms, including the token function and reading the body. Default 60 000. */
  timeout?: number | undefined;
  /** Debug hook receiving a structured event per request, response, retry and error. */
  logger?: Logger | undefined;
  /**
   * The largest answer body read whole (a JSON answer, an error body, the token endpoint's
   * answer), in bytes counted after decompression; a larger one ends the call with a
   * `ResponseTooLargeError`. Streamed downloads are not limited by it. Default 8 MiB (8 388 608),
   * far above any answer of the API.
   */
  maxResponseBytes?: number | undefined;
}

/** The `refresh` option: made by `oauthRefresh()`, to be passed as is. */
export interface TokenRefresh {
  readonly kind: "oauth2-refresh";
}

/** What a {@link TokenRefresh} holds: started once per client, with its settings and `clientId`. */
export interface StartableRefresh extends TokenRefresh {
  readonly start: (settings: Settings, clientId: string | undefined) => Renewer;
}

/** Per-call overrides, the last argument of every operation and helper. */
export interface RequestOptions {
  /** Retries after the first attempt, for this call. */
  maxRetries?: number | undefined;
  /** Per-attempt timeout in ms, for this call. */
  timeout?: number | undefined;
  /** Aborts the call; a caller's abort is never retried and surfaces as the abort reason. */
  signal?: AbortSignal | undefined;
}

/** The options of a client after {@link normaliseOptions}: checked, with defaults applied. */
export interface Settings {
  readonly baseUrl: string;
  readonly allowInsecureHttp: boolean;
  readonly userId: string;
  readonly maxRetries: number;
  readonly timeout: number;
  readonly fetch: FetchLike | undefined;
  readonly logger: Logger | undefined;
  readonly maxResponseBytes: number;
  readonly auth: AuthSettings;
}

/** The transport settings of one call: the client's, with its RequestOptions applied. */
export interface CallOptions {
  readonly maxRetries: number;
  readonly timeout: number;
  readonly signal?: AbortSignal | undefined;
  /** The client's `maxResponseBytes`. */
  readonly maxResponseBytes: number;
}

const OPTION_NAMES = new Set([
  "token",
  "clientId",
  "refresh",
  "baseUrl",
  "allowInsecureHttp",
  "userId",
  "fetch",
  "maxRetries",
  "timeout",
  "logger",
  "maxResponseBytes",
]);
const REQUEST_OPTION_NAMES = new Set(["maxRetries", "timeout", "signal"]);

/**
 * Checks every option once and applies the defaults. Unknown option names, wrong types and values
 * outside their range throw a {@link ValidationError} naming the option; secrets are never echoed.
 */
export function normaliseOptions(input: FaxPlusOptions | undefined): Settings {
  const options = ownFields(input, "options", OPTION_NAMES, "an option");
  const allowInsecureHttp = optional(options, "allowInsecureHttp", "boolean") ?? false;
  const token = options["token"] ?? readEnv("FAXPLUS_TOKEN");
  if (typeof token === "string") checkHeaderValue("token", token);
  else if (token !== undefined && typeof token !== "function") {
    throw new ValidationError("token", "must be a string or a function returning one");
  }
  const clientId = options["clientId"] ?? readEnv("FAXPLUS_CLIENT_ID");
  if (clientId !== undefined) checkHeaderValue("header x-fax-clientid", clientId);

  const refresh = options["refresh"] as StartableRefresh | undefined;
  if (refresh !== undefined && typeof refresh?.start !== "function") {
    throw new ValidationError("refresh", "must be made by oauthRefresh()");
  }

  const userId = optional(options, "userId", "string") ?? "self";
  try {
    encodePathParam("user_id", userId);
  } catch (error) {
    throw new ValidationError("userId", (error as ValidationError).rule);
  }

  const baseUrl = withoutTrailingSlash(
    checkBaseUrl("baseUrl", options["baseUrl"] ?? DEFAULT_BASE_URL, allowInsecureHttp),
  );
  const settings: Settings = {
    baseUrl,
    allowInsecureHttp,
    userId,
    maxRetries: checkMaxRetries(options["maxRetries"] ?? 2),
    timeout: checkTimeout(options["timeout"] ?? 60_000),
    fetch: optional(options, "fetch", "function") as FetchLike | undefined,
    logger: optional(options, "logger", "function") as Logger | undefined,
    maxResponseBytes: checkMaxResponseBytes(
      options["maxResponseBytes"] ?? DEFAULT_MAX_RESPONSE_BYTES,
    ),
    auth: { token: token as TokenSource | undefined, clientId, renewer: undefined },
  };
  if (refresh) settings.auth.renewer = refresh.start(settings, clientId);
  // The real API answers every call without credentials with 401: say so now, not at the first
  // call. A proxy (a same-origin path, another host), a mock or a test server may need none.
  if (token === undefined && refresh === undefined && isTheApi(baseUrl)) {
    throw new ValidationError(
      "token",
      "is required for the Fax.Plus API: pass { token } (a personal access token, or a function " +
        "returning one), or on Node set FAXPLUS_TOKEN. A proxy baseUrl such as /api/faxplus needs none",
    );
  }

  return settings;
}

/** Whether `baseUrl` is on the host of the Fax.Plus API itself (not a proxy, a mock or a path). */
function isTheApi(baseUrl: string): boolean {
  if (baseUrl.startsWith("/")) return false;
  try {
    return new URL(baseUrl).hostname === new URL(DEFAULT_BASE_URL).hostname;
  } catch {
    return false; // not an absolute URL: checkBaseUrl has had its say
  }
}

/** The transport settings of one call: `options` checked and applied over the client's. */
export function callOptions(settings: Settings, input: RequestOptions | undefined): CallOptions {
  if (input === undefined) return settings;
  const options = ownFields(input, "options", REQUEST_OPTION_NAMES, "a request option");
  const signal = checkSignal(options["signal"]);
  return {
    maxRetries: checkMaxRetries(options["maxRetries"] ?? settings.maxRetries),
    timeout: checkTimeout(options["timeout"] ?? settings.timeout),
    signal,
    maxResponseBytes: settings.maxResponseBytes,
  };
}

/** The own fields of an options object, each read once, refusing unknown names. */
export function ownFields(
  input: unknown,
  field: string,
  names: ReadonlySet<string>,
  what: string,
): Record<string, unknown> {
  if (input === undefined) return {};
  const fields = readFields(input, field);
  for (const key of Object.keys(fields)) {
    if (!names.has(key)) throw new ValidationError(key, `is not ${what}`);
    // null is a value, not "the default": refuse it rather than send the default.
    if (fields[key] === null) {
      throw new ValidationError(key, "must not be null (leave it out for the default)");
    }
  }
  return fields;
}

function optional<T extends "boolean" | "string" | "function">(
  options: Record<string, unknown>,
  name: string,
  type: T,
): (T extends "boolean" ? boolean : T extends "string" ? string : unknown) | undefined {
  const value = options[name];
  if (value === undefined) return undefined;
  if (typeof value !== type) throw new ValidationError(name, `must be a ${type}`);
  return value as T extends "boolean" ? boolean : T extends "string" ? string : unknown;
}

export function checkMaxRetries(value: unknown): number {
  if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 100) {
    return value;
  }
  throw new ValidationError("maxRetries", "must be an integer from 0 to 100");
}

export function checkTimeout(value: unknown): number {
  // setTimeout fires at once for delays above 2^31 - 1 ms.
  if (typeof value === "number" && Number.isFinite(value) && value > 0 && value <= 2_147_483_647) {
    return value;
  }
  throw new ValidationError("timeout", "must be a number of ms between 1 and 2147483647");
}

export function checkMaxResponseBytes(value: unknown): number {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 1024) return value;
  throw new ValidationError(
    "maxResponseBytes",
    "must be an integer number of bytes, at least 1024",
  );
}

/** Throws unless `value` is undefined or an AbortSignal. */
export function checkSignal(value: unknown): AbortSignal | undefined {
  if (value === undefined || isAbortSignal(value)) return value as AbortSignal | undefined;
  throw new ValidationError("signal", "must be an AbortSignal");
}

function isAbortSignal(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as AbortSignal).aborted === "boolean" &&
    typeof (value as AbortSignal).addEventListener === "function"
  );
}

/** An environment variable on Node (and runtimes that mimic it), never in a browser page. */
function readEnv(name: string): string | undefined {
  const global = globalThis as {
    process?: { versions?: { node?: string }; env?: Record<string, string | undefined> };
    document?: unknown;
  };
  if (global.document !== undefined || !global.process?.versions?.node) return undefined;
  const value = global.process.env?.[name];
  return value === undefined || value === "" ? undefined : value;
}

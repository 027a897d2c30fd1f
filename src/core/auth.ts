// Credentials: the bearer token (a string, or a function called before every attempt), the OAuth2
// client ID header, and the OAuth2 refresh after a 401 (one refresh shared by concurrent requests).
import {
  ApiError,
  ConnectionError,
  FaxPlusError,
  TimeoutError,
  ValidationError,
} from "./errors.js";
import { parseJson } from "./validate.js";

/**
 * Sends a request to the token endpoint through the transport (an `Outgoing` of transport.ts)
 * with the `timeout` of the call that needs the token, reading the answer's body (bounded) within
 * its deadline.
 */
export type TokenEndpoint = (
  request: {
    method: string;
    url: string;
    headers: Headers;
    body: string;
    signal: undefined;
  },
  timeout: number,
) => Promise<{ response: Response; text: string }>;

/** A bearer token, or a (possibly async) function returning the current one. */
export type TokenSource = string | (() => string | Promise<string>);

/** What the OAuth2 token endpoint returned on a refresh. */
export interface OAuthTokens {
  access_token: string;
  /** Present when the server rotated the refresh token: store it, the old one is spent. */
  refresh_token?: string;
  expires_in?: number;
  token_type?: string;
  scope?: string;
}

/** The checked auth options (see `FaxPlusOptions`). */
export interface AuthSettings {
  token: TokenSource | undefined;
  clientId: string | undefined;
  refresh:
    | {
        clientSecret: string;
        refreshToken: string;
        tokenUrl: string;
        onTokens: ((tokens: OAuthTokens) => void | Promise<void>) | undefined;
      }
    | undefined;
}

/** Sets the credentials of each attempt and renews them after a 401 (the transport calls these). */
export interface Credentials {
  /** Static headers of every request (`x-fax-clientid`). */
  readonly headers: Record<string, string>;
  /** Sets the Authorization header; returns the token used, for `renew`. */
  apply(headers: Headers): string | undefined | Promise<string | undefined>;
  /** Whether `renew` can get a new token. */
  readonly canRenew: boolean;
  /** Gets a new token after a 401 on a request sent with `used` (single-flight), within `timeout`. */
  renew(used: string | undefined, timeout: number): Promise<void>;
  /** The error of a wait for {@link renew} that lasted longer than `timeout` ms. */
  renewTimeout(timeout: number): Error;
}

/** No credentials: for the token endpoint, which authenticates the client another way. */
export const NO_CREDENTIALS: Credentials = {
  headers: {},
  apply: () => undefined,
  canRenew: false,
  renew: async () => {},
  renewTimeout: (timeout) => new FaxPlusError(`the token refresh took longer than ${timeout} ms`),
};

/** Visible ASCII only: no spaces, CR, LF or other control characters. */
const HEADER_SAFE = /^[\x21-\x7e]+$/;

/** Throws a ValidationError (that never echoes the value) unless `value` is safe in a header. */
export function checkHeaderValue(field: string, value: unknown): asserts value is string {
  if (typeof value !== "string" || !HEADER_SAFE.test(value)) {
    throw new ValidationError(
      field,
      "must be a non-empty string of visible ASCII characters (no spaces, CR or LF)",
    );
  }
}

/**
 * Sets the credentials of each attempt and renews the token after a 401. `tokenEndpoint` is the
 * transport, used for the token endpoint (with the same timeouts and redirect policy).
 */
export class Auth implements Credentials {
  /** Static headers for every request (`x-fax-clientid`). */
  readonly headers: Record<string, string> = {};
  /** Whether {@link renew} can get a new token. */
  readonly canRenew: boolean;
  readonly #settings: AuthSettings;
  readonly #tokenEndpoint: TokenEndpoint;
  #refreshToken: string | undefined;
  /** The access token from the last refresh; it replaces `token` from then on. */
  #refreshed: string | undefined;
  #pending: Promise<void> | undefined;

  constructor(settings: AuthSettings, tokenEndpoint: TokenEndpoint) {
    if (settings.clientId !== undefined) this.headers["x-fax-clientid"] = settings.clientId;
    this.canRenew = settings.refresh !== undefined;
    // A fixed token is a fixed header: set once here, not on every attempt.
    if (typeof settings.token === "string" && !this.canRenew) {
      this.headers["authorization"] = `Bearer ${settings.token}`;
    }
    this.#settings = settings;
    this.#tokenEndpoint = tokenEndpoint;
    this.#refreshToken = settings.refresh?.refreshToken;
  }

  /**
   * Sets the Authorization header and returns the token used (for {@link renew}). Synchronous for
   * a string token, which is the common case on every request; a promise for a token function.
   */
  apply(headers: Headers): string | undefined | Promise<string | undefined> {
    const source = this.#refreshed ?? this.#settings.token;
    if (typeof source === "string" && !this.canRenew) return source; // in the static headers
    if (typeof source !== "function") return setBearer(headers, source);
    let result: string | Promise<string>;
    try {
      result = source();
    } catch (error) {
      return Promise.reject(tokenFunctionError(error));
    }
    if (typeof result === "string") return setBearer(headers, result);
    return Promise.resolve(result).then(
      (token) => setBearer(headers, token),
      (error: unknown) => Promise.reject(tokenFunctionError(error)),
    );
  }

  /**
   * Gets a new token after a 401 on a request sent with `used` (single-flight: concurrent requests
   * share one refresh, sent with the `timeout` of the first of them).
   */
  async renew(used: string | undefined, timeout: number): Promise<void> {
    // Another request refreshed after this one was sent: just send it again.
    if (this.#refreshed !== undefined && this.#refreshed !== used) return;
    this.#pending ??= this.#refresh(timeout).finally(() => (this.#pending = undefined));
    await this.#pending;
  }

  /** A refresh that did not answer within a call's `timeout`: no fax is involved. */
  renewTimeout(timeout: number): TimeoutError {
    return refreshTimeout(this.#settings.refresh?.tokenUrl ?? "", timeout);
  }

  async #refresh(timeout: number): Promise<void> {
    const { clientId } = this.#settings;
    const refresh = this.#settings.refresh;
    if (!refresh) return;
    const { response, text } = await this.#tokenEndpoint(
      {
        method: "POST",
        url: refresh.tokenUrl,
        headers: new Headers({
          authorization: `Basic ${btoa(`${clientId}:${refresh.clientSecret}`)}`,
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json",
        }),
        body: new URLSearchParams({
          grant_type: "refresh_token",
          refresh_token: this.#refreshToken ?? "",
        }).toString(),
        signal: undefined,
      },
      timeout,
    ).catch((error: unknown) => Promise.reject(refreshError(error, refresh.tokenUrl, timeout)));
    const body = parseJson(text);
    if (!response.ok) throw ApiError.from(response, body ?? text, "POST", refresh.tokenUrl);

    const tokens = body as Partial<OAuthTokens> | undefined;
    if (typeof tokens?.access_token !== "string") {
      throw new FaxPlusError(
        `POST ${refresh.tokenUrl}: the token endpoint returned no access_token`,
      );
    }
    checkHeaderValue("access_token from the token endpoint", tokens.access_token);
    this.#refreshed = tokens.access_token;
    if (typeof tokens.refresh_token === "string") this.#refreshToken = tokens.refresh_token;
    await refresh.onTokens?.(tokens as OAuthTokens);
  }
}

function setBearer(headers: Headers, token: unknown): string | undefined {
  if (token === undefined) return undefined;
  checkHeaderValue("token", token); // a token function's result too
  headers.set("authorization", `Bearer ${token}`);
  return token;
}

function refreshTimeout(url: string, timeout: number): TimeoutError {
  return new TimeoutError({
    method: "POST",
    url,
    timeout,
    mayHaveBeenProcessed: false,
    message: `the token refresh at ${url} did not answer within ${timeout} ms; the request that needed a new token was not sent again.`,
  });
}

/**
 * The token endpoint's failure to answer, in words about the refresh: its TimeoutError or
 * ConnectionError says nothing about a fax (none was sent; the request is not re-sent).
 */
function refreshError(error: unknown, url: string, timeout: number): unknown {
  if (error instanceof TimeoutError) return refreshTimeout(url, timeout);
  if (error instanceof ConnectionError) {
    const detail = error.code ?? (error.cause instanceof Error ? error.cause.message : "");
    return new ConnectionError(
      `the token refresh at ${url} failed: no complete answer (${detail}); the request was not sent again.`,
      { method: "POST", url, code: error.code, mayHaveBeenProcessed: false },
      { cause: error },
    );
  }
  return error;
}

/** A token function's own failure, as a FaxPlusError (its message is the function's, not ours). */
function tokenFunctionError(error: unknown): FaxPlusError {
  if (error instanceof FaxPlusError) return error;
  const name = error instanceof Error ? error.name : typeof error;
  return new FaxPlusError(`token: the token function failed (${name})`, { cause: error });
}

// Credentials: the bearer token (a string, or a function called before every attempt), the OAuth2
// client ID header, and a renewal after a 401 when the client has one (the OAuth2 refresh of
// oauth.ts, which only the apps that use it bundle).
import { FaxPlusError, ValidationError } from "./errors.js";

/** A bearer token, or a (possibly async) function returning the current one. */
export type TokenSource = string | (() => string | Promise<string>);

/** The checked auth options (see `FaxPlusOptions`). */
export interface AuthSettings {
  token: TokenSource | undefined;
  clientId: string | undefined;
  /** Gets a new token after a 401 (the `refresh` option, started), if the client has one. */
  renewer: Renewer | undefined;
}

/** Gets new access tokens after a 401 (made by the `refresh` option, see oauth.ts). */
export interface Renewer {
  /** The access token of the last renewal; it replaces `token` from then on. */
  readonly current: string | undefined;
  /**
   * Gets a new token after a 401 on a request sent with `used` (single-flight). A wait longer than
   * `timeout` ms rejects with a TimeoutError naming where the token comes from; the first of
   * `signals` to abort rejects it with its reason.
   */
  renew(
    used: string | undefined,
    timeout: number,
    signals: readonly (AbortSignal | undefined)[],
  ): Promise<void>;
}

/** Sets the credentials of each attempt and renews them after a 401 (the transport calls these). */
export interface Credentials {
  /** Static headers of every request (`x-fax-clientid`). */
  readonly headers: Record<string, string>;
  /** Sets the Authorization header; returns the token used, for `renew`. */
  apply(headers: Headers): string | undefined | Promise<string | undefined>;
  /** Whether `renew` can get a new token. */
  readonly canRenew: boolean;
  /**
   * Gets a new token after a 401 on a request sent with `used` (single-flight). A wait longer than
   * `timeout` ms rejects with a TimeoutError naming where the token comes from; the first of
   * `signals` to abort rejects it with its reason.
   */
  renew(
    used: string | undefined,
    timeout: number,
    signals: readonly (AbortSignal | undefined)[],
  ): Promise<void>;
}

/** No credentials: for the token endpoint, which authenticates the client another way. */
export const NO_CREDENTIALS: Credentials = {
  headers: {},
  apply: () => undefined,
  canRenew: false,
  renew: async () => {},
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

/** Sets the credentials of each attempt and, with a {@link Renewer}, renews the token after a 401. */
export class Auth implements Credentials {
  /** Static headers for every request (`x-fax-clientid`). */
  readonly headers: Record<string, string> = {};
  /** Whether {@link renew} can get a new token. */
  readonly canRenew: boolean;
  readonly #settings: AuthSettings;

  constructor(settings: AuthSettings) {
    if (settings.clientId !== undefined) this.headers["x-fax-clientid"] = settings.clientId;
    this.canRenew = settings.renewer !== undefined;
    // A fixed token is a fixed header: set once here, not on every attempt.
    if (typeof settings.token === "string" && !this.canRenew) {
      this.headers["authorization"] = `Bearer ${settings.token}`;
    }
    this.#settings = settings;
  }

  /**
   * Sets the Authorization header and returns the token used (for {@link renew}). Synchronous for
   * a string token, which is the common case on every request; a promise for a token function.
   */
  apply(headers: Headers): string | undefined | Promise<string | undefined> {
    const source = this.#settings.renewer?.current ?? this.#settings.token;
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

  /** Gets a new token after a 401 on a request sent with `used`; see {@link Renewer.renew}. */
  renew(
    used: string | undefined,
    timeout: number,
    signals: readonly (AbortSignal | undefined)[],
  ): Promise<void> {
    return this.#settings.renewer?.renew(used, timeout, signals) ?? Promise.resolve();
  }
}

function setBearer(headers: Headers, token: unknown): string | undefined {
  if (token === undefined) return undefined;
  checkHeaderValue("token", token); // a token function's result too
  headers.set("authorization", `Bearer ${token}`);
  return token;
}

/** A token function's own failure, as a FaxPlusError (its message is the function's, not ours). */
function tokenFunctionError(error: unknown): FaxPlusError {
  if (error instanceof FaxPlusError) return error;
  const name = error instanceof Error ? error.name : typeof error;
  return new FaxPlusError(`token: the token function failed (${name})`, { cause: error });
}

import { ApiError, FaxPlusError, ValidationError } from "./errors.js";
import { send, type Credentials, type SendOptions } from "./retry.js";

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

export interface AuthOptions {
  token?: TokenSource | undefined;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  refreshToken?: string | undefined;
  tokenUrl: string;
  onTokens?: ((tokens: OAuthTokens) => void | Promise<void>) | undefined;
}

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
 * Bearer token, `x-fax-clientid`, and OAuth2 refresh: on a 401, one refresh at the token
 * endpoint shared by all concurrent requests, then each re-sends once with the new token.
 */
export class Auth implements Credentials {
  /** Static headers for every request (`x-fax-clientid`). */
  readonly headers: Record<string, string> = {};
  readonly canRenew: boolean;
  readonly #token: TokenSource | undefined;
  readonly #options: AuthOptions;
  readonly #transport: SendOptions;
  #refreshToken: string | undefined;
  /** The access token from the last refresh; it replaces `token` from then on. */
  #refreshed: string | undefined;
  #pending: Promise<void> | undefined;

  constructor(options: AuthOptions, transport: SendOptions) {
    const { token, clientId, clientSecret, refreshToken } = options;
    if (typeof token === "string") checkHeaderValue("token", token);
    else if (token !== undefined && typeof token !== "function") {
      throw new ValidationError("token", "must be a string or a function returning one");
    }
    if (clientId !== undefined) {
      checkHeaderValue("header x-fax-clientid", clientId);
      this.headers["x-fax-clientid"] = clientId;
    }
    if (refreshToken !== undefined) {
      checkHeaderValue("refreshToken", refreshToken);
      if (clientId === undefined) throw new ValidationError("clientId", "is required to refresh");
      checkHeaderValue("clientSecret", clientSecret);
    }
    this.canRenew = refreshToken !== undefined;
    this.#token = token;
    this.#refreshToken = refreshToken;
    this.#options = options;
    this.#transport = transport;
  }

  /** Sync for a string token: this runs on every request. */
  apply(headers: Headers): string | undefined | Promise<string | undefined> {
    const source = this.#refreshed ?? this.#token;
    if (typeof source !== "function") return setBearer(headers, source);
    return Promise.resolve(source()).then((token) => setBearer(headers, token));
  }

  async renew(used: string | undefined): Promise<void> {
    // Another request refreshed after this one was sent: just send it again.
    if (this.#refreshed !== undefined && this.#refreshed !== used) return;
    this.#pending ??= this.#refresh().finally(() => (this.#pending = undefined));
    await this.#pending;
  }

  async #refresh(): Promise<void> {
    const { clientId, clientSecret, tokenUrl, onTokens } = this.#options;
    const request = new Request(tokenUrl, {
      method: "POST",
      headers: {
        authorization: `Basic ${btoa(`${clientId}:${clientSecret}`)}`,
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
      },
      body: new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: this.#refreshToken ?? "",
      }).toString(),
    });
    const response = await send(request, this.#transport);
    const text = await response.text();
    const body = parseJson(text);
    if (!response.ok) throw ApiError.from(response, body, "POST", tokenUrl);

    const tokens = body as Partial<OAuthTokens> | undefined;
    if (typeof tokens?.access_token !== "string") {
      throw new FaxPlusError(`POST ${tokenUrl}: the token endpoint returned no access_token`);
    }
    checkHeaderValue("access_token from the token endpoint", tokens.access_token);
    this.#refreshed = tokens.access_token;
    if (typeof tokens.refresh_token === "string") this.#refreshToken = tokens.refresh_token;
    await onTokens?.(tokens as OAuthTokens);
  }
}

function setBearer(headers: Headers, token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  checkHeaderValue("token", token); // a token function's result too
  headers.set("authorization", `Bearer ${token}`);
  return token;
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

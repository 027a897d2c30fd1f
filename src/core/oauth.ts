// The OAuth2 refresh, opt-in: `createFaxPlus({ token, clientId, refresh: oauthRefresh({...}) })`.
// Only an app that calls `oauthRefresh` bundles it. After a 401 it gets one new access token at the
// token endpoint (single-flight: concurrent requests share one refresh), sent through the transport
// with no credentials, with the timeout of the call that needs it.
import type { Renewer } from "./auth.js";
import { checkHeaderValue } from "./auth.js";
import {
  ApiError,
  ConnectionError,
  FaxPlusError,
  TimeoutError,
  ValidationError,
} from "./errors.js";
import { ownFields, type Settings, type StartableRefresh, type TokenRefresh } from "./options.js";
import { execute, untilAborted } from "./transport.js";
import { checkBaseUrl } from "./url.js";
import { parseJson } from "./validate.js";
import { NO_CREDENTIALS } from "./auth.js";

export const DEFAULT_TOKEN_URL = "https://accounts.fax.plus/token";

/** What the OAuth2 token endpoint returned on a refresh. */
export interface OAuthTokens {
  access_token: string;
  /** Present when the server rotated the refresh token: store it, the old one is spent. */
  refresh_token?: string;
  expires_in?: number;
  token_type?: string;
  scope?: string;
}

/** The options of {@link oauthRefresh}. The client's `clientId` is required with them. */
export interface OAuthRefreshOptions {
  /** OAuth2 client secret, used only at the token endpoint (HTTP Basic). */
  clientSecret: string;
  /** OAuth2 refresh token. */
  refreshToken: string;
  /**
   * Receives the tokens of each refresh: persist them (the refresh token may be rotated).
   * Awaited before the requests waiting on the refresh go on; if it throws, they fail with it.
   */
  onTokens?: ((tokens: OAuthTokens) => void | Promise<void>) | undefined;
  /** OAuth2 token endpoint. Default `https://accounts.fax.plus/token`. */
  tokenUrl?: string | undefined;
}

const NAMES = new Set(["clientSecret", "refreshToken", "onTokens", "tokenUrl"]);

/**
 * The OAuth2 refresh of a client, its `refresh` option: on a 401, one refresh at `tokenUrl`
 * (`grant_type=refresh_token`, HTTP Basic client auth with the client's `clientId`) shared by
 * concurrent requests, `onTokens` gets the new tokens, and the request is sent again once. The new
 * access token replaces `token` from then on. Checked here; a bad field throws a ValidationError.
 * @example
 * const client = createFaxPlus({ token, clientId, refresh: oauthRefresh({ clientSecret, refreshToken, onTokens: save }) });
 */
export function oauthRefresh(options: OAuthRefreshOptions): TokenRefresh {
  const fields = ownFields(options, "refresh", NAMES, "an option of oauthRefresh");
  const { clientSecret, refreshToken, onTokens } = fields;
  checkHeaderValue("refreshToken", refreshToken);
  checkHeaderValue("clientSecret", clientSecret);
  if (onTokens !== undefined && typeof onTokens !== "function") {
    throw new ValidationError("onTokens", "must be a function");
  }
  const tokenUrlInput = fields["tokenUrl"] ?? DEFAULT_TOKEN_URL;
  // The URL policy needs the client's allowInsecureHttp: checked again when the client is made.
  checkBaseUrl("tokenUrl", tokenUrlInput, true);
  const refresh: StartableRefresh = {
    kind: "oauth2-refresh",
    start: (settings, clientId) => {
      if (clientId === undefined) throw new ValidationError("clientId", "is required to refresh");
      const tokenUrl = checkBaseUrl("tokenUrl", tokenUrlInput, settings.allowInsecureHttp);
      return new OAuthRenewer(
        settings,
        clientId,
        clientSecret,
        refreshToken,
        tokenUrl,
        onTokens as OAuthRefreshOptions["onTokens"],
      );
    },
  };
  return refresh;
}

class OAuthRenewer implements Renewer {
  current: string | undefined;
  #pending: Promise<void> | undefined;

  constructor(
    readonly settings: Settings,
    readonly clientId: string,
    readonly clientSecret: string,
    public refreshToken: string,
    readonly tokenUrl: string,
    readonly onTokens: OAuthRefreshOptions["onTokens"],
  ) {}

  /**
   * One refresh shared by concurrent requests (sent with the `timeout` of the first of them); each
   * waits for it within its own call's `timeout` (a TimeoutError naming the token endpoint: no fax
   * is involved) and signals.
   */
  renew(
    used: string | undefined,
    timeout: number,
    signals: readonly (AbortSignal | undefined)[],
  ): Promise<void> {
    // Another request refreshed after this one was sent: just send it again.
    if (this.current !== undefined && this.current !== used) return Promise.resolve();
    this.#pending ??= this.#refresh(timeout).finally(() => (this.#pending = undefined));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(refreshTimeout(this.tokenUrl, timeout)), timeout);
    });
    return untilAborted(Promise.race([this.#pending, expired]), ...signals).finally(() =>
      clearTimeout(timer),
    );
  }

  async #refresh(timeout: number): Promise<void> {
    const { settings, tokenUrl } = this;
    // Through the transport (timeouts, redirect policy), without the client's own credentials.
    const { response, text } = await execute(
      { settings, auth: NO_CREDENTIALS },
      { maxRetries: settings.maxRetries, timeout, maxResponseBytes: settings.maxResponseBytes },
      {
        method: "POST",
        url: tokenUrl,
        headers: new Headers({
          authorization: `Basic ${btoa(`${this.clientId}:${this.clientSecret}`)}`,
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json",
        }),
        body: new URLSearchParams({
          grant_type: "refresh_token",
          refresh_token: this.refreshToken,
        }).toString(),
        signal: undefined,
      },
      async (response, reading) => ({ response, text: await reading.text() }),
    ).catch((error: unknown) => Promise.reject(refreshError(error, tokenUrl, timeout)));
    const body = parseJson(text);
    if (!response.ok) throw ApiError.from(response, body ?? text, "POST", tokenUrl);

    const tokens = body as Partial<OAuthTokens> | undefined;
    if (typeof tokens?.access_token !== "string") {
      throw new FaxPlusError(`POST ${tokenUrl}: the token endpoint returned no access_token`);
    }
    checkHeaderValue("access_token from the token endpoint", tokens.access_token);
    this.current = tokens.access_token;
    if (typeof tokens.refresh_token === "string") this.refreshToken = tokens.refresh_token;
    await this.onTokens?.(tokens as OAuthTokens);
  }
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

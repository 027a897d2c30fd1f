import createClient, { defaultPathSerializer, type Client } from "openapi-fetch";
import type { components, paths } from "../generated/schema.js";
import { Auth, type OAuthTokens, type TokenSource } from "./auth.js";
import * as rules from "../generated/rules.js";
import * as api from "./api.js";
import { bulkUpdate, type BulkItemCode, type BulkUpdateResult } from "./bulk.js";
import * as files from "./files.js";
import type { DownloadOptions, UploadInput, UploadOptions } from "./files.js";
import { waitForDelivery, type WaitForDeliveryOptions } from "./poll.js";
import * as records from "./records.js";
import type { FaxPage, ListFaxesQuery } from "./records.js";
import { unwrap, ValidationError } from "./errors.js";
import { send, type FetchLike, type Logger, type SendOptions } from "./retry.js";
import {
  forwardPayload,
  resendPayload,
  sendPayload,
  type ForwardInput,
  type PreparedPayload,
  type ResendInput,
  type SendFaxIds,
  type SendFaxInput,
} from "./send.js";
import { check } from "./validate.js";

export const DEFAULT_BASE_URL = "https://restapi.fax.plus/v3";
export const DEFAULT_TOKEN_URL = "https://accounts.fax.plus/token";

/** Options of {@link FaxPlus}. Every field is optional; without `token` no `Authorization` is sent. */
export interface FaxPlusOptions {
  /**
   * A personal access token, or a (possibly async) function returning the current access
   * token, called before every attempt (for token stores and frontends).
   */
  token?: TokenSource | undefined;
  /** OAuth2 client ID: sent as the `x-fax-clientid` header; required for refresh. */
  clientId?: string | undefined;
  /** OAuth2 client secret, used only at the token endpoint (HTTP Basic) to refresh. */
  clientSecret?: string | undefined;
  /**
   * OAuth2 refresh token. With `clientId` and `clientSecret`, a 401 triggers one refresh
   * (shared by concurrent requests), then the request is sent again once. After a refresh
   * the new access token replaces `token`.
   */
  refreshToken?: string | undefined;
  /**
   * Receives the tokens of each refresh: persist them (the refresh token may be rotated).
   * Awaited before the requests waiting on the refresh go on; if it throws, they fail with it.
   */
  onTokens?: ((tokens: OAuthTokens) => void | Promise<void>) | undefined;
  /** OAuth2 token endpoint. Default `https://accounts.fax.plus/token`. */
  tokenUrl?: string | undefined;
  /**
   * API root. Default `https://restapi.fax.plus/v3`. Must be https, except for loopback hosts
   * or with `allowInsecureHttp`; a same-origin path such as `/api/faxplus` is accepted too
   * (browser apps that proxy the API through their backend).
   */
  baseUrl?: string | undefined;
  /** Allow `http:` URLs to non-loopback hosts (the token is then sent in clear text). */
  allowInsecureHttp?: boolean | undefined;
  /** The account helpers act on. Default `"self"`. */
  userId?: string | undefined;
  /** A fetch implementation; default `globalThis.fetch`, looked up at call time. */
  fetch?: FetchLike | undefined;
  /** Retries after the first attempt, see the retry policy. Default 2. */
  maxRetries?: number | undefined;
  /** Per-attempt timeout in ms, including reading the response body. Default 60 000. */
  timeout?: number | undefined;
  /** Debug hook receiving a structured event per request, response, retry and error. */
  logger?: Logger | undefined;
}

/** Per-call overrides of bulk updates. */
export interface BulkOptions extends RequestOptions {
  /** Batches in flight at once. Default 4. */
  concurrency?: number | undefined;
  /**
   * Called with the number of unique IDs whose outcome is known and their total: first with
   * `(0, total)` before the first batch, then after each batch (for a progress bar).
   */
  onProgress?: ((done: number, total: number) => void) | undefined;
}

type Schemas = components["schemas"];
/** A fax record (a sent or received fax). */
export type FaxRecord = Schemas["Fax"];

const OUTBOX = "/accounts/{user_id}/outbox";
const OUTBOX_JOB = "/accounts/{user_id}/outbox/{outbox_fax_id}";
const FAXES = "/accounts/{user_id}/faxes";

/** Per-call overrides, the last argument of facade methods. */
export interface RequestOptions {
  maxRetries?: number | undefined;
  timeout?: number | undefined;
  /** Aborts the call; a caller's abort is never retried and surfaces as the abort reason. */
  signal?: AbortSignal | undefined;
}

/** The Fax.Plus API client. */
export class FaxPlus {
  /**
   * The typed openapi-fetch client for every operation: `{ data, error, response }` results,
   * with retries, timeouts and auth inside its fetch. Decide failure on `response.ok`
   * (see `unwrap`).
   */
  readonly api: Client<paths>;
  /** The account helpers act on (`"self"` by default). */
  readonly userId: string;
  readonly #defaults: SendOptions;
  readonly #fetch: FetchLike;
  readonly #allowHttp: boolean;

  constructor(options: FaxPlusOptions = {}) {
    const allowHttp = options.allowInsecureHttp === true;
    this.#allowHttp = allowHttp;
    const baseUrl = checkUrl("baseUrl", options.baseUrl ?? DEFAULT_BASE_URL, allowHttp);
    const tokenUrl = checkUrl("tokenUrl", options.tokenUrl ?? DEFAULT_TOKEN_URL, allowHttp);
    this.userId = options.userId ?? "self";
    checkPathParam("userId", this.userId);

    const transport: SendOptions = {
      maxRetries: checkMaxRetries(options.maxRetries ?? 2),
      timeout: checkTimeout(options.timeout ?? 60_000),
      fetch: options.fetch,
      logger: options.logger,
    };
    const auth = new Auth({ ...options, tokenUrl }, transport);
    this.#defaults = { ...transport, credentials: auth };
    this.#fetch = (request) => sendExpanded(request, this.#defaults, allowHttp);
    this.api = createClient<paths>({
      baseUrl,
      fetch: this.#fetch,
      pathSerializer: checkedPathSerializer,
      headers: auth.headers,
    });
  }

  /**
   * A fetch applying per-call {@link RequestOptions}, for the `fetch` field of an openapi-fetch
   * call: `fax.api.GET(path, { params, fetch: fax.fetchWith(opts) })`. For an upload, pass its
   * `FormData` too, so that every attempt streams the files instead of a buffered copy.
   */
  fetchWith(options?: RequestOptions, form?: FormData): FetchLike {
    if (options === undefined && form === undefined) return this.#fetch;
    const sendOptions: SendOptions = {
      ...this.#defaults,
      maxRetries: checkMaxRetries(options?.maxRetries ?? this.#defaults.maxRetries),
      timeout: checkTimeout(options?.timeout ?? this.#defaults.timeout),
      signal: options?.signal,
      form,
    };
    return (request) => sendExpanded(request, sendOptions, this.#allowHttp);
  }

  /**
   * Sends a fax and returns the destination-to-fax-ID map. `return_ids` defaults to true.
   * Combine uploaded `files` with an existing fax's file via `from_fax`: uploaded files go first.
   * Validated against the spec before sending; never retried once the API may have received it.
   */
  async send(payload: SendFaxInput, options?: RequestOptions): Promise<SendFaxIds> {
    return this.#send(sendPayload({ return_ids: true, ...payload }), options);
  }

  /**
   * Sends the file of an existing fax again; `options.enhancement` is false unless given.
   * Without `to` or `from`, reads the original record and uses its destination and number.
   */
  async resend(
    faxId: string,
    input: ResendInput = {},
    options?: RequestOptions,
  ): Promise<SendFaxIds> {
    let { to, from } = input;
    if (to === undefined || from === undefined) {
      const original = await this.getFax(faxId, options);
      to ??= original.to === undefined ? undefined : [original.to];
      from ??= original.from;
      if (to === undefined)
        throw new ValidationError("to", "is required: the original fax has no destination");
      if (from === undefined)
        throw new ValidationError("from", "is required: the original fax has no number");
    }
    return this.#send(resendPayload(faxId, { return_ids: true, ...input, to, from }), options);
  }

  /** Forwards a (received) fax to new recipients; `owner` is the member owning it, default self. */
  async forward(faxId: string, input: ForwardInput, options?: RequestOptions): Promise<SendFaxIds> {
    return this.#send(forwardPayload(faxId, { return_ids: true, ...input }), options);
  }

  async #send(payload: PreparedPayload, options?: RequestOptions): Promise<SendFaxIds> {
    // Validate before uploading, so a bad number does not cost an upload.
    const { files: documents, ...rest } = payload;
    const paths = documents?.map((file) => (typeof file === "string" ? file : "(upload)"));
    check(rules.sendFax.body, paths ? { ...rest, files: paths } : rest);
    const body = documents
      ? { ...rest, files: await files.resolveFiles(this, documents, options) }
      : rest;
    const params = { path: { user_id: this.userId } };
    const result = await this.api.POST(OUTBOX, { params, body, fetch: this.fetchWith(options) });
    return unwrap(result, "POST", OUTBOX)?.ids ?? {};
  }

  /**
   * Uploads one document (multipart part `fax_file`, a file name with extension, its MIME type)
   * and returns its path for `send`'s `files`. A `File` keeps its name; a `ReadableStream` is read
   * into memory first. On Node, pass `await fromPath(path)` (from `faxplus-unofficial/node`) to
   * stream a large file from disk.
   */
  upload(input: UploadInput, options?: UploadOptions): Promise<string> {
    return files.upload(this, input, options);
  }

  /** Downloads a fax's document (PDF, or `format: "tiff"`) into memory. */
  download(faxId: string, options?: DownloadOptions): Promise<Blob> {
    return files.download(this, faxId, options);
  }

  /** Streams a fax's document without buffering it; read it within the per-attempt `timeout`. */
  downloadStream(faxId: string, options?: DownloadOptions): Promise<ReadableStream<Uint8Array>> {
    return files.downloadStream(this, faxId, options);
  }

  /** Downloads a fax's confirmation report (PDF) into memory. */
  downloadReport(faxId: string, options?: RequestOptions): Promise<Blob> {
    return files.downloadReport(this, faxId, options);
  }

  /** Streams a fax's confirmation report (PDF) without buffering it. */
  downloadReportStream(
    faxId: string,
    options?: RequestOptions,
  ): Promise<ReadableStream<Uint8Array>> {
    return files.downloadReportStream(this, faxId, options);
  }

  /** One page of fax records; reads both list shapes the API may answer with. */
  listFaxes(query?: ListFaxesQuery, options?: RequestOptions): Promise<FaxPage> {
    return records.listFaxes(this, query, options);
  }

  /** Every matching fax record, pages fetched as needed: `for await (const f of fax.iterateFaxes())`. */
  iterateFaxes(
    query?: ListFaxesQuery,
    options?: RequestOptions,
  ): AsyncGenerator<FaxRecord, void, undefined> {
    return records.iterateFaxes(this, query, options);
  }

  getFax(faxId: string, options?: RequestOptions): Promise<FaxRecord> {
    return api.getFax(this, faxId, options);
  }

  /** Sets a fax record's comment and read flag (the API wants both). */
  updateFax(
    faxId: string,
    changes: Schemas["PayloadFaxModification"],
    options?: RequestOptions,
  ): Promise<void> {
    return api.updateFax(this, faxId, changes, options);
  }

  deleteFax(faxId: string, options?: RequestOptions): Promise<void> {
    return api.deleteFax(this, faxId, options);
  }

  /** The faxes still in the outbox (queued, converting, scheduled or sending). */
  listOutbox(options?: RequestOptions): Promise<Schemas["OutboxList"]> {
    return api.listOutboxFaxes(this, options);
  }

  getOutbox(outboxFaxId: string, options?: RequestOptions): Promise<Schemas["Outbox"]> {
    return api.getOutboxFax(this, outboxFaxId, options);
  }

  /** Cancels a fax that is still in the outbox. */
  cancelOutbox(outboxFaxId: string, options?: RequestOptions): Promise<void> {
    return api.deleteOutboxFax(this, outboxFaxId, options);
  }

  /**
   * Waits until a sent fax (a fax ID returned by `send`) has a final status, polling with
   * backoff, and returns its record whether it succeeded or failed: check `status`. An outbox
   * job ID works only while the job is queued (the sent fax gets its own record ID).
   * @throws DeliveryTimeoutError when `timeout` passes first.
   */
  waitForDelivery(id: string, options?: WaitForDeliveryOptions): Promise<FaxRecord> {
    return waitForDelivery(this, id, options);
  }

  listNumbers(options?: RequestOptions): Promise<Schemas["NumberList"]> {
    return api.listNumbers(this, options);
  }

  getNumber(number: string, options?: RequestOptions): Promise<Schemas["Number"]> {
    return api.getNumber(this, number, options);
  }

  /** Assigns one of the account's numbers to a member (by user ID). */
  assignNumber(number: string, memberId: string, options?: RequestOptions): Promise<void> {
    return api.updateNumber(this, number, { assigned_to: memberId }, options);
  }

  /** Takes a number away from the user this client acts on (`userId`). */
  revokeNumber(number: string, options?: RequestOptions): Promise<void> {
    return api.revokeNumber(this, number, options);
  }

  /** The account this client acts on (`userId`). */
  getAccount(options?: RequestOptions): Promise<Schemas["Account"]> {
    return api.getUser(this, options);
  }

  updateAccount(
    changes: Schemas["PayloadAccountModification"],
    options?: RequestOptions,
  ): Promise<void> {
    return api.updateUser(this, changes, options);
  }

  /** The members of a corporate account (admins only). */
  listMembers(options?: RequestOptions): Promise<Schemas["AccountList"]> {
    return api.getAccounts(this, options);
  }

  getMemberDetails(memberId: string, options?: RequestOptions): Promise<Schemas["MemberDetail"]> {
    return api.getMemberDetails(this, memberId, options);
  }

  updateMemberDetails(
    memberId: string,
    details: Schemas["MemberDetail"],
    options?: RequestOptions,
  ): Promise<void> {
    return api.updateMemberDetails(this, memberId, details, options);
  }

  listWebhooks(
    event: Schemas["WebhookEventType"],
    options?: RequestOptions,
  ): Promise<Schemas["WebhookList"]> {
    return api.getWebhooks(this, event, options);
  }

  /** Registers a webhook and returns its ID. Parse the callbacks with `parseWebhook`. */
  createWebhook(
    webhook: Schemas["Webhook"],
    options?: RequestOptions,
  ): Promise<Schemas["WebhookId"]> {
    return api.createWebhook(this, webhook, options);
  }

  deleteWebhook(hookId: string, options?: RequestOptions): Promise<void> {
    return api.deleteWebhook(this, hookId, options);
  }

  /** Changes the comment of a fax still in the outbox. */
  async updateOutbox(
    outboxFaxId: string,
    changes: { comment: string },
    options?: RequestOptions,
  ): Promise<void> {
    check(rules.updateOutboxFax.body, changes);
    const params = { path: { user_id: this.userId, outbox_fax_id: outboxFaxId } };
    const init = { params, body: changes, fetch: this.fetchWith(options) };
    unwrap(await this.api.PUT(OUTBOX_JOB, init), "PUT", OUTBOX_JOB);
  }

  /**
   * Sets the comment of any number of outbox jobs: deduped, split into batches of the API's
   * maximum, sent `concurrency` at a time. Jobs already `sending` come back in `conflict`.
   */
  bulkUpdateOutbox(
    ids: readonly string[],
    changes: { comment: string },
    options: BulkOptions = {},
  ): Promise<BulkUpdateResult> {
    const params = { path: { user_id: this.userId } };
    return this.#bulk(
      rules.bulkUpdateOutboxFaxes.body,
      ids,
      changes,
      options,
      async (body, fetch) =>
        unwrap(await this.api.PUT(OUTBOX, { params, body, fetch }), "PUT", OUTBOX).results,
    );
  }

  /**
   * Marks any number of fax records read or unread and/or sets their comment: deduped, split
   * into batches of the API's maximum, sent `concurrency` at a time.
   */
  bulkUpdateFaxes(
    ids: readonly string[],
    changes: { isRead?: boolean; comment?: string },
    options: BulkOptions = {},
  ): Promise<BulkUpdateResult> {
    const fields = {
      ...(changes.isRead === undefined ? {} : { is_read: changes.isRead }),
      ...(changes.comment === undefined ? {} : { comment: changes.comment }),
    };
    const params = { path: { user_id: this.userId } };
    return this.#bulk(
      rules.bulkUpdateFaxes.body,
      ids,
      fields,
      options,
      async (body, fetch) =>
        unwrap(await this.api.PUT(FAXES, { params, body, fetch }), "PUT", FAXES).results,
    );
  }

  /** Validates the whole update before the first batch, then sends the batches. */
  async #bulk<F extends object>(
    rule: BulkRule,
    ids: readonly string[],
    fields: F,
    options: BulkOptions,
    put: (body: F & { ids: string[] }, fetch: FetchLike) => Promise<readonly BulkItem[]>,
  ): Promise<BulkUpdateResult> {
    const concurrency = checkBulk(rule, ids, fields, options);
    const fetch = this.fetchWith(options);
    return bulkUpdate(ids, {
      batchSize: rule.properties.ids.maxItems,
      concurrency,
      sendBatch: (batch) => put({ ...fields, ids: batch }, fetch),
      onProgress: options.onProgress,
    });
  }
}

type BulkRule = (typeof rules)["bulkUpdateFaxes" | "bulkUpdateOutboxFaxes"]["body"];
type BulkItem = { id: string; code: BulkItemCode };

/**
 * Validates a whole bulk update before its first batch: the fields, every ID with its position
 * in the caller's list, and the concurrency. Returns the concurrency.
 */
function checkBulk(
  rule: BulkRule,
  ids: readonly string[],
  fields: object,
  options: BulkOptions,
): number {
  check(rule, { ...fields, ids: ids.slice(0, 1) });
  ids.forEach((id, i) => check(rule.properties.ids.items, id, `ids[${i}]`));
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ValidationError("concurrency", "must be a positive integer");
  }
  return concurrency;
}

/** openapi-fetch's path serializer, refusing values that would change the URL's meaning. */
function checkedPathSerializer(pathname: string, params: Record<string, unknown>): string {
  for (const match of pathname.matchAll(/\{([^{}]+)\}/g)) {
    const name = (match[1] ?? "").replace(/^[.;]|\*$/g, "");
    checkPathParam(`path.${name}`, params[name]);
  }
  return defaultPathSerializer(pathname, params);
}

function checkPathParam(field: string, value: unknown): void {
  if (typeof value === "number" && Number.isFinite(value)) return;
  if (typeof value !== "string") throw new ValidationError(field, "is required");
  // "." and ".." are not percent-encoded: the URL parser would collapse them.
  if (value === "" || value === "." || value === "..") {
    throw new ValidationError(field, 'must not be empty, "." or ".."');
  }
}

/** openapi-fetch skips the path serializer when `params.path` is absent, leaving `{name}`. */
function sendExpanded(
  request: Request,
  options: SendOptions,
  allowHttp: boolean,
): Promise<Response> {
  const left = /%7B([\w.;*]+)%7D/i.exec(request.url);
  if (left) return Promise.reject(new ValidationError(`path.${left[1]}`, "is required"));
  // A per-request `baseUrl` of openapi-fetch skips the constructor's check: repeat it here, so
  // the token never travels in clear text (https is the fast path).
  if (!request.url.startsWith("https:") && !sameOrigin(request.url)) {
    try {
      checkUrl("baseUrl", request.url, allowHttp);
    } catch (error) {
      return Promise.reject(error);
    }
  }
  return send(request, options);
}

/** In a browser, a request to the page's own origin (a relative `baseUrl`). */
function sameOrigin(url: string): boolean {
  const origin = (globalThis as { location?: { origin?: string } }).location?.origin;
  return origin !== undefined && url.startsWith(`${origin}/`);
}

function checkUrl(field: string, value: string, allowInsecureHttp: boolean): string {
  // A same-origin path; "//" and "/\" would be read by browsers as another host.
  if (/^\/(?![/\\])/.test(value)) return value;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ValidationError(field, "must be an absolute https URL or a path starting with /");
  }
  if (url.username || url.password)
    throw new ValidationError(field, "must not contain credentials");
  if (url.protocol === "https:") return value;
  if (url.protocol === "http:" && (allowInsecureHttp || isLoopback(url.hostname))) return value;
  throw new ValidationError(
    field,
    "must use https (http only for loopback hosts, or with allowInsecureHttp: true)",
  );
}

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127(\.\d+){3}$/.test(hostname);
}

function checkMaxRetries(value: number): number {
  if (Number.isInteger(value) && value >= 0) return value;
  throw new ValidationError("maxRetries", "must be an integer >= 0");
}

function checkTimeout(value: number): number {
  // setTimeout fires at once for delays above 2^31 - 1 ms.
  if (Number.isFinite(value) && value > 0 && value <= 2_147_483_647) return value;
  throw new ValidationError("timeout", "must be a number of ms between 1 and 2147483647");
}

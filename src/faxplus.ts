// The FaxPlus class: the convenience way in. Every method is one line over a standalone function
// of src/operations/ or src/workflows/, which an app can import alone for a smaller bundle; a
// FaxPlus instance is itself a client those functions take. Nothing below this file imports it.
import type { Client } from "openapi-fetch";
import * as generated from "../generated/operations.js";
import type {
  Account,
  AccountList,
  BulkOperationResultFax,
  BulkUpdateFaxesParams,
  CreateWebhookParams,
  DeleteFaxParams,
  DeleteWebhookParams,
  Fax,
  FaxList,
  FaxNumber,
  GetFaxParams,
  GetMemberDetailsParams,
  GetNumberParams,
  ListFaxesParams,
  ListNumbersParams,
  MemberDetail,
  NumberList,
  Outbox,
  OutboxList,
  PayloadAccountModification,
  RevokeNumberParams,
  UpdateFaxParams,
  UpdateMemberDetailsParams,
  WebhookEventType,
  WebhookId,
  WebhookList,
} from "../generated/types.js";
import type { paths } from "../generated/schema.js";
import { adopt, createFaxPlus, type FaxPlusCore } from "./core/client.js";
import { ValidationError } from "./core/errors.js";
import type { FaxPlusOptions, FetchLike, RequestOptions } from "./core/options.js";
import { readFields } from "./core/validate.js";
import {
  apiClient,
  fetchWith,
  throwingApiClient,
  type ThrowingPaths,
} from "./operations/api-client.js";
import type { ApiPromise } from "./operations/response.js";
import {
  updateFaxesInBatches,
  updateOutboxFaxesInBatches,
  type BulkFaxChanges,
  type BulkOptions,
  type BulkOutboxChanges,
  type BulkUpdateResult,
} from "./workflows/bulk.js";
import { waitForDelivery, type WaitForDeliveryOptions } from "./workflows/delivery.js";
import {
  download,
  downloadReport,
  downloadReportStream,
  downloadStream,
  upload,
  type DownloadOptions,
  type UploadInput,
  type UploadOptions,
} from "./workflows/files.js";
import {
  iterateFaxes,
  listFaxPage,
  type FaxPage,
  type ListFaxesQuery,
} from "./workflows/records.js";
import {
  forward,
  resend,
  send,
  type ForwardInput,
  type ResendInput,
  type SendOptions,
  type SendResult,
  type SendFaxInput,
} from "./workflows/send.js";
import {
  reconcile,
  type ReconcileOptions,
  type ReconcileQuery,
  type ReconcileResult,
} from "./workflows/reconcile.js";

type Generated = typeof generated;
/** Every operation of the spec, bound to a client: `fax.operations.getFax({ fax_id })`. */
export type BoundOperations = {
  [K in keyof Generated]: Generated[K] extends (client: FaxPlusCore, ...args: infer A) => infer R
    ? (...args: A) => R
    : never;
};

/**
 * The Fax.Plus API client. Every helper takes a last, optional `RequestOptions` argument
 * (`{ maxRetries, timeout, signal }`) and returns an {@link ApiPromise}: await it for the data,
 * or call `.withResponse()` for the HTTP response too.
 * @example
 * const fax = new FaxPlus(); // token from FAXPLUS_TOKEN on Node
 * const { key, ids } = await fax.send({ from, to: [to], files: [await fromPath("contract.pdf")] });
 */
export class FaxPlus implements FaxPlusCore {
  /**
   * The typed openapi-fetch client of every operation: `{ data, error, response }` results,
   * with retries, timeouts and auth inside its fetch. Decide failure on `response.ok`
   * (see `unwrap`).
   */
  readonly api: Client<paths>;
  /** The account helpers act on (`"self"` by default). */
  readonly userId: string;
  /**
   * Every operation of the spec, bound to this client, generated from it (a new operation of a
   * spec update appears here): `await fax.operations.getFax({ fax_id })`.
   */
  readonly operations: BoundOperations;
  #throwingApi: Client<ThrowingPaths> | undefined;

  /** Checks the options once; a bad one throws a ValidationError naming it. */
  constructor(options?: FaxPlusOptions) {
    const core = createFaxPlus(options);
    this.userId = core.userId;
    adopt(this, core);
    this.api = apiClient(this);
    const bound: Record<string, unknown> = {};
    for (const [name, operation] of Object.entries(generated)) {
      bound[name] = (params?: unknown, options?: RequestOptions) =>
        (operation as (client: FaxPlusCore, params?: unknown, options?: RequestOptions) => unknown)(
          this,
          params,
          options,
        );
    }
    this.operations = bound as BoundOperations;
  }

  /**
   * `api` throwing the SDK's errors (ApiError, ConnectionError, ...) instead of returning
   * `{ error }`, typed so: the client to give to openapi-react-query.
   */
  get throwingApi(): Client<ThrowingPaths> {
    return (this.#throwingApi ??= throwingApiClient(this));
  }

  /**
   * A fetch applying per-call {@link RequestOptions}, for the `fetch` field of an openapi-fetch
   * call: `fax.api.GET(path, { params, fetch: fax.fetchWith(opts) })`. For an upload, pass its
   * `FormData` too, so that every attempt streams the files instead of a buffered copy.
   */
  fetchWith(options?: RequestOptions, form?: FormData): FetchLike {
    return fetchWith(this, options, form);
  }

  /** Sends a fax exactly once; see {@link send}. Returns its key and its fax IDs. */
  send(payload: SendFaxInput, options?: SendOptions): ApiPromise<SendResult> {
    return send(this, payload, options);
  }

  /** Sends the file of an existing fax again; see {@link resend}. */
  resend(faxId: string, input?: ResendInput, options?: SendOptions): ApiPromise<SendResult> {
    return resend(this, faxId, input, options);
  }

  /** Forwards a (received) fax to new recipients; see {@link forward}. */
  forward(faxId: string, input: ForwardInput, options?: SendOptions): ApiPromise<SendResult> {
    return forward(this, faxId, input, options);
  }

  /** Whether the send with this key was queued; see {@link reconcile}. */
  reconcile(query: ReconcileQuery, options?: ReconcileOptions): ApiPromise<ReconcileResult> {
    return reconcile(this, query, options);
  }

  /** Uploads one document and returns its path for `send`'s `files`; see {@link upload}. */
  upload(input: UploadInput, options?: UploadOptions): ApiPromise<string> {
    return upload(this, input, options);
  }

  /** Downloads a fax's document (PDF, or `format: "tiff"`) into memory. */
  download(faxId: string, options?: DownloadOptions): ApiPromise<Blob> {
    return download(this, faxId, options);
  }

  /** Streams a fax's document without buffering it; read it within the per-attempt `timeout`. */
  downloadStream(faxId: string, options?: DownloadOptions): ApiPromise<ReadableStream<Uint8Array>> {
    return downloadStream(this, faxId, options);
  }

  /** Downloads a fax's confirmation report (PDF) into memory. */
  downloadReport(faxId: string, options?: RequestOptions): ApiPromise<Blob> {
    return downloadReport(this, faxId, options);
  }

  /** Streams a fax's confirmation report (PDF) without buffering it. */
  downloadReportStream(
    faxId: string,
    options?: RequestOptions,
  ): ApiPromise<ReadableStream<Uint8Array>> {
    return downloadReportStream(this, faxId, options);
  }

  /**
   * One page of fax records as `{ records, hasMore, nextOffset? }`, in either list shape the API
   * may answer with; see {@link listFaxPage}. (`fax.listFaxes` is the raw operation.)
   */
  listFaxPage(query?: ListFaxesQuery, options?: RequestOptions): ApiPromise<FaxPage> {
    return listFaxPage(this, query, options);
  }

  /** Every matching fax record, pages fetched as needed: `for await (const f of fax.iterateFaxes())`. */
  iterateFaxes(
    query?: ListFaxesQuery,
    options?: RequestOptions,
  ): AsyncGenerator<Fax, void, undefined> {
    return iterateFaxes(this, query, options);
  }

  /** The operation `listFaxes`: one answer of the API, as it gives it. See {@link listFaxPage} for a page. */
  listFaxes(params?: ListFaxesParams, options?: RequestOptions): ApiPromise<FaxList> {
    return generated.listFaxes(this, params, options);
  }

  /** The operation `getFax`: one fax record. */
  getFax(params: GetFaxParams, options?: RequestOptions): ApiPromise<Fax> {
    return generated.getFax(this, params, options);
  }

  /** The operation `updateFax`: sets a fax record's `comment` and `is_read` (the API wants both). */
  updateFax(params: UpdateFaxParams, options?: RequestOptions): ApiPromise<void> {
    return generated.updateFax(this, params, options);
  }

  /** The operation `deleteFax`: deletes a fax record. */
  deleteFax(params: DeleteFaxParams, options?: RequestOptions): ApiPromise<void> {
    return generated.deleteFax(this, params, options);
  }

  /**
   * The operation `bulkUpdateFaxes`: one request, at most the API's maximum of `ids`. For any
   * number of IDs, see {@link updateFaxesInBatches}.
   */
  bulkUpdateFaxes(
    params: BulkUpdateFaxesParams,
    options?: RequestOptions,
  ): ApiPromise<BulkOperationResultFax> {
    return generated.bulkUpdateFaxes(this, params, options);
  }

  /** The faxes still in the outbox (queued, converting, scheduled or sending). */
  listOutbox(options?: RequestOptions): ApiPromise<OutboxList> {
    return generated.listOutboxFaxes(this, {}, options);
  }

  /** One fax of the outbox. */
  getOutbox(outboxFaxId: string, options?: RequestOptions): ApiPromise<Outbox> {
    return generated.getOutboxFax(this, { outbox_fax_id: outboxFaxId }, options);
  }

  /** Changes the comment of a fax still in the outbox. */
  updateOutbox(
    outboxFaxId: string,
    changes: { comment: string },
    options?: RequestOptions,
  ): ApiPromise<void> {
    return generated.updateOutboxFax(this, merge(changes, { outbox_fax_id: outboxFaxId }), options);
  }

  /** Cancels a fax that is still in the outbox. */
  cancelOutbox(outboxFaxId: string, options?: RequestOptions): ApiPromise<void> {
    return generated.deleteOutboxFax(this, { outbox_fax_id: outboxFaxId }, options);
  }

  /**
   * Waits until a sent fax (a fax ID returned by `send`) has a final status and returns its
   * record, whether it succeeded or failed: check `status`. See {@link waitForDelivery}.
   * @throws DeliveryTimeoutError when `maxWait` passes first.
   */
  waitForDelivery(id: string, options?: WaitForDeliveryOptions): ApiPromise<Fax> {
    return waitForDelivery(this, id, options);
  }

  /** The operation `listNumbers`: the numbers of the account. */
  listNumbers(params?: ListNumbersParams, options?: RequestOptions): ApiPromise<NumberList> {
    return generated.listNumbers(this, params, options);
  }

  /** The operation `getNumber`: one number of the account. */
  getNumber(params: GetNumberParams, options?: RequestOptions): ApiPromise<FaxNumber> {
    return generated.getNumber(this, params, options);
  }

  /** Assigns one of the account's numbers to a member (by user ID); the operation `updateNumber`. */
  assignNumber(number: string, memberId: string, options?: RequestOptions): ApiPromise<void> {
    return generated.updateNumber(this, { number, assigned_to: memberId }, options);
  }

  /** The operation `revokeNumber`: takes a number away from a member (`user_id`, default `userId`). */
  revokeNumber(params: RevokeNumberParams, options?: RequestOptions): ApiPromise<void> {
    return generated.revokeNumber(this, params, options);
  }

  /** The account this client acts on (`userId`); the operation `getUser`. */
  getAccount(options?: RequestOptions): ApiPromise<Account> {
    return generated.getUser(this, {}, options);
  }

  /** Changes the account this client acts on (`userId`); the operation `updateUser`. */
  updateAccount(changes: PayloadAccountModification, options?: RequestOptions): ApiPromise<void> {
    return generated.updateUser(this, merge(changes, {}), options);
  }

  /** The members of a corporate account (admins only); the operation `getAccounts`. */
  listMembers(options?: RequestOptions): ApiPromise<AccountList> {
    return generated.getAccounts(this, {}, options);
  }

  /** The operation `getMemberDetails`: a member's quota and role. */
  getMemberDetails(
    params: GetMemberDetailsParams,
    options?: RequestOptions,
  ): ApiPromise<MemberDetail> {
    return generated.getMemberDetails(this, params, options);
  }

  /** The operation `updateMemberDetails`: sets a member's quota and role. */
  updateMemberDetails(
    params: UpdateMemberDetailsParams,
    options?: RequestOptions,
  ): ApiPromise<void> {
    return generated.updateMemberDetails(this, params, options);
  }

  /** The webhooks registered for an event; the operation `getWebhooks`. */
  listWebhooks(event: WebhookEventType, options?: RequestOptions): ApiPromise<WebhookList> {
    return generated.getWebhooks(this, { event }, options);
  }

  /** The operation `createWebhook`: registers a webhook, returns its ID. Check callbacks with `parseWebhook`. */
  createWebhook(params: CreateWebhookParams, options?: RequestOptions): ApiPromise<WebhookId> {
    return generated.createWebhook(this, params, options);
  }

  /** The operation `deleteWebhook`: removes a webhook. */
  deleteWebhook(params: DeleteWebhookParams, options?: RequestOptions): ApiPromise<void> {
    return generated.deleteWebhook(this, params, options);
  }

  /**
   * Marks any number of fax records read or unread (`is_read`) and/or sets their `comment`:
   * deduped, split into requests of `bulkUpdateFaxes` of the API's maximum, sent `concurrency`
   * at a time. See {@link updateFaxesInBatches}.
   */
  updateFaxesInBatches(
    ids: readonly string[],
    changes: BulkFaxChanges,
    options?: BulkOptions,
  ): ApiPromise<BulkUpdateResult> {
    return updateFaxesInBatches(this, ids, changes, options);
  }

  /**
   * Sets the comment of any number of outbox jobs, in requests of `bulkUpdateOutboxFaxes`; jobs
   * already `sending` come back in `conflict`. See {@link updateOutboxFaxesInBatches}.
   */
  updateOutboxFaxesInBatches(
    ids: readonly string[],
    changes: BulkOutboxChanges,
    options?: BulkOptions,
  ): ApiPromise<BulkUpdateResult> {
    return updateOutboxFaxesInBatches(this, ids, changes, options);
  }
}

/**
 * The caller's `changes` (read once) with the method's own arguments; a field of `changes` named
 * like one of them is refused rather than silently overridden.
 */
function merge<T extends object>(changes: unknown, own: object): T {
  const fields = readFields(changes, "changes");
  for (const key of Object.keys(own)) {
    if (Object.hasOwn(fields, key))
      throw new ValidationError(`changes.${key}`, "is given as an argument");
  }
  return { ...fields, ...own } as T;
}

// The FaxPlus class: the convenience way in. Every method is one line over a standalone function
// of src/operations/ or src/workflows/, which an app can import alone for a smaller bundle; a
// FaxPlus instance is itself a client those functions take. Nothing below this file imports it.
import type { Client } from "openapi-fetch";
import * as generated from "../generated/operations.js";
import type {
  Account,
  AccountList,
  FaxNumber,
  MemberDetail,
  NumberList,
  Outbox,
  OutboxList,
  PayloadAccountModification,
  PayloadFaxModification,
  Webhook,
  WebhookEventType,
  WebhookId,
  WebhookList,
} from "../generated/types.js";
import type { paths } from "../generated/schema.js";
import { adopt, createFaxPlus, fetchWith, type FaxPlusCore } from "./core/client.js";
import { ValidationError } from "./core/errors.js";
import type { FaxPlusOptions, FetchLike, RequestOptions } from "./core/options.js";
import { readFields } from "./core/validate.js";
import { apiClient, throwingApiClient, type ThrowingPaths } from "./operations/api-client.js";
import type { ApiPromise } from "./operations/response.js";
import {
  updateFaxes,
  updateOutboxFaxes,
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
import type { Fax } from "../generated/types.js";

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

  /** One page of fax records, in either list shape the API may answer with. */
  listFaxes(query?: ListFaxesQuery, options?: RequestOptions): ApiPromise<FaxPage> {
    return listFaxPage(this, query, options);
  }

  /** Every matching fax record, pages fetched as needed: `for await (const f of fax.iterateFaxes())`. */
  iterateFaxes(
    query?: ListFaxesQuery,
    options?: RequestOptions,
  ): AsyncGenerator<Fax, void, undefined> {
    return iterateFaxes(this, query, options);
  }

  /** One fax record. */
  getFax(faxId: string, options?: RequestOptions): ApiPromise<Fax> {
    return generated.getFax(this, { fax_id: faxId }, options);
  }

  /** Sets a fax record's comment and read flag (the API wants both). */
  updateFax(
    faxId: string,
    changes: PayloadFaxModification,
    options?: RequestOptions,
  ): ApiPromise<void> {
    return generated.updateFax(this, merge(changes, { fax_id: faxId }), options);
  }

  /** Deletes a fax record. */
  deleteFax(faxId: string, options?: RequestOptions): ApiPromise<void> {
    return generated.deleteFax(this, { fax_id: faxId }, options);
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
   * @throws DeliveryTimeoutError when `timeout` passes first.
   */
  waitForDelivery(id: string, options?: WaitForDeliveryOptions): ApiPromise<Fax> {
    return waitForDelivery(this, id, options);
  }

  /** The numbers of the account. */
  listNumbers(options?: RequestOptions): ApiPromise<NumberList> {
    return generated.listNumbers(this, {}, options);
  }

  /** One number of the account. */
  getNumber(number: string, options?: RequestOptions): ApiPromise<FaxNumber> {
    return generated.getNumber(this, { number }, options);
  }

  /** Assigns one of the account's numbers to a member (by user ID). */
  assignNumber(number: string, memberId: string, options?: RequestOptions): ApiPromise<void> {
    return generated.updateNumber(this, { number, assigned_to: memberId }, options);
  }

  /** Takes a number away from the user this client acts on (`userId`). */
  revokeNumber(number: string, options?: RequestOptions): ApiPromise<void> {
    return generated.revokeNumber(this, { number }, options);
  }

  /** The account this client acts on (`userId`). */
  getAccount(options?: RequestOptions): ApiPromise<Account> {
    return generated.getUser(this, {}, options);
  }

  /** Changes the account this client acts on (`userId`). */
  updateAccount(changes: PayloadAccountModification, options?: RequestOptions): ApiPromise<void> {
    return generated.updateUser(this, merge(changes, {}), options);
  }

  /** The members of a corporate account (admins only). */
  listMembers(options?: RequestOptions): ApiPromise<AccountList> {
    return generated.getAccounts(this, {}, options);
  }

  /** A member's quota and role. */
  getMemberDetails(memberId: string, options?: RequestOptions): ApiPromise<MemberDetail> {
    return generated.getMemberDetails(this, { member_user_id: memberId }, options);
  }

  /** Sets a member's quota and role. */
  updateMemberDetails(
    memberId: string,
    details: MemberDetail,
    options?: RequestOptions,
  ): ApiPromise<void> {
    return generated.updateMemberDetails(
      this,
      merge(details, { member_user_id: memberId }),
      options,
    );
  }

  /** The webhooks registered for an event. */
  listWebhooks(event: WebhookEventType, options?: RequestOptions): ApiPromise<WebhookList> {
    return generated.getWebhooks(this, { event }, options);
  }

  /** Registers a webhook and returns its ID. Check the callbacks with `parseWebhook`. */
  createWebhook(webhook: Webhook, options?: RequestOptions): ApiPromise<WebhookId> {
    return generated.createWebhook(this, merge(webhook, {}), options);
  }

  /** Removes a webhook. */
  deleteWebhook(hookId: string, options?: RequestOptions): ApiPromise<void> {
    return generated.deleteWebhook(this, { hook_id: hookId }, options);
  }

  /**
   * Marks any number of fax records read or unread and/or sets their comment: deduped, split
   * into batches of the API's maximum, sent `concurrency` at a time. See {@link updateFaxes}.
   */
  bulkUpdateFaxes(
    ids: readonly string[],
    changes: BulkFaxChanges,
    options?: BulkOptions,
  ): ApiPromise<BulkUpdateResult> {
    return updateFaxes(this, ids, changes, options);
  }

  /**
   * Sets the comment of any number of outbox jobs; jobs already `sending` come back in
   * `conflict`. See {@link updateOutboxFaxes}.
   */
  bulkUpdateOutbox(
    ids: readonly string[],
    changes: BulkOutboxChanges,
    options?: BulkOptions,
  ): ApiPromise<BulkUpdateResult> {
    return updateOutboxFaxes(this, ids, changes, options);
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

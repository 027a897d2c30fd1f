/**
 * Typed client for the Fax.Plus REST API v3 (unofficial). Two ways in: the {@link FaxPlus} class,
 * or {@link createFaxPlus} and the standalone functions (one per operation of the spec, plus the
 * workflows), which bundlers drop when unused.
 * @module faxplus-unofficial
 */

// The class.
export { FaxPlus } from "./faxplus.js";
export type { BoundOperations } from "./faxplus.js";

// The client core and its options.
export { createFaxPlus } from "./core/client.js";
export type { FaxPlusCore } from "./core/client.js";
export { DEFAULT_BASE_URL } from "./core/options.js";
export type { FaxPlusOptions, FetchLike, RequestOptions, TokenRefresh } from "./core/options.js";
export type { TokenSource } from "./core/auth.js";
export { DEFAULT_TOKEN_URL, oauthRefresh } from "./core/oauth.js";
export type { OAuthRefreshOptions, OAuthTokens } from "./core/oauth.js";
export type { LogEvent, Logger } from "./core/log.js";
export { MAX_RETRY_AFTER_SECONDS } from "./core/retry.js";

// Errors.
export {
  FaxPlusError,
  ValidationError,
  ConnectionError,
  TimeoutError,
  ResponseTooLargeError,
  UnexpectedResponseError,
  ApiError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  UnprocessableEntityError,
  RateLimitError,
  InternalServerError,
} from "./core/errors.js";

// One function per operation of the spec, and what they return.
export * from "./operations/index.js";

// Workflows: what spans several requests.
export { send, resend, forward, formatSendTime, SendUnresolvedError } from "./workflows/send.js";
export type {
  ForwardInput,
  ResendInput,
  SendFaxIds,
  SendFaxInput,
  SendFaxPayload,
  SendOptions,
  SendResult,
} from "./workflows/send.js";
export { newSendKey, keyTag, KEY_TAG_PREFIX } from "./workflows/send-key.js";
export { reconcile, DEFAULT_VISIBILITY_MS, DEFAULT_CLOCK_SKEW_MS } from "./workflows/reconcile.js";
export type {
  FoundJob,
  NotSentEvidence,
  ReconcileOptions,
  ReconcileQuery,
  ReconcileResult,
} from "./workflows/reconcile.js";
export { memoryLedger, pendingSends, ledgerEntries, LedgerBusyError } from "./workflows/ledger.js";
export type {
  IntentRecord,
  LedgerEntry,
  LedgerLock,
  LedgerRecord,
  OutcomeRecord,
  SendLedger,
  SendState,
  UploadRecord,
} from "./workflows/ledger.js";
export { broadcast, findBadRecipients } from "./workflows/broadcast.js";
export type {
  BadRecipient,
  BroadcastInput,
  BroadcastOptions,
  BroadcastResult,
  RecipientReport,
} from "./workflows/broadcast.js";
export { updateFaxesInBatches, updateOutboxFaxesInBatches } from "./workflows/bulk.js";
export type {
  BulkFailure,
  BulkFaxChanges,
  BulkItemCode,
  BulkOptions,
  BulkOutboxChanges,
  BulkUpdateResult,
} from "./workflows/bulk.js";
export {
  upload,
  download,
  downloadStream,
  downloadReport,
  downloadReportStream,
  DownloadTooLargeError,
  DEFAULT_DOWNLOAD_MAX_BYTES,
} from "./workflows/files.js";
export type {
  DownloadLimitOptions,
  DownloadOptions,
  UploadInput,
  UploadOptions,
} from "./workflows/files.js";
export { listFaxPage, iterateFaxes } from "./workflows/records.js";
export type { FaxPage, ListFaxesQuery } from "./workflows/records.js";
export { waitForDelivery, DeliveryTimeoutError } from "./workflows/delivery.js";
export type { Clock, WaitForDeliveryOptions } from "./workflows/delivery.js";

// Fax numbers as people write them, in the form the API takes (never applied silently).
export { normalizeFaxNumber } from "./fax-number.js";
export type { NormalizedFaxNumber } from "./fax-number.js";

// Webhook callbacks: checking a body, and a receiver for any server.
export { parseWebhook, webhookEvents } from "./webhooks/parse.js";
export type { WebhookCallback, WebhookEvent } from "./webhooks/parse.js";
export { webhookHandler, DEFAULT_WEBHOOK_BODY_BYTES } from "./webhooks/receiver.js";
export type {
  WebhookDelivery,
  WebhookHandler,
  WebhookHandlerOptions,
  WebhookHandlers,
} from "./webhooks/receiver.js";
export { memorySeenStore, deliveryKey, DEFAULT_SEEN_KEYS } from "./webhooks/seen.js";
export type { SeenStore } from "./webhooks/seen.js";
export { newWebhookSecret, MIN_SECRET_LENGTH } from "./webhooks/trust.js";
export type { WebhookTrust } from "./webhooks/trust.js";

// Types of the spec: a named type per schema and per operation's parameters, and the raw maps.
export type * from "../generated/types.js";
/**
 * The raw maps of openapi-typescript (what `fax.api` is typed with). Left out of the API docs:
 * their named parts are above.
 * @hidden
 */
export type { paths, components, operations } from "../generated/schema.js";
/** @deprecated Use {@link Fax}. */
export type FaxRecord = import("../generated/types.js").Fax;

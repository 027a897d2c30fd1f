/**
 * Typed client for the Fax.Plus REST API v3 (unofficial). Start with {@link FaxPlus}.
 * @module faxplus-unofficial
 */
export { FaxPlus, DEFAULT_BASE_URL, DEFAULT_TOKEN_URL } from "./client.js";
export type { BulkOptions, FaxPlusOptions, FaxRecord, RequestOptions } from "./client.js";
export type { DownloadOptions, FileType, UploadInput, UploadOptions } from "./files.js";
export type { FaxPage, ListFaxesQuery } from "./records.js";
export { DeliveryTimeoutError } from "./poll.js";
export type { WaitForDeliveryOptions } from "./poll.js";
export { parseWebhook } from "./webhooks.js";
export type {
  WebhookCallback,
  WebhookCallbackData,
  WebhookCallbackHook,
  WebhookEvent,
} from "./webhooks.js";
export type { BulkFailure, BulkItemCode, BulkUpdateResult } from "./bulk.js";
export type {
  ForwardInput,
  ResendInput,
  SendFaxIds,
  SendFaxInput,
  SendFaxPayload,
} from "./send.js";
export type { OAuthTokens, TokenSource } from "./auth.js";
export {
  FaxPlusError,
  ValidationError,
  ConnectionError,
  TimeoutError,
  ApiError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  UnprocessableEntityError,
  RateLimitError,
  InternalServerError,
  unwrap,
} from "./errors.js";
export type { SuccessData } from "./errors.js";
export { MAX_RETRY_AFTER_SECONDS } from "./retry.js";
export type { FetchLike, LogEvent, Logger } from "./retry.js";
export type { paths, components, operations } from "../generated/schema.js";

// Sending faxes: send (uploading documents first), resend and forward an existing fax, combine
// uploads with an existing fax's file (`from_fax`). The whole call is checked against the spec
// before its first request: no upload and no lookup happens for a payload that would be refused.
import * as rules from "../../generated/rules.js";
import type { SchemaRules } from "../core/validate.js";
import { getFax, sendFax } from "../../generated/operations.js";
import type { PayloadOutbox, SendFaxResponse } from "../../generated/types.js";
import { checkRequestOptions, type FaxPlusCore } from "../core/client.js";
import {
  ApiError,
  ConnectionError,
  FaxPlusError,
  UnexpectedResponseError,
  ValidationError,
} from "../core/errors.js";
import { ownFields, type RequestOptions } from "../core/options.js";
import { readArray, readFields, snapshot } from "../core/validate.js";
import { apiPromise, type ApiPromise, type WithResponse } from "../operations/response.js";
import { systemClock, type Clock } from "./clock.js";
import { isUploadInput, uploadAll, type UploadInput } from "./files.js";
import { ledgerEntries, type SendLedger } from "./ledger.js";
import {
  DEFAULT_VISIBILITY_MS,
  observe,
  judge,
  DEFAULT_CLOCK_SKEW_MS,
  type FoundJob,
  type Observation,
  type ReconcileResult,
} from "./reconcile.js";
import { checkSendKey, newSendKey, stampKey } from "./send-key.js";

/** The send-a-fax request body exactly as the spec defines it. */
export type SendFaxPayload = PayloadOutbox;

/**
 * The send-a-fax payload, plus: `send_time` may be a `Date` (sent as UTC), and `files` may hold
 * documents to upload first (in order) next to paths returned by `upload`.
 */
export interface SendFaxInput extends Omit<SendFaxPayload, "send_time" | "files"> {
  send_time?: SendFaxPayload["send_time"] | Date;
  files?: (string | UploadInput)[];
}

/** Destination number to fax ID, returned when `return_ids` is set (the default). */
export type SendFaxIds = NonNullable<SendFaxResponse["ids"]>;

/**
 * What `resend` takes: a send payload whose file comes from the fax being resent. Without `to`
 * or `from`, the original record's destination and number are used.
 */
export interface ResendInput extends Omit<SendFaxInput, "from_fax" | "to" | "from"> {
  to?: SendFaxInput["to"];
  from?: SendFaxInput["from"];
}

/** What `forward` takes; `owner` is the user ID owning the fax (a corporate member), default self. */
export interface ForwardInput extends Omit<SendFaxInput, "from_fax"> {
  owner?: string;
}

/** Options of `send`, `resend` and `forward`: the request options, plus exactly-once sending. */
export interface SendOptions extends RequestOptions {
  /**
   * The send key, stamped into the fax's `comment.tags` so that reconciliation can find it: 8 to
   * 22+ URL-safe characters (the spec's tag limit decides the most). Default: a random one.
   * Reuse a key only to mean "this same send".
   */
  key?: string | undefined;
  /**
   * Record the intent (durably) before the request and the outcome after. With a ledger, a key
   * already recorded `sent` returns its recorded result without a request, and a pending one is
   * reconciled before anything is sent.
   */
  ledger?: SendLedger | undefined;
  /** How long after a send its job may be missing from the outbox listing (ms). Default 60 000. */
  visibilityMs?: number | undefined;
  /** Time and sleeping (tests); default the system clock. */
  clock?: Clock | undefined;
}

/** What a send gives back: its key, and the IDs of what was queued. */
export interface SendResult {
  /** The send key (the caller's or the one the SDK made), also on every error of this send. */
  key: string;
  /** Destination to fax ID (empty when the answer had none and reconciliation found only jobs). */
  ids: SendFaxIds;
  /** Outbox jobs found by reconciliation after an ambiguous answer (their outbox IDs). */
  jobs: FoundJob[];
  /**
   * How the outcome is known: `answer` (the API answered with the IDs), `reconciled` (the answer
   * was lost or empty; the fax was found by its key), `ledger` (recorded as sent before).
   */
  via: "answer" | "reconciled" | "ledger";
}

/**
 * A send whose outcome could not be established: it may or may not have been queued. Do not send
 * again blindly; call `reconcile(client, { key, sentAfter })` later.
 */
export class SendUnresolvedError extends FaxPlusError {
  override name = "SendUnresolvedError";
  /** The send key: pass it to `reconcile`. */
  declare readonly key: string;
  /** When the send was made (ms since 1970), for `reconcile`'s `sentAfter`. */
  declare readonly sentAfter: number;
  /** What reconciliation found. */
  declare readonly result: ReconcileResult;
  /** Always true: the fax may have been queued. */
  declare readonly mayHaveBeenProcessed: true;

  constructor(key: string, sentAfter: number, result: ReconcileResult, cause: unknown) {
    const why =
      result.state === "unknown" ? result.reason : `reconciliation answered ${result.state}`;
    super(
      `send ${key}: whether the fax was queued is not established (${why}). ` +
        `Do not send it again blindly: reconcile the key later (reconcile(client, { key: "${key}", sentAfter: ${sentAfter} }) or \`faxplus reconcile ${key}\`).`,
      { cause },
    );
    this.key = key;
    this.sentAfter = sentAfter;
    this.result = result;
    this.mayHaveBeenProcessed = true;
  }
}

/** Puts the send key on an error of that send (a `key` property), and returns the error. */
function withKey(error: unknown, key: string): unknown {
  if (typeof error === "object" && error !== null && Object.isExtensible(error)) {
    if (!Object.hasOwn(error, "key")) {
      Object.defineProperty(error, "key", { value: key, enumerable: true, configurable: true });
    }
  }
  return error;
}

/** A placeholder path for a document that is uploaded once the whole payload is checked. */
const TO_UPLOAD = "/(document to upload)";

/**
 * Sends a fax and returns the destination-to-fax-ID map. `return_ids` defaults to true. Documents
 * in `files` are uploaded first, in order; combine them with an existing fax's file via
 * `from_fax` (uploaded files go first). The whole payload is checked before anything is sent; a
 * send is never retried once the API may have received it.
 */
export function send(
  client: FaxPlusCore,
  payload: SendFaxInput,
  options?: SendOptions,
): ApiPromise<SendResult> {
  return apiPromise(
    (async () => {
      const sending = readSendOptions(client, options);
      const fields = readFields(payload, "payload");
      stampKey(fields, sending.key);
      return deliver(client, prepareSend(fields, rules.sendFax.body), sending);
    })(),
  );
}

/**
 * Sends the file of an existing fax again; `options.enhancement` is false unless given (the image
 * is already a fax). Without `to` or `from`, reads the original record and uses its destination
 * and number: the input is checked first, then the original is read.
 */
export function resend(
  client: FaxPlusCore,
  faxId: string,
  input: ResendInput = {},
  options?: SendOptions,
): ApiPromise<SendResult> {
  return apiPromise(
    (async () => {
      const sending = readSendOptions(client, options);
      const { request } = sending;
      const fields = readFields(input, "input");
      stampKey(fields, sending.key);
      refuse(fields, "from_fax", "the file comes from the fax being resent");
      fields["from_fax"] = { fax_id: faxId };
      withOriginalQuality(fields);
      // The recipients may come from the original record: check the rest now.
      const missing = ["to", "from"].filter((key) => fields[key] === undefined);
      const body = rules.sendFax.body;
      const relaxed: SchemaRules = {
        ...body,
        required: body.required.filter((key: string) => !missing.includes(key)),
      };
      const prepared = prepareSend(fields, relaxed);
      if (missing.length) {
        const original = await getFax(client, { fax_id: faxId }, request);
        if (prepared.payload["to"] === undefined) {
          if (original.to === undefined) {
            throw new ValidationError("to", "is required: the original fax has no destination");
          }
          prepared.payload["to"] = [original.to];
        }
        if (prepared.payload["from"] === undefined) {
          if (original.from === undefined) {
            throw new ValidationError("from", "is required: the original fax has no number");
          }
          prepared.payload["from"] = original.from;
        }
      }
      return deliver(client, prepared, sending);
    })(),
  );
}

/**
 * Forwards an existing (usually received) fax to new recipients; `owner` is the corporate member
 * owning it (default: self). `options.enhancement` is false unless given.
 */
export function forward(
  client: FaxPlusCore,
  faxId: string,
  input: ForwardInput,
  options?: SendOptions,
): ApiPromise<SendResult> {
  return apiPromise(
    (async () => {
      const sending = readSendOptions(client, options);
      const fields = readFields(input, "input");
      stampKey(fields, sending.key);
      refuse(fields, "from_fax", "the file comes from the fax being forwarded");
      const owner = fields["owner"];
      delete fields["owner"];
      fields["from_fax"] =
        owner === undefined ? { fax_id: faxId } : { fax_id: faxId, user_id: owner };
      withOriginalQuality(fields);
      return deliver(client, prepareSend(fields, rules.sendFax.body), sending);
    })(),
  );
}

/** The API's `YYYY-MM-DD HH:mm:ss +0000`, in UTC. */
export function formatSendTime(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new ValidationError("send_time", "must be a valid Date");
  const iso = date.toISOString(); // 2026-11-21T05:38:08.123Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000`;
}

/** A checked payload whose documents are still to upload. */
export interface PreparedSend {
  payload: Record<string, unknown>;
  documents: UploadInput[];
}

/**
 * Applies the defaults, checks every document and the whole payload (documents stand in as
 * placeholder paths), and returns the payload's snapshot.
 */
export function prepareSend(fields: Record<string, unknown>, bodyRules: SchemaRules): PreparedSend {
  if (fields["return_ids"] === undefined) fields["return_ids"] = true;
  const sendTime = fields["send_time"];
  if (sendTime instanceof Date) fields["send_time"] = formatSendTime(sendTime);
  const documents: UploadInput[] = [];
  if (fields["files"] !== undefined) {
    fields["files"] = readArray(fields["files"], "files").map((file: unknown, i) => {
      if (typeof file === "string") return file;
      if (!isUploadInput(file)) {
        throw new ValidationError(
          `files[${i}]`,
          "must be a path from upload() or a document (Blob, File, Uint8Array, ArrayBuffer, ReadableStream)",
        );
      }
      documents.push(file);
      return TO_UPLOAD;
    });
  }
  const payload = snapshot(bodyRules, fields) as Record<string, unknown>;
  return { payload, documents };
}

/** The checked options of one send. */
interface Sending {
  key: string;
  ledger: SendLedger | undefined;
  visibilityMs: number;
  clock: Clock;
  request: RequestOptions;
}

const SEND_OPTION_NAMES = new Set([
  "maxRetries",
  "timeout",
  "signal",
  "key",
  "ledger",
  "visibilityMs",
  "clock",
]);

function readSendOptions(client: FaxPlusCore, options: SendOptions | undefined): Sending {
  const given = ownFields(options, "options", SEND_OPTION_NAMES, "an option of send");
  const { key, ledger, visibilityMs, clock, ...request } = given;
  checkRequestOptions(client, request as RequestOptions);
  if (ledger !== undefined) {
    const l = ledger as Partial<SendLedger>;
    if (typeof l.append !== "function" || typeof l.records !== "function") {
      throw new ValidationError("ledger", "must be a SendLedger (append, records, lock)");
    }
  }
  const visibility = visibilityMs ?? DEFAULT_VISIBILITY_MS;
  if (typeof visibility !== "number" || !Number.isFinite(visibility) || visibility < 0) {
    throw new ValidationError("visibilityMs", "must be a number of ms, 0 or more");
  }
  return {
    key: key === undefined ? newSendKey() : checkSendKey(key),
    ledger: ledger as SendLedger | undefined,
    visibilityMs: visibility,
    clock: (clock as Clock | undefined) ?? systemClock,
    request: request as RequestOptions,
  };
}

/** Sends made at most per call: the first, and again after reconciliation established `not_sent`. */
const MAX_ATTEMPTS = 3;

/**
 * Uploads the documents in order, puts their paths in place, and sends. With a ledger, the intent
 * is recorded (durably) before the request and the outcome after. An ambiguous failure or a 2xx
 * without IDs is reconciled before anything else; a send is made again only on `not_sent`.
 */
async function deliver(
  client: FaxPlusCore,
  { payload, documents }: PreparedSend,
  sending: Sending,
): Promise<WithResponse<SendResult>> {
  const { key, ledger, request, clock } = sending;
  const to = payload["to"] as string[];
  const from = payload["from"] as string;
  try {
    if (ledger) {
      const known = ledgerEntries(await ledger.records()).get(key);
      if (known?.outcome?.state === "sent") {
        const { ids = {}, jobs = [] } = known.outcome;
        const found = jobs.map((id) => ({ id, to: known.intent.to, status: "unknown" }));
        return { data: { key, ids, jobs: found, via: "ledger" }, response: noAnswer() };
      }
      if (known && (known.outcome === undefined || known.outcome.state === "unknown")) {
        const found = await settle(client, sending, known.intent.at, known.intent.to);
        const done = await conclude(sending, found, undefined, known.intent.at);
        if (done) return done;
      }
    }
    if (documents.length) {
      const paths = await uploadAll(client, documents, request);
      payload["files"] = (payload["files"] as string[]).map((file) => {
        if (file !== TO_UPLOAD) return file;
        const path = paths.shift();
        if (path === undefined) throw new FaxPlusError("send: an upload gave no path"); // cannot happen
        return path;
      });
    }
    for (let attempt = 1; ; attempt++) {
      const sentAfter = clock.now();
      await ledger?.append({ type: "intent", key, at: sentAfter, to, from }, { durable: true });
      let answer: WithResponse<SendFaxResponse | undefined>;
      try {
        answer = await sendFax(client, payload as never, request).withResponse();
      } catch (error) {
        if (!isAmbiguous(error)) {
          const reason = error instanceof Error ? error.message : String(error);
          await ledger?.append({ type: "outcome", key, at: clock.now(), state: "failed", reason });
          throw error;
        }
        const found = await settle(client, sending, sentAfter, to);
        if (found.state === "not_sent" && attempt < MAX_ATTEMPTS) {
          await ledger?.append({ type: "outcome", key, at: clock.now(), state: "not_sent" });
          continue;
        }
        const done = await conclude(sending, found, error, sentAfter);
        if (done) return done;
        throw error; // not_sent established, and no attempts left: nothing was queued
      }
      const ids = answer.data?.ids ?? {};
      if (payload["return_ids"] === true && Object.keys(ids).length === 0) {
        // A 2xx without IDs: queued, by the answer, but which fax is it? Find it by its key.
        const found = await settle(client, sending, sentAfter, to);
        const problem = new UnexpectedResponseError(
          answer.response,
          rules.sendFax,
          "the answer holds no fax IDs although return_ids is true",
        );
        const done = await conclude(sending, found, problem, sentAfter);
        if (done) return done;
        throw new SendUnresolvedError(key, sentAfter, found, problem);
      }
      await ledger?.append({ type: "outcome", key, at: clock.now(), state: "sent", ids });
      return { data: { key, ids, jobs: [], via: "answer" }, response: answer.response };
    }
  } catch (error) {
    throw withKey(error, key);
  }
}

/**
 * Records and returns a reconciled `sent`; records `unknown` and throws for `unknown`; for
 * `not_sent` records it and returns undefined (the caller may send).
 */
async function conclude(
  sending: Sending,
  found: ReconcileResult,
  cause: unknown,
  sentAfter: number,
): Promise<WithResponse<SendResult> | undefined> {
  const { key, ledger, clock } = sending;
  if (found.state === "sent") {
    const jobs = found.jobs.map((job) => job.id);
    await ledger?.append({
      type: "outcome",
      key,
      at: clock.now(),
      state: "sent",
      ids: found.faxIds,
      jobs,
    });
    return {
      data: { key, ids: found.faxIds, jobs: found.jobs, via: "reconciled" },
      response: noAnswer(),
    };
  }
  if (found.state === "unknown") {
    await ledger?.append({
      type: "outcome",
      key,
      at: clock.now(),
      state: "unknown",
      reason: found.reason,
    });
    throw new SendUnresolvedError(key, sentAfter, found, cause);
  }
  await ledger?.append({ type: "outcome", key, at: clock.now(), state: "not_sent" });
  return undefined;
}

/**
 * Reconciles one send until its answer is not "ask again later": inside the visibility window it
 * waits (on the clock) and looks again.
 */
async function settle(
  client: FaxPlusCore,
  sending: Sending,
  sentAfter: number,
  to: readonly string[],
): Promise<ReconcileResult> {
  const { key, visibilityMs, clock, request } = sending;
  for (;;) {
    let observation: Observation;
    try {
      observation = await observe(client, sentAfter - DEFAULT_CLOCK_SKEW_MS, request, clock);
    } catch (error) {
      if (request.signal?.aborted) throw error;
      const reason = `reconciliation failed: ${error instanceof Error ? error.message : String(error)}`;
      return { state: "unknown", key, reason, candidates: [] };
    }
    const result = judge(observation, { key, sentAfter, to, visibilityMs });
    if (result.state !== "unknown" || result.retryAfterMs === undefined) return result;
    await clock.sleep(result.retryAfterMs, request.signal);
  }
}

/** Whether a failed send request may have queued the fax. */
export function isAmbiguous(error: unknown): boolean {
  return (
    (error instanceof ConnectionError ||
      error instanceof ApiError ||
      error instanceof UnexpectedResponseError) &&
    error.mayHaveBeenProcessed
  );
}

/** The Response of a result that no single answer gave (found in the ledger or by reconciling). */
function noAnswer(): Response {
  return new Response(null, { status: 204 });
}

/** Resending or forwarding keeps the fax image as it is unless `options.enhancement` is given. */
function withOriginalQuality(fields: Record<string, unknown>): void {
  const given = fields["options"] === undefined ? {} : readFields(fields["options"], "options");
  fields["options"] = Object.hasOwn(given, "enhancement")
    ? given
    : { enhancement: false, ...given };
}

function refuse(fields: Record<string, unknown>, key: string, why: string): void {
  if (Object.hasOwn(fields, key)) throw new ValidationError(key, `is not accepted here: ${why}`);
}

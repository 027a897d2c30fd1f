// Sending faxes: send (uploading documents first), resend and forward an existing fax, combine
// uploads with an existing fax's file (`from_fax`). The whole call is checked against the spec
// before its first request: no upload and no lookup happens for a payload that would be refused.
import * as rules from "../../generated/rules.js";
import type { SchemaRules } from "../core/validate.js";
import { getFax, sendFax } from "../../generated/operations.js";
import type { PayloadOutbox, SendFaxResponse } from "../../generated/types.js";
import { checkRequestOptions, type FaxPlusCore } from "../core/client.js";
import { FaxPlusError, ValidationError } from "../core/errors.js";
import type { RequestOptions } from "../core/options.js";
import { readArray, readFields, snapshot } from "../core/validate.js";
import { apiPromise, type ApiPromise, type WithResponse } from "../operations/response.js";
import { isUploadInput, uploadAll, type UploadInput } from "./files.js";

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
  options?: RequestOptions,
): ApiPromise<SendFaxIds> {
  return apiPromise(
    (async () => {
      checkRequestOptions(client, options);
      const fields = readFields(payload, "payload");
      return deliver(client, prepareSend(fields, rules.sendFax.body), options);
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
  options?: RequestOptions,
): ApiPromise<SendFaxIds> {
  return apiPromise(
    (async () => {
      checkRequestOptions(client, options);
      const fields = readFields(input, "input");
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
        const original = await getFax(client, { fax_id: faxId }, options);
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
      return deliver(client, prepared, options);
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
  options?: RequestOptions,
): ApiPromise<SendFaxIds> {
  return apiPromise(
    (async () => {
      checkRequestOptions(client, options);
      const fields = readFields(input, "input");
      refuse(fields, "from_fax", "the file comes from the fax being forwarded");
      const owner = fields["owner"];
      delete fields["owner"];
      fields["from_fax"] =
        owner === undefined ? { fax_id: faxId } : { fax_id: faxId, user_id: owner };
      withOriginalQuality(fields);
      return deliver(client, prepareSend(fields, rules.sendFax.body), options);
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
interface PreparedSend {
  payload: Record<string, unknown>;
  documents: UploadInput[];
}

/**
 * Applies the defaults, checks every document and the whole payload (documents stand in as
 * placeholder paths), and returns the payload's snapshot.
 */
function prepareSend(fields: Record<string, unknown>, bodyRules: SchemaRules): PreparedSend {
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

/** Uploads the documents in order, puts their paths in place, and sends. */
async function deliver(
  client: FaxPlusCore,
  { payload, documents }: PreparedSend,
  options: RequestOptions | undefined,
): Promise<WithResponse<SendFaxIds>> {
  if (documents.length) {
    const paths = await uploadAll(client, documents, options);
    payload["files"] = (payload["files"] as string[]).map((file) => {
      if (file !== TO_UPLOAD) return file;
      const path = paths.shift();
      if (path === undefined) throw new FaxPlusError("send: an upload gave no path"); // cannot happen
      return path;
    });
  }
  const { data, response } = await sendFax(client, payload as never, options).withResponse();
  return { data: data?.ids ?? {}, response };
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

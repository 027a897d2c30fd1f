// Uploads (multipart, one part named `fax_file`, streamed on every attempt) and binary downloads
// of fax files and reports, into memory or as a stream.
import { uploadFile } from "../../generated/operations.js";
import * as rules from "../../generated/rules.js";
import type { FileType } from "../../generated/types.js";
import type { FaxPlusCore } from "../core/client.js";
import { UnexpectedResponseError, ValidationError } from "../core/errors.js";
import type { RequestOptions } from "../core/options.js";
import { checkQuery, readFields } from "../core/validate.js";
import { callOperation } from "../operations/operation.js";
import { apiPromise, type ApiPromise, type WithResponse } from "../operations/response.js";

/**
 * A document to upload. A `File` keeps its name. A `ReadableStream` is read into memory first
 * (FormData needs a Blob), so prefer a Blob or, on Node, `fromPath` from `faxplus-unofficial/node`,
 * whose File is read lazily from disk.
 */
export type UploadInput = Blob | Uint8Array | ArrayBuffer | ReadableStream<Uint8Array>;

/** Per-call options of `upload`. */
export interface UploadOptions extends RequestOptions {
  /** The `format` query parameter (presumably the stored format; its effect is unconfirmed). */
  format?: FileType | undefined;
  /**
   * File name of the part, with an extension: it tells the API the document type. Default: the
   * File's name, else `document.<ext>` from the Blob's type, else `document.pdf`.
   */
  filename?: string | undefined;
}

/** Per-call options of the downloads of a fax's document. */
export interface DownloadOptions extends RequestOptions {
  /** `pdf` or `tiff`; takes precedence over the Accept header. */
  format?: FileType | undefined;
}

/** MIME types of the documents the API accepts, by lower-case extension. */
const CONTENT_TYPES: Record<string, string> = {
  pdf: "application/pdf",
  tiff: "image/tiff",
  tif: "image/tiff",
  doc: "application/msword",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  txt: "text/plain",
  rtf: "application/rtf",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  xls: "application/vnd.ms-excel",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

/** The MIME type for a file name's extension, or undefined when it is not a known document type. */
export function contentTypeOf(filename: string): string | undefined {
  const extension = extensionOf(filename);
  return Object.hasOwn(CONTENT_TYPES, extension) ? CONTENT_TYPES[extension] : undefined;
}

/** Whether `value` is something {@link upload} takes. */
export function isUploadInput(value: unknown): value is UploadInput {
  return (
    value instanceof Blob ||
    value instanceof ArrayBuffer ||
    ArrayBuffer.isView(value) ||
    typeof (value as Partial<ReadableStream> | null)?.getReader === "function"
  );
}

/**
 * Uploads one document and returns its `path`, for the `files` of a send. The part is streamed on
 * every attempt (a file from `fromPath` is never held in memory).
 * @throws ValidationError for an input that is not a document or a name without an extension
 */
export function upload(
  client: FaxPlusCore,
  input: UploadInput,
  options: UploadOptions = {},
): ApiPromise<string> {
  return apiPromise(
    (async () => {
      const { format, filename, ...request } = optionFields(options);
      const file = await prepareUpload(input, format, filename);
      return uploadFileOf(client, file, format, request);
    })(),
  );
}

/** Uploads a document {@link prepareUpload} checked; the answer must name the stored file. */
async function uploadFileOf(
  client: FaxPlusCore,
  file: File,
  format: unknown,
  options: RequestOptions | undefined,
): Promise<WithResponse<string>> {
  const params =
    format === undefined ? { fax_file: file } : { fax_file: file, format: format as FileType };
  const { data, response } = await uploadFile(client, params, options).withResponse();
  const path = (data as { path?: unknown } | undefined)?.path;
  if (typeof path !== "string" || path === "") {
    // The file may be stored, but without its path no send can use it.
    throw new UnexpectedResponseError(response, rules.uploadFile, "the answer has no file path");
  }
  return { data: path, response };
}

/**
 * Uploads every document, one after the other, and returns their paths in order. Every document
 * is checked before the first upload.
 */
export async function uploadAll(
  client: FaxPlusCore,
  documents: readonly UploadInput[],
  options?: RequestOptions,
): Promise<string[]> {
  const files: File[] = [];
  for (const document of documents) files.push(await prepareUpload(document, undefined, undefined));
  const paths: string[] = [];
  for (const file of files) paths.push((await uploadFileOf(client, file, undefined, options)).data);
  return paths;
}

/** Downloads the document of a fax (PDF, or TIFF with `format: "tiff"`) into memory. */
export function download(
  client: FaxPlusCore,
  faxId: string,
  options: DownloadOptions = {},
): ApiPromise<Blob> {
  return apiPromise(
    (async () => {
      const { format, ...request } = optionFields(options);
      const params = fileParams(faxId, format);
      return orEmptyBlob(
        await callOperation<Blob | undefined>(client, rules.getFile, params, request),
      );
    })(),
  );
}

/**
 * Downloads the document of a fax as a stream, without buffering it. The per-attempt `timeout`
 * also covers reading the stream: read it to the end (or cancel it) within that time. Its size,
 * when the API gives one, is in `(await downloadStream(...).withResponse()).response.headers`.
 */
export function downloadStream(
  client: FaxPlusCore,
  faxId: string,
  options: DownloadOptions = {},
): ApiPromise<ReadableStream<Uint8Array>> {
  return apiPromise(
    (async () => {
      const { format, ...request } = optionFields(options);
      const params = fileParams(faxId, format);
      return orEmptyStream(
        await callOperation<ReadableStream<Uint8Array> | null>(
          client,
          rules.getFile,
          params,
          request,
          "stream",
        ),
      );
    })(),
  );
}

/** Downloads the confirmation report (PDF) of a fax into memory. */
export function downloadReport(
  client: FaxPlusCore,
  faxId: string,
  options?: RequestOptions,
): ApiPromise<Blob> {
  return apiPromise(
    callOperation<Blob | undefined>(client, rules.getFaxReport, { fax_id: faxId }, options).then(
      orEmptyBlob,
    ),
  );
}

/** Downloads the confirmation report (PDF) of a fax as a stream; see {@link downloadStream}. */
export function downloadReportStream(
  client: FaxPlusCore,
  faxId: string,
  options?: RequestOptions,
): ApiPromise<ReadableStream<Uint8Array>> {
  return apiPromise(
    callOperation<ReadableStream<Uint8Array> | null>(
      client,
      rules.getFaxReport,
      { fax_id: faxId },
      options,
      "stream",
    ).then(orEmptyStream),
  );
}

/** The checked document as a named, typed File (a view of the input's data, not a copy). */
async function prepareUpload(input: unknown, format: unknown, filename: unknown): Promise<File> {
  checkQuery(rules.uploadFile.params, format === undefined ? {} : { format });
  if (filename !== undefined && typeof filename !== "string") {
    throw new ValidationError("filename", "must be a string");
  }
  if (!isUploadInput(input)) {
    throw new ValidationError(
      "file",
      "must be a Blob, File, Uint8Array, ArrayBuffer or ReadableStream of bytes",
    );
  }
  // Named before a stream is read, so that a bad name costs no read.
  const given = filename || (isFile(input) ? input.name : "");
  const type = input instanceof Blob ? input.type : "";
  const name = withExtension(given, type);
  const blob = await toBlob(input);
  const mime = blob.type || contentTypeOf(name) || "application/octet-stream";
  // A File made from a Blob refers to its data, which keeps a file-backed Blob lazy.
  return new File([blob], name, { type: mime });
}

async function toBlob(input: UploadInput): Promise<Blob> {
  if (input instanceof Blob) return input;
  // The casts: lib.dom's BlobPart wants ArrayBuffer-backed views; Blob copies the bytes anyway.
  if (input instanceof ArrayBuffer || ArrayBuffer.isView(input)) {
    return new Blob([input as Uint8Array<ArrayBuffer>]);
  }
  return collect(input as ReadableStream<Uint8Array<ArrayBuffer>>);
}

/** Reads a stream into a Blob (no async iteration: Safari's streams lack it). */
async function collect(stream: ReadableStream<Uint8Array<ArrayBuffer>>): Promise<Blob> {
  const reader = stream.getReader();
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    if (!(read.value instanceof Uint8Array)) {
      throw new ValidationError("file", "must be a ReadableStream of Uint8Array chunks");
    }
    chunks.push(read.value);
  }
  return new Blob(chunks);
}

function fileParams(faxId: string, format: unknown) {
  return format === undefined ? { fax_id: faxId } : { fax_id: faxId, format };
}

/** The caller's options object, read once (the request options among them are checked later). */
function optionFields(options: unknown): Record<string, unknown> {
  return options === undefined ? {} : readFields(options, "options");
}

function orEmptyBlob(result: WithResponse<Blob | undefined>): WithResponse<Blob> {
  // An answer with no body (204, Content-Length: 0) gives no data.
  return { data: result.data ?? new Blob([]), response: result.response };
}

function orEmptyStream(
  result: WithResponse<ReadableStream<Uint8Array> | null>,
): WithResponse<ReadableStream<Uint8Array>> {
  return { data: result.data ?? new Blob([]).stream(), response: result.response };
}

function isFile(blob: unknown): blob is File {
  return blob instanceof Blob && typeof (blob as Partial<File>).name === "string";
}

/**
 * The name, with an extension from the MIME type when it has none; `document.pdf` for bare bytes.
 * The type's parameters do not count: Bun types `new Blob([text], { type: "text/plain" })` as
 * `text/plain;charset=utf-8`.
 */
function withExtension(name: string, type: string): string {
  if (extensionOf(name)) return name;
  const essence = type.split(";")[0]?.trim().toLowerCase() ?? "";
  const extension = Object.keys(CONTENT_TYPES).find((ext) => CONTENT_TYPES[ext] === essence);
  if (extension) return `${name || "document"}.${extension}`;
  if (!name && !type) return "document.pdf";
  throw new ValidationError(
    "filename",
    `needs an extension such as .pdf (got ${JSON.stringify(name)})`,
  );
}

function extensionOf(filename: string): string {
  const match = /\.([^./\\]+)$/.exec(filename);
  return match?.[1]?.toLowerCase() ?? "";
}

// Uploads (multipart, one part named `fax_file`, streamed on every attempt) and binary downloads
// of fax files and reports, into memory or as a stream.
import { uploadFile } from "../../generated/operations.js";
import * as rules from "../../generated/rules.js";
import type { FileType } from "../../generated/types.js";
import type { FaxPlusCore } from "../core/client.js";
import {
  ConnectionError,
  FaxPlusError,
  UnexpectedResponseError,
  ValidationError,
} from "../core/errors.js";
import type { RequestOptions } from "../core/options.js";
import type { OperationRules } from "../core/rules.js";
import { checkQuery, readFields } from "../core/validate.js";
import { callOperation } from "../operations/operation.js";
import {
  apiPromise,
  streamAnswer,
  type ApiPromise,
  type WithResponse,
} from "../operations/response.js";

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

/** Per-call options of the in-memory downloads (`download`, `downloadReport`). */
export interface DownloadLimitOptions extends RequestOptions {
  /**
   * The most bytes an in-memory download takes (default {@link DEFAULT_DOWNLOAD_MAX_BYTES},
   * 100 MiB): a larger answer is refused with a {@link DownloadTooLargeError} as soon as its
   * `Content-Length` or the bytes received pass it. Streams (`downloadStream`) have no limit.
   */
  maxBytes?: number | undefined;
}

/** Per-call options of the downloads of a fax's document. */
export interface DownloadOptions extends DownloadLimitOptions {
  /** `pdf` or `tiff`; takes precedence over the Accept header. */
  format?: FileType | undefined;
}

/**
 * The default `maxBytes` of `download` and `downloadReport`: 100 MiB. A fax document is far
 * smaller (an upload takes at most 30 MB in all; a TIFF page is some tens of kB); the limit only
 * stops a broken or hostile server from filling the process's memory.
 */
export const DEFAULT_DOWNLOAD_MAX_BYTES = 104_857_600; // 100 MiB, a literal: droppable when unused

/**
 * An in-memory download whose answer is larger than its `maxBytes`: nothing more is read. Use
 * `downloadStream` (or the CLI's `download -o FILE`) for documents that large, or raise `maxBytes`.
 */
export class DownloadTooLargeError extends FaxPlusError {
  override name = "DownloadTooLargeError";
  /** The limit, in bytes. */
  declare readonly maxBytes: number;
  /** The bytes the answer announced (`Content-Length`) or had delivered when it was refused. */
  declare readonly received: number;

  constructor(what: string, maxBytes: number, received: number, announced: boolean) {
    super(
      `${what}: the answer ${announced ? "announces" : "passed"} ${received} bytes, more than ` +
        `maxBytes (${maxBytes}); use downloadStream to read a document this large, or raise maxBytes`,
    );
    this.maxBytes = maxBytes;
    this.received = received;
  }
}

/**
 * The formats the API converts, by lower-case extension, from the spec: the upload's `fax_file`
 * rule carries them as `x-accepted-formats` (an extension of our spec, from the vendor's fax
 * concepts page; see spec/README.md).
 */
function acceptedFormats(): ReadonlyMap<string, string> {
  const formats = rules.uploadFile.body.properties.fax_file["x-accepted-formats"];
  return (acceptedCache ??= new Map(formats.map((f) => [f.extension.toLowerCase(), f.mediaType])));
}
let acceptedCache: Map<string, string> | undefined;

/** The MIME type for a file name's extension, or undefined when it is not a known document type. */
export function contentTypeOf(filename: string): string | undefined {
  return acceptedFormats().get(extensionOf(filename));
}

/** What the first bytes of a document say it is. */
type Sniffed =
  | "PDF"
  | "TIFF"
  | "PNG"
  | "JPEG"
  | "ZIP (Office Open XML)"
  | "OLE (Office 97-2003)"
  | "RTF"
  | "text"
  | "a Windows executable"
  | "an ELF executable"
  | "a Mach-O executable"
  | "binary data";

/** The contents each extension may have (a .doc saved by Word as RTF is still a .doc). */
const EXPECTED: Record<string, readonly Sniffed[]> = {
  pdf: ["PDF"],
  tif: ["TIFF"],
  tiff: ["TIFF"],
  png: ["PNG"],
  jpg: ["JPEG"],
  jpeg: ["JPEG"],
  docx: ["ZIP (Office Open XML)"],
  xlsx: ["ZIP (Office Open XML)"],
  doc: ["OLE (Office 97-2003)", "RTF"],
  xls: ["OLE (Office 97-2003)"],
  rtf: ["RTF"],
  txt: ["text"],
};

/** How many bytes the check reads from the start of a document. */
const SNIFF_BYTES = 1024;

function startsWith(head: Uint8Array, ...bytes: number[]): boolean {
  return bytes.every((byte, i) => head[i] === byte);
}

/** What a document's first bytes say it is (PDF allows junk before `%PDF`, within 1 kB). */
export function sniff(head: Uint8Array): Sniffed {
  const ascii = String.fromCharCode(...head.subarray(0, SNIFF_BYTES));
  if (ascii.includes("%PDF-")) return "PDF";
  if (startsWith(head, 0x49, 0x49, 0x2a, 0) || startsWith(head, 0x4d, 0x4d, 0, 0x2a)) return "TIFF";
  if (startsWith(head, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "PNG";
  if (startsWith(head, 0xff, 0xd8, 0xff)) return "JPEG";
  if (startsWith(head, 0x50, 0x4b, 0x03, 0x04)) return "ZIP (Office Open XML)";
  if (startsWith(head, 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) {
    return "OLE (Office 97-2003)";
  }
  if (ascii.startsWith("{\\rtf")) return "RTF";
  if (startsWith(head, 0x4d, 0x5a)) return "a Windows executable";
  if (startsWith(head, 0x7f, 0x45, 0x4c, 0x46)) return "an ELF executable";
  if (
    startsWith(head, 0xcf, 0xfa, 0xed, 0xfe) ||
    startsWith(head, 0xce, 0xfa, 0xed, 0xfe) ||
    startsWith(head, 0xfe, 0xed, 0xfa, 0xcf) ||
    startsWith(head, 0xca, 0xfe, 0xba, 0xbe)
  ) {
    return "a Mach-O executable";
  }
  // Text: no NUL and no control character but tab, line breaks, form feed and escape.
  for (const byte of head) {
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c) {
      if (byte !== 0x1b) return "binary data";
    }
    if (byte === 0x7f) return "binary data";
  }
  return "text";
}

/**
 * Refuses, before anything is sent, a document the API would not convert: empty, of a format it
 * does not take, or whose first bytes contradict its name (an executable named `.pdf`).
 */
async function checkDocument(file: File): Promise<void> {
  const name = JSON.stringify(file.name);
  if (file.size === 0) throw new ValidationError("file", `${name} is empty (0 bytes)`);
  const extension = extensionOf(file.name);
  const expected = EXPECTED[extension];
  if (!acceptedFormats().has(extension) || !expected) {
    const list = [...acceptedFormats().keys()].join(", ");
    throw new ValidationError(
      "file",
      `${name}: .${extension} is not a format the API converts (${list})`,
    );
  }
  const head = new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer());
  const found = sniff(head);
  if (!expected.includes(found)) {
    throw new ValidationError(
      "file",
      `${name} does not hold what its name says: a .${extension} file must be ${expected.join(" or ")}, its first bytes are ${found}`,
    );
  }
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
      const { format, maxBytes, ...request } = optionFields(options);
      const limit = checkMaxBytes(maxBytes);
      const params = fileParams(faxId, format);
      return readLimited(
        await documentOf(client, rules.getFile, params, request),
        limit,
        `GET ${rules.getFile.path}`,
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
      return orEmptyStream(await documentOf(client, rules.getFile, params, request));
    })(),
  );
}

/** Downloads the confirmation report (PDF) of a fax into memory. */
export function downloadReport(
  client: FaxPlusCore,
  faxId: string,
  options?: DownloadLimitOptions,
): ApiPromise<Blob> {
  return apiPromise(
    (async () => {
      const { maxBytes, ...request } = optionFields(options);
      const limit = checkMaxBytes(maxBytes);
      return readLimited(
        await documentOf(client, rules.getFaxReport, { fax_id: faxId }, request),
        limit,
        `GET ${rules.getFaxReport.path}`,
      );
    })(),
  );
}

/** Downloads the confirmation report (PDF) of a fax as a stream; see {@link downloadStream}. */
export function downloadReportStream(
  client: FaxPlusCore,
  faxId: string,
  options?: RequestOptions,
): ApiPromise<ReadableStream<Uint8Array>> {
  return apiPromise(
    documentOf(client, rules.getFaxReport, { fax_id: faxId }, options).then(orEmptyStream),
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
  const file = new File([blob], name, { type: mime });
  await checkDocument(file);
  return file;
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

/**
 * The document an operation answers with (a fax's file, its report), its body handed on unread
 * under the call's deadline: `readLimited` gathers it, `orEmptyStream` passes it on.
 */
function documentOf(
  client: FaxPlusCore,
  operation: OperationRules,
  params: Record<string, unknown>,
  options: RequestOptions | undefined,
): Promise<WithResponse<ReadableStream<Uint8Array> | null>> {
  return callOperation(client, operation, params, options, streamAnswer);
}

function fileParams(faxId: string, format: unknown) {
  return format === undefined ? { fax_id: faxId } : { fax_id: faxId, format };
}

/** The caller's options object, read once (the request options among them are checked later). */
function optionFields(options: unknown): Record<string, unknown> {
  return options === undefined ? {} : readFields(options, "options");
}

/** A body that failed mid-read is a ConnectionError; the SDK's own errors and aborts stay as is. */
function cutShort(error: unknown, what: string, response: Response): unknown {
  if (error instanceof FaxPlusError) return error;
  if (error instanceof DOMException && error.name === "AbortError") return error;
  const url = response.url.split("?")[0] ?? "";
  const code = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return new ConnectionError(
    `${what}: the response body was cut short after it began (${error instanceof Error ? error.message : String(error)})`,
    {
      method: "GET",
      url,
      code: typeof code === "string" ? code : undefined,
      mayHaveBeenProcessed: false,
    },
    { cause: error },
  );
}

function checkMaxBytes(value: unknown): number {
  if (value === undefined) return DEFAULT_DOWNLOAD_MAX_BYTES;
  if (typeof value === "number" && Number.isSafeInteger(value) && value > 0) return value;
  throw new ValidationError("maxBytes", "must be a positive whole number of bytes");
}

/** Bytes gathered into a Blob of their own before the next part starts (bounds the spare copy). */
const PART_BYTES = 1_048_576; // 1 MiB

/**
 * Reads a download's body into one Blob, keeping at most one copy of the document: the chunks are
 * moved into Blob parts of about 1 MiB as they arrive (a Blob made of Blobs refers to them, it
 * does not copy them), so the chunks are freed as the download goes. An answer past `maxBytes`
 * (announced by `Content-Length`, or counted as it arrives) is cancelled and refused.
 */
async function readLimited(
  result: WithResponse<ReadableStream<Uint8Array> | null>,
  maxBytes: number,
  what: string,
): Promise<WithResponse<Blob>> {
  const { data: body, response } = result;
  const type = response.headers.get("content-type") ?? "";
  // An answer with no body (204, Content-Length: 0) gives no data.
  if (!body) return { data: new Blob([], { type }), response };
  const announced = Number(response.headers.get("content-length") ?? Number.NaN);
  if (announced > maxBytes) {
    body.cancel().catch(() => {});
    throw new DownloadTooLargeError(what, maxBytes, announced, true);
  }
  const reader = body.getReader();
  const parts: Blob[] = [];
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let received = 0;
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      received += read.value.byteLength;
      if (received > maxBytes) {
        reader.cancel().catch(() => {});
        throw new DownloadTooLargeError(what, maxBytes, received, false);
      }
      pending.push(read.value);
      pendingBytes += read.value.byteLength;
      if (pendingBytes >= PART_BYTES) {
        parts.push(new Blob(pending as Uint8Array<ArrayBuffer>[]));
        pending = [];
        pendingBytes = 0;
      }
    }
  } catch (error) {
    throw cutShort(error, what, response);
  } finally {
    reader.releaseLock();
  }
  if (pendingBytes) parts.push(new Blob(pending as Uint8Array<ArrayBuffer>[]));
  return { data: new Blob(parts, { type }), response };
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
  // A type's parameters do not matter (Bun types a text Blob "text/plain;charset=utf-8").
  const essence = type.split(";")[0]?.trim().toLowerCase() ?? "";
  const extension = [...acceptedFormats()].find(([, mediaType]) => mediaType === essence)?.[0];
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

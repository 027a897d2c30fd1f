// Uploads (multipart, one part named `fax_file`) and binary downloads of fax files and reports.
import type { components } from "../generated/schema.js";
import * as rules from "../generated/rules.js";
import { checkQuery } from "./validate.js";
import type { FaxPlus, RequestOptions } from "./client.js";
import { unwrap, ValidationError } from "./errors.js";

/** Format of a fax document: `pdf` or `tiff`. */
export type FileType = components["schemas"]["FileType"];

/**
 * A document to upload. A `File` keeps its name. A `ReadableStream` is read into memory first
 * (FormData needs a Blob), so prefer a Blob or, on Node, `fromPath` from `faxplus-unofficial/node`,
 * whose File is read lazily from disk.
 */
export type UploadInput = Blob | Uint8Array | ArrayBuffer | ReadableStream<Uint8Array>;

export interface UploadOptions extends RequestOptions {
  /** The `format` query parameter (presumably the stored format; its effect is unconfirmed). */
  format?: FileType;
  /**
   * File name of the part, with an extension: it tells the API the document type. Default: the
   * File's name, else `document.<ext>` from the Blob's type, else `document.pdf`.
   */
  filename?: string;
}

export interface DownloadOptions extends RequestOptions {
  /** `pdf` or `tiff`; takes precedence over the Accept header. */
  format?: FileType;
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
  return CONTENT_TYPES[extensionOf(filename)];
}

/**
 * Uploads one document and returns its `path`, for the `files` of a send.
 * @throws ValidationError for an input that is not a document or a name without an extension
 */
export async function upload(
  fax: FaxPlus,
  input: UploadInput,
  options: UploadOptions = {},
): Promise<string> {
  checkQuery(rules.uploadFile, { format: options.format });
  const file = await toBlob(input);
  const name = options.filename || (isFile(file) ? file.name : "");
  const filename = withExtension(name, file.type);
  const type = file.type || contentTypeOf(filename) || "application/octet-stream";
  // Re-wrapping a Blob references its data (no copy), and keeps a file-backed Blob lazy.
  const part = file.type === type ? file : new Blob([file], { type });
  const form = new FormData();
  form.append("fax_file", part, filename);

  const result = await fax.api.POST("/accounts/{user_id}/files", {
    params: { path: { user_id: fax.userId }, query: formatQuery(options.format) },
    body: { fax_file: part },
    bodySerializer: () => form,
    fetch: fax.fetchWith(options, form),
    // Following a redirect needs a copy of the body: undici keeps the whole upload in memory.
    redirect: "error",
  });
  return unwrap(result, "POST", "/accounts/{user_id}/files").path;
}

/**
 * Uploads every non-string entry, one after the other, and returns the paths in input order;
 * strings are kept as they are (paths of earlier uploads).
 */
export async function resolveFiles(
  fax: FaxPlus,
  files: readonly (string | UploadInput)[],
  options?: RequestOptions,
): Promise<string[]> {
  const paths: string[] = [];
  for (const file of files) {
    paths.push(typeof file === "string" ? file : await upload(fax, file, options));
  }
  return paths;
}

/** Downloads the document of a fax (PDF or TIFF) into memory. */
export async function download(
  fax: FaxPlus,
  faxId: string,
  options: DownloadOptions = {},
): Promise<Blob> {
  checkQuery(rules.getFile, { format: options.format });
  const result = await fax.api.GET("/accounts/{user_id}/files/{fax_id}", {
    params: { path: { user_id: fax.userId, fax_id: faxId }, query: formatQuery(options.format) },
    parseAs: "blob",
    fetch: fax.fetchWith(options),
  });
  // openapi-fetch gives no data for a response with Content-Length: 0.
  return unwrap(result, "GET", "/accounts/{user_id}/files/{fax_id}") ?? new Blob([]);
}

/**
 * Downloads the document of a fax as a stream, without buffering it. The per-attempt `timeout`
 * also covers reading the stream: read it to the end (or cancel it) within that time.
 */
export async function downloadStream(
  fax: FaxPlus,
  faxId: string,
  options: DownloadOptions = {},
): Promise<ReadableStream<Uint8Array>> {
  checkQuery(rules.getFile, { format: options.format });
  const result = await fax.api.GET("/accounts/{user_id}/files/{fax_id}", {
    params: { path: { user_id: fax.userId, fax_id: faxId }, query: formatQuery(options.format) },
    parseAs: "stream",
    fetch: fax.fetchWith(options),
  });
  return unwrap(result, "GET", "/accounts/{user_id}/files/{fax_id}") ?? new Blob([]).stream();
}

/** Downloads the confirmation report (PDF) of a fax into memory. */
export async function downloadReport(
  fax: FaxPlus,
  faxId: string,
  options?: RequestOptions,
): Promise<Blob> {
  const result = await fax.api.GET("/accounts/{user_id}/report/{fax_id}", {
    params: { path: { user_id: fax.userId, fax_id: faxId } },
    parseAs: "blob",
    fetch: fax.fetchWith(options),
  });
  return unwrap(result, "GET", "/accounts/{user_id}/report/{fax_id}") ?? new Blob([]);
}

/** Downloads the confirmation report (PDF) of a fax as a stream; see {@link downloadStream}. */
export async function downloadReportStream(
  fax: FaxPlus,
  faxId: string,
  options?: RequestOptions,
): Promise<ReadableStream<Uint8Array>> {
  const result = await fax.api.GET("/accounts/{user_id}/report/{fax_id}", {
    params: { path: { user_id: fax.userId, fax_id: faxId } },
    parseAs: "stream",
    fetch: fax.fetchWith(options),
  });
  return unwrap(result, "GET", "/accounts/{user_id}/report/{fax_id}") ?? new Blob([]).stream();
}

async function toBlob(input: UploadInput): Promise<Blob> {
  if (input instanceof Blob) return input;
  // The casts: lib.dom's BlobPart wants ArrayBuffer-backed views; Blob copies the bytes anyway.
  if (input instanceof ArrayBuffer || ArrayBuffer.isView(input)) {
    return new Blob([input as Uint8Array<ArrayBuffer>]);
  }
  if (typeof (input as Partial<ReadableStream>)?.getReader === "function") {
    return collect(input as ReadableStream<Uint8Array<ArrayBuffer>>);
  }
  throw new ValidationError(
    "file",
    "must be a Blob, File, Uint8Array, ArrayBuffer or ReadableStream of bytes",
  );
}

/** Reads a stream into a Blob (no async iteration: Safari's streams lack it). */
async function collect(stream: ReadableStream<Uint8Array<ArrayBuffer>>): Promise<Blob> {
  const reader = stream.getReader();
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    chunks.push(read.value);
  }
  return new Blob(chunks);
}

function isFile(blob: Blob): blob is File {
  return typeof (blob as Partial<File>).name === "string";
}

/** The name, with an extension from the MIME type when it has none; `document.pdf` for bare bytes. */
function withExtension(name: string, type: string): string {
  if (extensionOf(name)) return name;
  const extension = Object.keys(CONTENT_TYPES).find((ext) => CONTENT_TYPES[ext] === type);
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

function formatQuery(format: FileType | undefined): { format?: FileType } {
  return format === undefined ? {} : { format };
}

/**
 * Node entry: everything of the main entry, plus `fromPath` to upload files from disk.
 * @module faxplus-unofficial/node
 */
import { openAsBlob } from "node:fs";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
// From the main entry, not core/: the bundle of this entry imports the main one's classes.
import { ValidationError } from "./index.js";
import { contentTypeOf } from "./workflows/files.js";

export * from "./index.js";
export { fileLedger } from "./ledger-file.js";
export type { FileLedgerOptions } from "./ledger-file.js";

/**
 * A `File` for the document at `path`, named after its basename, with the MIME type of its
 * extension. Its content is read from disk only when an upload streams it.
 * Needs Node >= 19.8 (`fs.openAsBlob`).
 * @throws the `fs` error of a missing or unreadable file (`ENOENT`, `EACCES`), or a
 *   ValidationError for a directory
 * @example const path = await fax.upload(await fromPath("./contract.pdf"));
 */
export async function fromPath(path: string): Promise<File> {
  // openAsBlob's own errors do not say what is wrong ("Unable to open file as blob").
  if (!(await stat(path)).isFile()) throw new ValidationError("path", `${path} is not a file`);
  const name = basename(path);
  const type = contentTypeOf(name) ?? "";
  const blob = await openAsBlob(path, { type });
  // A File made from a Blob refers to the Blob's data, so this stays lazy.
  return new File([blob], name, { type });
}

/**
 * Node entry: everything of the main entry, plus `fromPath` to upload files from disk and
 * `toNodeHandler` to serve a webhook receiver with Node's `http` or Express.
 * @module faxplus-unofficial/node
 */
import { openAsBlob } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
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

/** A Node `http` request listener, which Express takes as a route handler too. */
export type NodeRequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Serves a Web-standard handler (such as `webhookHandler(...)`) to Node's `http` and to Express:
 * the request's body streams to it as it arrives (so its size limit stops reading early) and its
 * Response is written back. Mount it before any body parser; a body Express has already parsed
 * (`express.json()`, `express.raw()`, `express.text()`) is taken as it is.
 * @example
 * createServer(toNodeHandler(webhookHandler({ trust, on }))).listen(8080);
 * app.post("/faxplus/:secret", toNodeHandler(handler)); // Express
 */
export function toNodeHandler(
  handler: (request: Request) => Promise<Response>,
): NodeRequestListener {
  return (req, res) => {
    void serveNode(handler, req, res).catch(() => {
      // Writing the answer failed (the client left): nothing more to do than free the socket.
      res.destroy();
    });
  };
}

async function serveNode(
  handler: (request: Request) => Promise<Response>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const method = req.method ?? "GET";
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    try {
      for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
    } catch {
      // A header value Headers refuses is not one a callback needs.
    }
  }
  const parsed = (req as { body?: unknown }).body; // what a body parser of Express left
  const body = method === "GET" || method === "HEAD" ? undefined : bodyOf(req, parsed);
  const request = new Request(requestUrl(req), {
    method,
    headers,
    body: body ?? null,
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
  const response = await handler(request);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const out: Record<string, string> = {};
  response.headers.forEach((value, name) => (out[name] = value));
  // A body not read to its end (refused early): the connection cannot be reused.
  if (!req.complete) out.connection = "close";
  res.writeHead(response.status, { ...out, "content-length": String(bytes.byteLength) });
  res.end(bytes);
}

/** The request's absolute URL: its Host (when valid) and target, for checks of the path or query. */
function requestUrl(req: IncomingMessage): string {
  const target = req.url ?? "/";
  for (const base of [`http://${req.headers.host ?? "localhost"}`, "http://localhost"]) {
    try {
      return new URL(target.startsWith("/") ? `${base}${target}` : target).href;
    } catch {
      // next candidate
    }
  }
  return "http://localhost/";
}

/** The body: what a parser already read, or a stream of the request that pauses when not pulled. */
function bodyOf(req: IncomingMessage, parsed: unknown): BodyInit | undefined {
  if (req.readableEnded && parsed !== undefined) {
    if (typeof parsed === "string" || parsed instanceof Uint8Array) return parsed as BodyInit;
    return JSON.stringify(parsed);
  }
  if (req.readableEnded) return undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      req.pause();
      req.on("data", (chunk: Buffer) => {
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 0) <= 0) req.pause();
      });
      req.once("end", () => controller.close());
      req.once("error", (error) => controller.error(error));
      req.once("close", () => {
        if (!req.complete) controller.error(new Error("the client closed the request"));
      });
    },
    pull() {
      req.resume();
    },
    cancel() {
      req.pause();
      req.removeAllListeners("data");
    },
  });
}

// A real node:http server on 127.0.0.1 that keeps each request body as raw bytes (multipart
// needs them) and lets the test write the response itself (binary, chunked, held open).
import type { IncomingMessage, ServerResponse } from "node:http";
import { listen } from "../support/server.js";

export interface RawRequest {
  method: string;
  /** Path and query, without the `/v3` prefix. */
  url: string;
  headers: IncomingMessage["headers"];
  body: Buffer;
}

export interface RawServer {
  baseUrl: string;
  requests: RawRequest[];
  close(): Promise<void>;
}

export async function startRawServer(
  respond: (request: RawRequest, res: ServerResponse) => void | Promise<void>,
): Promise<RawServer> {
  const requests: RawRequest[] = [];
  const server = await listen(async (req, body, res) => {
    const request = {
      method: req.method ?? "",
      url: (req.url ?? "").replace(/^\/v3/, ""),
      headers: req.headers,
      body,
    };
    requests.push(request);
    await respond(request, res);
  });
  return { baseUrl: server.baseUrl, requests, close: server.close };
}

export interface Part {
  /** The raw part headers, e.g. `Content-Disposition: form-data; name="fax_file"; filename="a.pdf"`. */
  headers: string;
  name: string | undefined;
  filename: string | undefined;
  contentType: string | undefined;
  data: Buffer;
}

/** Splits a multipart/form-data body into its parts, by hand, to see exactly what was sent. */
export function parseMultipart(request: RawRequest): Part[] {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(request.headers["content-type"] ?? "");
  if (!boundary) throw new Error(`not multipart: ${request.headers["content-type"]}`);
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const parts: Part[] = [];
  let start = request.body.indexOf(delimiter);
  for (;;) {
    const next = request.body.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    // Each part: CRLF, headers, CRLF CRLF, data, CRLF, then the next delimiter.
    const part = request.body.subarray(start + delimiter.length + 2, next - 2);
    const split = part.indexOf("\r\n\r\n");
    const headers = part.subarray(0, split).toString("utf8");
    parts.push({
      headers,
      name: /; name="([^"]*)"/.exec(headers)?.[1],
      filename: /filename="([^"]*)"/.exec(headers)?.[1],
      contentType: /^content-type: *(.+)$/im.exec(headers)?.[1]?.trim(),
      data: Buffer.from(part.subarray(split + 4)),
    });
    start = next;
  }
  return parts;
}

// The one recording HTTP server of the tests: a real node:http server on 127.0.0.1 that records
// every request it receives as a `SeenRequest` and lets each test answer, either with a `Reply`
// (status, JSON, headers, delay) or by writing the node response itself (binary bodies, stalls,
// resets).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A request as the server saw it. */
export interface SeenRequest {
  method: string;
  /** As received, e.g. `/v3/accounts/self/outbox/f1?x=1`. */
  url: string;
  /** `url` without the `/v3` of the API root, e.g. `/accounts/self/outbox/f1?x=1`. */
  path: string;
  headers: IncomingMessage["headers"];
  /** The raw body (multipart needs the bytes). */
  body: Buffer;
  /** The body as UTF-8 text ("" when empty). */
  text: string;
  /** The body parsed as JSON when its content type says JSON, else undefined. */
  json: unknown;
}

/** An answer: status (default 200), a JSON body, headers, and a delay before it is sent. */
export interface Reply {
  status?: number;
  json?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
}

/**
 * Answers a request: return a `Reply`, or write to `res` yourself and return nothing (or never
 * answer, to make the client time out).
 */
export type Handler = (
  request: SeenRequest,
  res: ServerResponse,
) => Reply | void | Promise<Reply | void>;

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** `origin + "/v3"`, like the real API root. */
  baseUrl: string;
  port: number;
  /** Every request received, in order. */
  readonly requests: SeenRequest[];
  /** The highest number of requests handled at the same time. */
  readonly maxInFlight: number;
  close(): Promise<void>;
}

/** Starts a recording server on 127.0.0.1 (a random port unless `port` is given). */
export async function startServer(handler: Handler, port = 0): Promise<TestServer> {
  const requests: SeenRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const text = body.toString("utf8");
    const url = req.url ?? "";
    const seen: SeenRequest = {
      method: req.method ?? "",
      url,
      path: url.replace(/^\/v3/, ""),
      headers: req.headers,
      body,
      text,
      json: text && req.headers["content-type"]?.includes("json") ? JSON.parse(text) : undefined,
    };
    requests.push(seen);
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    try {
      const answer = await handler(seen, res);
      if (answer && !res.headersSent && !res.destroyed) {
        if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
        reply(res, answer.status ?? 200, answer.json, answer.headers);
      }
    } finally {
      inFlight--;
    }
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const bound = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${bound}`;
  return {
    origin,
    baseUrl: `${origin}/v3`,
    port: bound,
    requests,
    get maxInFlight() {
      return maxInFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers with a status, an optional JSON body and headers. */
export function reply(
  res: ServerResponse,
  status: number,
  json?: unknown,
  headers: Record<string, string> = {},
): void {
  const body = json === undefined ? "" : JSON.stringify(json);
  res.writeHead(status, { ...(body ? { "content-type": "application/json" } : {}), ...headers });
  res.end(body);
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = await startServer(() => {});
  await server.close();
  return server.port;
}

/** The error `promise` rejects with; throws when it resolves. */
export async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

/** One part of a multipart/form-data body. */
export interface Part {
  /** The raw part headers, e.g. `Content-Disposition: form-data; name="fax_file"; filename="a.pdf"`. */
  headers: string;
  name: string | undefined;
  filename: string | undefined;
  contentType: string | undefined;
  data: Buffer;
}

/** Splits a multipart/form-data body into its parts, by hand, to see exactly what was sent. */
export function parseMultipart(request: SeenRequest): Part[] {
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

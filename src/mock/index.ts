/**
 * An in-memory Fax.Plus API for tests and demos (Node only). Start with `startMockServer`.
 * @module faxplus-unofficial/mock
 */
// Each server has its own state; see routes.ts for the operations and state.ts for the seed data.
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { type CallbackOptions, type IncomingFax, MockCallbacks } from "./callbacks.js";
import { MAX_NESTING, nestedDeeperThan, readBody } from "./request-body.js";
import { Faults, type FaultOptions } from "./faults.js";
import { checkQuery, errorBody, HttpError, type Reply, type RouteMatch, Router } from "./routes.js";
import { type Fax, MockState, type StateOptions } from "./state.js";

export { pdfDocument, tiffDocument } from "./documents.js";
export { defaultStateLimits, MockState, seeds } from "./state.js";
export type { StateOptions } from "./state.js";
export { defaultCallbackOptions } from "./callbacks.js";
export type { CallbackAttempt, CallbackOptions, IncomingFax, MockCallbacks } from "./callbacks.js";
export type { FaultOptions, Faults } from "./faults.js";
export type { Reply } from "./routes.js";
export type { Account, Fax, FaxNumber, Outbox, OutboxJob, StoredFile, Webhook } from "./state.js";
export type { FaxPageResult, FaxQuery, FaxStore, FileStore, OutboxStore, Sized } from "./stores.js";

export interface MockServerOptions extends StateOptions, CallbackOptions, FaultOptions {
  /** Accept only this bearer token (default: any non-empty token). */
  token?: string;
  /** Delay before every answer, in ms (default 0); also settable later as `server.latencyMs`. */
  latencyMs?: number;
  /** Port on 127.0.0.1 (default 0: a free one). */
  port?: number;
  /**
   * Largest request body other than an upload, in bytes (default 1 MiB); a larger one is answered
   * 413 without being read to its end. JSON payloads of the API are a few kilobytes.
   */
  maxBodyBytes?: number;
  /**
   * Largest upload (the whole multipart body of `uploadFile`), in bytes (default 32 MiB, enough
   * for any document a test needs; the API takes up to 150 MB per fax, an older page said 30 MB);
   * a larger one is answered 413 without being read to its end.
   */
  maxUploadBytes?: number;
  /**
   * How many requests `server.requests` keeps, the latest (default 1,000; 0 keeps none). A
   * long-running mock (`faxplus mock`) would otherwise keep every request, with its body, forever.
   */
  maxRecordedRequests?: number;
}

/** The defaults of the body limits of {@link MockServerOptions}. */
export const defaultBodyLimits = {
  maxBodyBytes: 1024 * 1024,
  maxUploadBytes: 32 * 1024 * 1024,
} as const;

/** The default of {@link MockServerOptions.maxRecordedRequests}. */
export const defaultMaxRecordedRequests = 1_000;

/** One request as the mock received it (nothing redacted: keep it out of logs). */
export interface RecordedRequest {
  method: string;
  /** The path relative to `baseUrl`, e.g. `/accounts/self/outbox`. */
  path: string;
  query: Record<string, string>;
  /** The operation it was routed to, if any. */
  operationId: string | undefined;
  headers: IncomingHttpHeaders;
  /**
   * Parsed JSON, the raw bytes of any other body (or of JSON nested too deep to parse; of a stored
   * upload, the stored file's bytes, the same object as in `state.files`), or undefined when empty
   * or not read: the body of a request without a valid token, or over the size limit, is never
   * read.
   */
  body: unknown;
}

export interface FailOptions {
  /** `Retry-After` header value (seconds or an HTTP date). */
  retryAfter?: number | string;
  /** Body to answer instead of `{error, description}`. */
  body?: unknown;
}

/** What became of a request's body. */
type ReceivedBody =
  | { kind: "unread" }
  | { kind: "too_large"; limit: number }
  | { kind: "too_deep"; raw: Uint8Array }
  | { kind: "invalid_json"; raw: Uint8Array }
  | { kind: "read"; raw: Uint8Array; json: unknown };

const BASE_PATH = "/v3";
const CORS = {
  "access-control-allow-origin": "*",
  "access-control-expose-headers": "content-disposition, retry-after",
};
const PREFLIGHT = {
  "access-control-allow-methods": "GET, PUT, POST, DELETE",
  "access-control-allow-headers": "authorization, content-type, x-fax-clientid",
  "access-control-max-age": "600",
};

/** Starts a mock server on 127.0.0.1; its `baseUrl` ends in `/v3` like the real API's. */
export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const server = new MockServer(options);
  await server.listen(options.port ?? 0);
  return server;
}

export class MockServer {
  /** `http://127.0.0.1:<port>/v3`. */
  baseUrl = "";
  /** The store behind this server: inspect or change it directly in tests. */
  readonly state: MockState;
  /** The latest requests received (at most `maxRecordedRequests`), oldest first. */
  readonly requests: RecordedRequest[] = [];
  /** How many requests `requests` keeps (0: none). */
  readonly maxRecordedRequests: number;
  /** Delay before every answer, in ms. */
  latencyMs: number;
  /** Largest request body other than an upload, in bytes. */
  readonly maxBodyBytes: number;
  /** Largest upload body, in bytes. */
  readonly maxUploadBytes: number;
  /**
   * The webhook callbacks: the mock POSTs `fax_sent` and `fax_received` to the loopback targets
   * of hooks registered through the API. `attempts` records each delivery attempt.
   */
  readonly callbacks: MockCallbacks;
  /** Lost answers and the outbox listing's delay (see {@link FaultOptions}). */
  readonly faultInjection: Faults;
  private readonly token: string | undefined;
  private readonly faults: { status: number; options: FailOptions }[] = [];
  private corrupt: ((body: unknown) => unknown) | undefined;
  private readonly http: Server;
  private readonly router = new Router();

  constructor(options: MockServerOptions = {}) {
    this.state = new MockState(options);
    this.maxRecordedRequests = options.maxRecordedRequests ?? defaultMaxRecordedRequests;
    if (!Number.isInteger(this.maxRecordedRequests) || this.maxRecordedRequests < 0) {
      const got = String(options.maxRecordedRequests);
      throw new RangeError(`maxRecordedRequests must be a whole number, at least 0 (got ${got})`);
    }
    this.faultInjection = new Faults(options);
    this.token = options.token;
    this.latencyMs = options.latencyMs ?? 0;
    this.maxBodyBytes = byteLimit(options, "maxBodyBytes");
    this.maxUploadBytes = byteLimit(options, "maxUploadBytes");
    this.callbacks = new MockCallbacks(this.state, options);
    this.http = createServer((req, res) => void this.serve(req, res));
    // `Expect: 100-continue`: only a request with a valid token is invited to send its body.
    this.http.on("checkContinue", (req: IncomingMessage, res: ServerResponse) => {
      if (this.authorized(req.headers.authorization)) res.writeContinue();
      void this.serve(req, res);
    });
  }

  /** The next `count` requests (preflights excepted) answer `status`, before auth and routing. */
  failNext(count: number, status: number, options: FailOptions = {}): void {
    for (let i = 0; i < count; i++) this.faults.push({ status, options });
  }

  /** Test-only: the next answer's JSON body (undefined if none) is replaced by `transform(body)`. */
  corruptNextResponse(transform: (body: unknown) => unknown): void {
    this.corrupt = transform;
  }

  /**
   * A fax arrives now: its record is stored (incoming, owned by the number's owner) and
   * `fax_received` is POSTed to the hooks of that event.
   */
  receiveFax(fax: IncomingFax = {}): Fax {
    return this.callbacks.receiveFax(fax);
  }

  /** Stops listening, drops open connections and pending callbacks. */
  close(): Promise<void> {
    this.callbacks.close();
    return new Promise((resolve, reject) => {
      this.http.close((error) => (error ? reject(error) : resolve()));
      this.http.closeAllConnections();
    });
  }

  /** @internal */
  listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.http.once("error", reject);
      this.http.listen(port, "127.0.0.1", () => {
        const address = this.http.address() as AddressInfo;
        this.baseUrl = `http://127.0.0.1:${address.port}${BASE_PATH}`;
        resolve();
      });
    });
  }

  /**
   * Answers one request. Nothing escapes: a failure of the mock itself is a 500 answer (never a
   * crash), and a client gone before its answer gets none.
   */
  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let reply: Reply;
    try {
      reply = await this.answer(req);
    } catch (error) {
      if (req.destroyed && !req.complete) return; // the client left before its body ended
      reply = mockFailure(error);
    }
    const path = (parseTarget(req.url ?? "/")?.pathname ?? "").slice(BASE_PATH.length);
    if (this.faultInjection.loses(req.method ?? "GET", path, reply)) {
      res.destroy(); // the fax is queued; its answer is lost
      return;
    }
    reply = this.faultInjection.listing(req.method ?? "GET", path, reply, this.state);
    try {
      writeReply(res, reply, !req.complete);
    } catch (error) {
      // An answer that cannot be written (a JSON body JSON.stringify refuses, a header value
      // with a line break from a test hook) is the mock's failure too.
      try {
        if (!res.headersSent) writeReply(res, mockFailure(error), !req.complete);
        else res.destroy();
      } catch {
        res.destroy();
      }
    }
  }

  /**
   * Records the request, then answers it: preflight, latency, faults, auth, routing, the body's
   * size and nesting, the operation. The body of a request without a valid token is not read.
   */
  private async answer(req: IncomingMessage): Promise<Reply> {
    const method = req.method ?? "GET";
    const target = req.url ?? "/";
    const url = parseTarget(target);
    const pathname = url?.pathname ?? target;
    const inBase =
      url !== undefined && (pathname === BASE_PATH || pathname.startsWith(`${BASE_PATH}/`));
    const path = inBase ? pathname.slice(BASE_PATH.length) || "/" : pathname;
    const match: RouteMatch = inBase ? this.router.match(method, path) : { status: 404 };
    const route = "route" in match ? match.route : undefined;
    const authorized = this.authorized(req.headers.authorization);
    const preflight = method === "OPTIONS";
    const body: ReceivedBody =
      authorized && !preflight
        ? await this.receive(req, route?.operation.bodyType === "multipart")
        : { kind: "unread" };
    const record: RecordedRequest = {
      method,
      path,
      query: url ? Object.fromEntries(url.searchParams) : {},
      operationId: route?.operation.id,
      headers: req.headers,
      body: recorded(body),
    };
    this.record(record);
    if (preflight) return { status: 204, headers: PREFLIGHT };
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const reply = await this.dispatch({
      method,
      url,
      headers: req.headers,
      match,
      body,
      authorized,
    });
    if (reply.recordedBody) record.body = reply.recordedBody;
    this.callbacks.wake(); // a fax sent or a hook registered: callbacks may be due
    const corrupt = this.corrupt;
    this.corrupt = undefined;
    return corrupt ? { ...reply, json: corrupt(reply.json) } : reply;
  }

  /** Keeps a request in `requests`, dropping the oldest past `maxRecordedRequests`. */
  private record(request: RecordedRequest): void {
    if (this.maxRecordedRequests === 0) return;
    this.requests.push(request);
    const over = this.requests.length - this.maxRecordedRequests;
    if (over > 0) this.requests.splice(0, over);
  }

  /** Reads the body within its limit and, when it says it is JSON, checks its nesting and parses it. */
  private async receive(req: IncomingMessage, upload: boolean): Promise<ReceivedBody> {
    const limit = upload ? this.maxUploadBytes : this.maxBodyBytes;
    const raw = await readBody(req, limit);
    if (!raw) return { kind: "too_large", limit };
    if (raw.length === 0 || !req.headers["content-type"]?.includes("json")) {
      return { kind: "read", raw, json: undefined };
    }
    if (nestedDeeperThan(raw, MAX_NESTING)) return { kind: "too_deep", raw };
    try {
      return { kind: "read", raw, json: JSON.parse(Buffer.from(raw).toString("utf8")) };
    } catch {
      return { kind: "invalid_json", raw };
    }
  }

  private async dispatch(request: {
    method: string;
    url: URL | undefined;
    headers: IncomingHttpHeaders;
    match: RouteMatch;
    body: ReceivedBody;
    authorized: boolean;
  }): Promise<Reply> {
    const { method, url, headers, match, body } = request;
    const fault = this.faults.shift();
    if (fault) return faultReply(fault.status, fault.options);
    if (!request.authorized) {
      const description = "a valid `Authorization: Bearer <token>` header is required";
      return {
        status: 401,
        headers: { "www-authenticate": "Bearer" },
        json: errorBody("unauthorized", description),
      };
    }
    if (!url) return failure(400, "invalid_request", "the request target is not a valid URL");
    if (match.status === 404) return failure(404, "not_found", `no operation at ${url.pathname}`);
    if (match.status === 405) {
      const description = `${method} is not allowed here`;
      return {
        status: 405,
        headers: { allow: match.allow },
        json: errorBody("method_not_allowed", description),
      };
    }
    switch (body.kind) {
      case "unread":
        throw new Error("an authorized request's body was not read");
      case "too_large":
        return failure(413, "payload_too_large", `the body is larger than ${body.limit} bytes`);
      case "too_deep":
        return failure(400, "invalid_json", `the body is nested deeper than ${MAX_NESTING} levels`);
      case "invalid_json":
        return failure(400, "invalid_json", "the body is not valid JSON");
    }
    this.state.advance();
    try {
      const context = {
        state: this.state,
        operation: match.route.operation,
        params: match.params,
        query: url.searchParams,
        headers,
        body: body.json,
        raw: body.raw,
      };
      checkQuery(context);
      return await match.route.handle(context);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      return failure(error.status, error.code, error.message);
    }
  }

  private authorized(header: string | undefined): boolean {
    if (header === undefined || header.slice(0, 7).toLowerCase() !== "bearer ") return false;
    const token = header.slice(7);
    if (token === "" || /\s/.test(token)) return false;
    return this.token === undefined || token === this.token;
  }
}

/** Writes a reply; `close` (a body not read to its end) ends the connection after it. */
function writeReply(res: ServerResponse, reply: Reply, close: boolean): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string> = { ...CORS, ...reply.headers };
  if (close) headers.connection = "close";
  if (reply.json !== undefined) {
    const text = JSON.stringify(reply.json);
    const length = String(Buffer.byteLength(text));
    res.writeHead(reply.status, {
      ...headers,
      "content-type": "application/json",
      "content-length": length,
    });
    res.end(text);
  } else {
    // Downloads carry their length, like the API's (clients show progress with it).
    const length = reply.bytes ? { "content-length": String(reply.bytes.byteLength) } : {};
    res.writeHead(reply.status, { ...headers, ...length });
    res.end(reply.bytes);
  }
}

/** A request target as a URL: `/path?query` (even `//x`), or an absolute URL; else undefined. */
function parseTarget(target: string): URL | undefined {
  try {
    return new URL(target.startsWith("/") ? `http://mock${target}` : target);
  } catch {
    return undefined;
  }
}

/** What `requests` keeps of a body. */
function recorded(body: ReceivedBody): unknown {
  switch (body.kind) {
    case "unread":
    case "too_large":
      return undefined;
    case "read":
      return body.json !== undefined ? body.json : body.raw.length ? body.raw : undefined;
    default:
      return body.raw;
  }
}

function byteLimit(options: MockServerOptions, name: keyof typeof defaultBodyLimits): number {
  const value = options[name] ?? defaultBodyLimits[name];
  if (typeof value !== "number" || !(value >= 0)) {
    throw new RangeError(`${name} must be a number of bytes, at least 0 (got ${String(value)})`);
  }
  return value;
}

function mockFailure(error: unknown): Reply {
  const reason = error instanceof Error ? error.message : String(error);
  return failure(500, "internal_server_error", `mock failure: ${reason}`);
}

function failure(status: number, error: string, description: string): Reply {
  return { status, json: errorBody(error, description) };
}

function faultReply(status: number, options: FailOptions): Reply {
  const headers: Record<string, string> =
    options.retryAfter === undefined ? {} : { "retry-after": String(options.retryAfter) };
  const json =
    options.body ??
    errorBody(status === 429 ? "too_many_requests" : "injected_failure", `injected ${status}`);
  return { status, headers, json };
}

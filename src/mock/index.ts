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
} from "node:http";
import type { AddressInfo } from "node:net";
import { HttpError, matchRoute, type Reply, type RouteMatch } from "./routes.js";
import { MockState, type StateOptions } from "./state.js";

export { pdfDocument, tiffDocument } from "./documents.js";
export { MockState, seeds } from "./state.js";
export type { StateOptions } from "./state.js";
export type { Account, Fax, FaxNumber, Outbox, OutboxJob, StoredFile, Webhook } from "./state.js";

export interface MockServerOptions extends StateOptions {
  /** Accept only this bearer token (default: any non-empty token). */
  token?: string;
  /** Delay before every answer, in ms (default 0); also settable later as `server.latencyMs`. */
  latencyMs?: number;
  /** Port on 127.0.0.1 (default 0: a free one). */
  port?: number;
}

/** One request as the mock received it (nothing redacted: keep it out of logs). */
export interface RecordedRequest {
  method: string;
  /** The path relative to `baseUrl`, e.g. `/accounts/self/outbox`. */
  path: string;
  query: Record<string, string>;
  /** The operation it was routed to, if any. */
  operationId: string | undefined;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, the raw bytes of any other body, or undefined when empty. */
  body: unknown;
}

export interface FailOptions {
  /** `Retry-After` header value (seconds or an HTTP date). */
  retryAfter?: number | string;
  /** Body to answer instead of `{error, description}`. */
  body?: unknown;
}

/** A received request, parsed once. */
interface Incoming {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  match: RouteMatch;
  json: { ok: true; value: unknown } | { ok: false };
  raw: Uint8Array;
}

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
  /** Every request received, in order. */
  readonly requests: RecordedRequest[] = [];
  /** Delay before every answer, in ms. */
  latencyMs: number;
  private readonly token: string | undefined;
  private readonly faults: { status: number; options: FailOptions }[] = [];
  private corrupt: ((body: unknown) => unknown) | undefined;
  private readonly http: Server;

  constructor(options: MockServerOptions = {}) {
    this.state = new MockState(options);
    this.token = options.token;
    this.latencyMs = options.latencyMs ?? 0;
    this.http = createServer((req, res) => {
      this.answer(req)
        .catch((): Reply => ({
          status: 500,
          json: errorBody("internal_server_error", "mock failure"),
        }))
        .then((reply) => {
          const headers = { ...CORS, ...reply.headers };
          if (reply.json !== undefined) {
            res.writeHead(reply.status, { ...headers, "content-type": "application/json" });
            res.end(JSON.stringify(reply.json));
          } else {
            // Downloads carry their length, like the API's (clients show progress with it).
            const length = reply.bytes ? { "content-length": String(reply.bytes.byteLength) } : {};
            res.writeHead(reply.status, { ...headers, ...length });
            res.end(reply.bytes);
          }
        });
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

  /** Stops listening and drops open connections. */
  close(): Promise<void> {
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

  /** Records the request, then answers it: preflight, latency, faults, auth, the operation. */
  private async answer(req: IncomingMessage): Promise<Reply> {
    const request = await this.receive(req);
    if (request.method === "OPTIONS") return { status: 204, headers: PREFLIGHT };
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const reply = await this.dispatch(request);
    const corrupt = this.corrupt;
    this.corrupt = undefined;
    return corrupt ? { ...reply, json: corrupt(reply.json) } : reply;
  }

  private async receive(req: IncomingMessage): Promise<Incoming> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? "/", "http://mock");
    const method = req.method ?? "GET";
    const inBase = url.pathname === BASE_PATH || url.pathname.startsWith(`${BASE_PATH}/`);
    const path = inBase ? url.pathname.slice(BASE_PATH.length) || "/" : url.pathname;
    const match = inBase ? matchRoute(method, path) : ({ status: 404 } as const);
    const json = parseJson(req.headers["content-type"], raw);
    this.requests.push({
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      operationId: "route" in match ? match.route.operationId : undefined,
      headers: req.headers,
      body: json.ok && json.value !== undefined ? json.value : raw.length ? raw : undefined,
    });
    return { method, url, headers: req.headers, match, json, raw };
  }

  private async dispatch({ method, url, headers, match, json, raw }: Incoming): Promise<Reply> {
    const fault = this.faults.shift();
    if (fault) return faultReply(fault.status, fault.options);
    if (!this.authorized(headers.authorization)) {
      const description = "a valid `Authorization: Bearer <token>` header is required";
      return {
        status: 401,
        headers: { "www-authenticate": "Bearer" },
        json: errorBody("unauthorized", description),
      };
    }
    if (match.status === 404) {
      return { status: 404, json: errorBody("not_found", `no operation at ${url.pathname}`) };
    }
    if (match.status === 405) {
      const description = `${method} is not allowed here`;
      return {
        status: 405,
        headers: { allow: match.allow },
        json: errorBody("method_not_allowed", description),
      };
    }
    if (!json.ok)
      return { status: 400, json: errorBody("invalid_json", "the body is not valid JSON") };
    this.state.advance();
    try {
      return await match.route.handle({
        state: this.state,
        params: match.params,
        query: url.searchParams,
        headers,
        body: json.value,
        raw,
      });
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      return { status: error.status, json: errorBody(error.code, error.message) };
    }
  }

  private authorized(header: string | undefined): boolean {
    const token = /^Bearer (\S+)$/i.exec(header ?? "")?.[1];
    return token !== undefined && (this.token === undefined || token === this.token);
  }
}

function errorBody(error: string, description: string) {
  return { error, description };
}

function faultReply(status: number, options: FailOptions): Reply {
  const headers: Record<string, string> =
    options.retryAfter === undefined ? {} : { "retry-after": String(options.retryAfter) };
  const json =
    options.body ??
    errorBody(status === 429 ? "too_many_requests" : "injected_failure", `injected ${status}`);
  return { status, headers, json };
}

async function readBody(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** JSON bodies are parsed; other bodies are left to the handler (undefined here). */
function parseJson(
  type: string | undefined,
  raw: Uint8Array,
): { ok: true; value: unknown } | { ok: false } {
  if (raw.length === 0 || !type?.includes("json")) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(Buffer.from(raw).toString("utf8")) };
  } catch {
    return { ok: false };
  }
}

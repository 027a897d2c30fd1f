// Real HTTP servers on 127.0.0.1 for tests: `listen` is the core that test/client/harness.ts and
// test/files/raw-server.ts build on; `startServer` records requests and answers with `Reply`s.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Listening {
  /** http://127.0.0.1:PORT */
  origin: string;
  /** origin + "/v3", like the real API root */
  baseUrl: string;
  port: number;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 (a random port by default) and calls `handle` with each read body. */
export async function listen(
  handle: (req: IncomingMessage, body: Buffer, res: ServerResponse) => unknown,
  port = 0,
): Promise<Listening> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    await handle(req, Buffer.concat(chunks), res);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const bound = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${bound}`;
  return {
    origin,
    baseUrl: `${origin}/v3`,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface Recorded {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  text: string;
  json: unknown;
}

export interface Reply {
  status?: number;
  json?: unknown;
  headers?: Record<string, string>;
  /** Answer after this many ms. */
  delayMs?: number;
}

export type Handler = (request: Recorded) => Reply | Promise<Reply>;

export interface TestServer {
  /** e.g. http://127.0.0.1:4321/v3 */
  baseUrl: string;
  requests: Recorded[];
  /** Highest number of requests being handled at the same time. */
  maxInFlight: number;
  close(): Promise<void>;
}

export async function startServer(handler: Handler): Promise<TestServer> {
  let inFlight = 0;
  const state = { requests: [] as Recorded[], maxInFlight: 0 };
  const server = await listen(async (req, bytes, res) => {
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    const text = bytes.toString("utf8");
    const recorded: Recorded = {
      method: req.method ?? "",
      path: (req.url ?? "").replace(/^\/v3/, ""),
      headers: req.headers,
      text,
      json: text && req.headers["content-type"]?.includes("json") ? JSON.parse(text) : undefined,
    };
    state.requests.push(recorded);
    const reply = await handler(recorded);
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    inFlight--;
    const body = reply.json === undefined ? "" : JSON.stringify(reply.json);
    res.writeHead(reply.status ?? 200, {
      ...(body ? { "content-type": "application/json" } : {}),
      ...reply.headers,
    });
    res.end(body);
  });
  return {
    baseUrl: server.baseUrl,
    get requests() {
      return state.requests;
    },
    get maxInFlight() {
      return state.maxInFlight;
    },
    close: server.close,
  };
}

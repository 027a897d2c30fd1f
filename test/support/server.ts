// A real HTTP server on 127.0.0.1 that records every request and answers through a handler.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

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
  const server = createServer(async (req, res) => {
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
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
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v3`,
    get requests() {
      return state.requests;
    },
    get maxInFlight() {
      return state.maxInFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// A real node:http server on 127.0.0.1 (random port) that records every request it receives
// and lets each test answer with raw node objects: status codes, stalls, resets.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export type Responder = (received: Received, res: ServerResponse, req: IncomingMessage) => unknown;

export interface Harness {
  /** http://127.0.0.1:PORT/v3 */
  baseUrl: string;
  origin: string;
  port: number;
  received: Received[];
  close(): Promise<void>;
}

export async function serve(respond: Responder, port = 0): Promise<Harness> {
  const received: Received[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const entry = {
      method: req.method ?? "",
      url: req.url ?? "",
      headers: req.headers,
      body: Buffer.concat(chunks).toString("utf8"),
    };
    received.push(entry);
    await respond(entry, res, req);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl: `${origin}/v3`,
    origin,
    port: (server.address() as AddressInfo).port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers with a status, optional JSON body and headers. */
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
  const harness = await serve(() => {});
  await harness.close();
  return harness.port;
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

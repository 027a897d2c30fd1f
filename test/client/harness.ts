// A real node:http server on 127.0.0.1 (random port) that records every request it receives
// and lets each test answer with raw node objects: status codes, stalls, resets.
import type { IncomingMessage, ServerResponse } from "node:http";
import { listen } from "../support/server.js";

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
  const server = await listen(async (req, body, res) => {
    const entry = {
      method: req.method ?? "",
      url: req.url ?? "",
      headers: req.headers,
      body: body.toString("utf8"),
    };
    received.push(entry);
    await respond(entry, res, req);
  }, port);
  return { ...server, received };
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

// A proxy in front of a server that injects faults into sends (`POST .../outbox`), from a script
// consumed in order: the send passes, its answer is lost after the server acted on it, the
// connection is reset before the server saw it, or a 5xx comes before or after the server acted.
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type SendFault = "ok" | "lost" | "reset" | "5xx-before" | "5xx-after";

export interface FaultProxy {
  baseUrl: string;
  /** The faults of the next sends, in order; sends beyond the script pass. */
  script: SendFault[];
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 in front of `target` (a base URL ending in `/v3`). */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const proxy: FaultProxy = { baseUrl: "", script: [], close: async () => {} };
  const server: Server = createServer(async (req, res) => {
    const body = await readAll(req);
    const isSend =
      req.method === "POST" && /\/outbox$/.test(new URL(req.url ?? "/", "http://x").pathname);
    const fault: SendFault = isSend ? (proxy.script.shift() ?? "ok") : "ok";
    if (fault === "reset") return void req.socket.destroy();
    if (fault === "5xx-before") {
      res.writeHead(503, { "content-type": "application/json" });
      return void res.end(JSON.stringify({ error: "unavailable", description: "injected" }));
    }
    const answer = await forward(upstream, req, body);
    if (fault === "lost") return void req.socket.destroy();
    if (fault === "5xx-after") {
      res.writeHead(502, { "content-type": "application/json" });
      return void res.end(JSON.stringify({ error: "bad_gateway", description: "injected" }));
    }
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  proxy.baseUrl = `http://127.0.0.1:${port}${upstream.pathname}`;
  proxy.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function forward(
  upstream: URL,
  req: IncomingMessage,
  body: Buffer,
): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, host: upstream.host };
    const out = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const kept: Record<string, string> = {};
          for (const name of ["content-type", "retry-after"]) {
            const value = res.headers[name];
            if (typeof value === "string") kept[name] = value;
          }
          resolve({ status: res.statusCode ?? 500, headers: kept, body: Buffer.concat(chunks) });
        });
      },
    );
    out.on("error", reject);
    out.end(body);
  });
}

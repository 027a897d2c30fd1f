// HTTP/1.1 by hand over a TCP socket, for requests no HTTP client would send (malformed targets,
// control characters in headers, a body promised but never sent) and to see exactly when the
// server answers and closes.
import { connect, type Socket } from "node:net";

/** The server's answer, read until it closed the connection. */
export interface RawAnswer {
  /** The status of the first response line, or undefined when the server closed without one. */
  status: number | undefined;
  /** Header lines, lower-cased names (the first value of each). */
  headers: Record<string, string>;
  /** The body as text. */
  body: string;
}

/** An open request: write more of it, or wait for the answer. */
export interface RawRequest {
  socket: Socket;
  /** Resolves once the server has closed the connection, with what it answered. */
  answer: Promise<RawAnswer>;
}

/**
 * Opens a connection to 127.0.0.1:`port` and writes `data`; the request is left as it is (a body
 * may be unfinished): the test decides whether to write more. The answer resolves when the server
 * closes the connection, so send `Connection: close` for a complete request.
 */
export function openRaw(port: number, ...data: (string | Uint8Array)[]): RawRequest {
  const socket = connect(port, "127.0.0.1");
  const chunks: Buffer[] = [];
  const answer = new Promise<RawAnswer>((resolve) => {
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    // A reset after the answer (the server closed with our body unread) still ends the read.
    socket.on("error", () => {});
    socket.on("close", () => resolve(parseAnswer(Buffer.concat(chunks))));
  });
  for (const part of data) socket.write(part);
  return { socket, answer };
}

/** Sends one complete request with `Connection: close` and resolves with the answer. */
export function rawRequest(
  port: number,
  head: { method: string; target: string; headers?: [string, string][] },
  body: string | Uint8Array = "",
): Promise<RawAnswer> {
  const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  const lines = [
    `${head.method} ${head.target} HTTP/1.1`,
    "Host: 127.0.0.1",
    "Connection: close",
    ...(head.headers ?? []).map(([name, value]) => `${name}: ${value}`),
    ...(bytes.length ? [`Content-Length: ${bytes.length}`] : []),
  ];
  const request = openRaw(port, Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1"), bytes);
  return request.answer;
}

function parseAnswer(bytes: Buffer): RawAnswer {
  const end = bytes.indexOf("\r\n\r\n");
  const head = bytes.subarray(0, end === -1 ? bytes.length : end).toString("latin1");
  const [statusLine = "", ...lines] = head.split("\r\n");
  const status = statusLine.startsWith("HTTP/1.1 ") ? Number(statusLine.slice(9, 12)) : undefined;
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).toLowerCase();
    headers[name] ??= line.slice(colon + 1).trim();
  }
  const body = end === -1 ? "" : bytes.subarray(end + 4).toString("utf8");
  return { status, headers, body };
}

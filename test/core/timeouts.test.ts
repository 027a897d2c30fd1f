import { afterEach, describe, expect, it } from "vitest";
import {
  ApiError,
  ConnectionError,
  FaxPlus,
  InternalServerError,
  TimeoutError,
  unwrap,
  type FaxPlusOptions,
} from "../../src/index.js";
import { failure, reply, startServer, type TestServer } from "../support/server.js";

const OUTBOX_FAX = "/accounts/{user_id}/outbox/{outbox_fax_id}";
const params = { path: { user_id: "self", outbox_fax_id: "f1" } };

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function client(options: FaxPlusOptions = {}) {
  return new FaxPlus({ token: "tok", baseUrl: server!.baseUrl, ...options });
}

describe("timeouts", () => {
  it("a hanging server gives a TimeoutError after the configured timeout", async () => {
    server = await startServer(() => {});
    const started = performance.now();
    const error = await failure(
      client({ timeout: 200, maxRetries: 0 }).api.GET(OUTBOX_FAX, { params }),
    );
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ method: "GET", timeout: 200, mayHaveBeenProcessed: false });
    expect(String(error)).toContain("timed out after 200 ms");
  });

  it("a server that sends headers then stalls the body times out too", async () => {
    server = await startServer((_, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"id":'); // and never more
    });
    const error = await failure(
      client({ timeout: 200, maxRetries: 0 }).api.GET(OUTBOX_FAX, { params }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(server.requests).toHaveLength(1);
  });

  it("a slow body within the timeout is read completely", async () => {
    server = await startServer((_, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"id":');
      setTimeout(() => res.end('"f1"}'), 100);
    });
    const { data } = await client({ timeout: 1000 }).api.GET(OUTBOX_FAX, { params });
    expect(data).toEqual({ id: "f1" });
  });
});

describe("connection errors", () => {
  it("a dropped connection gives a ConnectionError with its cause", async () => {
    server = await startServer((_, res) => void res.socket?.destroy());
    const error = await failure(client({ maxRetries: 0 }).api.GET(OUTBOX_FAX, { params }));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).not.toBeInstanceOf(TimeoutError);
    expect((error as ConnectionError).cause).toBeInstanceOf(Error);
    expect((error as ConnectionError).url).toBe(`${server.baseUrl}/accounts/self/outbox/f1`);
  });

  it("an empty-body 503 is an ApiError with status 503", async () => {
    server = await startServer((_, res) => reply(res, 503));
    const result = await client({ maxRetries: 0 }).api.GET(OUTBOX_FAX, { params });
    expect(result.error).toBeFalsy(); // the openapi-fetch trap: no body, no `error`
    const error = await failure(Promise.resolve().then(() => unwrap(result, "GET", OUTBOX_FAX)));
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 503, error: undefined, body: undefined });
  });

  it("a non-JSON error body (a proxy's HTML page) is kept as text", async () => {
    server = await startServer((_, res) => {
      res.writeHead(502, { "content-type": "text/html" });
      res.end("<html>Bad gateway</html>");
    });
    const result = await client({ maxRetries: 0 }).api.GET(OUTBOX_FAX, { params });
    const error = await failure(Promise.resolve().then(() => unwrap(result, "GET", OUTBOX_FAX)));
    expect(error).toMatchObject({ status: 502, body: "<html>Bad gateway</html>" });
    expect(String(error)).toBe("InternalServerError: 502 Bad Gateway (GET " + OUTBOX_FAX + ")");
  });
});

describe("a caller's abort", () => {
  it("is not retried and surfaces as the abort, not as a TimeoutError", async () => {
    const controller = new AbortController();
    server = await startServer(() => controller.abort());
    const error = await failure(
      client().api.GET(OUTBOX_FAX, { params, signal: controller.signal }),
    );
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe("AbortError");
    expect(server.requests).toHaveLength(1);
  });

  it("passes a custom reason through, via RequestOptions.signal", async () => {
    const controller = new AbortController();
    const reason = new Error("user left the page");
    server = await startServer(() => controller.abort(reason));
    const fax = client();
    const error = await failure(
      fax.api.GET(OUTBOX_FAX, { params, fetch: fax.fetchWith({ signal: controller.signal }) }),
    );
    expect(error).toBe(reason);
    expect(server.requests).toHaveLength(1);
  });

  it("interrupts the wait before a retry", async () => {
    const controller = new AbortController();
    server = await startServer((_, res) => {
      reply(res, 503, undefined, { "retry-after": "30" });
      setTimeout(() => controller.abort(), 50);
    });
    const fax = client();
    const error = await failure(
      fax.api.GET(OUTBOX_FAX, { params, fetch: fax.fetchWith({ signal: controller.signal }) }),
    );
    expect((error as DOMException).name).toBe("AbortError");
    expect(server.requests).toHaveLength(1);
  });

  it("an already aborted signal sends nothing", async () => {
    server = await startServer((_, res) => reply(res, 200, {}));
    const error = await failure(
      client().api.GET(OUTBOX_FAX, { params, signal: AbortSignal.abort() }),
    );
    expect((error as DOMException).name).toBe("AbortError");
    expect(server.requests).toHaveLength(0);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import {
  ConnectionError,
  FaxPlus,
  InternalServerError,
  RateLimitError,
  TimeoutError,
  unwrap,
  type FaxPlusOptions,
  type LogEvent,
} from "../../src/index.js";
import { closedPort, failure, reply, startServer, type TestServer } from "../support/server.js";

const OUTBOX = "/accounts/{user_id}/outbox";
const OUTBOX_FAX = "/accounts/{user_id}/outbox/{outbox_fax_id}";
const payload = { from: "+12345678901", to: ["+12345678902"], files: ["/transient-1"] };

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function client(base: TestServer | string, options: FaxPlusOptions = {}) {
  const baseUrl = typeof base === "string" ? base : base.baseUrl;
  return new FaxPlus({ token: "tok", baseUrl, ...options });
}

function sendFax(fax: FaxPlus) {
  return fax.api.POST(OUTBOX, { params: { path: { user_id: "self" } }, body: payload });
}

function updateOutbox(fax: FaxPlus) {
  return fax.api.PUT(OUTBOX_FAX, {
    params: { path: { user_id: "self", outbox_fax_id: "f1" } },
    body: { comment: "hi" },
  });
}

function getOutbox(fax: FaxPlus) {
  return fax.api.GET(OUTBOX_FAX, { params: { path: { user_id: "self", outbox_fax_id: "f1" } } });
}

describe("POST (send a fax)", () => {
  it("is sent exactly once when it gets a 500, and says the fax may be queued", async () => {
    server = await startServer((_, res) =>
      reply(res, 500, { error: "internal", description: "boom" }),
    );
    const fax = client(server);
    const error = await failure(sendFax(fax).then((r) => unwrap(r, "POST", OUTBOX)));
    expect(server.requests).toHaveLength(1);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({ status: 500, mayHaveBeenProcessed: true, path: OUTBOX });
    expect(String(error)).toMatch(/may already be queued/);
    expect(String(error)).toMatch(/return_ids/);
  });

  it("is retried after 429 with Retry-After: 1, waiting at least that long", async () => {
    server = await startServer((received, res) => {
      if (server?.requests.length === 1) reply(res, 429, { error: "rate" }, { "retry-after": "1" });
      else reply(res, 201, { ids: { "+12345678902": "abc" } });
    });
    const started = performance.now();
    const data = unwrap(await sendFax(client(server)), "POST", OUTBOX);
    const waited = performance.now() - started;
    expect(server.requests).toHaveLength(2);
    expect(data).toEqual({ ids: { "+12345678902": "abc" } });
    expect(server.requests[1]?.text).toBe(JSON.stringify(payload));
    expect(waited).toBeGreaterThanOrEqual(990); // timers may fire a millisecond early
  });

  it("fails at once when Retry-After is above 60 s, with the wait in the message", async () => {
    server = await startServer((_, res) =>
      reply(res, 429, { error: "rate" }, { "retry-after": "120" }),
    );
    const error = await failure(sendFax(client(server)).then((r) => unwrap(r, "POST", OUTBOX)));
    expect(server.requests).toHaveLength(1);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ retryAfter: 120, mayHaveBeenProcessed: false });
    expect(String(error)).toMatch(/120 s/);
  });

  it("is retried after a refused connection (nothing was sent)", async () => {
    const port = await closedPort();
    const events: LogEvent[] = [];
    const fax = client(`http://127.0.0.1:${port}/v3`, {
      logger: (event) => {
        events.push(event);
        // The server comes up during the backoff that follows the refused attempt.
        if (event.event === "retry") {
          void startServer((_, res) => reply(res, 201, { ids: {} }), port).then(
            (h) => (server = h),
          );
        }
      },
    });
    const data = unwrap(await sendFax(fax), "POST", OUTBOX);
    expect(data).toEqual({ ids: {} });
    expect(events.filter((e) => e.event === "retry").map((e) => e.reason)).toEqual([
      "ECONNREFUSED",
    ]);
    expect(server?.requests).toHaveLength(1);
  });

  it("is retried after a DNS failure", async () => {
    const retries: LogEvent[] = [];
    const fax = client("http://faxplus-sdk-test.invalid/v3", {
      allowInsecureHttp: true,
      maxRetries: 1,
      logger: (event) => event.event === "retry" && retries.push(event),
    });
    const error = await failure(sendFax(fax));
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).code).toMatch(/^(ENOTFOUND|EAI_AGAIN)$/);
    expect(error).toMatchObject({ mayHaveBeenProcessed: false });
    expect(retries).toHaveLength(1);
  });

  it("re-sends the same multipart body (an upload) after a 429", async () => {
    server = await startServer((_, res) =>
      server!.requests.length === 1
        ? reply(res, 429, undefined, { "retry-after": "0" })
        : reply(res, 200, { path: "/transient-1" }),
    );
    const fax = client(server);
    const fax_file = new Blob(["%PDF-1.4 hello"], { type: "application/pdf" });
    const { data } = await fax.api.POST("/accounts/{user_id}/files", {
      params: { path: { user_id: "self" } },
      body: { fax_file },
      bodySerializer: (body) => {
        const form = new FormData();
        form.append("fax_file", body.fax_file, "a.pdf");
        return form;
      },
    });
    expect(data).toEqual({ path: "/transient-1" });
    const [first, second] = server.requests;
    expect(second?.text).toBe(first?.text);
    expect(second?.text).toContain("%PDF-1.4 hello");
    expect(second?.headers["content-type"]).toBe(first?.headers["content-type"]);
    expect(first?.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
  });

  it("is not retried after a reset mid-request, and says the fax may be queued", async () => {
    server = await startServer((_, res) => void res.socket?.destroy());
    const error = await failure(sendFax(client(server)));
    expect(server.requests).toHaveLength(1);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).not.toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ method: "POST", mayHaveBeenProcessed: true });
    expect(String(error)).toMatch(/GET \/accounts\/\{user_id\}\/outbox/);
    expect(String(error)).toMatch(/return_ids: true/);
  });

  it("is not retried after a timeout", async () => {
    server = await startServer(() => {}); // never answers
    const error = await failure(sendFax(client(server, { timeout: 200 })));
    expect(server.requests).toHaveLength(1);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ mayHaveBeenProcessed: true, timeout: 200 });
    expect(String(error)).toMatch(/may already be queued/);
  });
});

describe("GET, PUT, DELETE", () => {
  it("a PUT that gets 503, 503, 200 succeeds after 3 requests", async () => {
    server = await startServer((_, res) =>
      server!.requests.length < 3 ? reply(res, 503) : reply(res, 204),
    );
    const result = await updateOutbox(client(server));
    expect(result.response.status).toBe(204);
    expect(unwrap(result, "PUT", OUTBOX_FAX)).toBeUndefined();
    expect(server.requests.map((r) => r.text)).toEqual(Array(3).fill('{"comment":"hi"}'));
  });

  it("a DELETE that gets 504 is retried, without a body", async () => {
    server = await startServer((_, res) =>
      server!.requests.length === 1
        ? reply(res, 504, undefined, { "retry-after": "0" })
        : reply(res, 204),
    );
    const fax = client(server);
    const result = await fax.api.DELETE(OUTBOX_FAX, {
      params: { path: { user_id: "self", outbox_fax_id: "f1" } },
    });
    expect(result.response.status).toBe(204);
    expect(server.requests.map((r) => [r.method, r.text])).toEqual([
      ["DELETE", ""],
      ["DELETE", ""],
    ]);
  });

  it("gives up after maxRetries and returns the last response", async () => {
    server = await startServer((_, res) => reply(res, 502, undefined, { "retry-after": "0" }));
    const result = await getOutbox(client(server, { maxRetries: 1 }));
    expect(server.requests).toHaveLength(2);
    expect(result.response.status).toBe(502);
  });

  it("retries a GET after a dropped connection, then reports a ConnectionError", async () => {
    server = await startServer((_, res) => void res.socket?.destroy());
    const error = await failure(getOutbox(client(server, { maxRetries: 1 })));
    expect(server.requests).toHaveLength(2);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ method: "GET", mayHaveBeenProcessed: false });
  });

  it("retries a GET after a timeout", async () => {
    server = await startServer(() => {});
    const error = await failure(getOutbox(client(server, { timeout: 100, maxRetries: 1 })));
    expect(server.requests).toHaveLength(2);
    expect(error).toBeInstanceOf(TimeoutError);
  });

  it("does not retry statuses outside the policy (400, 404, 501)", async () => {
    for (const status of [400, 404, 501]) {
      const server = await startServer((_, res) => reply(res, status));
      await getOutbox(client(server));
      expect(server.requests).toHaveLength(1);
      await server.close();
    }
  });

  it("honours a Retry-After HTTP date", async () => {
    server = await startServer((_, res) => {
      if (server!.requests.length > 1) return reply(res, 200, {});
      reply(res, 503, undefined, { "retry-after": new Date(Date.now() + 3000).toUTCString() });
    });
    const started = performance.now();
    await getOutbox(client(server));
    expect(server.requests).toHaveLength(2);
    // An HTTP date has 1 s resolution: the wait is over 2 s; a backoff would be under 0.5 s.
    expect(performance.now() - started).toBeGreaterThanOrEqual(1500);
  });
});

describe("redirects", () => {
  it("a redirect to the same URL is one request: an ApiError with its status, not retried", async () => {
    server = await startServer((request, res) => {
      res.writeHead(302, { location: request.url });
      res.end();
    });
    const fax = client(server, { maxRetries: 1 });
    const result = await getOutbox(fax);
    expect(server.requests).toHaveLength(1);
    const error = await failure(Promise.resolve().then(() => unwrap(result, "GET", OUTBOX_FAX)));
    expect(error).toMatchObject({ name: "ApiError", status: 302, mayHaveBeenProcessed: false });
    expect(String(error)).toMatch(/redirect to .* which the SDK does not follow/);
  });

  it("a redirect to another origin is not followed: the other server receives nothing", async () => {
    const other = await startServer(() => ({ json: { id: "not the API" } }));
    server = await startServer((_, res) => {
      res.writeHead(307, { location: `${other.baseUrl}/accounts/self/outbox/f1` });
      res.end();
    });
    try {
      const error = await failure(client(server).getOutbox("f1"));
      expect(error).toMatchObject({ name: "ApiError", status: 307 });
      expect(other.requests).toHaveLength(0);
    } finally {
      await other.close();
    }
  });
});

describe("per-call options (fetchWith)", () => {
  it("overrides maxRetries for one call", async () => {
    server = await startServer((_, res) => reply(res, 503, undefined, { "retry-after": "0" }));
    const fax = client(server);
    await fax.api.GET(OUTBOX_FAX, {
      params: { path: { user_id: "self", outbox_fax_id: "f1" } },
      fetch: fax.fetchWith({ maxRetries: 0 }),
    });
    expect(server.requests).toHaveLength(1);
    await getOutbox(fax);
    expect(server.requests).toHaveLength(4);
  });

  it("overrides the timeout for one call", async () => {
    server = await startServer(() => {});
    const fax = client(server, { maxRetries: 0 });
    const error = await failure(
      fax.api.GET(OUTBOX_FAX, {
        params: { path: { user_id: "self", outbox_fax_id: "f1" } },
        fetch: fax.fetchWith({ timeout: 150 }),
      }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ timeout: 150 });
  });
});

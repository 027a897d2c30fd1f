import { afterEach, describe, expect, it, vi } from "vitest";
import { parseRetryAfter } from "../../src/core/errors.js";
import {
  ApiError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  FaxPlus,
  FaxPlusError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
  ValidationError,
  unwrap,
  type LogEvent,
} from "../../src/index.js";
import { failure, reply, startServer, type TestServer } from "../support/server.js";

const OUTBOX = "/accounts/{user_id}/outbox";
const OUTBOX_FAX = "/accounts/{user_id}/outbox/{outbox_fax_id}";
const params = { path: { user_id: "self", outbox_fax_id: "f1" } };

let server: TestServer | undefined;
afterEach(async () => {
  vi.unstubAllGlobals();
  await server?.close();
  server = undefined;
});

describe("operations through fax.api", () => {
  it("PUT /accounts/{user_id}/outbox/{outbox_fax_id} sends the JSON body; 204 unwraps to undefined", async () => {
    server = await startServer((_, res) => reply(res, 204));
    const fax = new FaxPlus({ token: "tok", baseUrl: server.baseUrl });
    const result = await fax.api.PUT(OUTBOX_FAX, {
      params: { path: { user_id: fax.userId, outbox_fax_id: "132esd4cs31" } },
      body: { comment: "updated" },
    });
    expect(unwrap(result, "PUT", OUTBOX_FAX)).toBeUndefined();
    expect(server.requests).toEqual([
      expect.objectContaining({
        method: "PUT",
        url: "/v3/accounts/self/outbox/132esd4cs31",
        text: '{"comment":"updated"}',
      }),
    ]);
    expect(server.requests[0]?.headers["content-type"]).toBe("application/json");
  });

  it("POST /accounts/{user_id}/outbox returns the typed data", async () => {
    server = await startServer((_, res) => reply(res, 201, { ids: { "+12345678902": "a1b2" } }));
    const fax = new FaxPlus({ token: "tok", baseUrl: server.baseUrl });
    const data = unwrap(
      await fax.api.POST(OUTBOX, {
        params: { path: { user_id: "self" } },
        body: { from: "+12345678901", to: ["+12345678902"], files: ["/f"], return_ids: true },
      }),
      "POST",
      OUTBOX,
    );
    expect(data.ids?.["+12345678902"]).toBe("a1b2");
    expect(JSON.parse(server.requests[0]!.text)).toMatchObject({ return_ids: true });
  });
});

describe("ApiError", () => {
  const table: [number, new (...args: never[]) => ApiError][] = [
    [400, BadRequestError],
    [401, AuthenticationError],
    [403, PermissionDeniedError],
    [404, NotFoundError],
    [409, ConflictError],
    [422, UnprocessableEntityError],
    [429, RateLimitError],
    [500, InternalServerError],
    [503, InternalServerError],
    [418, ApiError],
  ];
  for (const [status, Class] of table) {
    it(`${status} becomes ${Class.name}`, async () => {
      server = await startServer((_, res) =>
        reply(res, status, { error: "code_x", description: "Something" }, { "x-request-id": "r1" }),
      );
      const fax = new FaxPlus({ baseUrl: server.baseUrl, maxRetries: 0 });
      const result = await fax.api.GET(OUTBOX_FAX, { params });
      const error = await failure(Promise.resolve().then(() => unwrap(result, "GET", OUTBOX_FAX)));
      expect(error).toBeInstanceOf(Class);
      expect(error).toBeInstanceOf(FaxPlusError);
      expect((error as Error).name).toBe(Class.name);
      expect(error).toMatchObject({
        status,
        error: "code_x",
        description: "Something",
        method: "GET",
        path: OUTBOX_FAX,
        body: { error: "code_x", description: "Something" },
      });
      expect((error as ApiError).headers.get("x-request-id")).toBe("r1");
      expect((error as Error).message).toBe(`${status} code_x: Something (GET ${OUTBOX_FAX})`);
    });
  }

  it("parseRetryAfter reads seconds and HTTP dates", () => {
    const now = Date.parse("Wed, 21 Oct 2015 07:28:00 GMT");
    expect(parseRetryAfter("7", now)).toBe(7);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now)).toBe(30);
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:27:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it("ValidationError carries field and rule", () => {
    const error = new ValidationError("to[3]", "must match pattern ^\\+\\d+$");
    expect(error).toBeInstanceOf(FaxPlusError);
    expect(error.message).toBe("to[3]: must match pattern ^\\+\\d+$");
    expect([error.field, error.rule]).toEqual(["to[3]", "must match pattern ^\\+\\d+$"]);
  });
});

describe("fetch", () => {
  it("an injected fetch is called unbound, with a Request", async () => {
    server = await startServer((_, res) => reply(res, 200, {}));
    const calls: { self: unknown; input: unknown }[] = [];
    const fax = new FaxPlus({
      baseUrl: server.baseUrl,
      fetch: function (this: unknown, input: Request) {
        calls.push({ self: this, input });
        return globalThis.fetch(input);
      },
    });
    await fax.api.GET(OUTBOX_FAX, { params });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.self).toBeUndefined();
    expect(calls[0]?.input).toBeInstanceOf(Request);
  });

  it("globalThis.fetch is looked up at call time, not at construction", async () => {
    server = await startServer((_, res) => reply(res, 200, {}));
    const fax = new FaxPlus({ baseUrl: server.baseUrl });
    const real = globalThis.fetch;
    const spy = vi.fn((input: RequestInfo | URL, init?: RequestInit) => real(input, init));
    vi.stubGlobal("fetch", spy);
    await fax.api.GET(OUTBOX_FAX, { params });
    expect(spy).toHaveBeenCalledTimes(1);
    expect(server.requests).toHaveLength(1);
  });
});

describe("logger", () => {
  it("receives structured events for requests, responses and retries", async () => {
    server = await startServer((_, res) =>
      server!.requests.length === 1
        ? reply(res, 503, undefined, { "retry-after": "0" })
        : reply(res, 200, {}),
    );
    const events: LogEvent[] = [];
    const fax = new FaxPlus({
      token: "tok",
      clientId: "cid",
      baseUrl: server.baseUrl,
      logger: (event) => events.push(event),
    });
    await fax.api.GET(OUTBOX_FAX, { params });
    expect(events.map((e) => [e.event, e.attempt, e.status ?? e.reason ?? ""])).toEqual([
      ["request", 1, ""],
      ["response", 1, 503],
      ["retry", 1, "status 503"],
      ["request", 2, ""],
      ["response", 2, 200],
    ]);
    expect(events[0]).toMatchObject({
      method: "GET",
      url: `${server.baseUrl}/accounts/self/outbox/f1`,
      headers: { authorization: "[redacted]", "x-fax-clientid": "cid" },
    });
    expect(events[2]?.delayMs).toBe(0);
    expect(events[1]?.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("a throwing logger does not break requests", async () => {
    server = await startServer((_, res) => reply(res, 200, { id: "f1" }));
    const fax = new FaxPlus({
      baseUrl: server.baseUrl,
      logger: () => {
        throw new Error("logger broke");
      },
    });
    const { data } = await fax.api.GET(OUTBOX_FAX, { params });
    expect(data).toEqual({ id: "f1" });
  });
});

describe("same-origin baseUrl", () => {
  it("builds requests under the relative path (resolved by the browser)", async () => {
    // Node has no document origin: resolve relative URLs the way a browser page would.
    vi.stubGlobal(
      "Request",
      class extends Request {
        constructor(input: RequestInfo | URL, init?: RequestInit) {
          super(typeof input === "string" ? new URL(input, "https://app.example") : input, init);
        }
      },
    );
    const seen: string[] = [];
    const fax = new FaxPlus({
      baseUrl: "/api/faxplus",
      fetch: async (input) => {
        seen.push(input.url);
        return new Response(null, { status: 204 });
      },
    });
    await fax.api.PUT(OUTBOX_FAX, { params, body: {} });
    expect(seen).toEqual(["https://app.example/api/faxplus/accounts/self/outbox/f1"]);
  });
});

describe("fax.api results", () => {
  it("carry the request URL in response.url: JSON, error and streamed answers", async () => {
    server = await startServer((request, res) => {
      if (request.path.includes("/files/")) {
        res.writeHead(200, { "content-type": "application/pdf" });
        return void res.end("%PDF-1.7");
      }
      return request.path.endsWith("/missing")
        ? reply(res, 404, {})
        : reply(res, 200, { id: "f1" });
    });
    const fax = new FaxPlus({ token: "tok", baseUrl: server.baseUrl });
    const faxUrl = (id: string) => `${server!.baseUrl}/accounts/self/faxes/${id}`;
    const ok = await fax.api.GET("/accounts/{user_id}/faxes/{fax_id}", {
      params: { path: { user_id: "self", fax_id: "f1" } },
    });
    expect(ok.response.url).toBe(faxUrl("f1"));
    const missing = await fax.api.GET("/accounts/{user_id}/faxes/{fax_id}", {
      params: { path: { user_id: "self", fax_id: "missing" } },
    });
    expect(missing.response.url).toBe(faxUrl("missing"));
    const file = await fax.api.GET("/accounts/{user_id}/files/{fax_id}", {
      params: { path: { user_id: "self", fax_id: "f1" } },
      parseAs: "stream",
    });
    expect(file.response.url).toBe(`${server.baseUrl}/accounts/self/files/f1`);
    await file.response.body?.cancel();
  });
});

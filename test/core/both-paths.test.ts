// The transport's behaviour through both ways into it: a standalone operation (the path that
// `fax.send` and every helper take: operations/operation.ts builds the request itself) and the raw
// client `fax.api` (openapi-fetch's Request, converted at operations/api-client.ts). Each scenario
// runs once per path and must give the same result.
import { afterEach, describe, expect, it } from "vitest";
import {
  ApiError,
  AuthenticationError,
  FaxPlus,
  TimeoutError,
  createWebhook,
  getOutboxFax,
  unwrap,
  type FaxPlusOptions,
  type RequestOptions,
  oauthRefresh,
} from "../../src/index.js";
import { failure, startServer, type TestServer } from "../support/server.js";

const OUTBOX_FAX = "/accounts/{user_id}/outbox/{outbox_fax_id}";
const HOOKS = "/hooks";
const hook = { target: "https://example.com/hook", event: "fax_received" } as const;

/** One way into the transport: a GET of an outbox fax and a POST creating a webhook. */
interface Path {
  name: string;
  get(fax: FaxPlus, options?: RequestOptions): Promise<unknown>;
  post(fax: FaxPlus, options?: RequestOptions): Promise<unknown>;
}

const PATHS: Path[] = [
  {
    name: "standalone operation",
    get: (fax, options) => getOutboxFax(fax, { outbox_fax_id: "f1" }, options),
    post: (fax, options) => createWebhook(fax, hook, options),
  },
  {
    name: "fax.api",
    get: async (fax, options) => {
      const params = { path: { user_id: "self", outbox_fax_id: "f1" } };
      const fetch = options && fax.fetchWith(options);
      return unwrap(await fax.api.GET(OUTBOX_FAX, { params, fetch }), "GET", OUTBOX_FAX);
    },
    post: async (fax, options) => {
      const fetch = options && fax.fetchWith(options);
      return unwrap(await fax.api.POST(HOOKS, { body: hook, fetch }), "POST", HOOKS);
    },
  },
];

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function client(options: FaxPlusOptions = {}) {
  return new FaxPlus({ token: "tok", baseUrl: server!.baseUrl, ...options });
}

describe.each(PATHS)("through the $name", (path) => {
  it("retries a GET answered 503, then returns the data", async () => {
    let n = 0;
    server = await startServer(() =>
      ++n === 1 ? { status: 503, json: {} } : { json: { id: "f1" } },
    );
    expect(await path.get(client({ maxRetries: 2 }))).toEqual({ id: "f1" });
    expect(server.requests).toHaveLength(2);
  });

  it("never re-sends a POST answered 503: one request, the ApiError", async () => {
    server = await startServer(() => ({ status: 503, json: { error: "busy" } }));
    const error = await failure(path.post(client({ maxRetries: 3 })));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 503 });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.json).toEqual(hook);
  });

  it("sends byte-identical bodies on every attempt of a retried POST (429)", async () => {
    let n = 0;
    server = await startServer(() =>
      ++n === 1
        ? { status: 429, json: {}, headers: { "retry-after": "0" } }
        : { json: { id: "h1" } },
    );
    expect(await path.post(client({ maxRetries: 1 }))).toEqual({ id: "h1" });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.text).toBe(server.requests[0]?.text);
  });

  it("a hanging server ends at the call's timeout with a TimeoutError", async () => {
    server = await startServer(() => {});
    const error = await failure(path.get(client({ maxRetries: 0 }), { timeout: 200 }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ method: "GET", timeout: 200 });
  });

  it("a body that stalls after the headers still ends at the timeout", async () => {
    server = await startServer((_, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"id":'); // and never more
    });
    const error = await failure(path.get(client({ maxRetries: 0, timeout: 200 })));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(server.requests).toHaveLength(1);
  });

  it("a caller's abort during the body read ends the call with its reason", async () => {
    server = await startServer((_, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"id":');
    });
    const controller = new AbortController();
    const reason = new Error("user gave up");
    setTimeout(() => controller.abort(reason), 100);
    const error = await failure(
      path.get(client({ timeout: 10_000 }), { signal: controller.signal }),
    );
    expect(error).toBe(reason);
  });

  it("a 401 refreshes the token once and re-sends with the new one", async () => {
    server = await startServer((received) => {
      if (received.url === "/token") return { json: { access_token: "fresh" } };
      if (received.headers.authorization === "Bearer fresh") return { json: { id: "f1" } };
      return { status: 401, json: { error: "invalid_token" } };
    });
    const fax = client({
      token: "stale",
      clientId: "cid",
      refresh: oauthRefresh({
        tokenUrl: `${server.origin}/token`,
        clientSecret: "secret",
        refreshToken: "refresh",
      }),
    });
    expect(await path.get(fax)).toEqual({ id: "f1" });
    const api = server.requests.filter((r) => r.url !== "/token");
    expect(api.map((r) => r.headers.authorization)).toEqual(["Bearer stale", "Bearer fresh"]);
  });

  it("a 401 without a refresh token is an AuthenticationError after one request", async () => {
    server = await startServer(() => ({ status: 401, json: { error: "invalid_token" } }));
    expect(await failure(path.get(client()))).toBeInstanceOf(AuthenticationError);
    expect(server.requests).toHaveLength(1);
  });

  it("does not follow a redirect to another origin: an ApiError of its status", async () => {
    const other = await startServer(() => ({ json: { id: "elsewhere" } }));
    try {
      server = await startServer((_, res) => {
        res.writeHead(307, { location: `${other.baseUrl}/accounts/self/outbox/f1` });
        res.end();
      });
      const error = await failure(path.get(client()));
      expect(error).toMatchObject({ name: "ApiError", status: 307 });
      expect(other.requests).toHaveLength(0);
    } finally {
      await other.close();
    }
  });
});

describe("a body handed on as a stream (fax.api with parseAs: stream, as `faxplus download`)", () => {
  const FILE = "/accounts/{user_id}/files/{fax_id}";
  const params = { path: { user_id: "self", fax_id: "f1" } };

  it("is read whole when it ends within the timeout", async () => {
    server = await startServer((_, res) => {
      res.writeHead(200, { "content-type": "application/pdf" });
      res.write("%PDF-");
      setTimeout(() => res.end("1.7"), 50);
    });
    const fax = client({ timeout: 300 });
    const { data } = await fax.api.GET(FILE, { params, parseAs: "stream" });
    expect(await new Response(data).text()).toBe("%PDF-1.7");
  });

  it("that stalls ends at the call's timeout with a TimeoutError", async () => {
    server = await startServer((_, res) => {
      res.writeHead(200, { "content-type": "application/pdf" });
      res.write("%PDF-"); // and never more
    });
    const { data } = await client({ timeout: 200, maxRetries: 0 }).api.GET(FILE, {
      params,
      parseAs: "stream",
    });
    expect(await failure(new Response(data).text())).toBeInstanceOf(TimeoutError);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import {
  AuthenticationError,
  BadRequestError,
  FaxPlus,
  ValidationError,
  unwrap,
  type FaxPlusOptions,
  type OAuthTokens,
  type OAuthRefreshOptions,
  type TokenRefresh,
  oauthRefresh,
} from "../../src/index.js";
import {
  failure,
  reply,
  startServer,
  type TestServer,
  type SeenRequest,
} from "../support/server.js";

const OUTBOX_FAX = "/accounts/{user_id}/outbox/{outbox_fax_id}";
const params = { path: { user_id: "self", outbox_fax_id: "f1" } };

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const apiCalls = () => server!.requests.filter((r) => r.url.startsWith("/v3/"));
const tokenCalls = () => server!.requests.filter((r) => r.url === "/token");

/** An API that accepts only `valid`, and a token endpoint that hands out `fresh-access`. */
async function oauthServer(valid: string, onToken?: (r: SeenRequest) => void): Promise<TestServer> {
  return startServer(async (received, res) => {
    if (received.url === "/token") {
      onToken?.(received);
      await new Promise((resolve) => setTimeout(resolve, 50)); // keep the refresh in flight
      return reply(res, 200, {
        access_token: "fresh-access",
        refresh_token: "fresh-refresh",
        expires_in: 3600,
        token_type: "Bearer",
      });
    }
    if (received.headers.authorization === `Bearer ${valid}`) return reply(res, 200, { id: "f1" });
    reply(res, 401, { error: "invalid_token", description: "Token expired" });
  });
}

function oauthClient(
  options: FaxPlusOptions = {},
  refreshOptions: Partial<OAuthRefreshOptions> = {},
) {
  return new FaxPlus({
    baseUrl: server!.baseUrl,
    token: "stale-access",
    clientId: "my-client",
    refresh: oauthRefresh({
      tokenUrl: `${server!.origin}/token`,
      clientSecret: "my-secret",
      refreshToken: "my-refresh",
      ...refreshOptions,
    }),
    ...options,
  });
}

describe("tokens and headers", () => {
  it("sends the token as a Bearer and the client ID as x-fax-clientid", async () => {
    server = await startServer((_, res) => reply(res, 200, {}));
    const fax = new FaxPlus({ token: "pat-123", clientId: "cid", baseUrl: server.baseUrl });
    await fax.api.GET(OUTBOX_FAX, { params });
    expect(server.requests[0]?.headers.authorization).toBe("Bearer pat-123");
    expect(server.requests[0]?.headers["x-fax-clientid"]).toBe("cid");
  });

  it("calls a token function before every request", async () => {
    server = await startServer((_, res) => reply(res, 200, {}));
    let n = 0;
    const fax = new FaxPlus({ token: async () => `t${++n}`, baseUrl: server.baseUrl });
    await fax.api.GET(OUTBOX_FAX, { params });
    await fax.api.GET(OUTBOX_FAX, { params });
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(["Bearer t1", "Bearer t2"]);
  });

  it("sends no Authorization without a token (a backend proxy adds it)", async () => {
    server = await startServer((_, res) => reply(res, 200, {}));
    await new FaxPlus({ baseUrl: server.baseUrl }).api.GET(OUTBOX_FAX, { params });
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });

  it("without refresh, a 401 is an AuthenticationError after one request", async () => {
    server = await oauthServer("other");
    const fax = new FaxPlus({ token: "stale-access", baseUrl: server.baseUrl });
    const result = await fax.api.GET(OUTBOX_FAX, { params });
    const error = await failure(Promise.resolve().then(() => unwrap(result, "GET", OUTBOX_FAX)));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({
      status: 401,
      error: "invalid_token",
      description: "Token expired",
    });
    expect(server.requests).toHaveLength(1);
  });
});

describe("OAuth2 refresh", () => {
  it("two concurrent 401s cause exactly one refresh; both requests then succeed", async () => {
    server = await oauthServer("fresh-access");
    const seen: OAuthTokens[] = [];
    const fax = oauthClient({}, { onTokens: (tokens) => void seen.push(tokens) });

    const [a, b] = await Promise.all([
      fax.api.GET(OUTBOX_FAX, { params }),
      fax.api.GET(OUTBOX_FAX, { params }),
    ]);

    expect(unwrap(a, "GET", OUTBOX_FAX)).toEqual({ id: "f1" });
    expect(unwrap(b, "GET", OUTBOX_FAX)).toEqual({ id: "f1" });
    expect(tokenCalls()).toHaveLength(1);
    expect(apiCalls()).toHaveLength(4); // two 401s, two re-sends
    const refresh = tokenCalls()[0]!;
    expect(refresh.method).toBe("POST");
    expect(refresh.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(refresh.text).toBe("grant_type=refresh_token&refresh_token=my-refresh");
    expect(refresh.headers.authorization).toBe(
      `Basic ${Buffer.from("my-client:my-secret").toString("base64")}`,
    );
    expect(seen).toEqual([
      {
        access_token: "fresh-access",
        refresh_token: "fresh-refresh",
        expires_in: 3600,
        token_type: "Bearer",
      },
    ]);
  });

  it("a 401 that arrives after the refresh re-sends with the new token, without refreshing", async () => {
    server = await startServer(async (received, res) => {
      if (received.url === "/token") return reply(res, 200, { access_token: "fresh-access" });
      if (received.headers.authorization === "Bearer fresh-access") return reply(res, 200, {});
      // The second stale request gets its 401 long after the first one's refresh is done.
      if (apiCalls().length === 2) await new Promise((resolve) => setTimeout(resolve, 300));
      reply(res, 401);
    });
    const fax = oauthClient();
    const [a, b] = await Promise.all([
      fax.api.GET(OUTBOX_FAX, { params }),
      fax.api.GET(OUTBOX_FAX, { params }),
    ]);
    expect([a.response.status, b.response.status]).toEqual([200, 200]);
    expect(tokenCalls()).toHaveLength(1);
    expect(apiCalls().map((r) => r.headers.authorization)).toEqual([
      "Bearer stale-access",
      "Bearer stale-access",
      "Bearer fresh-access",
      "Bearer fresh-access",
    ]);
  });

  it("keeps using the refreshed token", async () => {
    server = await oauthServer("fresh-access");
    const fax = oauthClient();
    await fax.api.GET(OUTBOX_FAX, { params }); // refreshes
    await fax.api.GET(OUTBOX_FAX, { params });
    expect(tokenCalls()).toHaveLength(1);
    expect(apiCalls().map((r) => r.headers.authorization)).toEqual([
      "Bearer stale-access",
      "Bearer fresh-access",
      "Bearer fresh-access",
    ]);
  });

  it("uses the rotated refresh token for the next refresh", async () => {
    server = await oauthServer("never-valid");
    const fax = oauthClient({ maxRetries: 0 });
    await fax.api.GET(OUTBOX_FAX, { params });
    await fax.api.GET(OUTBOX_FAX, { params });
    expect(tokenCalls().map((r) => r.text)).toEqual([
      "grant_type=refresh_token&refresh_token=my-refresh",
      "grant_type=refresh_token&refresh_token=fresh-refresh",
    ]);
  });

  it("re-sends only once: a second 401 is returned", async () => {
    server = await oauthServer("never-valid");
    const fax = oauthClient();
    const result = await fax.api.GET(OUTBOX_FAX, { params });
    expect(result.response.status).toBe(401);
    expect(apiCalls()).toHaveLength(2);
    expect(tokenCalls()).toHaveLength(1);
  });

  it("re-sends a POST body after the refresh", async () => {
    server = await oauthServer("fresh-access");
    const fax = oauthClient();
    const body = { from: "+12345678901", to: ["+12345678902"], files: ["/f"] };
    await fax.api.POST("/accounts/{user_id}/outbox", {
      params: { path: { user_id: "self" } },
      body,
    });
    expect(apiCalls().map((r) => r.text)).toEqual([JSON.stringify(body), JSON.stringify(body)]);
  });

  it("a failed refresh surfaces the token endpoint's error, without secrets", async () => {
    server = await startServer((received, res) =>
      received.url === "/token"
        ? reply(res, 400, { error: "invalid_grant", error_description: "Refresh token expired" })
        : reply(res, 401),
    );
    const error = await failure(oauthClient().api.GET(OUTBOX_FAX, { params }));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ status: 400, error: "invalid_grant" });
    expect(String(error)).toContain("Refresh token expired");
    for (const secret of ["my-refresh", "my-secret", "stale-access"]) {
      expect(`${String(error)} ${(error as Error).stack} ${JSON.stringify(error)}`).not.toContain(
        secret,
      );
    }
  });

  it("refresh options are validated", () => {
    const refresh = oauthRefresh({ refreshToken: "r", clientSecret: "s" });
    expect(() => new FaxPlus({ refresh })).toThrow(ValidationError);
    const noSecret = { refreshToken: "r" } as OAuthRefreshOptions;
    expect(() => oauthRefresh(noSecret)).toThrow(/clientSecret/);
    expect(() => new FaxPlus({ clientId: "c", refresh: {} as TokenRefresh })).toThrow(
      /oauthRefresh/,
    );
  });
});

// Credentials that do not come: a token refresh whose endpoint never answers, and a token function
// that never returns, end at the call's `timeout` (or its `signal`), with an error that says what
// did not answer and nothing about a fax. Nothing is timed: the test's own timeout (far below the
// client's default 60 s) only guards against a hang.
//
// Found by this test (issue 20): a refresh that never answered ignored the call's `timeout: 500`,
// ended after the client's 60 s, and said the fax might already be queued.
import { afterEach, describe, expect, it } from "vitest";
import { FaxPlus, TimeoutError, oauthRefresh } from "../../src/index.js";
import { failure, startServer, type TestServer } from "../support/server.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server whose API answers 401 and whose token endpoint never answers. */
async function stuckRefresh(): Promise<{ fax: FaxPlus; tokenUrl: string }> {
  server = await startServer((request) =>
    request.url === "/token" ? undefined : { status: 401, json: { error: "invalid_token" } },
  );
  const tokenUrl = `${server.origin}/token`;
  const fax = new FaxPlus({
    token: "expired",
    clientId: "cid",
    refresh: oauthRefresh({ clientSecret: "secret", refreshToken: "refresh", tokenUrl }),
    baseUrl: server.baseUrl,
  });
  return { fax, tokenUrl };
}

const to = ["+12345678901"];

describe("a token refresh that never answers", () => {
  it("ends at the call's timeout, naming the token endpoint (a GET)", async () => {
    const { fax, tokenUrl } = await stuckRefresh();
    const error = await failure(fax.getFax({ fax_id: "f1" }, { timeout: 500 }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ timeout: 500, url: tokenUrl, mayHaveBeenProcessed: false });
    expect((error as Error).message).toMatch(
      new RegExp(`^the token refresh at ${tokenUrl} did not answer within 500 ms`),
    );
    expect(server!.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      "GET /v3/accounts/self/faxes/f1",
      "POST /token",
    ]);
  }, 20_000);

  it("ends at the call's timeout and says nothing about a fax (a send)", async () => {
    const { fax, tokenUrl } = await stuckRefresh();
    const error = await failure(
      fax.operations.sendFax({ to, from: "no_number", files: ["/p"] }, { timeout: 500 }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toContain(`the token refresh at ${tokenUrl}`);
    expect((error as Error).message).not.toMatch(/fax|queued|check the outbox/i);
    // The send was answered 401 (not processed) and is not sent again.
    expect(server!.requests.filter((r) => r.method === "POST" && r.url !== "/token")).toHaveLength(
      1,
    );
  }, 20_000);

  it("ends when the call's signal aborts, with its reason", async () => {
    const { fax } = await stuckRefresh();
    const controller = new AbortController();
    const reason = new Error("the user left");
    const call = failure(fax.getFax({ fax_id: "f1" }, { signal: controller.signal }));
    while (!server!.requests.some((r) => r.url === "/token")) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    controller.abort(reason);
    expect(await call).toBe(reason);
  }, 20_000);
});

describe("a token function that never returns", () => {
  it("ends at the call's timeout: the error names the token function, nothing is sent", async () => {
    server = await startServer(() => ({ json: {} }));
    const fax = new FaxPlus({
      token: () => new Promise<string>(() => {}),
      baseUrl: server.baseUrl,
      maxRetries: 0,
    });
    const error = await failure(
      fax.operations.sendFax({ to, from: "no_number", files: ["/p"] }, { timeout: 300 }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ timeout: 300, mayHaveBeenProcessed: false });
    expect((error as Error).message).toMatch(
      /the token function did not return within 300 ms; nothing was sent/,
    );
    expect((error as Error).message).not.toMatch(/queued|check the outbox/i);
    expect(server.requests).toHaveLength(0);
  }, 20_000);
});

// Ports that fetch refuses to connect to (the Fetch standard's "bad ports"): refused by name when
// the client is made (`baseUrl`, `tokenUrl`) and for a per-call `baseUrl`, before anything is sent,
// and never reported as "may have been processed". Node's own fetch is the oracle: a port is bad
// exactly when fetch rejects it with "bad port".
//
// Found by this test (issue 20): `http://127.0.0.1:6000` was reported as a connection failure
// with `mayHaveBeenProcessed: true` ("the fax may already be queued"); nothing had been sent.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FaxPlus, ValidationError, oauthRefresh } from "../../src/index.js";
import { failure, startServer, type TestServer } from "../support/server.js";
import { runs } from "./generators.js";

/** Whether Node's fetch refuses the port before connecting. */
async function fetchRefuses(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5000) });
    return false;
  } catch (error) {
    return (error as Error & { cause?: Error }).cause?.message === "bad port";
  }
}

function refusedByClient(port: number): ValidationError | undefined {
  try {
    new FaxPlus({ token: "t", baseUrl: `http://127.0.0.1:${port}/v3` });
    return undefined;
  } catch (error) {
    return error as ValidationError;
  }
}

let server: TestServer;
beforeAll(async () => {
  server = await startServer(() => ({ json: {} }));
});
afterAll(() => server.close());

describe("a port fetch refuses", () => {
  it("is refused as baseUrl exactly when fetch refuses it (fetch is the oracle)", async () => {
    // The low ports (where most bad ports are), the 6000s, around 10080, and anything else.
    const port = fc.oneof(
      fc.integer({ min: 1, max: 700 }),
      fc.integer({ min: 5000, max: 6700 }),
      fc.integer({ min: 10_070, max: 10_090 }),
      fc.integer({ min: 1, max: 65_535 }),
    );
    await fc.assert(
      fc.asyncProperty(port, async (p) => {
        const error = refusedByClient(p);
        expect(error !== undefined, `port ${p}`).toBe(await fetchRefuses(p));
        if (error) {
          expect(error).toBeInstanceOf(ValidationError);
          expect(error.field).toBe("baseUrl");
          expect(error.message).toContain(`port ${p}`);
        }
      }),
      runs(400),
    );
  }, 60_000);

  it("is refused as tokenUrl, and over https", () => {
    const tokenUrl = "https://accounts.example:6000/token";
    expect(() => oauthRefresh({ tokenUrl, clientSecret: "s", refreshToken: "r" })).toThrow(
      expect.objectContaining({ field: "tokenUrl", message: expect.stringContaining("6000") }),
    );
    expect(() => new FaxPlus({ baseUrl: "https://api.example:10080/v3" })).toThrow(
      expect.objectContaining({ field: "baseUrl" }),
    );
  });

  it("as a per-call baseUrl of fax.api: a ValidationError, nothing sent, nothing 'may have been processed'", async () => {
    const fax = new FaxPlus({ token: "t", baseUrl: server.baseUrl });
    const before = server.requests.length;
    for (const baseUrl of [
      "http://127.0.0.1:1/v3",
      "http://127.0.0.1:6000/v3",
      "https://api.example:6667/v3",
    ]) {
      const error = await failure(
        fax.api.POST("/accounts/{user_id}/outbox", {
          params: { path: { user_id: "self" } },
          body: { to: ["+12345678901"], files: ["/p"], from: "no_number" },
          baseUrl,
        }),
      );
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ field: "baseUrl" });
      expect((error as Error).message).not.toMatch(/queued|processed/);
    }
    expect(server.requests.length).toBe(before);
  });

  it("refused by an injected fetch is a ConnectionError that says nothing was sent", async () => {
    // The relative-URL and injected-fetch paths reach fetch itself: its "bad port" means unsent.
    const fax = new FaxPlus({
      token: "t",
      baseUrl: server.baseUrl,
      maxRetries: 0,
      fetch: (request) => fetch(request.url.replace(`:${server.port}/`, ":6000/"), request),
    });
    const error = await failure(
      fax.operations.sendFax({ to: ["+12345678901"], from: "no_number", files: ["/p"] }),
    );
    expect(error).toMatchObject({ name: "ConnectionError", mayHaveBeenProcessed: false });
    expect((error as Error).message).not.toMatch(/queued/);
  });
});

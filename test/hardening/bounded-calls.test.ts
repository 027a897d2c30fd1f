// Calls that do not end: a token function that never resolves ends by the call's timeout or its
// signal; redirects are never followed (a redirect to itself reaches the server once, whatever
// maxRetries; a redirect to another origin sends that origin nothing, the token endpoint's
// included). Each property asserts that the call ended and how, never how fast.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApiError,
  ConnectionError,
  FaxPlus,
  FaxPlusError,
  TimeoutError,
  oauthRefresh,
} from "../../src/index.js";
import type { BulkUpdateResult } from "../../src/index.js";
import { failure, reply } from "../support/server.js";
import { recorder, runs, type Recorder } from "./generators.js";

let rec: Recorder;
let other: Recorder;
beforeAll(async () => {
  rec = await recorder(() => ({ json: {} }));
  other = await recorder((request) =>
    request.path.endsWith("/token")
      ? { json: { access_token: "token-of-the-other-origin" } }
      : { json: { ids: {}, id: "other" } },
  );
});
afterAll(async () => {
  await rec.server.close();
  await other.server.close();
});

const to = ["+12345678901"];
const from = "no_number";
const pdf = () => new Blob(["%PDF-1.4"], { type: "application/pdf" });
type Call = (fax: FaxPlus, options: object) => Promise<unknown>;
/** Calls of every method, and the workflows that wrap them. */
const calls: [string, "GET" | "POST" | "PUT" | "DELETE", Call][] = [
  ["getFax", "GET", (fax, o) => fax.getFax({ fax_id: "f1" }, o)],
  ["listFaxes", "GET", (fax, o) => fax.listFaxes({}, o)],
  ["download", "GET", (fax, o) => fax.download("f1", o)],
  ["send", "POST", (fax, o) => fax.send({ to, from, files: ["/p"] }, o)],
  ["send with a document", "POST", (fax, o) => fax.send({ to, from, files: [pdf()] }, o)],
  ["sendFax", "POST", (fax, o) => fax.operations.sendFax({ to, from, files: ["/p"] }, o)],
  ["upload", "POST", (fax, o) => fax.upload(pdf(), o)],
  ["updateFax", "PUT", (fax, o) => fax.updateFax({ fax_id: "f1", comment: "c", is_read: true }, o)],
  ["deleteFax", "DELETE", (fax, o) => fax.deleteFax({ fax_id: "f1" }, o)],
  [
    "bulkUpdateFaxes",
    "PUT",
    (fax, o) => fax.updateFaxesInBatches(["a", "b"], { is_read: true }, o),
  ],
];
const isBulk = (name: string) => name.startsWith("bulk");

/** The error a call ended with: its rejection, or the error of a bulk update's failed IDs. */
async function endOf(name: string, call: Promise<unknown>): Promise<unknown> {
  if (!isBulk(name)) return failure(call);
  const result = (await call) as BulkUpdateResult;
  expect(result.updated).toEqual([]);
  const errors = new Set(result.failed.map((f) => f.error));
  expect(errors.size).toBe(1);
  return [...errors][0];
}

/** A token function that never settles; `calls` counts its calls, `called` waits for the first. */
function stuckToken() {
  let resolveCalled: () => void = () => {};
  const called = new Promise<void>((resolve) => (resolveCalled = resolve));
  const state = { calls: 0, called };
  const token = () => {
    state.calls++;
    resolveCalled();
    return new Promise<string>(() => {});
  };
  return { token, state };
}

describe("a token function that never resolves", () => {
  it("ends by the call's timeout, with a TimeoutError, nothing sent", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...calls),
        // Small timeouts: this property asserts that a timeout happened.
        fc.integer({ min: 5, max: 60 }),
        async ([name, , call], timeout) => {
          rec.reset();
          const { token, state } = stuckToken();
          const fax = new FaxPlus({ token, baseUrl: rec.server.baseUrl, maxRetries: 0 });
          const error = await endOf(name, call(fax, { timeout }));
          expect(error).toBeInstanceOf(TimeoutError);
          expect((error as TimeoutError).timeout).toBe(timeout);
          expect((error as TimeoutError).mayHaveBeenProcessed).toBe(false);
          expect(state.calls).toBe(1);
          expect(rec.server.requests).toHaveLength(0);
        },
      ),
      runs(20),
    );
  });

  it("with retries: one timeout per attempt allowed, then the TimeoutError", async () => {
    // Each retry waits the policy's backoff (about 0.5 s): few cases.
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...calls.filter(([name]) => !isBulk(name))),
        fc.constant(1),
        async ([name, , call], maxRetries) => {
          rec.reset();
          const { token, state } = stuckToken();
          const fax = new FaxPlus({ token, baseUrl: rec.server.baseUrl, maxRetries });
          const error = await endOf(name, call(fax, { timeout: 10 }));
          expect(error).toBeInstanceOf(TimeoutError);
          expect(state.calls).toBe(maxRetries + 1);
          expect(rec.server.requests).toHaveLength(0);
        },
      ),
      runs(2),
    );
  });

  it("ends by the caller's signal, with its reason, nothing sent", async () => {
    const reasons = fc.constantFrom<unknown>(
      new Error("caller gave up"),
      "a string reason",
      undefined, // abort(): the platform's AbortError
      new DOMException("stop", "AbortError"),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...calls),
        reasons,
        fc.integer({ min: 0, max: 3 }),
        fc.boolean(),
        async ([name, , call], reason, maxRetries, before) => {
          rec.reset();
          const { token, state } = stuckToken();
          const fax = new FaxPlus({ token, baseUrl: rec.server.baseUrl, maxRetries });
          const controller = new AbortController();
          if (before) controller.abort(reason);
          const ended = failure(call(fax, { signal: controller.signal }));
          if (!before) {
            await state.called; // the call is now waiting on the token function
            controller.abort(reason);
          }
          const error = await ended;
          const given: unknown = controller.signal.reason;
          // A bulk update that no answer reached rejects with the reason too.
          expect(error).toBe(given);
          if (reason === undefined) expect((error as Error).name).toBe("AbortError");
          expect(state.calls).toBeLessThanOrEqual(1);
          expect(rec.server.requests).toHaveLength(0);
        },
      ),
      runs(40),
    );
  });
});

describe("redirects", () => {
  const statuses = fc.constantFrom(301, 302, 303, 307, 308);

  it("to itself: one request whatever maxRetries, an ApiError of that status", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...calls),
        statuses,
        fc.integer({ min: 0, max: 3 }),
        async ([name, , call], status, maxRetries) => {
          rec.reset();
          rec.answer((request, res) => reply(res, status, undefined, { location: request.url }));
          const fax = new FaxPlus({ token: "t", baseUrl: rec.server.baseUrl, maxRetries });
          const error = await endOf(name, call(fax, {}));
          expect(error).toBeInstanceOf(ApiError);
          expect((error as ApiError).status).toBe(status);
          expect(rec.server.requests).toHaveLength(1);
        },
      ),
      runs(40),
    );
  });

  it("to another origin: never followed, that origin receives nothing", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...calls),
        statuses,
        fc.integer({ min: 0, max: 3 }),
        async ([name, , call], status, maxRetries) => {
          rec.reset();
          other.reset();
          rec.answer((request, res) =>
            reply(res, status, undefined, { location: other.server.origin + request.url }),
          );
          const fax = new FaxPlus({ token: "t", baseUrl: rec.server.baseUrl, maxRetries });
          const error = await endOf(name, call(fax, {}));
          expect(error).toBeInstanceOf(ApiError);
          expect(rec.server.requests).toHaveLength(1);
          expect(other.server.requests).toHaveLength(0);
        },
      ),
      runs(30),
    );
  });

  it("of the token endpoint to another origin: not followed, its token never adopted", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...calls), statuses, async ([name, , call], status) => {
        rec.reset();
        other.reset();
        rec.answer((request, res) => {
          if (request.path.startsWith("/token")) {
            return reply(res, status, undefined, { location: `${other.server.origin}/token` });
          }
          reply(res, 401, { error: "invalid_token" });
        });
        const fax = new FaxPlus({
          token: "expired",
          baseUrl: rec.server.baseUrl,
          clientId: "client",
          refresh: oauthRefresh({
            tokenUrl: `${rec.server.origin}/token`,
            clientSecret: "secret",
            refreshToken: "refresh",
          }),
          maxRetries: 0,
        });
        const error = await endOf(name, call(fax, {}));
        expect(error).toBeInstanceOf(FaxPlusError);
        expect(other.server.requests).toHaveLength(0);
        const tokens = rec.server.requests.map((r) => r.headers.authorization);
        expect(tokens).not.toContain("Bearer token-of-the-other-origin");
      }),
      runs(20),
    );
  });
});

describe("a GET answered 421 whose body is cut", () => {
  /** Waits until `condition` holds (checked every few ms), never for a fixed time. */
  async function until(condition: () => boolean): Promise<void> {
    while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  /** Settles with the call's outcome, or with "still pending" once `ms` have passed. */
  function within(call: Promise<unknown>, ms: number): Promise<unknown> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const bound = new Promise((resolve) => (timer = setTimeout(resolve, ms, "still pending")));
    return Promise.race([
      call.then(
        () => "resolved",
        (error: unknown) => error,
      ),
      bound,
    ]).finally(() => clearTimeout(timer));
  }

  // Node 20's fetch (undici 6.24.1) retries an idempotent request answered 421 and can then leave
  // the retried response's body pending forever when its connection drops, whatever the signal
  // does. The transport ends such a read by the attempt's deadline or the caller's abort
  // (src/core/transport.ts, `stopRead`). Where undici does report the cut body first, the call ends
  // sooner, with the ConnectionError that says so.
  it("ends by the call's timeout or its signal", async () => {
    rec.answer((_request, res) => {
      res.writeHead(421, { "content-type": "application/json", "content-length": "14" });
      res.write("null", () => res.socket?.destroy());
    });
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...calls.filter(([name, method]) => method !== "POST" && !isBulk(name))),
          fc.constantFrom("timeout", "signal"),
          async ([, , call], how) => {
            rec.reset();
            const fax = new FaxPlus({ token: "t", baseUrl: rec.server.baseUrl, maxRetries: 0 });
            const controller = new AbortController();
            const pending =
              how === "timeout"
                ? call(fax, { timeout: 50 })
                : call(fax, { signal: controller.signal, timeout: 600_000 });
            if (how === "signal") {
              await until(() => rec.server.requests.length >= 1);
              controller.abort(new Error("caller gave up"));
            }
            // A generous bound, only to report a call that never ends.
            const error = await within(pending, 1000);
            const cutShort = error instanceof ConnectionError && !(error instanceof TimeoutError);
            if (how === "timeout") expect(error instanceof TimeoutError || cutShort).toBe(true);
            else expect(error === controller.signal.reason || cutShort).toBe(true);
          },
        ),
        { ...runs(6), endOnFailure: true },
      );
    } finally {
      rec.answer(() => ({ json: {} }));
    }
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { AuthenticationError, FaxPlus } from "../../src/index.js";
import { batches, limits } from "../support/limits.js";
import {
  startServer,
  type Handler,
  type Reply,
  type SeenRequest,
  type TestServer,
} from "../support/server.js";

let server: TestServer | undefined;
afterEach(() => server?.close());

async function client(handler: Handler) {
  server = await startServer(handler);
  return new FaxPlus({ token: "test-token", baseUrl: server.baseUrl });
}

type Body = { ids: string[] };
const ids = (n: number, prefix = "f") => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
/** Answers each ID with a code chosen by `codeOf`. */
const answer =
  (codeOf: (id: string) => number): ((request: SeenRequest) => Reply) =>
  (request) => ({
    json: { results: (request.json as Body).ids.map((id) => ({ id, code: codeOf(id) })) },
  });

/** IDs per request: the spec's maxItems. */
const per = limits.bulkFaxIds;
/** Two and a half requests' worth of IDs (250 for the API's 100). */
const many = per * 2 + per / 2;

describe("bulk updates", () => {
  it("splits two and a half requests' worth of IDs into 3 requests of at most maxItems unique IDs and merges the item codes", async () => {
    const fax = await client(
      answer((id) => (id.endsWith("7") ? 404 : id.endsWith("3") ? 403 : 204)),
    );
    const input = [...ids(many), "f1", "f2", "f1"]; // duplicates are sent once
    const result = await fax.updateFaxesInBatches(input, { is_read: true });

    expect(server!.requests).toHaveLength(3);
    const sent = server!.requests.map((r) => (r.json as Body).ids);
    for (const batch of sent) {
      expect(batch.length).toBeLessThanOrEqual(per);
      expect(new Set(batch).size).toBe(batch.length);
    }
    expect(sent.flat().sort()).toEqual(ids(many).sort());
    expect(server!.requests[0]!.json).toMatchObject({ is_read: true });
    expect(result.notFound).toEqual(ids(many).filter((id) => id.endsWith("7")));
    expect(result.forbidden).toEqual(ids(many).filter((id) => id.endsWith("3")));
    expect(result.updated).toHaveLength(many - result.notFound.length - result.forbidden.length);
    expect(result.updated[0]).toBe("f0");
    expect(result.conflict).toEqual([]);
    expect(result.failed).toEqual([]);
  });

  it("reads an answer by ID when it lists the IDs in another order, leaves one out or adds another", async () => {
    const fax = await client((request) => {
      const sent = (request.json as Body).ids;
      const results = sent.map((id) => ({ id, code: id === "f2" ? 404 : 204 })).reverse();
      if (sent.includes("f4"))
        results.splice(
          results.findIndex((r) => r.id === "f4"),
          1,
        );
      results.push({ id: "not-asked", code: 404 });
      return { json: { results } };
    });
    const result = await fax.updateFaxesInBatches(ids(5), { is_read: true });
    expect(result.updated).toEqual(["f0", "f1", "f3"]);
    expect(result.notFound).toEqual(["f2"]);
    expect(result.failed).toEqual([{ id: "f4", error: expect.any(Error) }]);
    expect(result.failed[0]!.error?.message).toMatch(/no result for f4/);
  });

  it("reports an outbox job in `sending` as a conflict, not an exception", async () => {
    const fax = await client(answer((id) => (id === "sending-job" ? 409 : 204)));
    const result = await fax.updateOutboxFaxesInBatches(["queued-job", "sending-job"], {
      comment: "x",
    });
    expect(result.conflict).toEqual(["sending-job"]);
    expect(result.updated).toEqual(["queued-job"]);
    expect(server!.requests[0]).toMatchObject({
      method: "PUT",
      path: "/accounts/self/outbox",
      json: { ids: ["queued-job", "sending-job"], comment: "x" },
    });
  });

  it("retries item-level 500s once in a follow-up batch", async () => {
    const seen = new Map<string, number>();
    const fax = await client(
      answer((id) => {
        seen.set(id, (seen.get(id) ?? 0) + 1);
        if (id === "always-500") return 500;
        return id === "once-500" && seen.get(id) === 1 ? 500 : 204;
      }),
    );
    const result = await fax.updateFaxesInBatches(["a", "once-500", "always-500"], {
      comment: "c",
    });
    expect(server!.requests.map((r) => (r.json as Body).ids)).toEqual([
      ["a", "once-500", "always-500"],
      ["once-500", "always-500"],
    ]);
    expect(result.updated).toEqual(["a", "once-500"]);
    expect(result.failed).toEqual([{ id: "always-500", code: 500 }]);
  });

  it("puts the IDs of a batch that failed as a whole into failed, and goes on", async () => {
    let calls = 0;
    const fax = await client((request) => {
      calls++;
      if ((request.json as Body).ids[0] === `f${per}`)
        return { status: 400, json: { error: "bad" } };
      return answer(() => 204)(request);
    });
    const result = await fax.updateFaxesInBatches(
      ids(per + per / 2),
      { is_read: false },
      { concurrency: 1 },
    );
    expect(calls).toBe(2);
    expect(result.updated).toEqual(ids(per));
    expect(result.failed.map((f) => f.id)).toEqual(ids(per + per / 2).slice(per));
    expect(result.failed[0]!.error?.message).toMatch(/400 bad/);
  });

  it("reports progress: (0, total) first, then after each batch, item 500s once retried", async () => {
    const seen = new Map<string, number>();
    const fax = await client(
      answer((id) => {
        seen.set(id, (seen.get(id) ?? 0) + 1);
        return id === "f5" && seen.get(id) === 1 ? 500 : 204;
      }),
    );
    const calls: [number, number][] = [];
    const input = [...ids(many), "f1"]; // the duplicate is not counted
    const result = await fax.updateFaxesInBatches(
      input,
      { is_read: true },
      { concurrency: 1, onProgress: (done, total) => calls.push([done, total]) },
    );
    expect(result.updated).toHaveLength(many);
    // f5 answered 500 in the first batch: it counts once its follow-up batch has its outcome.
    expect(calls).toEqual([
      [0, many],
      [per - 1, many],
      [2 * per - 1, many],
      [many - 1, many],
      [many, many],
    ]);
  });

  it("after a request-level 401 sends no more batches: the rest are notAttempted, not counted as done", async () => {
    const fax = await client(() => ({ status: 401, json: { error: "unauthorized" } }));
    const calls: number[] = [];
    const options = { concurrency: 1, onProgress: (done: number) => calls.push(done) };
    const result = await fax.updateFaxesInBatches(ids(per + per / 2), { is_read: true }, options);
    expect(server!.requests).toHaveLength(1);
    expect(result.failed.map((f) => f.id)).toEqual(ids(per));
    expect(result.notAttempted).toEqual(ids(per + per / 2).slice(per));
    expect(result.stoppedBy).toBeInstanceOf(AuthenticationError);
    expect(calls).toEqual([0, per]);
  });

  it("a caller's abort mid-update: answered IDs updated, the rest notAttempted, no batch sent after it", async () => {
    // 10 batches, 2 in flight. The server answers the first 4 batches at once; the 5th and 6th it
    // holds until the caller has aborted (their answers are cut off), and it never sees another.
    const total = per * 10;
    const applied: string[] = [];
    const controller = new AbortController();
    let held = 0;
    const fax = await client(async (request) => {
      const batch = (request.json as Body).ids;
      applied.push(...batch); // the server applies what it receives
      if (server!.requests.length > 4) {
        if (++held === 2) controller.abort(new Error("user cancelled"));
        // Answers only once the caller has aborted: too late.
        await new Promise((resolve) => controller.signal.addEventListener("abort", resolve));
      }
      return answer(() => 204)(request);
    });
    const calls: [number, number][] = [];
    const result = await fax.updateFaxesInBatches(
      ids(total),
      { is_read: true },
      {
        concurrency: 2,
        signal: controller.signal,
        onProgress: (done, all) => calls.push([done, all]),
      },
    );
    expect(server!.requests).toHaveLength(6);
    expect(result.updated).toEqual(ids(per * 4));
    expect(result.failed).toEqual([]);
    expect(result.notAttempted).toEqual(ids(total).slice(per * 4));
    expect(result.stoppedBy).toEqual(new Error("user cancelled"));
    // The cut-off batches reached the server: notAttempted says "no outcome", and the docs say
    // the server may have applied them.
    expect(applied).toHaveLength(per * 6);
    // Progress never claims completion.
    expect(calls.at(-1)).toEqual([per * 4, total]);
    expect(calls.every(([done]) => done < total)).toBe(true);
  });

  it("a caller's abort before any batch went out rejects with the abort reason, sending nothing", async () => {
    const fax = await client(answer(() => 204));
    const reason = new Error("never mind");
    const result = fax.updateFaxesInBatches(
      ids(per * 2),
      { is_read: true },
      {
        signal: AbortSignal.abort(reason),
      },
    );
    await expect(result).rejects.toBe(reason);
    expect(server!.requests).toHaveLength(0);
  });

  it("completes 10,000 IDs with at most `concurrency` requests in flight", async () => {
    const fax = await client((request) => ({ ...answer(() => 204)(request), delayMs: 2 }));
    const result = await fax.updateFaxesInBatches(
      ids(10_000),
      { is_read: true },
      { concurrency: 4 },
    );
    expect(result.updated).toHaveLength(10_000);
    expect(server!.requests).toHaveLength(batches(10_000, per));
    expect(server!.maxInFlight).toBeLessThanOrEqual(4);
    expect(server!.maxInFlight).toBeGreaterThan(1);
  });

  it("uses 4 requests in flight by default and honours a larger concurrency", async () => {
    const fax = await client((request) => ({ ...answer(() => 204)(request), delayMs: 5 }));
    await fax.updateFaxesInBatches(ids(2_000), { is_read: true });
    expect(server!.maxInFlight).toBeLessThanOrEqual(4);
    await server!.close();
    const fax8 = await client((request) => ({ ...answer(() => 204)(request), delayMs: 5 }));
    await fax8.updateFaxesInBatches(ids(2_000), { is_read: true }, { concurrency: 8 });
    expect(server!.maxInFlight).toBeGreaterThan(4);
    expect(server!.maxInFlight).toBeLessThanOrEqual(8);
  });
});

// The mock calls back: what it POSTs, to which hooks, and how it copes with targets that fail,
// hang or never existed. Waits are on the mock's own attempt events, never on a clock.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import {
  type CallbackAttempt,
  type MockServer,
  type MockServerOptions,
  startMockServer,
} from "../../src/mock/index.js";
import { FaxPlus, parseWebhook, webhookEvents, webhookHandler } from "../../src/index.js";
import { closeServer, serveNode, serveFetch, sendOne } from "../webhooks/harness.js";
import type { Server } from "node:http";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function start(options: MockServerOptions = {}) {
  const mock = await startMockServer({ token: "t", deliveryMs: 40, ...options });
  cleanups.push(() => mock.close());
  return { mock, fax: new FaxPlus({ baseUrl: mock.baseUrl, token: "t" }) };
}

/** A target that records the bodies it gets and answers with `reply` (200 by default). */
async function target(
  reply: (req: IncomingMessage, res: ServerResponse, n: number) => void = (_, res) => res.end(),
) {
  const bodies: unknown[] = [];
  const server = createServer((req, res) => {
    let text = "";
    req.on("data", (chunk) => (text += chunk));
    req.on("end", () => {
      bodies.push(JSON.parse(text));
      reply(req, res, bodies.length);
    });
  });
  const { origin } = await serveNode(server);
  cleanups.push(() => closeServer(server));
  return { url: `${origin}/hook`, bodies, server };
}

/** The attempts of the mock until `done` says enough. */
function attemptsUntil(mock: MockServer, done: (attempts: CallbackAttempt[]) => boolean) {
  return new Promise<CallbackAttempt[]>((resolve) => {
    const seen: CallbackAttempt[] = [];
    const stop = mock.callbacks.onAttempt((attempt) => {
      seen.push(attempt);
      if (done(seen)) {
        stop();
        resolve(seen);
      }
    });
  });
}

describe("what the mock POSTs", () => {
  it("fax_sent with the body the API sends, when the fax reaches its final status", async () => {
    const { mock, fax } = await start();
    const { url, bodies } = await target();
    await fax.createWebhook({ target: url, event: "fax_sent" });
    const attempted = attemptsUntil(mock, (a) => a.length === 1);
    const faxId = await sendOne(fax, "+14155550166");
    expect((await attempted)[0]).toMatchObject({ outcome: "delivered", status: 200, faxId });
    const record = await fax.getFax({ fax_id: faxId });
    expect(bodies).toEqual([
      {
        hook: { id: faxId, event: "fax_sent", event_time: expect.any(String), target: url },
        data: {
          id: faxId,
          uid: record.owner_id,
          pages: record.pages,
          from: record.from,
          to: "+14155550166",
          start_time: record.start_time,
          file: record.file,
          file_name: record.file_name,
          cost: record.pages,
          status: "success",
        },
      },
    ]);
    expect(parseWebhook(bodies[0]).hook.event).toBe("fax_sent"); // the spec's shape
  });

  it("fax_received to each hook of it, nothing to hooks of other events", async () => {
    const { mock, fax } = await start();
    const a = await target();
    const b = await target();
    await fax.createWebhook({ target: a.url, event: "fax_received" });
    await fax.createWebhook({ target: b.url, event: "fax_received" });
    await fax.createWebhook({ target: b.url, event: "fax_sent" });
    const attempted = attemptsUntil(mock, (all) => all.length === 2);
    const arrived = mock.receiveFax({ from: "+14155550100", pages: 2 });
    expect((await attempted).map((attempt) => attempt.outcome)).toEqual(["delivered", "delivered"]);
    for (const { bodies } of [a, b]) {
      expect(bodies).toEqual([
        expect.objectContaining({
          hook: expect.objectContaining({ event: "fax_received", id: arrived.id }),
          data: expect.objectContaining({ id: arrived.id, from: "+14155550100", pages: 2 }),
        }),
      ]);
    }
    expect(await fax.getFax({ fax_id: arrived.id })).toMatchObject({
      direction: "incoming",
      pages: 2,
    });
  });

  it("fax_page_received once per page, before fax_received (hooks of it set in the state)", async () => {
    const { mock } = await start();
    const { url, bodies } = await target();
    // Set in the state: createWebhook takes only the events the spec lists.
    mock.state.webhooks.set("pages", {
      id: "pages",
      target: url,
      event: "fax_page_received" as never,
    });
    const attempted = attemptsUntil(mock, (all) => all.length === 3);
    mock.receiveFax({ pages: 3 });
    await attempted;
    const pages = (bodies as { hook: { event: string }; data: { pages: number } }[]).map((body) => [
      body.hook.event,
      body.data.pages,
    ]);
    expect(pages.sort()).toEqual([
      ["fax_page_received", 1],
      ["fax_page_received", 2],
      ["fax_page_received", 3],
    ]);
  });

  it("does not call a target that is not a loopback URL; it records it as skipped", async () => {
    const { mock, fax } = await start();
    await fax.createWebhook({ target: "https://example.com/hook", event: "fax_received" });
    const attempted = attemptsUntil(mock, (all) => all.length === 1);
    mock.receiveFax();
    expect(await attempted).toEqual([
      expect.objectContaining({ outcome: "skipped", target: "https://example.com/hook" }),
    ]);
  });

  it("makes a fax arrive every receiveEveryMs", async () => {
    const { mock, fax } = await start({ receiveEveryMs: 10 });
    const { url } = await target();
    await fax.createWebhook({ target: url, event: "fax_received" });
    const attempts = await attemptsUntil(mock, (all) => all.length === 2);
    expect(attempts.map((attempt) => attempt.outcome)).toEqual(["delivered", "delivered"]);
    expect(attempts[0]!.faxId).not.toBe(attempts[1]!.faxId);
  });
});

describe("failed deliveries", () => {
  it("are retried on the schedule of the mock's clock until one is 2xx", async () => {
    let now = Date.parse("2026-12-07T10:00:00Z");
    const { mock, fax } = await start({ now: () => now, callbackRetryDelaysMs: [60_000, 600_000] });
    const { url, bodies } = await target((_, res, n) => {
      res.statusCode = n < 3 ? 503 : 200;
      res.end();
    });
    await fax.createWebhook({ target: url, event: "fax_received" });
    const first = attemptsUntil(mock, (all) => all.length === 1);
    mock.receiveFax();
    expect((await first)[0]).toMatchObject({ outcome: "failed", status: 503, attempt: 1 });
    expect(mock.callbacks.pending).toBe(1); // waits for the mock's clock, not the wall clock
    const second = attemptsUntil(mock, (all) => all.length === 1);
    now += 60_000;
    mock.callbacks.wake();
    expect((await second)[0]).toMatchObject({ outcome: "failed", attempt: 2 });
    const third = attemptsUntil(mock, (all) => all.length === 1);
    now += 600_000;
    mock.callbacks.wake();
    expect((await third)[0]).toMatchObject({ outcome: "delivered", attempt: 3 });
    expect(new Set(bodies.map((body) => JSON.stringify(body))).size).toBe(1); // the same body
  });

  it("are given up after the last retry", async () => {
    const { mock, fax } = await start({ callbackRetryDelaysMs: [0] });
    const { url } = await target((_, res) => {
      res.statusCode = 400;
      res.end();
    });
    await fax.createWebhook({ target: url, event: "fax_received" });
    const attempts = attemptsUntil(mock, (all) => all.length === 2);
    mock.receiveFax();
    expect((await attempts).map((a) => [a.outcome, a.status])).toEqual([
      ["failed", 400],
      ["gave_up", 400],
    ]);
  });

  it("to a dead target fail quickly, and the mock keeps answering", async () => {
    const { mock, fax } = await start({ callbackRetryDelaysMs: [] });
    const dead = await target();
    await closeServer(dead.server);
    await fax.createWebhook({ target: dead.url, event: "fax_received" });
    const attempts = attemptsUntil(mock, (all) => all.length === 1);
    mock.receiveFax();
    expect((await attempts)[0]).toMatchObject({
      outcome: "gave_up",
      error: expect.stringMatching(/ECONNREFUSED|fetch failed/),
    });
    expect((await fax.listWebhooks("fax_received")).data).toHaveLength(1);
  });

  it("to a target that never answers time out, without blocking the mock's answers", async () => {
    const { mock, fax } = await start({ callbackRetryDelaysMs: [], callbackTimeoutMs: 200 });
    const hanging: ServerResponse[] = [];
    const slow = await target((_, res) => void hanging.push(res)); // never ends its answer
    await fax.createWebhook({ target: slow.url, event: "fax_received" });
    const attempts = attemptsUntil(mock, (all) => all.length === 1);
    mock.receiveFax();
    // While the delivery hangs, the API answers.
    expect((await fax.listWebhooks("fax_received")).data).toHaveLength(1);
    expect((await attempts)[0]).toMatchObject({
      outcome: "gave_up",
      error: "no answer within 200 ms",
    });
    for (const res of hanging) res.destroy();
  });

  it("wait in a bounded queue: beyond maxPendingCallbacks the oldest is dropped", async () => {
    let now = 0;
    const { mock, fax } = await start({
      now: () => now,
      maxPendingCallbacks: 3,
      callbackRetryDelaysMs: [1000],
    });
    const { url } = await target((_, res) => {
      res.statusCode = 500;
      res.end();
    });
    await fax.createWebhook({ target: url, event: "fax_received" });
    // Every fax's first delivery either failed (its retry then waits for the frozen clock) or
    // was dropped from the full queue.
    const settled = attemptsUntil(mock, (all) => {
      const done = all.filter((a) => a.attempt === 1 && a.outcome !== "delivered");
      return new Set(done.map((a) => a.faxId)).size === 5;
    });
    for (let i = 0; i < 5; i++) mock.receiveFax();
    await settled;
    const dropped = mock.callbacks.attempts.filter((attempt) => attempt.outcome === "dropped");
    expect(dropped).toHaveLength(2); // five waiting deliveries, room for three
    expect(mock.callbacks.pending).toBe(3);
  });
});

describe("a receiver made with webhookHandler", () => {
  it("hands over once what two hooks on the same target deliver twice", async () => {
    const { mock, fax } = await start();
    let calls = 0;
    const handler = webhookHandler({
      trust: { refetch: fax },
      on: { fax_received: () => void calls++ },
    });
    const { origin, server }: { origin: string; server: Server } = await serveFetch(handler);
    cleanups.push(() => closeServer(server));
    await fax.createWebhook({ target: `${origin}/a`, event: "fax_received" });
    await fax.createWebhook({ target: `${origin}/a`, event: "fax_received" });
    const attempts = attemptsUntil(mock, (all) => all.length === 2);
    mock.receiveFax();
    expect((await attempts).map((a) => a.status)).toEqual([200, 200]);
    expect(calls).toBe(1);
  });

  it("answers a receiver's events for each event the spec lists", () => {
    expect(webhookEvents()).toEqual(expect.arrayContaining(["fax_sent", "fax_received"]));
  });
});

// Property tests (fast-check, fixed seed): any body, random, hostile or huge, gets a 4xx or a
// handed-over typed event, never a 5xx, never a rejection, whether it reaches the receiver as a
// Request or through Node's http and the adapter.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newWebhookSecret, webhookHandler, type WebhookDelivery } from "../../src/node.js";
import { webhookEvents } from "../../src/webhooks/parse.js";
import * as rules from "../../generated/rules.js";
import { closeServer, serveFetch } from "./harness.js";
import type { Server } from "node:http";

const SEED = 20261207;
const secret = newWebhookSecret();
const LIMIT = 4096;

const hexId = fc.string({
  unit: fc.constantFrom(..."0123456789abcdef"),
  minLength: 1,
  maxLength: 32,
});

/** A well-formed callback of any event the spec lists, with values of the right types. */
const statuses = rules.WebhookCallbackData.properties.status.enum;
const callback = fc.record({
  hook: fc.record(
    {
      id: hexId,
      event: fc.constantFrom(...webhookEvents()),
      event_time: fc.constant("2026-12-07 10:00:00"),
      target: fc.webUrl(),
    },
    { requiredKeys: ["event"] },
  ),
  data: fc.record(
    {
      id: hexId,
      pages: fc.nat(100),
      from: fc.string(),
      to: fc.string(),
      status: fc.constantFrom(...statuses),
      cost: fc.double({ min: 0, max: 100, noNaN: true }),
    },
    { requiredKeys: [] },
  ),
});

/** A valid callback with one value anywhere in it replaced by anything. */
const mutated = fc
  .tuple(
    callback,
    fc.constantFrom("hook", "data", "hook.event", "data.pages", "data.id", "hook.id"),
    fc.jsonValue(),
  )
  .map(([body, path, value]) => {
    const copy = structuredClone(body) as Record<string, Record<string, unknown>>;
    const [outer, inner] = path.split(".") as [string, string | undefined];
    if (inner === undefined) (copy as Record<string, unknown>)[outer] = value;
    else copy[outer]![inner] = value;
    return JSON.stringify(copy);
  });

/** Bodies of every kind: text, JSON of any shape, callbacks valid and broken, bytes, huge. */
const body = fc.oneof(
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  callback.map((value) => JSON.stringify(value)),
  mutated,
  fc.uint8Array({ maxLength: 300 }),
  fc.nat(40).map((depth) => "[".repeat(depth * 1000) + "]".repeat(depth * 1000)),
  fc.integer({ min: LIMIT - 2, max: LIMIT * 4 }).map((size) => "x".repeat(size)),
  fc.constantFrom(
    '{"__proto__":{"polluted":1},"hook":{"event":"fax_sent"},"data":{}}',
    "\u0000",
    "{}",
    "null",
  ),
);

function receiver() {
  const handed: WebhookDelivery[] = [];
  const errors: unknown[] = [];
  const handler = webhookHandler({
    trust: { urlSecret: secret },
    maxBodyBytes: LIMIT,
    on: Object.fromEntries(
      webhookEvents().map((event) => [event, (d: WebhookDelivery) => void handed.push(d)]),
    ),
    onError: (error) => errors.push(error),
  });
  return { handler, handed, errors };
}

describe("any body", () => {
  it("gets 200 with a typed event handed over, or a 4xx; never a 5xx or a rejection", async () => {
    const { handler, handed, errors } = receiver();
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(body, fc.boolean(), async (payload, rightUrl) => {
        const before = handed.length;
        const url = rightUrl
          ? `https://example.com/hooks/${secret}`
          : "https://example.com/hooks/x";
        const response = await handler(new Request(url, { method: "POST", body: payload }));
        const json = (await response.json()) as Record<string, unknown>;
        if (response.status === 200) {
          accepted++;
          expect(rightUrl).toBe(true);
          if (json.duplicate !== true) {
            expect(handed.length).toBe(before + 1);
            expect(webhookEvents()).toContain(handed.at(-1)!.event);
            expect(handed.at(-1)!.callback.hook.event).toBe(handed.at(-1)!.event);
          }
        } else {
          expect(response.status).toBeGreaterThanOrEqual(400);
          expect(response.status).toBeLessThan(500);
          expect(typeof json.description).toBe("string");
          expect(handed.length).toBe(before);
        }
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { seed: SEED, numRuns: 400 },
    );
    expect(accepted).toBeGreaterThan(20); // the generator reaches the handed-over path
    expect(errors).toEqual([]); // nothing was a failure of the receiver
  });
});

describe("any body through Node's http and the adapter", () => {
  let server: Server;
  let origin: string;
  const { handler, handed } = receiver();
  beforeAll(async () => {
    ({ server, origin } = await serveFetch(handler));
  });
  afterAll(() => closeServer(server));

  it("gets 200 or a 4xx and the server keeps serving", async () => {
    await fc.assert(
      fc.asyncProperty(body, fc.boolean(), async (payload, chunked) => {
        const bytes = typeof payload === "string" ? new TextEncoder().encode(payload) : payload;
        const stream = new ReadableStream<Uint8Array>({
          start(controller) {
            for (let i = 0; i < bytes.length; i += 1000)
              controller.enqueue(bytes.slice(i, i + 1000));
            controller.close();
          },
        });
        // Chunked: no Content-Length, so the limit is found while reading.
        const response = await fetch(`${origin}/hooks/${secret}`, {
          method: "POST",
          body: chunked ? stream : bytes,
          ...(chunked ? { duplex: "half" } : {}),
        } as RequestInit);
        await response.arrayBuffer();
        expect([200, 400, 413]).toContain(response.status);
      }),
      { seed: SEED, numRuns: 60 },
    );
    // Still serving.
    const ok = await fetch(`${origin}/hooks/${secret}`, {
      method: "POST",
      body: JSON.stringify({ hook: { event: "fax_sent", id: "end" }, data: { id: "end" } }),
    });
    expect(ok.status).toBe(200);
    expect(handed.at(-1)?.callback.data.id).toBe("end");
  });
});

// The receiver's answers, called as a Web-standard handler: trust (a forged body is refused under
// each mode), duplicates handed over once, retries told apart, the answer codes, the options.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FaxPlus,
  ValidationError,
  newWebhookSecret,
  webhookHandler,
  type SeenStore,
  type WebhookDelivery,
  type WebhookHandlerOptions,
  type WebhookTrust,
} from "../../src/index.js";
import { seeds, type MockServer } from "../../src/mock/index.js";
import { webhookEvents } from "../../src/webhooks/parse.js";
import { startMock } from "./harness.js";

let mock: MockServer;
let fax: FaxPlus;
beforeAll(async () => {
  ({ mock, fax } = await startMock());
});
afterAll(() => mock.close());

const secret = newWebhookSecret();

/** A real fax of the mock, as its fax_sent callback would carry it. */
function sentBody(overrides: { hook?: object; data?: object } = {}) {
  const record = mock.state.faxes.get(seeds.sentFaxId)!;
  return {
    hook: {
      id: record.id,
      event: "fax_sent",
      event_time: "2026-12-07 10:00:00",
      target: "x",
      ...overrides.hook,
    },
    data: {
      id: record.id,
      uid: record.owner_id,
      pages: record.pages,
      from: record.from,
      to: record.to,
      status: record.status,
      ...overrides.data,
    },
  };
}

function post(url: string, body: unknown, init: RequestInit = {}): Request {
  return new Request(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
    ...init,
  });
}

function receiver(trust: WebhookTrust, options: Partial<WebhookHandlerOptions> = {}) {
  const handed: WebhookDelivery[] = [];
  const errors: unknown[] = [];
  const handler = webhookHandler({
    trust,
    on: {
      fax_sent: (delivery) => void handed.push(delivery),
      fax_received: (d) => void handed.push(d),
    },
    onError: (error) => errors.push(error),
    ...options,
  });
  return { handler, handed, errors };
}

async function answer(response: Response) {
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const withSecret = `https://example.com/faxplus/${secret}`;
const withSecretQuery = `https://example.com/faxplus?secret=${secret}`;

describe("trust by a secret in the URL", () => {
  const trust = { urlSecret: secret };

  it.each([
    ["no secret", "https://example.com/faxplus"],
    ["a wrong secret of the same length", `https://example.com/faxplus/${newWebhookSecret()}`],
    ["the secret's first half", `https://example.com/faxplus/${secret.slice(0, 16)}`],
    ["the secret with a character more", `https://example.com/faxplus?secret=${secret}0`],
    ["the secret in another query parameter", `https://example.com/faxplus?token=${secret}`],
    ["the secret before the last segment", `https://example.com/${secret}/faxplus`],
  ])("refuses a body posted with %s (403)", async (_, url) => {
    const { handler, handed } = receiver(trust);
    const { status, body } = await answer(await handler(post(url, sentBody())));
    expect(status).toBe(403);
    expect(body.description).toMatch(/secret/);
    expect(handed).toEqual([]);
  });

  it.each([
    ["the last path segment", withSecret],
    ["the secret query parameter", withSecretQuery],
    ["a percent-encoded segment", `https://example.com/faxplus/${encodeURIComponent(secret)}/`],
  ])("accepts it in %s", async (_, url) => {
    const { handler, handed } = receiver(trust);
    expect((await handler(post(url, sentBody()))).status).toBe(200);
    expect(handed).toHaveLength(1);
  });
});

describe("trust by re-fetching the fax", () => {
  const trust = () => ({ refetch: fax });

  it.each([
    ["an invented fax", { data: { id: "0".repeat(32) } }, /no fax/],
    ["a real fax with another status", { data: { status: "failed" } }, /status/],
    ["a real fax with another destination", { data: { to: "+19999999999" } }, /to of fax/],
    ["a sent fax told as received", { hook: { event: "fax_received" } }, /direction/],
    ["a fax without an ID", { data: { id: undefined } }, /data.id/],
  ])("refuses %s (403)", async (_, overrides, reason) => {
    const { handler, handed } = receiver(trust());
    const { status, body } = await answer(await handler(post(withSecret, sentBody(overrides))));
    expect(status).toBe(403);
    expect(body.description).toMatch(reason);
    expect(handed).toEqual([]);
  });

  it("hands over a real fax with the record the API answered", async () => {
    const { handler, handed } = receiver(trust());
    expect((await handler(post("https://example.com/any", sentBody()))).status).toBe(200);
    expect(handed[0]?.fax).toEqual(mock.state.faxes.get(seeds.sentFaxId));
  });

  it("answers 503 when the API cannot be reached (the API retries later), 4xx never", async () => {
    const down = new FaxPlus({ baseUrl: "http://127.0.0.1:8/v3", token: "t", maxRetries: 0 });
    const { handler, handed, errors } = receiver({ refetch: down });
    const { status, body } = await answer(await handler(post(withSecret, sentBody())));
    expect(status).toBe(503);
    expect(body.error).toBe("unavailable");
    expect(handed).toEqual([]);
    expect(errors).toHaveLength(1);
  });
});

describe("trust by both", () => {
  it("refuses an invented fax at the right URL, and a real fax at a wrong URL", async () => {
    const { handler, handed } = receiver({ urlSecret: secret, refetch: fax });
    const invented = sentBody({ data: { id: "f".repeat(32) } });
    expect((await handler(post(withSecret, invented))).status).toBe(403);
    expect((await handler(post("https://example.com/faxplus/guess", sentBody()))).status).toBe(403);
    expect(handed).toEqual([]);
    expect((await handler(post(withSecret, sentBody()))).status).toBe(200);
    expect(handed).toHaveLength(1);
  });
});

it('trust "none" hands over any well-formed body (local development only)', async () => {
  const { handler, handed } = receiver("none");
  const invented = sentBody({ data: { id: "f".repeat(32) } });
  expect((await handler(post("https://example.com/", invented))).status).toBe(200);
  expect(handed).toHaveLength(1);
});

describe("duplicates and retries", () => {
  it("hands a delivery made twice over once; the second answer says duplicate", async () => {
    const { handler, handed } = receiver({ urlSecret: secret });
    expect(await answer(await handler(post(withSecret, sentBody())))).toEqual({
      status: 200,
      body: { received: true },
    });
    expect(await answer(await handler(post(withSecret, sentBody())))).toEqual({
      status: 200,
      body: { received: true, duplicate: true },
    });
    expect(handed).toHaveLength(1);
  });

  it("hands over once when the same delivery arrives several times at once", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const handler = webhookHandler({
      trust: "none",
      on: { fax_sent: async () => void (calls++, await gate) },
    });
    const answers = Array.from({ length: 5 }, () => handler(post(withSecret, sentBody())));
    release();
    expect((await Promise.all(answers)).map((response) => response.status)).toEqual([
      200, 200, 200, 200, 200,
    ]);
    expect(calls).toBe(1);
  });

  it("tells a retried fax (hook.id differs from data.id), handed over as its own delivery", async () => {
    const { handler, handed } = receiver("none");
    await handler(post(withSecret, sentBody()));
    await handler(post(withSecret, sentBody({ hook: { id: "a".repeat(32) } })));
    expect(handed.map((delivery) => delivery.retry)).toEqual([false, true]);
  });

  it("uses the given SeenStore, async too", async () => {
    const keys = new Set<string>();
    const seen: SeenStore = {
      has: async (key) => keys.has(key),
      add: async (key) => void keys.add(key),
    };
    const first = receiver("none", { seen });
    const second = receiver("none", { seen }); // another instance of the app, same store
    await first.handler(post(withSecret, sentBody()));
    const { body } = await answer(await second.handler(post(withSecret, sentBody())));
    expect(body).toEqual({ received: true, duplicate: true });
    expect(second.handed).toEqual([]);
    expect(keys.size).toBe(1);
  });

  it("a handler that throws gets 500 and its delivery is handed over again on the retry", async () => {
    let fail = true;
    const errors: unknown[] = [];
    let calls = 0;
    const handler = webhookHandler({
      trust: "none",
      on: {
        fax_sent: () => {
          calls++;
          if (fail) throw new Error("database down");
        },
      },
      onError: (error) => errors.push(error),
    });
    const first = await answer(await handler(post(withSecret, sentBody())));
    expect(first).toEqual({
      status: 500,
      body: { error: "handler_failed", description: "the app's handler of fax_sent failed" },
    });
    expect(errors).toEqual([new Error("database down")]);
    fail = false;
    expect((await handler(post(withSecret, sentBody()))).status).toBe(200);
    expect(calls).toBe(2);
  });

  it("an onError that throws changes no answer", async () => {
    const handler = webhookHandler({
      trust: "none",
      on: {
        fax_sent: () => {
          throw new Error("app failure");
        },
      },
      onError: () => {
        throw new Error("reporter failure");
      },
    });
    expect((await handler(post(withSecret, sentBody()))).status).toBe(500);
  });

  it("a SeenStore that fails gets 503, the handler not called", async () => {
    const seen: SeenStore = { has: () => Promise.reject(new Error("redis down")), add: () => {} };
    const { handler, handed } = receiver("none", { seen });
    expect((await handler(post(withSecret, sentBody()))).status).toBe(503);
    expect(handed).toEqual([]);
  });
});

describe("answers", () => {
  it("405 for another method than POST", async () => {
    const { handler } = receiver("none");
    const response = await handler(new Request(withSecret));
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });

  it("413 for a declared or a streamed body over the limit, read no further", async () => {
    const { handler } = receiver("none", { maxBodyBytes: 1000 });
    const declared = post(withSecret, "x".repeat(1001));
    expect((await handler(declared)).status).toBe(413);
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(400));
      },
    });
    const streamed = new Request(withSecret, {
      method: "POST",
      body: endless,
      duplex: "half",
    } as RequestInit);
    expect((await handler(streamed)).status).toBe(413);
    expect(pulled).toBeLessThan(10);
  });

  it.each([
    ["not JSON", "{hook:", /body: must be valid JSON/],
    ["not UTF-8", new Uint8Array([0x7b, 0xff, 0x7d]), /UTF-8/],
    ["empty", "", /body/],
    ["without an event", { hook: {}, data: {} }, /hook.event: is required/],
    [
      "of an unknown event",
      { hook: { event: "fax_lost" }, data: {} },
      /hook.event: must be one of/,
    ],
    ["with pages as text", { hook: { event: "fax_sent" }, data: { pages: "2" } }, /data.pages/],
  ])("400 naming the field for a body %s", async (_, body, description) => {
    const { handler, handed } = receiver("none");
    const request = new Request(withSecret, {
      method: "POST",
      body: body instanceof Uint8Array || typeof body === "string" ? body : JSON.stringify(body),
    });
    const { status, body: json } = await answer(await handler(request));
    expect(status).toBe(400);
    expect(json.error).toBe("invalid_body");
    expect(json.description).toMatch(description);
    expect(handed).toEqual([]);
  });

  it("200 for a valid event the app has no handler for", async () => {
    const handler = webhookHandler({ trust: "none", on: {} });
    expect((await handler(post(withSecret, sentBody()))).status).toBe(200);
  });

  it("hands over every event the spec lists to its own handler", async () => {
    const got: string[] = [];
    const on = Object.fromEntries(
      webhookEvents().map((event) => [event, () => void got.push(event)]),
    );
    const handler = webhookHandler({ trust: "none", on });
    for (const event of webhookEvents()) {
      const response = await handler(post(withSecret, sentBody({ hook: { event } })));
      expect(response.status).toBe(200);
    }
    expect(got).toEqual(webhookEvents());
  });
});

describe("options", () => {
  it.each([
    ["no trust", { on: {} }, "trust"],
    ["an empty trust", { on: {}, trust: {} }, "trust"],
    ["a short secret", { on: {}, trust: { urlSecret: "abc" } }, "trust.urlSecret"],
    ["a refetch that is no client", { on: {}, trust: { refetch: 5 } }, "trust.refetch"],
    [
      "a refetch that looks like one",
      { on: {}, trust: { refetch: { userId: "self" } } },
      "trust.refetch",
    ],
    ["a handler that is no function", { on: { fax_sent: "x" }, trust: "none" }, "on.fax_sent"],
    ["no handlers", { trust: "none" }, "on"],
    ["a zero body limit", { on: {}, trust: "none", maxBodyBytes: 0 }, "maxBodyBytes"],
    ["a seen store without add", { on: {}, trust: "none", seen: { has() {} } }, "seen"],
  ])("refuses %s when the receiver is made", (_, options, field) => {
    const make = () => webhookHandler(options as unknown as WebhookHandlerOptions);
    expect(make).toThrow(ValidationError);
    try {
      make();
    } catch (error) {
      expect((error as ValidationError).field).toBe(field);
    }
  });
});

// A receiver in each server people use gets the mock's real callbacks: `fax_sent` for a fax sent
// through the mock, `fax_received` for one made to arrive. Each trusts by both the URL's secret and
// the re-fetched fax. Waits are on the deliveries themselves, never on a clock.
import express from "express";
import { Hono } from "hono";
import { createServer, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import {
  newWebhookSecret,
  toNodeHandler,
  webhookHandler,
  type FaxPlus,
  type WebhookHandler,
} from "../../src/node.js";
import type { CallbackAttempt, MockServer } from "../../src/mock/index.js";
import { Inbox, closeServer, sendOne, serveFetch, serveNode, startMock } from "./harness.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** How each server mounts the receiver; each returns the URL to register (with the secret). */
const servers: Record<
  string,
  (handler: WebhookHandler, secret: string) => Promise<{ url: string; server: Server }>
> = {
  "Node http": async (handler, secret) => {
    const { origin, server } = await serveNode(createServer(toNodeHandler(handler)));
    return { url: `${origin}/faxplus?secret=${secret}`, server };
  },
  Express: async (handler, secret) => {
    const app = express();
    app.post("/faxplus/:secret", toNodeHandler(handler));
    const { origin, server } = await serveNode(createServer(app));
    return { url: `${origin}/faxplus/${secret}`, server };
  },
  "Express after express.json()": async (handler, secret) => {
    const app = express();
    app.use(express.json()); // the body is parsed before the receiver sees it
    app.post("/faxplus/:secret", toNodeHandler(handler));
    const { origin, server } = await serveNode(createServer(app));
    return { url: `${origin}/faxplus/${secret}`, server };
  },
  Hono: async (handler, secret) => {
    const app = new Hono();
    app.post("/faxplus/:secret", (c) => handler(c.req.raw));
    const { origin, server } = await serveFetch((request) => Promise.resolve(app.fetch(request)));
    return { url: `${origin}/faxplus/${secret}`, server };
  },
  "a Next.js route handler": async (handler, secret) => {
    // app/api/faxplus/[secret]/route.ts
    const route = {
      async POST(request: Request): Promise<Response> {
        return handler(request);
      },
    };
    const { origin, server } = await serveFetch((request) => route.POST(request));
    return { url: `${origin}/api/faxplus/${secret}`, server };
  },
  "a Workers fetch handler": async (handler, secret) => {
    // export default { fetch } of a Worker (env and ctx unused).
    const worker = {
      fetch(request: Request, _env: unknown, _ctx: unknown): Promise<Response> {
        return handler(request);
      },
    };
    const { origin, server } = await serveFetch((request) => worker.fetch(request, {}, {}));
    return { url: `${origin}/?secret=${secret}`, server };
  },
};

async function setUp(name: string): Promise<{ mock: MockServer; fax: FaxPlus; inbox: Inbox }> {
  const { mock, fax } = await startMock({ seed: true });
  const inbox = new Inbox();
  const errors: unknown[] = [];
  cleanups.push(async () => expect(errors).toEqual([])); // nothing got a 5xx
  const secret = newWebhookSecret();
  const handler = webhookHandler({
    trust: { urlSecret: secret, refetch: fax },
    on: inbox.handlers,
    onError: (error) => errors.push(error),
  });
  const { url, server } = await servers[name]!(handler, secret);
  cleanups.push(
    () => closeServer(server),
    () => mock.close(),
  );
  for (const event of ["fax_sent", "fax_received"] as const) {
    await fax.createWebhook({ target: url, event });
  }
  return { mock, fax, inbox };
}

describe.each(Object.keys(servers))("a receiver in %s", (name) => {
  it("gets fax_sent for a fax sent through the mock", async () => {
    const { fax, inbox } = await setUp(name);
    const sent = inbox.next("fax_sent");
    const faxId = await sendOne(fax, "+14155550177");
    const delivery = await sent;
    expect(delivery.callback.data).toMatchObject({
      id: faxId,
      to: "+14155550177",
      status: "success",
    });
    expect(delivery.retry).toBe(false);
    expect(delivery.fax).toMatchObject({ id: faxId, direction: "outgoing" });
    expect(inbox.of("fax_received")).toEqual([]);
  });

  it("gets fax_received for a fax made to arrive", async () => {
    const { mock, inbox } = await setUp(name);
    const received = inbox.next("fax_received");
    const attempted = new Promise<CallbackAttempt>((resolve) => mock.callbacks.onAttempt(resolve));
    const arrived = mock.receiveFax({ from: "+14155550188", pages: 3 });
    const delivery = await received;
    expect(delivery.callback.hook).toMatchObject({ id: arrived.id, event: "fax_received" });
    expect(delivery.callback.data).toMatchObject({
      id: arrived.id,
      from: "+14155550188",
      pages: 3,
    });
    expect(delivery.fax).toMatchObject({ id: arrived.id, direction: "incoming", pages: 3 });
    // What the receiver answered, as the mock saw it.
    expect(await attempted).toMatchObject({
      event: "fax_received",
      outcome: "delivered",
      status: 200,
    });
  });
});

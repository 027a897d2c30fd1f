// What the receiver tests share: a mock API, a client of it, and an inbox of the deliveries a
// receiver handed over that a test can await (event-driven: no sleeps).
import { EventEmitter, once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  FaxPlus,
  toNodeHandler,
  type WebhookDelivery,
  type WebhookEvent,
  type WebhookHandlers,
} from "../../src/node.js";
import {
  pdfDocument,
  type MockServer,
  type MockServerOptions,
  seeds,
  startMockServer,
} from "../../src/mock/index.js";
import { webhookEvents } from "../../src/webhooks/parse.js";

export const TOKEN = "test-token";

/** The deliveries a receiver handed over, by event, in order. */
export class Inbox {
  readonly deliveries: WebhookDelivery[] = [];
  private readonly emitter = new EventEmitter();

  /** Handlers of every event the spec lists, each recording into this inbox. */
  get handlers(): WebhookHandlers {
    const handlers: Record<string, (delivery: WebhookDelivery) => void> = {};
    for (const event of webhookEvents()) {
      handlers[event] = (delivery) => {
        this.deliveries.push(delivery);
        this.emitter.emit(event, delivery);
      };
    }
    return handlers as WebhookHandlers;
  }

  /** The next delivery of `event`: call before what causes it. */
  next<E extends WebhookEvent>(event: E): Promise<WebhookDelivery<E>> {
    return once(this.emitter, event).then(([delivery]) => delivery as WebhookDelivery<E>);
  }

  of(event: WebhookEvent): WebhookDelivery[] {
    return this.deliveries.filter((delivery) => delivery.event === event);
  }
}

export async function startMock(options: MockServerOptions = {}): Promise<{
  mock: MockServer;
  fax: FaxPlus;
}> {
  // Faxes arrive fast; failed callbacks are retried at once (tests move nothing by hand).
  const mock = await startMockServer({ token: TOKEN, deliveryMs: 40, ...options });
  const fax = new FaxPlus({ baseUrl: mock.baseUrl, token: TOKEN });
  return { mock, fax };
}

/** Serves a Web-standard handler on 127.0.0.1 through the Node adapter; its origin. */
export async function serveFetch(
  handler: (request: Request) => Promise<Response>,
): Promise<{ origin: string; server: Server }> {
  return serveNode(createServer(toNodeHandler(handler)));
}

/** Listens on a free port of 127.0.0.1; the origin `http://127.0.0.1:<port>`. */
export async function serveNode(server: Server): Promise<{ origin: string; server: Server }> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, server };
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Sends a one-page fax through the mock: its fax ID. */
export async function sendOne(fax: FaxPlus, to = "+14155550177"): Promise<string> {
  const { ids } = await fax.send({
    from: seeds.number,
    to: [to],
    files: [new File([pdfDocument("page")], "page.pdf", { type: "application/pdf" })],
  });
  return ids[to]!;
}

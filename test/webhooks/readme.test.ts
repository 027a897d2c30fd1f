// The example of README.md's mock callbacks ("Testing your app against the mock"), with this
// repo's import paths: keep the two in step.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, it } from "vitest";
import { FaxPlus, webhookHandler, type WebhookDelivery } from "../../src/index.js";
import { toNodeHandler } from "../../src/node.js";
import { startMockServer } from "../../src/mock/index.js";

it("gets fax_received from the mock", async () => {
  const server = await startMockServer({ token: "test-token" });
  const fax = new FaxPlus({ baseUrl: server.baseUrl, token: "test-token" });
  let arrived!: (delivery: WebhookDelivery<"fax_received">) => void;
  const received = new Promise<WebhookDelivery<"fax_received">>((resolve) => (arrived = resolve));
  const handler = webhookHandler({ trust: { refetch: fax }, on: { fax_received: arrived } });
  const app = createServer(toNodeHandler(handler)).listen(0, "127.0.0.1");
  await new Promise((resolve) => app.once("listening", resolve));
  const { port } = app.address() as AddressInfo;
  await fax.createWebhook({ target: `http://127.0.0.1:${port}/faxplus`, event: "fax_received" });

  const record = server.receiveFax({ from: "+14155550100", pages: 2 });
  expect((await received).callback.data).toMatchObject({ id: record.id, pages: 2 });
  app.close();
  await server.close();
});

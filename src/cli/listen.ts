// webhooks listen: a webhook receiver on 127.0.0.1 that prints each event as it arrives, for local
// development (like `stripe listen`). On a loopback API (the mock) it registers itself for every
// event and removes the registrations on exit; with --forward it POSTs each event on to an app.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { FaxPlus, WebhookDelivery, WebhookEvent } from "../node.js";
import { UsageError } from "./args.js";
import type { Runner } from "./types.js";
import type { Context } from "./context.js";

export const listen: Runner = async (ctx) => {
  const { args, out } = ctx;
  const port = args.number("port") ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError("--port must be an integer from 0 to 65535");
  }
  const forward = forwardUrl(args.string("forward"));
  const sdk = await import("../node.js");
  const known = sdk.webhookEvents();
  const events = args.strings("event").length ? args.strings("event") : [...known];
  for (const event of events) {
    if (!known.includes(event as WebhookEvent)) {
      throw new UsageError(
        `--event must be one of ${known.join(", ")} (got ${JSON.stringify(event)})`,
      );
    }
  }

  const secret = sdk.newWebhookSecret();
  const print = (delivery: WebhookDelivery) => {
    if (ctx.json) out.print(JSON.stringify(delivery.callback));
    else out.print(describe(delivery));
  };
  const on = Object.fromEntries(
    known.map((event) => [
      event,
      async (delivery: WebhookDelivery) => {
        print(delivery);
        if (forward) await forwardTo(ctx, forward, delivery);
      },
    ]),
  );
  const handler = sdk.webhookHandler({
    trust: { urlSecret: secret },
    on,
    onError: (error) => out.error(error instanceof Error ? error.message : String(error)),
  });
  const { createServer } = await import("node:http");
  const server = createServer(sdk.toNodeHandler(handler));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/faxplus/${secret}`;

  // Registered on the API only when it is a local one (the mock): a hook on the real API must be
  // a public URL, such as a tunnel's, which the user registers.
  const registered: string[] = [];
  let client: FaxPlus | undefined;
  const baseUrl = ctx.env["FAXPLUS_BASE_URL"];
  if (baseUrl && isLoopbackUrl(baseUrl)) {
    client = await ctx.client();
    try {
      for (const event of events as WebhookEvent[]) {
        try {
          registered.push((await client.createWebhook({ target: url, event })).id);
        } catch (error) {
          // A callback event that hooks cannot be registered for yet (the spec lists it in one
          // place and not the other): skipped, not fatal.
          if (!(error instanceof sdk.ValidationError) || error.field !== "event") throw error;
          out.note(`not registered for ${event}: ${error.rule}`);
        }
      }
    } catch (error) {
      await unregister(client, registered);
      await close(server);
      throw error;
    }
  }
  out.print(url);
  if (out.errTty) {
    out.note(
      registered.length
        ? `listening; registered for ${events.join(", ")} on ${baseUrl} (removed on exit).`
        : `listening; register this URL as a webhook target (behind a public tunnel) to get events.`,
    );
    if (forward) out.note(`forwarding each event to ${forward}.`);
    out.note("Ctrl-C stops it.");
  }
  await new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
  if (client) await unregister(client, registered);
  await close(server);
};

/** One line per event: time, event, fax ID, numbers, pages, status, and whether it is a retry. */
function describe(delivery: WebhookDelivery): string {
  const { hook, data } = delivery.callback;
  const from = data.from ?? data.from_number ?? "?";
  const to = data.to ?? data.to_number ?? "?";
  const fields = [
    hook.event_time ?? new Date().toISOString().slice(0, 19).replace("T", " "),
    delivery.event,
    data.id ?? "?",
    `${from} -> ${to}`,
    `${data.pages ?? "?"} page(s)`,
    data.status ?? "",
    delivery.retry ? "(retry)" : "",
  ];
  return fields.filter((field) => field !== "").join("  ");
}

function forwardUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    const url = new URL(value);
    if (url.protocol === "http:" || url.protocol === "https:") return url.href;
  } catch {
    // below
  }
  throw new UsageError(`--forward must be an http(s) URL (got ${JSON.stringify(value)})`);
}

/**
 * POSTs the event's body on to the app, and throws when it does not answer 2xx: the listener then
 * answers 500, and the API (or the mock) retries the delivery.
 */
async function forwardTo(ctx: Context, url: string, delivery: WebhookDelivery): Promise<void> {
  let status: number;
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(delivery.callback),
      redirect: "manual",
      signal: AbortSignal.timeout(10_000),
    });
    status = response.status;
    await response.body?.cancel().catch(() => {});
  } catch (error) {
    throw new Error(
      `forwarding to ${url} failed: ${error instanceof Error ? error.message : error}`,
    );
  }
  ctx.out.note(`forwarded ${delivery.event} to ${url}: ${status}`);
  if (status < 200 || status > 299) throw new Error(`${url} answered ${status}`);
}

async function unregister(client: FaxPlus, ids: string[]): Promise<void> {
  await Promise.allSettled(ids.map((hook_id) => client.deleteWebhook({ hook_id })));
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function isLoopbackUrl(value: string): boolean {
  try {
    const { hostname } = new URL(value);
    return hostname === "localhost" || hostname === "[::1]" || /^127(\.\d+){3}$/.test(hostname);
  } catch {
    return false;
  }
}

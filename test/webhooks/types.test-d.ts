// What must and must not compile: handlers typed per event name, a trust that must be chosen.
import { expectTypeOf, it } from "vitest";
import { webhookHandler, type WebhookDelivery, type WebhookEvent } from "../../src/index.js";

it("types each handler by its event", () => {
  webhookHandler({
    trust: "none",
    on: {
      fax_sent: (delivery) => {
        expectTypeOf(delivery.event).toEqualTypeOf<"fax_sent">();
        expectTypeOf(delivery.callback.hook.event).toEqualTypeOf<"fax_sent">();
        expectTypeOf(delivery.retry).toEqualTypeOf<boolean>();
      },
    },
  });
  // Every event of the spec has a handler slot, and the union narrows by `event`.
  expectTypeOf<keyof Parameters<typeof webhookHandler>[0]["on"]>().toEqualTypeOf<WebhookEvent>();
  expectTypeOf<WebhookDelivery["event"]>().toEqualTypeOf<WebhookEvent>();
});

it("refuses an unknown event, a missing or empty trust, a non-string secret", () => {
  // @ts-expect-error: no such event
  webhookHandler({ trust: "none", on: { fax_lost: () => {} } });
  // @ts-expect-error: trust is required (there is no signature)
  webhookHandler({ on: {} });
  // @ts-expect-error: a trust must name urlSecret or refetch
  webhookHandler({ trust: {}, on: {} });
  // @ts-expect-error: a secret is a string
  webhookHandler({ trust: { urlSecret: 5 }, on: {} });
});

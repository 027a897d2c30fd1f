import { describe, expect, expectTypeOf, it } from "vitest";
import { ValidationError } from "../../src/index.js";
import {
  parseWebhook,
  webhookEvents,
  type WebhookCallback,
  type WebhookEvent,
} from "../../src/webhooks/parse.js";
import * as rules from "../../generated/rules.js";
import type { components } from "../../generated/schema.js";

type FaxStatus = components["schemas"]["FaxStatus"];

const sent = {
  hook: {
    id: "a1b2c3",
    event: "fax_sent",
    event_time: "2026-11-20 10:00:00",
    target: "https://example.com/hooks/fax",
  },
  data: {
    id: "a1b2c3",
    uid: "u1",
    pages: 2,
    from: "+12345678901",
    to: "+12345678902",
    start_time: "2026-11-20 09:59:00",
    file: "abc.tiff",
    file_name: "fax.tiff",
    cost: 2,
    status: "success",
  },
};
const received = {
  hook: { ...sent.hook, event: "fax_received" },
  data: { ...sent.data, from_number: "+12345678902", to_number: "+12345678901" },
};

describe("parseWebhook", () => {
  it("accepts a fax_sent callback as JSON text", () => {
    const callback = parseWebhook(JSON.stringify(sent));
    expect(callback).toEqual(sent);
    expect(callback.hook.event).toBe("fax_sent");
  });

  it("accepts an already parsed fax_received callback", () => {
    const callback = parseWebhook(received);
    expect(callback).toEqual(received);
    expect(callback).not.toBe(received); // a checked copy: later changes to the input do not reach it
    expect(callback.hook.event).toBe("fax_received");
  });

  it("accepts every event of the spec's enum, fax_page_received (payload undocumented) too", () => {
    const events = rules.WebhookCallbackHook.properties.event.enum;
    expect(events).toContain("fax_page_received");
    for (const event of events) {
      expect(parseWebhook({ hook: { event }, data: {} }).hook.event).toBe(event);
    }
  });

  it("narrows the type by hook.event", () => {
    const callback = parseWebhook(sent);
    expectTypeOf(callback).toEqualTypeOf<WebhookCallback>();
    expectTypeOf(callback.hook.event).toEqualTypeOf<WebhookEvent>();
    expectTypeOf<"fax_sent" | "fax_received">().toExtend<WebhookEvent>();
    if (callback.hook.event === "fax_sent") {
      expectTypeOf(callback.hook.event).toEqualTypeOf<"fax_sent">();
      // @ts-expect-error: narrowed, so it cannot be fax_received here
      expect(callback.hook.event === "fax_received").toBe(false);
    }
    expectTypeOf(callback.data.status).toEqualTypeOf<FaxStatus | undefined>();
  });

  it.each([
    ["invalid JSON", "{hook:", "body", /valid JSON/],
    ["JSON null", "null", "body", /object/],
    ["an array", [sent], "body", /object/],
    ["a number", 42, "body", /object/],
    ["undefined", undefined, "body", /object/],
    ["no hook", { data: sent.data }, "hook", /is required/],
    ["hook as a string", { hook: "fax_sent", data: sent.data }, "hook", /object/],
    ["no event", { hook: { id: "x" }, data: sent.data }, "hook.event", /is required/],
    ["an unknown event", { hook: { event: "fax_lost" }, data: sent.data }, "hook.event", /one of/],
    [
      "an event of another case",
      { hook: { event: "FAX_SENT" }, data: sent.data },
      "hook.event",
      /one of/,
    ],
    ["no data", { hook: sent.hook }, "data", /is required/],
    ["data as an array", { hook: sent.hook, data: [] }, "data", /object/],
    ["data null", { hook: sent.hook, data: null }, "data", /object/],
    [
      "a target that is a number",
      { hook: { ...sent.hook, target: 5 }, data: sent.data },
      "hook.target",
      /must be a string/,
    ],
    [
      "a to_number that is an object",
      { hook: sent.hook, data: { ...sent.data, to_number: {} } },
      "data.to_number",
      /must be a string/,
    ],
    [
      "pages given as text",
      { hook: sent.hook, data: { ...sent.data, pages: "2" } },
      "data.pages",
      /number/,
    ],
    [
      "an unknown status",
      { hook: sent.hook, data: { ...sent.data, status: "done" } },
      "data.status",
      /one of/,
    ],
  ])("refuses %s", (_, body, field, rule) => {
    const error = (() => {
      try {
        parseWebhook(body);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
    expect((error as ValidationError).rule).toMatch(rule);
  });

  // The spec's corrections add fax_page_received (fact sheet section 7); until they do, the
  // callback enum refuses it. Either way the rule comes from generated/rules.ts.
  it("takes fax_page_received exactly when the spec lists it", () => {
    const body = { hook: { event: "fax_page_received", id: "p1" }, data: { id: "p1", pages: 1 } };
    if (webhookEvents().includes("fax_page_received" as WebhookEvent)) {
      expect(parseWebhook(body).hook.event).toBe("fax_page_received");
    } else {
      expect(() => parseWebhook(body)).toThrow(
        /^hook.event: must be one of fax_sent, fax_received$/,
      );
    }
  });

  it("lists the events of the spec's rules", () => {
    expect(webhookEvents()).toEqual(
      expect.arrayContaining(["fax_sent", "fax_received"] satisfies WebhookEvent[]),
    );
  });
});

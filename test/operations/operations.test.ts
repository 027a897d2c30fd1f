// The standalone functions of generated/operations.ts, with a client from createFaxPlus: the
// request each sends, the answer each returns, and what each refuses before sending.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createFaxPlus,
  NotFoundError,
  ValidationError,
  type FaxPlusCore,
} from "../../src/index.js";
import * as api from "../../src/index.js";
import { startServer, type Reply, type TestServer } from "../support/server.js";

let server: TestServer;
let fax: FaxPlusCore;
let reply: Reply;

beforeAll(async () => {
  server = await startServer(() => reply);
  fax = createFaxPlus({ token: "t", baseUrl: server.baseUrl, maxRetries: 0 });
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  reply = { status: 204 };
});

const answer = { echo: "the answer" };

describe("wrappers send the right request and return the answer", () => {
  const reads: [string, () => Promise<unknown>, string][] = [
    ["getFax", () => api.getFax(fax, { fax_id: "f1" }), "/accounts/self/faxes/f1"],
    ["listOutboxFaxes", () => api.listOutboxFaxes(fax), "/accounts/self/outbox"],
    [
      "getOutboxFax",
      () => api.getOutboxFax(fax, { outbox_fax_id: "o1" }),
      "/accounts/self/outbox/o1",
    ],
    ["listNumbers", () => api.listNumbers(fax), "/accounts/self/numbers"],
    [
      "getNumber",
      () => api.getNumber(fax, { number: "+16699990000" }),
      "/accounts/self/numbers/%2B16699990000",
    ],
    ["getAccounts", () => api.getAccounts(fax), "/accounts"],
    ["getUser", () => api.getUser(fax), "/accounts/self"],
    [
      "getMemberDetails",
      () => api.getMemberDetails(fax, { member_user_id: "m1" }),
      "/accounts/self/member-details/m1",
    ],
    ["getWebhooks", () => api.getWebhooks(fax, { event: "fax_sent" }), "/hooks?event=fax_sent"],
  ];

  it.each(reads)("%s", async (_, call, path) => {
    reply = { json: answer };
    expect(await call()).toEqual(answer);
    expect(server.requests).toMatchObject([{ method: "GET", path }]);
  });

  const writes: [string, () => Promise<unknown>, string, string, unknown][] = [
    [
      "updateFax",
      () => api.updateFax(fax, { fax_id: "f1", comment: "c", is_read: true }),
      "PUT",
      "/accounts/self/faxes/f1",
      { comment: "c", is_read: true },
    ],
    [
      "deleteFax",
      () => api.deleteFax(fax, { fax_id: "f1" }),
      "DELETE",
      "/accounts/self/faxes/f1",
      undefined,
    ],
    [
      "deleteOutboxFax",
      () => api.deleteOutboxFax(fax, { outbox_fax_id: "o1" }),
      "DELETE",
      "/accounts/self/outbox/o1",
      undefined,
    ],
    [
      "updateNumber",
      () => api.updateNumber(fax, { number: "+16699990000", assigned_to: "m1" }),
      "PUT",
      "/accounts/self/numbers/%2B16699990000",
      { assigned_to: "m1" },
    ],
    [
      "revokeNumber",
      () => api.revokeNumber(fax, { number: "+16699990000" }),
      "DELETE",
      "/accounts/self/numbers/%2B16699990000",
      undefined,
    ],
    [
      "updateUser",
      () => api.updateUser(fax, { name: "Ada" }),
      "PUT",
      "/accounts/self",
      { name: "Ada" },
    ],
    [
      "updateMemberDetails",
      () => api.updateMemberDetails(fax, { member_user_id: "m1", quota: 10, role: "staff" }),
      "PUT",
      "/accounts/self/member-details/m1",
      { quota: 10, role: "staff" },
    ],
    [
      "deleteWebhook",
      () => api.deleteWebhook(fax, { hook_id: "h1" }),
      "DELETE",
      "/hooks/h1",
      undefined,
    ],
  ];

  it.each(writes)("%s", async (_, call, method, path, body) => {
    expect(await call()).toBeUndefined();
    expect(server.requests).toMatchObject([{ method, path }]);
    expect(server.requests[0]!.json).toEqual(body);
  });

  it("createWebhook", async () => {
    reply = { status: 201, json: { id: "h1" } };
    expect(
      await api.createWebhook(fax, { target: "https://example.com/hook", event: "fax_received" }),
    ).toEqual({ id: "h1" });
    expect(server.requests).toMatchObject([
      {
        method: "POST",
        path: "/hooks",
        json: { target: "https://example.com/hook", event: "fax_received" },
      },
    ]);
  });

  it("acts on the client's userId", async () => {
    const member = createFaxPlus({ token: "t", baseUrl: server.baseUrl, userId: "m7" });
    reply = { json: answer };
    await api.getFax(member, { fax_id: "f1" });
    expect(server.requests[0]!.path).toBe("/accounts/m7/faxes/f1");
  });

  it("throws the API's error", async () => {
    reply = { status: 404, json: { error: "not_found", description: "No such fax" } };
    const error = await api.getFax(fax, { fax_id: "f1" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).path).toBe("/accounts/{user_id}/faxes/{fax_id}");
  });
});

describe("wrappers validate before sending", () => {
  const cases: [string, () => Promise<unknown>, string][] = [
    [
      "updateFax without is_read",
      () => api.updateFax(fax, { fax_id: "f1", comment: "c" } as never),
      "is_read",
    ],
    [
      "updateNumber with an extra field",
      () => api.updateNumber(fax, { number: "+1", assigned_to: "m", x: 1 } as never),
      "x",
    ],
    ["updateUser with a bad email", () => api.updateUser(fax, { email: "nope" }), "email"],
    [
      "updateMemberDetails with a negative quota",
      () => api.updateMemberDetails(fax, { member_user_id: "m1", quota: -1 }),
      "quota",
    ],
    [
      "getWebhooks with an unknown event",
      () => api.getWebhooks(fax, { event: "fax_lost" as never }),
      "query.event",
    ],
    ["getWebhooks without event", () => api.getWebhooks(fax, {} as never), "query.event"],
    [
      "createWebhook with an unknown event",
      () => api.createWebhook(fax, { target: "https://x", event: "x" as never }),
      "event",
    ],
    ["getFax with an empty ID", () => api.getFax(fax, { fax_id: "" }), "path.fax_id"],
  ];

  it.each(cases)("%s", async (_, call, field) => {
    const error = await call().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
    expect(server.requests).toHaveLength(0);
  });
});

describe("parameters", () => {
  it("takes user_id per call, over the client's userId", async () => {
    reply = { json: answer };
    await api.getFax(fax, { fax_id: "f1", user_id: "m9" });
    expect(server.requests[0]!.path).toBe("/accounts/m9/faxes/f1");
  });

  it("refuses names that are no parameter of the operation, whatever they are called", async () => {
    const hostile = [
      { fax_id: "f1", faxId: "f2" },
      { fax_id: "f1", constructor: "x" },
      { fax_id: "f1", toString: "x" },
      JSON.parse('{"fax_id":"f1","__proto__":{"polluted":true}}') as object,
    ];
    for (const params of hostile) {
      const error = await api.getFax(fax, params as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).rule).toBe("is not a parameter of this request");
    }
    expect(server.requests).toHaveLength(0);
  });

  it("refuses parameters that are not a plain object", async () => {
    for (const params of [null, 5, "f1", ["f1"], new Date()]) {
      const error = await api.getFax(fax, params as never).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: "ValidationError", field: "params" });
    }
    expect(server.requests).toHaveLength(0);
  });

  it("gives the response with the data on request, without a second request", async () => {
    reply = { json: answer, headers: { "x-ratelimit-remaining": "41" } };
    const { data, response } = await api.getFax(fax, { fax_id: "f1" }).withResponse();
    expect(data).toEqual(answer);
    expect(response.status).toBe(200);
    expect(response.headers.get("x-ratelimit-remaining")).toBe("41");
    expect(server.requests).toHaveLength(1);
  });
});

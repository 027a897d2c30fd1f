// Routes come from generated/rules.ts: an operation the spec gains gets a route with no edit of
// src/mock/, checked by its rules, answering 204 (no body in the spec) or 501 naming it. Built
// in-process here from the generated rules plus two operations a vendor page might add; the
// same through a real regeneration is in test/operations/new-operation.test.ts.
import { describe, expect, it } from "vitest";
import { pattern } from "../../src/core/patterns.js";
import { integer, limits, object, string } from "../../src/core/validate.js";
import {
  createRoutes,
  HttpError,
  type MockOperation,
  operations,
  type Reply,
  Router,
} from "../../src/mock/routes.js";
import { checkQuery } from "../../src/mock/routes.js";
import { MockState } from "../../src/mock/state.js";

const getContact: MockOperation = {
  id: "getContact",
  method: "GET",
  path: "/accounts/{user_id}/contacts/{contact_id}",
  params: {
    "path.user_id": string({ required: true }),
    "path.contact_id": string(pattern("^c[0-9]+$", { required: true })),
    "query.limit": integer({ minimum: 1 }),
  },
};
const deleteContact: MockOperation = {
  id: "deleteContact",
  method: "DELETE",
  path: "/accounts/{user_id}/contacts/{contact_id}",
  response: "empty",
  params: { "path.user_id": string({ required: true }) },
};

const createContact: MockOperation = {
  id: "createContact",
  method: "POST",
  path: "/accounts/{user_id}/contacts",
  bodyRequired: true,
  params: { "path.user_id": string({ required: true }) },
  body: object({ required: ["name"], properties: { name: string(limits({ maxLength: 5 })) } }),
};

const router = new Router(createRoutes([...operations, getContact, deleteContact, createContact]));

/** Routes and answers one request as the server does: query rules, then the route. */
async function answer(method: string, path: string, query = "", json?: unknown): Promise<Reply> {
  const match = router.match(method, path);
  if (!("route" in match)) return { status: match.status };
  const context = {
    state: new MockState({ seed: false }),
    operation: match.route.operation,
    params: match.params,
    query: new URLSearchParams(query),
    headers: {},
    body: json,
    raw: new Uint8Array(),
  };
  try {
    checkQuery(context);
    return await match.route.handle(context);
  } catch (error) {
    if (error instanceof HttpError) return { status: error.status, json: error.message };
    throw error;
  }
}

describe("an operation new to the spec", () => {
  it("is routed by its method and path, and answers 501 naming it when it has a body", async () => {
    const reply = await answer("GET", "/accounts/self/contacts/c42");
    expect(reply.status).toBe(501);
    expect(reply.json).toMatchObject({
      error: "not_implemented",
      description: expect.stringContaining(
        "getContact (GET /accounts/{user_id}/contacts/{contact_id})",
      ),
    });
  });

  it("answers 204 when the spec gives it no body", async () => {
    expect((await answer("DELETE", "/accounts/self/contacts/c42")).status).toBe(204);
  });

  it("checks its query by the spec's rules first", async () => {
    const reply = await answer("GET", "/accounts/self/contacts/c42", "limit=0");
    expect(reply).toMatchObject({ status: 400, json: expect.stringMatching(/^query\.limit: /) });
  });

  it("checks its JSON body by the spec's rules first", async () => {
    const path = "/accounts/self/contacts";
    expect(await answer("POST", path)).toMatchObject({
      status: 400,
      json: /JSON body is required/,
    });
    expect(await answer("POST", path, "", { name: "too long" })).toMatchObject({
      status: 400,
      json: expect.stringMatching(/^name: /),
    });
    expect((await answer("POST", path, "", { name: "Ada" })).status).toBe(501);
  });

  it("answers 405 with both methods for another method on its path", () => {
    expect(router.match("PUT", "/accounts/self/contacts/c42")).toEqual({
      status: 405,
      allow: "GET, DELETE",
    });
  });

  it("leaves today's operations with their own behaviour", () => {
    const match = router.match("GET", "/accounts/self/faxes");
    expect("route" in match && match.route.handwritten).toBe(true);
    expect("route" in match && match.route.operation.id).toBe("listFaxes");
  });
});

it("prefers a literal segment to a parameter in the same place, whatever the spec's order", () => {
  const anything: MockOperation = {
    id: "getAnything",
    method: "GET",
    path: "/accounts/{user_id}/{kind}/{id}",
    params: {},
  };
  for (const order of [[anything, ...operations], [...operations, anything].reverse()]) {
    const candidate = new Router(createRoutes(order));
    const known = candidate.match("GET", "/accounts/self/faxes/f1");
    expect("route" in known && known.route.operation.id).toBe("getFax");
    const other = candidate.match("GET", "/accounts/self/things/t1");
    expect("route" in other && other.route.operation.id).toBe("getAnything");
  }
});

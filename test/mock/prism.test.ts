// The Prism helper in `mock` mode, and where Prism serves the spec's paths: at its root, not
// under the `/v3` of the spec's `servers` (see test/support/prism.ts).
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { type PrismServer, startPrism } from "../support/prism.js";

let prism: PrismServer;
beforeAll(async () => {
  prism = await startPrism("mock");
});
afterAll(async () => {
  await prism?.close();
});

const auth = { authorization: "Bearer t" };

it("serves the spec's paths at its root, so its SDK-facing baseUrl has no /v3", async () => {
  expect(prism.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const response = await fetch(`${prism.baseUrl}/accounts/self/outbox`, {
    method: "PUT",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({ ids: ["a"], comment: "" }),
  });
  expect(response.status).toBe(200);
  expect(await response.json()).toHaveProperty("results");
  const prefixed = await fetch(`${prism.baseUrl}/v3/accounts/self/outbox`, {
    method: "PUT",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({ ids: ["a"], comment: "" }),
  });
  expect(prefixed.status).toBe(404);
  expect(await prefixed.json()).toMatchObject({ type: expect.stringMatching(/NO_PATH_MATCHED/) });
});

it("answers an invalid request with the spec's 400 example and names the violation", async () => {
  const response = await fetch(`${prism.baseUrl}/accounts/self/outbox`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({ from: "+12345678901", to: ["not a number"], files: ["/x"] }),
  });
  expect(response.status).toBe(400);
  expect(await response.json()).toHaveProperty("error");
  const violations = JSON.parse(response.headers.get("sl-violations") ?? "[]") as {
    location: string[];
  }[];
  expect(violations.map((v) => v.location.join("."))).toEqual(["request.body.to.0"]);
  await vi.waitFor(() =>
    expect(prism.output()).toMatch(/Violation: request\.body\.to\.0 .*must match pattern/),
  );
});

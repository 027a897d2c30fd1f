// The example of README.md's "Testing your app against the mock", with this repo's import paths:
// keep the two in step.
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { FaxPlus } from "../../src/index.js";
import { type MockServer, seeds, startMockServer } from "../../src/mock/index.js";

let server: MockServer;
let fax: FaxPlus;
beforeAll(async () => {
  server = await startMockServer({ token: "test-token" });
  fax = new FaxPlus({ baseUrl: server.baseUrl, token: "test-token" }); // http://127.0.0.1:<port>/v3
});
afterAll(() => server.close());

it("retries a 503 and lists the inbox", async () => {
  server.failNext(1, 503, { retryAfter: 0 });
  const { data } = await fax.api.GET("/accounts/{user_id}/faxes", {
    params: { path: { user_id: "self" }, query: { category: "inbox", limit: 10 } },
  });
  expect(data?.data?.records).toHaveLength(10);
  expect(server.requests.filter((r) => r.operationId === "listFaxes")).toHaveLength(2);
});

it("resends a failed fax and sees it delivered", async () => {
  const to = "+14155550123";
  const { data } = await fax.api.POST("/accounts/{user_id}/outbox", {
    params: { path: { user_id: "self" } },
    body: {
      from: seeds.number,
      to: [to],
      from_fax: { fax_id: seeds.failedFaxId },
      return_ids: true,
    },
  });
  const faxId = data?.ids?.[to] ?? "";
  await vi.waitFor(async () => {
    const { data: record } = await fax.api.GET("/accounts/{user_id}/faxes/{fax_id}", {
      params: { path: { user_id: "self", fax_id: faxId } },
    });
    expect(record?.status).toBe("success");
  });
});

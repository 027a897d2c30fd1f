// Every fax helper against Prism in mock mode (--errors) on generated/openapi.yaml: a request the
// spec does not allow gets a 4xx from Prism, which the helpers turn into a thrown ApiError.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError, FaxPlus } from "../../src/index.js";
import { startPrism, type PrismServer } from "../support/prism.js";

let prism: PrismServer;
let fax: FaxPlus;
beforeAll(async () => {
  prism = await startPrism("mock");
  fax = new FaxPlus({ token: "test-token", baseUrl: prism.baseUrl, maxRetries: 0 });
});
afterAll(() => prism.close());

const route = { from: "+12345678901", to: ["+12345678902", "+12345678903"] };

describe("fax helpers send requests the spec allows", () => {
  it("send with every field", async () => {
    await expect(
      fax.send({
        ...route,
        from: "+12345678901,+12345678909",
        files: ["/transient-1"],
        comment: { text: "t", tags: ["a"] },
        options: { enhancement: true, retry: { count: 3, delay: 180 }, partially_sent_retry: true },
        send_time: new Date("2030-01-01T00:00:00Z"),
        resolution: "fine",
        cover_page: { name_to: "A", name_from: "B", subject: "S", flags: ["urgent"], message: "m" },
      }),
    ).resolves.toBeTypeOf("object");
  });

  it("send from no_number", async () => {
    await expect(fax.send({ ...route, from: "no_number", files: ["/f"] })).resolves.toBeDefined();
  });

  it("resend, forward and combine through from_fax", async () => {
    await expect(fax.resend("abc123", route)).resolves.toBeDefined();
    await expect(fax.forward("in-1", { ...route, owner: "member-1" })).resolves.toBeDefined();
    await expect(
      fax.send({ ...route, files: ["/cover.pdf"], from_fax: { fax_id: "abc123" } }),
    ).resolves.toBeDefined();
  });

  it("updateOutbox", async () => {
    await expect(fax.updateOutbox("job-1", { comment: "new" })).resolves.toBeUndefined();
  });

  it("bulk updates, in several batches", async () => {
    const ids = Array.from({ length: 150 }, (_, i) => `id${i}`);
    for (const result of [
      await fax.updateFaxesInBatches(ids, { is_read: true, comment: "c" }),
      await fax.updateFaxesInBatches(ids, { comment: "" }),
      await fax.updateOutboxFaxesInBatches(ids, { comment: "c" }),
    ]) {
      // Prism's mock answers made-up item IDs, so ours come back without a result; what matters
      // is that no batch was refused.
      const refused = result.failed.filter((f) => f.error instanceof ApiError);
      expect(refused).toEqual([]);
    }
  });

  it("and Prism does refuse a request outside the spec (the control)", async () => {
    const result = await fax.api.PUT("/accounts/{user_id}/faxes", {
      params: { path: { user_id: "self" } },
      body: { ids: ["a"], is_read: "yes" as unknown as boolean },
    });
    expect(result.response.status).toBeGreaterThanOrEqual(400);
    expect(prism.output()).toMatch(/is_read/);
  });
});

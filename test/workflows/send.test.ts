import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FaxPlus } from "../../src/index.js";
import { startServer, type TestServer } from "../support/server.js";

let server: TestServer;
let fax: FaxPlus;
beforeEach(async () => {
  server = await startServer((request) =>
    request.method === "POST"
      ? { status: 201, json: { ids: { "+12345678902": "fax-1" } } }
      : { status: 204 },
  );
  fax = new FaxPlus({ token: "test-token", baseUrl: server.baseUrl });
});
afterEach(() => server.close());

const route = { from: "+12345678901", to: ["+12345678902"] };

describe("send", () => {
  it("posts the payload with its key tag and returns the key and the destination-to-ID map", async () => {
    const { key, ids } = await fax.send({
      ...route,
      files: ["/transient-1"],
      comment: { text: "hi" },
    });
    expect(ids).toEqual({ "+12345678902": "fax-1" });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ method: "POST", path: "/accounts/self/outbox" });
    expect(server.requests[0]!.json).toEqual({
      ...route,
      files: ["/transient-1"],
      comment: { text: "hi", tags: [`fxkey:${key}`] },
      return_ids: true,
    });
  });

  it("keeps return_ids: false when asked", async () => {
    await fax.send({ ...route, files: ["/f"], return_ids: false });
    expect(server.requests[0]!.json).toMatchObject({ return_ids: false });
  });

  it("formats a Date send_time as UTC YYYY-MM-DD HH:mm:ss +0000", async () => {
    await fax.send({
      ...route,
      files: ["/f"],
      send_time: new Date("2026-11-21T23:04:05.678+02:00"),
    });
    expect(server.requests[0]!.json).toMatchObject({ send_time: "2026-11-21 21:04:05 +0000" });
  });

  it("sends comma-separated from numbers and no_number", async () => {
    await fax.send({ ...route, from: "+12345678901,+12345678909", files: ["/f"] });
    await fax.send({ ...route, from: "no_number", files: ["/f"] });
    expect(server.requests.map((r) => (r.json as { from: string }).from)).toEqual([
      "+12345678901,+12345678909",
      "no_number",
    ]);
  });

  it("combines uploaded files with from_fax in one send", async () => {
    await fax.send({ ...route, files: ["/cover.pdf"], from_fax: { fax_id: "abc" } });
    expect(server.requests[0]!.json).toMatchObject({
      files: ["/cover.pdf"],
      from_fax: { fax_id: "abc" },
    });
  });
});

describe("resend and forward", () => {
  it("resend sends from_fax with enhancement false by default, and its key", async () => {
    const { key } = await fax.resend("fax-9", route, { key: "resend-key-1" });
    expect(key).toBe("resend-key-1");
    expect(server.requests[0]!.json).toEqual({
      ...route,
      comment: { tags: ["fxkey:resend-key-1"] },
      from_fax: { fax_id: "fax-9" },
      options: { enhancement: false },
      return_ids: true,
    });
  });

  it("resend keeps other options and an explicit enhancement", async () => {
    await fax.resend("fax-9", { ...route, options: { enhancement: true, retry: { count: 2 } } });
    expect(server.requests[0]!.json).toMatchObject({
      options: { enhancement: true, retry: { count: 2 } },
    });
  });

  it("forward with owner sets from_fax.user_id", async () => {
    await fax.forward("in-1", { ...route, owner: "member-7" });
    expect(server.requests[0]!.json).toMatchObject({
      from_fax: { fax_id: "in-1", user_id: "member-7" },
    });
  });

  it("forward without owner leaves user_id to the API's default (self)", async () => {
    await fax.forward("in-1", route);
    expect(server.requests[0]!.json).toMatchObject({ from_fax: { fax_id: "in-1" } });
    expect((server.requests[0]!.json as { from_fax: object }).from_fax).not.toHaveProperty(
      "user_id",
    );
  });
});

describe("updateOutbox", () => {
  it("puts the new comment to the outbox job", async () => {
    await fax.updateOutbox("job-1", { comment: "new" });
    expect(server.requests[0]).toMatchObject({
      method: "PUT",
      path: "/accounts/self/outbox/job-1",
      json: { comment: "new" },
    });
  });
});

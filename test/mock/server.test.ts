// The mock's own behaviour, called directly (no Prism): state, auth, the documented semantics,
// delivery over time, fault injection, recording, CORS and downloads.
import { describe, expect, it } from "vitest";
import * as rules from "../../generated/rules.js";
import { limits } from "../support/limits.js";
import { type MockServer, seeds, startMockServer } from "../../src/mock/index.js";
import { Router } from "../../src/mock/routes.js";
import { mockServers } from "../support/mock-servers.js";

const start = mockServers();

interface CallInit {
  json?: unknown;
  body?: FormData | string;
  headers?: Record<string, string>;
  token?: string | null;
}

/** A fetch against the mock with a bearer token (or `token: null` for none). */
function api(server: MockServer, method: string, path: string, init: CallInit = {}) {
  const token = init.token === undefined ? "test-token" : init.token;
  return fetch(`${server.baseUrl}${path}`, {
    method,
    headers: {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(init.json === undefined ? {} : { "content-type": "application/json" }),
      ...init.headers,
    },
    body: init.json === undefined ? (init.body ?? null) : JSON.stringify(init.json),
  });
}

async function upload(server: MockServer): Promise<string> {
  const form = new FormData();
  form.append("fax_file", new Blob(["hello"], { type: "text/plain" }), "hello.txt");
  const response = await api(server, "POST", "/accounts/self/files", { body: form });
  expect(response.status).toBe(200);
  return ((await response.json()) as { path: string }).path;
}

async function send(server: MockServer, payload: Record<string, unknown>) {
  const files = "from_fax" in payload ? {} : { files: [await upload(server)] };
  return api(server, "POST", "/accounts/self/outbox", {
    json: { from: seeds.number, to: ["+14155550111"], return_ids: true, ...files, ...payload },
  });
}

const outboxIds = (server: MockServer) => [...server.state.outbox.keys()];

describe("startMockServer", () => {
  it("listens on a random loopback port with a /v3 base URL", async () => {
    const server = await start();
    expect(server.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v3$/);
    const response = await api(server, "GET", "/accounts/self");
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      uid: seeds.selfUid,
      account_type: "corporate_admin",
    });
  });

  it("keeps state per server: two servers do not share faxes", async () => {
    const a = await start();
    const b = await start();
    expect((await send(a, {})).status).toBe(201);
    const [jobId] = outboxIds(a).filter((id) => id !== seeds.scheduledJobId);
    expect(jobId).toBeDefined();
    expect((await api(a, "GET", `/accounts/self/outbox/${jobId}`)).status).toBe(200);
    expect((await api(b, "GET", `/accounts/self/outbox/${jobId}`)).status).toBe(404);
    expect(outboxIds(b)).toEqual([seeds.scheduledJobId]);
    await api(a, "DELETE", `/accounts/self/faxes/${seeds.sentFaxId}`);
    expect((await api(b, "GET", `/accounts/self/faxes/${seeds.sentFaxId}`)).status).toBe(200);
  });

  it("routes every operation of generated/rules.ts with the spec's method and path", () => {
    const operations = Object.entries(rules as Record<string, unknown>).filter(
      (entry): entry is [string, rules.OperationRules] =>
        typeof entry[1] === "object" && entry[1] !== null && "path" in entry[1],
    );
    expect(operations.length).toBeGreaterThanOrEqual(4);
    const router = new Router();
    for (const [operationId, rule] of operations) {
      const match = router.match(rule.method, rule.path.replace(/\{[^}]+\}/g, "x1"));
      expect("route" in match && match.route.operation.id, operationId).toBe(operationId);
      // Every operation of today's spec has the mock's own behaviour, none the generic 501.
      expect("route" in match && match.route.handwritten, operationId).toBe(true);
    }
  });
});

describe("auth", () => {
  it("answers 401 {error, description} without a bearer token", async () => {
    const server = await start();
    for (const headers of [{}, { authorization: "Bearer " }, { authorization: "Basic abc" }]) {
      const response = await api(server, "GET", "/accounts/self", { token: null, headers });
      expect(response.status).toBe(401);
      const body = (await response.json()) as { error: string; description: string };
      expect(body.error).toBe("unauthorized");
      expect(body.description).toMatch(/Bearer/);
    }
  });

  it("accepts any non-empty token, or only the configured one", async () => {
    const open = await start();
    expect((await api(open, "GET", "/accounts", { token: "anything" })).status).toBe(200);
    const locked = await start({ token: "alohi_pat_right" });
    expect((await api(locked, "GET", "/accounts", { token: "alohi_pat_wrong" })).status).toBe(401);
    expect((await api(locked, "GET", "/accounts", { token: "alohi_pat_right" })).status).toBe(200);
  });
});

describe("bulk updates", () => {
  it("answers 409 per item for an outbox job in `sending`, not a top-level error", async () => {
    const server = await start({ deliveryMs: Infinity });
    await send(server, {});
    await send(server, { to: ["+14155550112"] });
    const [first, second] = outboxIds(server).filter((id) => id !== seeds.scheduledJobId);
    server.state.setJobStatus(server.state.outbox.get(second!)!, "sending");
    const response = await api(server, "PUT", "/accounts/self/outbox", {
      json: { ids: [first, second, first, "f".repeat(32)], comment: "batch" },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      results: [
        { id: first, code: 204 },
        { id: second, code: 409 },
        { id: "f".repeat(32), code: 404 },
      ],
    });
    expect(server.state.outbox.get(first!)?.record.comment.text).toBe("batch");
    expect(server.state.outbox.get(second!)?.record.comment.text).toBe("");
    const single = await api(server, "PUT", `/accounts/self/outbox/${second}`, {
      json: { comment: "x" },
    });
    expect(single.status).toBe(409);
  });

  it("marks 250 inbox faxes as read in batches of at most maxItems, ignoring duplicates", async () => {
    const server = await start();
    const ids = Array.from({ length: 250 }, (_, i) => seeds.inboxFaxId(i));
    // maxItems counts the raw array, duplicates included: maxItems - 1 IDs plus one repeated.
    const size = limits.bulkFaxIds - 1;
    for (let i = 0; i < ids.length; i += size) {
      const batch = ids.slice(i, i + size);
      const response = await api(server, "PUT", "/accounts/self/faxes", {
        json: { ids: [...batch, batch[0]], is_read: true },
      });
      const body = (await response.json()) as { results: { code: number }[] };
      expect(body.results).toHaveLength(batch.length);
      expect(body.results.every((result) => result.code === 204)).toBe(true);
    }
    expect(ids.every((id) => server.state.faxes.get(id)?.is_read === true)).toBe(true);
  });

  it("rejects more than maxItems IDs with 400", async () => {
    const server = await start();
    const ids = Array.from({ length: limits.bulkFaxIds + 1 }, (_, i) => seeds.inboxFaxId(i));
    const faxes = await api(server, "PUT", "/accounts/self/faxes", {
      json: { ids, is_read: true },
    });
    expect(faxes.status).toBe(400);
    expect(await faxes.json()).toEqual({
      error: "invalid_request",
      description: `ids: must have at most ${limits.bulkFaxIds} items (got ${limits.bulkFaxIds + 1})`,
    });
    const outbox = await api(server, "PUT", "/accounts/self/outbox", {
      json: { ids, comment: "" },
    });
    expect(outbox.status).toBe(400);
    expect(server.state.faxes.get(seeds.inboxFaxId(0))?.is_read).toBe(false);
  });
});

describe("sendFax", () => {
  it("answers 404 when from_fax names no fax of its owner", async () => {
    const server = await start();
    const missing = await send(server, { from_fax: { fax_id: "0".repeat(32) } });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: "fax_not_found" });
    const otherOwner = await send(server, { from_fax: { fax_id: seeds.memberFaxId } });
    expect(otherOwner.status).toBe(404);
    const memberFax = await send(server, {
      from_fax: { fax_id: seeds.memberFaxId, user_id: seeds.memberUid },
    });
    expect(memberFax.status).toBe(201);
    expect(outboxIds(server)).toHaveLength(2);
  });

  it("answers 400 for a malformed from_fax, neither files nor from_fax, or an unknown file", async () => {
    const server = await start();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ from_fax: { user_id: "self" } }, /^from_fax\.fax_id: is required$/],
      [{ from_fax: "abc" }, /^from_fax: must be an object$/],
      [
        { files: undefined, from_fax: undefined },
        /files or from_fax: at least one of them is required/,
      ],
      [{ files: ["/transient-unknown"] }, /^files\[0\]: no uploaded file/],
      [{ to: ["12345"], files: ["/x"] }, /^to\[0\]: must be a fax number/],
    ];
    for (const [payload, description] of cases) {
      const response = await api(server, "POST", "/accounts/self/outbox", {
        json: { from: seeds.number, to: ["+14155550111"], ...payload },
      });
      expect(response.status, JSON.stringify(payload)).toBe(400);
      const body = (await response.json()) as { description: string };
      expect(body.description).toMatch(description);
    }
    expect(outboxIds(server)).toEqual([seeds.scheduledJobId]);
  });

  it("moves a job through the outbox statuses to a sent fax record with status success", async () => {
    let clock = Date.parse("2025-01-01T00:00:00Z");
    const server = await start({ now: () => clock, deliveryMs: 400 });
    const response = await send(server, { to: ["+14155550111", "+14155550112"] });
    const { ids } = (await response.json()) as { ids: Record<string, string> };
    expect(Object.keys(ids)).toEqual(["+14155550111", "+14155550112"]);
    const [jobId] = outboxIds(server).filter((id) => id !== seeds.scheduledJobId);
    const statuses: string[] = [];
    for (let step = 0; step < 4; step++) {
      const job = await api(server, "GET", `/accounts/self/outbox/${jobId}`);
      statuses.push(((await job.json()) as { status: string }).status);
      clock += 100;
    }
    expect(statuses).toEqual(["submitted", "converting", "scheduled_for_sending", "sending"]);
    expect((await api(server, "GET", `/accounts/self/outbox/${jobId}`)).status).toBe(404);
    for (const [to, id] of Object.entries(ids)) {
      const fax = await api(server, "GET", `/accounts/self/faxes/${id}`);
      expect(await fax.json()).toMatchObject({ id, to, status: "success", direction: "outgoing" });
    }
    const sent = await api(server, "GET", "/accounts/self/faxes?category=sent&limit=2");
    const { data } = (await sent.json()) as { data: { records: { id: string }[] } };
    expect(data.records.map((record) => record.id).sort()).toEqual(Object.values(ids).sort());
  });

  it("delivers on the real clock within the default deliveryMs", async () => {
    const server = await start();
    const response = await send(server, { from_fax: { fax_id: seeds.failedFaxId } });
    const faxId = Object.values(
      ((await response.json()) as { ids: Record<string, string> }).ids,
    )[0];
    const started = Date.now();
    let status = 404;
    while (status === 404 && Date.now() - started < 3_000) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = (await api(server, "GET", `/accounts/self/faxes/${faxId}`)).status;
    }
    expect(status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it("holds a job with a future send_time in scheduled_for_sending", async () => {
    let clock = Date.parse("2025-01-01T00:00:00Z");
    const server = await start({ now: () => clock, deliveryMs: 0 });
    await send(server, { send_time: "2025-01-01 02:00:00 +0100" });
    const [jobId] = outboxIds(server).filter((id) => id !== seeds.scheduledJobId);
    clock += 1_000;
    await api(server, "GET", "/accounts/self/outbox");
    expect(server.state.outbox.get(jobId!)?.record.status).toBe("scheduled_for_sending");
    clock = Date.parse("2025-01-01T01:00:00Z");
    await api(server, "GET", "/accounts/self/outbox");
    expect(server.state.outbox.has(jobId!)).toBe(false);
  });

  it("answers {} without return_ids", async () => {
    const server = await start();
    const response = await send(server, { return_ids: undefined });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({});
  });
});

describe("faxes", () => {
  it("seeds 300 inbox faxes by default, or inboxSize, or none with seed: false", async () => {
    const count = async (server: MockServer) => {
      const response = await api(server, "GET", "/accounts/self/faxes?category=inbox&limit=1000");
      return ((await response.json()) as { data: { records: unknown[] } }).data.records.length;
    };
    expect(await count(await start())).toBe(300);
    expect(await count(await start({ inboxSize: 3 }))).toBe(3);
    const empty = await start({ seed: false });
    expect(await count(empty)).toBe(0);
    expect(empty.state.outbox.size + empty.state.numbers.size).toBe(0);
  });

  it("pages with limit and before, newest first, and filters by category", async () => {
    const server = await start({ inboxSize: 5 });
    const list = async (query: string) => {
      const response = await api(server, "GET", `/accounts/self/faxes?${query}`);
      return ((await response.json()) as { data: { records: Record<string, unknown>[] } }).data
        .records;
    };
    const first = await list("category=inbox&limit=2");
    expect(first.map((fax) => fax.id)).toEqual([seeds.inboxFaxId(0), seeds.inboxFaxId(1)]);
    const next = await list(
      `category=inbox&limit=2&before=${encodeURIComponent(String(first[1]?.start_time))}`,
    );
    expect(next.map((fax) => fax.id)).toEqual([seeds.inboxFaxId(2), seeds.inboxFaxId(3)]);
    expect((await list("category=sent")).some((fax) => fax.status === "failed_user_busy")).toBe(
      true,
    );
    expect((await list("category=spam")).every((fax) => fax.is_spam === true)).toBe(true);
    expect((await api(server, "GET", "/accounts/self/faxes?category=junk")).status).toBe(400);
    expect((await api(server, "GET", "/accounts/self/faxes?limit=0")).status).toBe(400);
  });

  it("sets comments and read flags, and answers 403 for another user's fax", async () => {
    const server = await start();
    const path = `/accounts/self/faxes/${seeds.inboxFaxId(0)}`;
    await api(server, "PUT", path, { json: { comment: "Paid", is_read: true } });
    expect(await (await api(server, "GET", path)).json()).toMatchObject({
      comment: "Paid",
      is_read: true,
    });
    expect((await api(server, "PUT", path, { json: { comment: "x" } })).status).toBe(400);
    expect((await api(server, "GET", `/accounts/self/faxes/${seeds.memberFaxId}`)).status).toBe(
      403,
    );
    expect(
      (await api(server, "GET", `/accounts/${seeds.memberUid}/faxes/${seeds.memberFaxId}`)).status,
    ).toBe(200);
  });
});

describe("files", () => {
  it("stores a multipart fax_file upload and answers /transient-<uuid>", async () => {
    const server = await start();
    const path = await upload(server);
    expect(path).toMatch(
      /^\/transient-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    const stored = server.state.files.get(path);
    expect(stored).toMatchObject({ fileName: "hello.txt", mimeType: "text/plain" });
    expect(new TextDecoder().decode(stored?.bytes)).toBe("hello");
    const wrongPart = new FormData();
    wrongPart.append("file", new Blob(["x"]), "x.txt");
    expect((await api(server, "POST", "/accounts/self/files", { body: wrongPart })).status).toBe(
      400,
    );
    expect((await api(server, "POST", "/accounts/self/files", { json: {} })).status).toBe(400);
  });

  it("downloads a valid PDF, a TIFF for format=tiff or Accept: image/tiff, and a report", async () => {
    const server = await start();
    const pdf = await api(server, "GET", `/accounts/self/files/${seeds.sentFaxId}`);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(pdf.headers.get("content-disposition")).toMatch(/^attachment; filename=".+\.pdf"$/);
    const text = await pdf.text();
    expect(text.length).toBeGreaterThan(200);
    expect(text.length).toBeLessThan(1_000);
    expect(text.startsWith("%PDF-1.4\n") && text.endsWith("%%EOF\n")).toBe(true);
    const xref = Number(/startxref\n(\d+)\n/.exec(text)?.[1]);
    expect(text.slice(xref, xref + 4)).toBe("xref");
    for (const [query, headers] of [
      ["?format=tiff", {}],
      ["", { accept: "image/tiff" }],
    ] as const) {
      const tiff = await api(server, "GET", `/accounts/self/files/${seeds.sentFaxId}${query}`, {
        headers,
      });
      expect(tiff.headers.get("content-type")).toBe("image/tiff");
      const bytes = new Uint8Array(await tiff.arrayBuffer());
      expect([...bytes.slice(0, 4)]).toEqual([0x49, 0x49, 42, 0]);
    }
    const report = await api(server, "GET", `/accounts/self/report/${seeds.failedFaxId}`);
    expect(report.headers.get("content-type")).toBe("application/pdf");
    expect(await report.text()).toMatch(/failed_user_busy/);
    expect((await api(server, "GET", `/accounts/self/report/${"0".repeat(32)}`)).status).toBe(404);
  });
});

describe("fault injection, latency and recording", () => {
  it("fails the next N requests with a status, Retry-After and body, then recovers", async () => {
    const server = await start();
    server.failNext(2, 429, { retryAfter: 3 });
    server.failNext(1, 500, { body: { error: "boom", description: "custom" } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await api(server, "GET", "/accounts/self");
      statuses.push(response.status);
      if (i === 0) expect(response.headers.get("retry-after")).toBe("3");
      if (i === 2) expect(await response.json()).toEqual({ error: "boom", description: "custom" });
    }
    expect(statuses).toEqual([429, 429, 500, 200]);
  });

  it("delays answers by latencyMs", async () => {
    const server = await start({ latencyMs: 150 });
    const started = performance.now();
    await api(server, "GET", "/accounts/self");
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    server.latencyMs = 0;
    const again = performance.now();
    await api(server, "GET", "/accounts/self");
    expect(performance.now() - again).toBeLessThan(140);
  });

  it("corrupts exactly the next response with the test-only hook", async () => {
    const server = await start();
    server.corruptNextResponse((body) => ({ ...(body as object), unexpected_field: 1 }));
    expect(await (await api(server, "GET", "/accounts")).json()).toHaveProperty(
      "unexpected_field",
      1,
    );
    expect(await (await api(server, "GET", "/accounts")).json()).not.toHaveProperty(
      "unexpected_field",
    );
  });

  it("records every request with its operation, headers and parsed body", async () => {
    const server = await start();
    await api(server, "PUT", "/accounts/self/faxes", {
      json: { ids: [seeds.inboxFaxId(0)], is_read: true },
      headers: { "x-fax-clientid": "client-1" },
    });
    await api(server, "GET", "/accounts/self/faxes?limit=1");
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]).toMatchObject({
      method: "PUT",
      path: "/accounts/self/faxes",
      operationId: "bulkUpdateFaxes",
      body: { ids: [seeds.inboxFaxId(0)], is_read: true },
      headers: { authorization: "Bearer test-token", "x-fax-clientid": "client-1" },
    });
    expect(server.requests[1]).toMatchObject({ operationId: "listFaxes", query: { limit: "1" } });
  });
});

describe("HTTP", () => {
  it("answers CORS preflights and adds Access-Control-Allow-Origin", async () => {
    const server = await start({ token: "secret" });
    const preflight = await fetch(`${server.baseUrl}/accounts/self/outbox`, {
      method: "OPTIONS",
      headers: {
        origin: "http://localhost:5173",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type, x-fax-clientid",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-methods")).toBe("GET, PUT, POST, DELETE");
    expect(preflight.headers.get("access-control-allow-headers")).toBe(
      "authorization, content-type, x-fax-clientid",
    );
    const denied = await api(server, "GET", "/accounts/self", { token: "wrong" });
    expect(denied.headers.get("access-control-allow-origin")).toBe("*");
    const download = await api(server, "GET", `/accounts/self/files/${seeds.sentFaxId}`, {
      token: "secret",
    });
    expect(download.headers.get("access-control-expose-headers")).toMatch(/content-disposition/);
  });

  it("answers 404 off the API, 405 for a wrong method and 400 for broken JSON", async () => {
    const server = await start();
    const root = server.baseUrl.replace(/\/v3$/, "");
    const off = await fetch(`${root}/accounts/self`, { headers: { authorization: "Bearer t" } });
    expect(off.status).toBe(404);
    const wrongMethod = await api(server, "POST", "/accounts/self/faxes");
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("GET, PUT");
    const broken = await api(server, "PUT", "/accounts/self/faxes", {
      body: "{",
      headers: { "content-type": "application/json" },
    });
    expect(broken.status).toBe(400);
  });

  it("stops accepting connections after close()", async () => {
    const server = await startMockServer();
    await server.close();
    await expect(fetch(`${server.baseUrl}/accounts/self`)).rejects.toThrow();
  });
});

// Contract test: Prism in proxy mode (--errors) sits between plain fetch calls and the mock, so any
// request or response that generated/openapi.yaml does not allow turns into a Prism error answer.
// Every operation of the spec is called at least once; the last test checks that none was missed.
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { FaxPlus } from "../../src/index.js";
import { type MockServer, seeds, startMockServer } from "../../src/mock/index.js";
import { type PrismServer, startPrism } from "../support/prism.js";

const TOKEN = "alohi_pat_contract";
let mock: MockServer;
let prism: PrismServer;
let clock = Date.parse("2025-03-01T10:00:00Z");
const covered = new Set<string>();

beforeAll(async () => {
  mock = await startMockServer({ token: TOKEN, now: () => clock, deliveryMs: 1_000 });
  prism = await startPrism("proxy", { upstream: mock.baseUrl });
});

afterAll(async () => {
  await prism?.close();
  await mock?.close();
});

/**
 * Calls `path` through Prism and expects `status`; on anything else, fails with Prism's problem
 * body (its violations) and its log. Records which operation the mock routed the call to.
 */
async function call(
  operationId: string,
  method: string,
  path: string,
  status: number,
  init: { json?: unknown; body?: FormData; headers?: Record<string, string> } = {},
): Promise<Response> {
  const before = mock.requests.length;
  const response = await fetch(`${prism.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      ...(init.json === undefined ? {} : { "content-type": "application/json" }),
      ...init.headers,
    },
    body: init.json === undefined ? (init.body ?? null) : JSON.stringify(init.json),
  });
  if (response.status !== status) {
    const problem = await response.text();
    expect.fail(
      `${operationId}: expected ${status}, got ${response.status}: ${problem}\n${prism.output().slice(-2_000)}`,
    );
  }
  expect(mock.requests.slice(before).map((r) => r.operationId)).toEqual([operationId]);
  covered.add(operationId);
  return response;
}

const json = async <T>(response: Response) => (await response.json()) as T;
const enc = encodeURIComponent;

// One scenario, not independent tests: each step works on the mock state, clock and Prism log that
// the steps before left (an upload is then sent, the job then delivered), and the last steps check
// that every operation was called and Prism logged no warning. So its order is fixed even when
// the suite runs shuffled (`--sequence.shuffle`).
describe("every operation through Prism, in order", { shuffle: false }, () => {
  describe("accounts", () => {
    it("gets and modifies the account", async () => {
      const user = await json<{ uid: string }>(await call("getUser", "GET", "/accounts/self", 200));
      expect(user.uid).toBe(seeds.selfUid);
      await call("updateUser", "PUT", "/accounts/self", 204, { json: { name: "Grace" } });
      expect(mock.state.accounts.get(seeds.selfUid)?.name).toBe("Grace");
    });

    it("lists the members and gets and modifies a member's details", async () => {
      const list = await json<{ members: { uid: string }[] }>(
        await call("getAccounts", "GET", "/accounts", 200),
      );
      expect(list.members.map((m) => m.uid)).toEqual([seeds.memberUid]);
      const path = `/accounts/self/member-details/${seeds.memberUid}`;
      await call("getMemberDetails", "GET", path, 200);
      await call("updateMemberDetails", "PUT", path, 204, { json: { quota: 50, role: "Clerk" } });
      expect(mock.state.memberDetails.get(seeds.memberUid)).toEqual({ quota: 50, role: "Clerk" });
    });
  });

  describe("faxes", () => {
    it("lists, gets, modifies and deletes fax records", async () => {
      const list = await json<{ data: { records: { id: string }[] } }>(
        await call("listFaxes", "GET", "/accounts/self/faxes?category=inbox&limit=5", 200),
      );
      expect(list.data.records.map((r) => r.id)).toEqual([0, 1, 2, 3, 4].map(seeds.inboxFaxId));
      await call("getFax", "GET", `/accounts/self/faxes/${seeds.failedFaxId}`, 200);
      await call("updateFax", "PUT", `/accounts/self/faxes/${seeds.inboxFaxId(0)}`, 204, {
        json: { comment: "Paid", is_read: true },
      });
      await call("deleteFax", "DELETE", `/accounts/self/faxes/${seeds.inboxFaxId(4)}`, 204);
      expect(mock.state.faxes.has(seeds.inboxFaxId(4))).toBe(false);
    });

    it("bulk-updates fax records with an answer per item", async () => {
      const ids = [seeds.inboxFaxId(1), seeds.inboxFaxId(1), "0".repeat(32), seeds.memberFaxId];
      const body = await json<{ results: unknown[] }>(
        await call("bulkUpdateFaxes", "PUT", "/accounts/self/faxes", 200, {
          json: { ids, is_read: true },
        }),
      );
      expect(body.results).toEqual([
        { id: seeds.inboxFaxId(1), code: 204 },
        { id: "0".repeat(32), code: 404 },
        { id: seeds.memberFaxId, code: 403 },
      ]);
    });
  });

  let uploaded = "";

  describe("files", () => {
    it("uploads a multipart fax_file", async () => {
      const form = new FormData();
      form.append(
        "fax_file",
        new Blob(["%PDF-1.4\n%%EOF\n"], { type: "application/pdf" }),
        "a.pdf",
      );
      const body = await json<{ path: string }>(
        await call("uploadFile", "POST", "/accounts/self/files", 200, { body: form }),
      );
      expect(body.path).toMatch(/^\/transient-[0-9a-f-]{36}$/);
      uploaded = body.path;
      expect(mock.state.files.get(uploaded)?.fileName).toBe("a.pdf");
    });

    it("downloads a fax as PDF and TIFF, and its confirmation report", async () => {
      const pdf = await call("getFile", "GET", `/accounts/self/files/${seeds.sentFaxId}`, 200);
      expect(pdf.headers.get("content-type")).toBe("application/pdf");
      expect(await pdf.text()).toMatch(/^%PDF-1\.4\n[\s\S]*%%EOF\n$/);
      const tiff = await call(
        "getFile",
        "GET",
        `/accounts/self/files/${seeds.sentFaxId}.tiff?format=tiff`,
        200,
      );
      expect(tiff.headers.get("content-type")).toBe("image/tiff");
      expect([...new Uint8Array(await tiff.arrayBuffer()).slice(0, 4)]).toEqual([
        0x49, 0x49, 42, 0,
      ]);
      const report = await call(
        "getFaxReport",
        "GET",
        `/accounts/self/report/${seeds.sentFaxId}`,
        200,
      );
      expect(report.headers.get("content-disposition")).toMatch(/^attachment; filename=".+\.pdf"$/);
    });
  });

  describe("outbox", () => {
    let jobId = "";
    let faxId = "";

    it("sends a fax and returns the IDs of the fax records to come", async () => {
      const body = await json<{ ids: Record<string, string> }>(
        await call("sendFax", "POST", "/accounts/self/outbox", 201, {
          json: { from: seeds.number, to: ["+14155550111"], files: [uploaded], return_ids: true },
        }),
      );
      faxId = body.ids["+14155550111"] ?? "";
      expect(faxId).toMatch(/^[0-9a-f]{32}$/);
      const list = await json<{ records: { id: string; to: string[] }[] }>(
        await call("listOutboxFaxes", "GET", "/accounts/self/outbox", 200),
      );
      const job = list.records.find((record) => record.to[0] === "+14155550111");
      jobId = job?.id ?? "";
      expect(jobId).not.toBe("");
    });

    it("resends a failed fax with from_fax", async () => {
      await call("sendFax", "POST", "/accounts/self/outbox", 201, {
        json: {
          from: seeds.number,
          to: ["+14155550102"],
          from_fax: { fax_id: seeds.failedFaxId },
          options: { enhancement: false },
        },
      });
    });

    it("gets, modifies and bulk-modifies outbox items", async () => {
      await call("getOutboxFax", "GET", `/accounts/self/outbox/${jobId}`, 200);
      await call("updateOutboxFax", "PUT", `/accounts/self/outbox/${jobId}`, 204, {
        json: { comment: "urgent" },
      });
      const sending = [...mock.state.outbox.values()].find(
        (job) => job.record.to?.[0] === "+14155550102",
      );
      expect(sending).toBeDefined();
      mock.state.setJobStatus(sending!, "sending");
      const ids = [jobId, sending!.record.id];
      const body = await json<{ results: unknown[] }>(
        await call("bulkUpdateOutboxFaxes", "PUT", "/accounts/self/outbox", 200, {
          json: { ids, comment: "batch" },
        }),
      );
      expect(body.results).toEqual([
        { id: jobId, code: 204 },
        { id: sending!.record.id, code: 409 },
      ]);
      expect(mock.state.outbox.get(jobId)?.record.comment.text).toBe("batch");
    });

    it("delivers a job as a sent fax record with status success", async () => {
      clock += 1_000;
      await call("getOutboxFax", "GET", `/accounts/self/outbox/${seeds.scheduledJobId}`, 200);
      expect(mock.state.outbox.has(jobId)).toBe(false);
      const fax = await json<{ id: string; status: string; direction: string; to: string }>(
        await call("getFax", "GET", `/accounts/self/faxes/${faxId}`, 200),
      );
      expect(fax).toMatchObject({
        id: faxId,
        status: "success",
        direction: "outgoing",
        to: "+14155550111",
      });
    });

    it("deletes an outbox item", async () => {
      await call("deleteOutboxFax", "DELETE", `/accounts/self/outbox/${seeds.scheduledJobId}`, 204);
      expect(mock.state.outbox.size).toBe(0);
    });
  });

  describe("numbers", () => {
    it("lists, gets, assigns and revokes a number", async () => {
      const list = await json<{ numbers: { number: string }[] }>(
        await call("listNumbers", "GET", "/accounts/self/numbers", 200),
      );
      expect(list.numbers.map((n) => n.number)).toEqual([seeds.number]);
      const path = `/accounts/self/numbers/${enc(seeds.number)}`;
      await call("getNumber", "GET", path, 200);
      await call("updateNumber", "PUT", path, 204, { json: { assigned_to: seeds.memberUid } });
      await call(
        "getNumber",
        "GET",
        `/accounts/${seeds.memberUid}/numbers/${enc(seeds.number)}`,
        200,
      );
      await call(
        "revokeNumber",
        "DELETE",
        `/accounts/${seeds.memberUid}/numbers/${enc(seeds.number)}`,
        204,
      );
      expect(mock.state.numbers.get(seeds.number)?.assigned_to).toEqual([seeds.selfUid]);
    });
  });

  describe("webhooks", () => {
    it("registers, lists and deletes a webhook", async () => {
      const { id } = await json<{ id: string }>(
        await call("createWebhook", "POST", "/hooks", 201, {
          json: { target: "https://example.com/hook", event: "fax_sent" },
        }),
      );
      const list = await json<{ data: { id: string }[] }>(
        await call("getWebhooks", "GET", "/hooks?event=fax_sent", 200),
      );
      expect(list.data.map((hook) => hook.id)).toEqual([id]);
      await call("deleteWebhook", "DELETE", `/hooks/${id}`, 204);
      expect(mock.state.webhooks.size).toBe(0);
    });
  });

  describe("error answers", () => {
    it("answers a wrong token with 401 and an Error body the spec allows", async () => {
      const response = await call("getUser", "GET", "/accounts/self", 401, {
        headers: { authorization: "Bearer wrong" },
      });
      expect(await response.json()).toMatchObject({ error: "unauthorized" });
    });

    it("answers 404 with an Error body the spec allows", async () => {
      await call("getFax", "GET", `/accounts/self/faxes/${"0".repeat(32)}`, 404);
      await call("getUser", "GET", "/accounts/nobody", 404);
    });

    it("answers injected failures with Retry-After and an Error body", async () => {
      mock.failNext(1, 503, { retryAfter: 2 });
      const response = await call("listNumbers", "GET", "/accounts/self/numbers", 503);
      expect(response.headers.get("retry-after")).toBe("2");
      await call("listNumbers", "GET", "/accounts/self/numbers", 200);
    });

    it("lets Prism catch a response the spec does not allow (the test-only hook)", async () => {
      mock.corruptNextResponse((body) => ({ ...(body as object), unexpected_field: 1 }));
      const response = await fetch(`${prism.baseUrl}/accounts/self/faxes`, {
        method: "PUT",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ ids: [seeds.inboxFaxId(7)], is_read: true }),
      });
      expect(response.status).toBe(500);
      expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      const problem = (await response.json()) as {
        type: string;
        validation: { message: string }[];
      };
      expect(problem.type).toMatch(/VIOLATIONS$/);
      expect(problem.validation.map((v) => v.message)).toContainEqual(
        expect.stringMatching(/must NOT have additional properties; found 'unexpected_field'/),
      );
      await vi.waitFor(() =>
        expect(prism.output()).toMatch(/VIOLATIONS: Request\/Response not valid/),
      );
    });
  });

  it("serves the SDK client at Prism's root baseUrl (Prism drops the spec's /v3)", async () => {
    const fax = new FaxPlus({ baseUrl: prism.baseUrl, token: TOKEN, maxRetries: 0 });
    const { data, response } = await fax.api.GET("/accounts/{user_id}", {
      params: { path: { user_id: "self" } },
    });
    expect(response.status).toBe(200);
    expect(data?.uid).toBe(seeds.selfUid);
    expect(mock.requests.at(-1)).toMatchObject({ path: "/accounts/self", operationId: "getUser" });
  });

  it("covered every operation of generated/openapi.yaml", async () => {
    const spec = parse(
      await readFile(new URL("../../generated/openapi.yaml", import.meta.url), "utf8"),
    );
    const operations = Object.values(spec.paths as Record<string, Record<string, unknown>>).flatMap(
      (item) => Object.values(item).map((op) => (op as { operationId: string }).operationId),
    );
    expect(operations.length).toBeGreaterThanOrEqual(4);
    expect([...covered].sort()).toEqual([...operations].sort());
  });

  it("left Prism no warning either (an undeclared status code is only a warning)", () => {
    // With --errors, body violations become error answers (the hook test above); a status code the
    // operation does not declare is merely logged as "warning Violation: ...".
    const warnings = prism
      .output()
      .split("\n")
      .filter((line) => line.includes("Violation:"));
    expect(warnings).toEqual([]);
  });
});

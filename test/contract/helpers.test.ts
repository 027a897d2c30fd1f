// Every FaxPlus helper, end to end: SDK -> Prism proxy (--errors, on generated/openapi.yaml) -> mock.
// A helper that builds a request the spec does not allow, or a mock answer the spec does not
// allow, fails here; the last test also rejects Prism's warning-level violations.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FaxPlus, parseWebhook } from "../../src/index.js";
import { pdfDocument, seeds, startMockServer, type MockServer } from "../../src/mock/index.js";
import { startPrism, type PrismServer } from "../support/prism.js";

let mock: MockServer;
let prism: PrismServer;
let fax: FaxPlus;
const called = new Set<string>();
// The mock's clock: outbox jobs move only when a test moves it, never while Prism is slow.
const DELIVERY_MS = 300;
let clock = Date.parse("2026-11-21T10:00:00Z");

beforeAll(async () => {
  mock = await startMockServer({
    token: "contract-token",
    deliveryMs: DELIVERY_MS,
    now: () => clock,
  });
  prism = await startPrism("proxy", { upstream: mock.baseUrl });
  fax = new FaxPlus({ token: "contract-token", baseUrl: prism.baseUrl, maxRetries: 0 });
});
afterAll(async () => {
  await prism?.close();
  await mock?.close();
});

/** Runs a helper and notes which operation the mock served it with. */
async function call<T>(run: () => Promise<T>): Promise<T> {
  const before = mock.requests.length;
  const result = await run();
  for (const r of mock.requests.slice(before)) if (r.operationId) called.add(r.operationId);
  return result;
}

const from = seeds.number;
const to = "+14155550123";

// One scenario, not independent tests: the steps share the mock's state and clock (one deletes an
// inbox fax that a later bulk update counts), and the last steps check that every operation was
// called and Prism logged no warning. So its order is fixed even when the suite runs shuffled.
describe("the helpers through Prism, in order", { shuffle: false }, () => {
  it("sends, follows and downloads a fax", async () => {
    const pdf = new Blob([pdfDocument("contract")], { type: "application/pdf" });
    const path = await call(() => fax.upload(pdf, { filename: "contract.pdf" }));
    const { ids } = await call(() => fax.send({ from, to: [to], files: [path] }));
    const { records } = await call(() => fax.listOutbox());
    const job = records.find((r) => r.to?.includes(to));
    expect(job).toMatchObject({ status: "submitted" });
    expect((await call(() => fax.getOutbox(job!.id))).status).toBe("submitted");
    await call(() => fax.updateOutbox(job!.id, { comment: "contract" }));
    clock += DELIVERY_MS;
    const record = await call(() =>
      fax.waitForDelivery(ids[to]!, { pollInterval: 100, maxWait: 20_000 }),
    );
    expect(record).toMatchObject({ status: "success", comment: "contract" });
    expect((await call(() => fax.download(record.id))).size).toBeGreaterThan(0);
    const stream = await call(() => fax.downloadStream(record.id, { format: "tiff" }));
    expect((await new Response(stream).arrayBuffer()).byteLength).toBeGreaterThan(0);
    expect((await call(() => fax.downloadReport(record.id))).size).toBeGreaterThan(0);
    await new Response(await call(() => fax.downloadReportStream(record.id))).arrayBuffer();
  });

  it("sends documents given directly in files, resends, forwards and combines", async () => {
    const note = new File(["a cover note"], "note.txt", { type: "text/plain" });
    await call(() =>
      fax.send({ from, to: [to], files: [note], from_fax: { fax_id: seeds.sentFaxId } }),
    );
    await call(() => fax.resend(seeds.failedFaxId));
    await call(() =>
      fax.forward(seeds.inboxFaxId(1), { from: "no_number", to: [to, "+14155550124"] }),
    );
  });

  it("cancels a scheduled fax", async () => {
    await call(() => fax.cancelOutbox(seeds.scheduledJobId));
  });

  it("bulk-updates faxes and outbox jobs", async () => {
    const inbox = Array.from({ length: 120 }, (_, i) => seeds.inboxFaxId(i));
    const faxes = await call(() =>
      fax.updateFaxesInBatches(inbox, { is_read: true, comment: "seen" }),
    );
    expect(faxes.updated).toHaveLength(120);
    const outbox = await call(() =>
      fax.updateOutboxFaxesInBatches(["missing-job"], { comment: "x" }),
    );
    expect(outbox.notFound).toEqual(["missing-job"]);
  });

  it("reads, pages, updates and deletes fax records", async () => {
    const page = await call(() => fax.listFaxPage({ category: "inbox", limit: 5 }));
    expect(page.records).toHaveLength(5);
    let seen = 0;
    for await (const _ of fax.iterateFaxes({ category: "sent", limit: 2 })) if (++seen === 3) break;
    expect(seen).toBe(3);
    const record = await call(() => fax.getFax({ fax_id: seeds.inboxFaxId(2) }));
    await call(() => fax.updateFax({ fax_id: record.id, comment: "checked", is_read: true }));
    await call(() => fax.deleteFax({ fax_id: seeds.inboxFaxId(3) }));
  });

  it("manages numbers, the account, members and webhooks", async () => {
    const { numbers } = await call(() => fax.listNumbers());
    await call(() => fax.getNumber({ number: numbers[0]!.number }));
    await call(() => fax.assignNumber(seeds.number, seeds.memberUid));
    await call(() =>
      new FaxPlus({
        token: "contract-token",
        baseUrl: prism.baseUrl,
        userId: seeds.memberUid,
      }).revokeNumber({ number: seeds.number }),
    );
    const account = await call(() => fax.getAccount());
    await call(() => fax.updateAccount({ name: account.name ?? "Ada" }));
    const { members } = await call(() => fax.listMembers());
    await call(() => fax.getMemberDetails({ member_user_id: members[0]!.uid }));
    await call(() =>
      fax.updateMemberDetails({ member_user_id: members[0]!.uid, quota: 100, role: "sales" }),
    );
    const { id } = await call(() =>
      fax.createWebhook({ target: "https://example.com/hook", event: "fax_sent" }),
    );
    const { data } = await call(() => fax.listWebhooks("fax_sent"));
    expect(data?.map((w) => w.id)).toContain(id);
    await call(() => fax.deleteWebhook({ hook_id: id }));
    const callback = parseWebhook({
      hook: {
        id: "h1",
        event: "fax_sent",
        event_time: "2026-11-21 10:00:00",
        target: "https://example.com/hook",
      },
      data: { id: "f1", status: "success" },
    });
    expect(callback.hook.event).toBe("fax_sent");
  });

  it("covered every operation of the spec through the helpers", async () => {
    const rules = (await import("../../generated/rules.js")) as Record<string, object>;
    const operations = Object.keys(rules).filter((name) => "method" in rules[name]!);
    expect([...called].sort()).toEqual(operations.sort());
  });

  it("left Prism no warning-level violation either", () => {
    const warnings = prism
      .output()
      .split("\n")
      .filter((line) => line.includes("Violation:"));
    expect(warnings).toEqual([]);
  });
});

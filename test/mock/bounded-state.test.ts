// A long-running mock keeps bounded state: the request log, fax records, uploads and the outbox
// each have a limit (an option with a default), lists are paged as the API pages them, and
// outbox jobs advance from a schedule. Over real HTTP, with an injected clock where time matters.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  defaultMaxRecordedRequests,
  defaultStateLimits,
  type Fax,
  type MockServer,
  MockState,
  seeds,
  startMockServer,
} from "../../src/mock/index.js";
import { formatTime } from "../../src/mock/state.js";
import { FaxPlus } from "../../src/index.js";
import { mockServers } from "../support/mock-servers.js";

const SEED = 20261207;
const start = mockServers();

function api(server: MockServer, method: string, path: string, body?: FormData | object) {
  const json = body !== undefined && !(body instanceof FormData);
  return fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { authorization: "Bearer t", ...(json ? { "content-type": "application/json" } : {}) },
    body: json ? JSON.stringify(body) : (body ?? null),
  });
}

async function upload(server: MockServer, text = "hello"): Promise<string> {
  const form = new FormData();
  form.append("fax_file", new Blob([text], { type: "application/pdf" }), "a.pdf");
  const response = await api(server, "POST", "/accounts/self/files", form);
  expect(response.status).toBe(200);
  return ((await response.json()) as { path: string }).path;
}

function send(server: MockServer, files: string[], extra: object = {}) {
  return api(server, "POST", "/accounts/self/outbox", {
    from: seeds.number,
    to: ["+14155550111"],
    files,
    ...extra,
  });
}

describe("the request log", () => {
  it(`keeps the latest ${defaultMaxRecordedRequests} requests by default`, async () => {
    const server = await start({ seed: false });
    expect(server.maxRecordedRequests).toBe(defaultMaxRecordedRequests);
    const small = await start({ seed: false, maxRecordedRequests: 3 });
    for (let i = 1; i <= 5; i++) await api(small, "GET", `/accounts/self?i=${i}`);
    expect(small.requests.map((r) => r.query.i)).toEqual(["3", "4", "5"]);
  });

  it("keeps nothing with maxRecordedRequests: 0, and refuses a bad value by name", async () => {
    const off = await start({ seed: false, maxRecordedRequests: 0 });
    expect((await api(off, "GET", "/accounts/self")).status).toBe(200);
    expect(off.requests).toEqual([]);
    await expect(startMockServer({ maxRecordedRequests: -1 })).rejects.toThrow(
      /maxRecordedRequests must be a whole number/,
    );
  });

  it("keeps an upload once: the logged body is the stored file's bytes", async () => {
    const server = await start({ seed: false });
    const path = await upload(server, "x".repeat(10_000));
    const stored = server.state.files.get(path);
    expect(stored?.bytes.byteLength).toBe(10_000);
    expect(server.requests.at(-1)?.body).toBe(stored?.bytes);
  });
});

describe("uploads", () => {
  it("keep at most maxFiles; a send naming a dropped one is answered 400 invalid_file", async () => {
    expect(defaultStateLimits.maxFiles).toBeGreaterThan(0);
    const server = await start({ maxFiles: 2 });
    const [first, second, third] = [
      await upload(server),
      await upload(server),
      await upload(server),
    ];
    expect([...server.state.files.keys()]).toEqual([second, third]);
    const refused = await send(server, [first!]);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: "invalid_file" });
    expect((await send(server, [third!])).status).toBe(201);
  });

  it("keep at most maxFileBytes together, the newest kept", async () => {
    const server = await start({ maxFileBytes: 25 });
    for (let i = 0; i < 5; i++) await upload(server, "0123456789");
    expect(server.state.files.size).toBe(2);
    expect(server.state.files.totalBytes).toBe(20);
  });
});

describe("the outbox", () => {
  it("refuses a send past maxOutboxJobs with 429, and takes sends again as jobs leave", async () => {
    let now = Date.parse("2026-12-07T10:00:00Z");
    const server = await start({ maxOutboxJobs: 2, deliveryMs: 400, now: () => now });
    const file = await upload(server);
    // The seed's job scheduled for 2099 is one of the two.
    expect((await send(server, [file])).status).toBe(201);
    const refused = await send(server, [file]);
    expect(refused.status).toBe(429);
    expect((await refused.json()) as object).toMatchObject({
      description: expect.stringContaining("maxOutboxJobs"),
    });
    now += 400;
    expect((await send(server, [file])).status).toBe(201);
    const listed = (await (await api(server, "GET", "/accounts/self/outbox")).json()) as {
      records: unknown[];
    };
    expect(listed.records).toHaveLength(2);
  });

  it("advances every job as if each were looked at on every request (seeded clock and send times)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 30 }),
        fc.array(fc.integer({ min: 0, max: 2_000 }), { minLength: 1, maxLength: 10 }),
        async (sendAfter, steps) => {
          const base = Date.parse("2026-12-07T10:00:00Z");
          let now = base;
          const state = new MockState({ seed: false, deliveryMs: 400, now: () => now });
          const jobs = sendAfter.map((ms, i) => {
            const id = `job${i}`;
            const sendAt = base + ms;
            state.addJob({
              record: {
                id,
                uid: seeds.selfUid,
                status: "submitted",
                to: ["+14155550111"],
                comment: { text: "", tags: [] },
              },
              faxIds: { "+14155550111": `fax${i}` },
              sendAt,
            });
            return { id, sendAt };
          });
          for (const step of steps) {
            now += step;
            state.advance();
            for (const job of jobs) {
              // submitted -> converting -> scheduled (100 ms each), then wait for send time, then
              // sending after 100 ms more, delivered 100 ms after that.
              const scheduledAt = base + 200;
              const sendingAt = Math.max(scheduledAt + 100, job.sendAt);
              const deliveredAt = sendingAt + 100;
              const expected =
                now >= deliveredAt
                  ? "delivered"
                  : now >= sendingAt
                    ? "sending"
                    : now >= scheduledAt
                      ? "scheduled_for_sending"
                      : now >= base + 100
                        ? "converting"
                        : "submitted";
              const status = state.outbox.get(job.id)?.record.status ?? "delivered";
              expect(status, `${job.id} at +${now - base} ms`).toBe(expected);
              if (expected === "delivered")
                expect(state.faxes.has(`fax${jobs.indexOf(job)}`)).toBe(true);
            }
          }
        },
      ),
      { seed: SEED, numRuns: 100 },
    );
  });
});

describe("listFaxes", () => {
  /** A state with `count` outgoing faxes a minute apart (some at the same time), oldest first. */
  function stateWith(count: number, options: ConstructorParameters<typeof MockState>[0] = {}) {
    const state = new MockState({ seed: false, ...options });
    const base = Date.parse("2026-01-01T00:00:00Z");
    for (let i = 0; i < count; i++) {
      const id = `f${String(i).padStart(4, "0")}`;
      state.faxes.set(id, {
        id,
        owner_id: i % 7 === 0 ? seeds.memberUid : seeds.selfUid,
        direction: i % 3 === 0 ? "incoming" : "outgoing",
        is_spam: i % 11 === 0,
        status: "success",
        from: "+14155550100",
        to: "+14155550101",
        pages: 1,
        start_time: formatTime(base + Math.floor(i / 2) * 60_000),
      } as Fax);
    }
    return state;
  }

  /** What a page must hold: every record of `self` filtered, sorted newest first, sliced. */
  function expected(
    state: MockState,
    q: { category?: string; after?: string; before?: string; offset: number; limit: number },
  ): string[] {
    return [...state.faxes.values()]
      .filter((f) => f.owner_id === seeds.selfUid)
      .filter((f) =>
        q.category === "inbox"
          ? f.direction === "incoming" && !f.is_spam
          : q.category === "sent"
            ? f.direction === "outgoing"
            : q.category === "spam"
              ? f.is_spam === true
              : true,
      )
      .filter(
        (f) =>
          (q.after === undefined || f.start_time! > q.after) &&
          (q.before === undefined || f.start_time! < q.before),
      )
      .sort((a, b) => b.start_time!.localeCompare(a.start_time!))
      .slice(q.offset, q.offset + q.limit)
      .map((f) => f.id);
  }

  it("pages by limit, offset and the after/before window, newest first (seeded)", () => {
    const state = stateWith(400);
    const time = fc
      .integer({ min: -5, max: 210 })
      .map((m) => formatTime(Date.parse("2026-01-01T00:00:00Z") + m * 60_000));
    fc.assert(
      fc.property(
        fc.record(
          {
            category: fc.constantFrom("inbox", "sent", "spam"),
            after: time,
            before: time,
            offset: fc.integer({ min: 0, max: 300 }),
            limit: fc.integer({ min: 1, max: 120 }),
          },
          { requiredKeys: ["offset", "limit"] },
        ),
        (q) => {
          const page = state.faxes.page(
            seeds.selfUid,
            {
              category: q.category ?? null,
              after: q.after ?? null,
              before: q.before ?? null,
              offset: q.offset,
              limit: q.limit,
            },
            true,
          );
          expect(page.records.map((f) => f.id)).toEqual(expected(state, q));
          const all = expected(state, { ...q, offset: 0, limit: Number.MAX_SAFE_INTEGER });
          expect(page.count).toBe(all.length);
          expect(page.hasMore).toBe(q.offset + q.limit < all.length);
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("keeps its index right as records are replaced, deleted and dropped past maxFaxes", () => {
    const state = stateWith(100, { maxFaxes: 60 });
    expect(state.faxes.size).toBe(60);
    expect(state.faxes.has("f0000")).toBe(false);
    state.faxes.delete("f0099");
    const replaced = state.faxes.get("f0050")!;
    state.faxes.set("f0050", { ...replaced, start_time: "2030-01-01 00:00:00" });
    const q = { offset: 0, limit: 1_000 };
    const page = state.faxes.page(seeds.selfUid, {
      category: null,
      after: null,
      before: null,
      ...q,
    });
    expect(page.records.map((f) => f.id)).toEqual(expected(state, q));
    expect(page.records[0]?.id).toBe("f0050");
  });

  it("keeps the seed data past maxFaxes, dropping the records added longest ago", async () => {
    let now = Date.parse("2026-12-07T10:00:00Z");
    const server = await start({ maxFaxes: 2, now: () => now });
    const seeded = new Set(server.state.faxes.keys());
    const form = new FormData();
    form.append("fax_file", new Blob(["x"]), "a.pdf");
    const { path } = (await (await api(server, "POST", "/accounts/self/files", form)).json()) as {
      path: string;
    };
    const sent: string[] = [];
    for (let i = 0; i < 4; i++) {
      const answer = await send(server, [path], { return_ids: true });
      sent.push(...Object.values(((await answer.json()) as { ids: Record<string, string> }).ids));
      now += 1_000;
      await api(server, "GET", "/accounts/self");
    }
    const kept = [...server.state.faxes.keys()].filter((id) => !seeded.has(id));
    expect(kept).toEqual(sent.slice(-2));
    expect([...seeded].every((id) => server.state.faxes.has(id))).toBe(true);
  });

  it("answers the documented {data: {records}} shape, at most 50 records without a limit", async () => {
    const server = await start({ inboxSize: 120 });
    const body = (await (
      await api(server, "GET", "/accounts/self/faxes?category=inbox")
    ).json()) as {
      data: { records: Fax[] };
    };
    expect(Object.keys(body)).toEqual(["data"]);
    expect(body.data.records).toHaveLength(50);
    expect(body.data.records[0]?.id).toBe(seeds.inboxFaxId(0));
  });

  it('answers the newer shape with has_more and next_offset with faxListShape: "paged"', async () => {
    const server = await start({ inboxSize: 30, faxListShape: "paged" });
    const get = async (query: string) =>
      (await (
        await api(server, "GET", `/accounts/self/faxes?category=inbox&${query}`)
      ).json()) as Record<string, unknown>;
    expect(await get("limit=20")).toMatchObject({
      count: 30,
      limit: 20,
      offset: 0,
      has_more: true,
      next_offset: 20,
    });
    const last = await get("limit=20&offset=20");
    expect(last).toMatchObject({ count: 30, has_more: false });
    expect(last).not.toHaveProperty("next_offset");
    expect(last.records).toHaveLength(10);
  });

  for (const faxListShape of ["data", "paged"] as const) {
    it(`gives the SDK a boolean hasMore on every page, and all records by iterating (${faxListShape})`, async () => {
      const server = await start({ inboxSize: 60, faxListShape });
      const fax = new FaxPlus({ token: "t", baseUrl: server.baseUrl });
      const first = await fax.listFaxPage({ category: "inbox", limit: 25 });
      expect(first.records).toHaveLength(25);
      expect(first.hasMore).toBe(true);
      const last = await fax.listFaxPage({ category: "inbox", limit: 25, offset: 50 });
      expect(last.records).toHaveLength(10);
      expect(last.hasMore).toBe(false);
      const seen: string[] = [];
      for await (const record of fax.iterateFaxes({ category: "inbox", limit: 7 })) {
        seen.push(record.id);
      }
      expect(seen).toEqual(Array.from({ length: 60 }, (_, i) => seeds.inboxFaxId(i)));
    });
  }
});

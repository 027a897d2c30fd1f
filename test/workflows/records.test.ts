import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FaxPlus, ValidationError } from "../../src/index.js";
import { iterateFaxes, listFaxPage, type ListFaxesQuery } from "../../src/workflows/records.js";
import type { Fax } from "../../generated/types.js";
import { startServer, type SeenRequest, type Reply, type TestServer } from "../support/server.js";

let server: TestServer;
let fax: FaxPlus;
let answer: (request: SeenRequest, query: URLSearchParams) => Reply;

beforeAll(async () => {
  server = await startServer((request) =>
    answer(request, new URL(request.path, "http://x").searchParams),
  );
  fax = new FaxPlus({ token: "t", baseUrl: server.baseUrl, maxRetries: 0 });
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

function record(id: string, start_time?: string): Fax {
  return {
    id,
    comment: "",
    cost_details: {},
    owner_id: "u1",
    pages: 1,
    status: "success",
    ...(start_time === undefined ? {} : { start_time }),
  };
}

/** Newest first, like the API. */
const store = [
  record("r1", "2026-11-20 10:00:05"),
  record("r2", "2026-11-20 10:00:04"),
  record("r3", "2026-11-20 10:00:03"),
  record("r4", "2026-11-20 10:00:02"),
  record("r5", "2026-11-20 10:00:01"),
];

/** The SDK 3.0.4 contract: `before` and `limit` over `records`, answered as `{data: {records}}`. */
function oldContract(records: Fax[], { inclusive = false, defaultLimit = 50 } = {}) {
  return (_: SeenRequest, query: URLSearchParams): Reply => {
    const before = query.get("before");
    const limit = Number(query.get("limit") ?? defaultLimit);
    const window = records.filter(
      (r) => before === null || (inclusive ? r.start_time! <= before : r.start_time! < before),
    );
    return { json: { data: { records: window.slice(0, limit) } } };
  };
}

/** The newer contract: `offset` and `limit`, answered with top-level paging fields. */
function newContract(records: Fax[]) {
  return (_: SeenRequest, query: URLSearchParams): Reply => {
    const offset = Number(query.get("offset") ?? 0);
    const limit = Number(query.get("limit") ?? 25);
    const page = records.slice(offset, offset + limit);
    const hasMore = offset + limit < records.length;
    return {
      json: {
        count: records.length,
        limit,
        offset,
        records: page,
        has_more: hasMore,
        next_offset: hasMore ? offset + limit : null,
      },
    };
  };
}

const ids = (records: Fax[]) => records.map((r) => r.id);
const queries = () =>
  server.requests.map((r) => decodeURIComponent(r.path.replace(/^[^?]*\??/, "")));

async function all(query?: ListFaxesQuery): Promise<string[]> {
  const seen: string[] = [];
  for await (const r of iterateFaxes(fax, query)) seen.push(r.id);
  return seen;
}

describe("listFaxPage", () => {
  it("reads the SDK 3.0.4 shape {data: {records}}", async () => {
    answer = () => ({ json: { data: { records: store.slice(0, 2) } } });

    const page = await listFaxPage(fax);

    expect(ids(page.records)).toEqual(["r1", "r2"]);
    // A short page: nothing more (the smallest default page is 25).
    expect(page.hasMore).toBe(false);
    expect(page).not.toHaveProperty("nextOffset");
    expect(server.requests[0]).toMatchObject({ method: "GET", path: "/accounts/self/faxes" });
  });

  it("says hasMore for a full page of the SDK 3.0.4 shape, which has no has_more", async () => {
    answer = () => ({ json: { data: { records: store.slice(0, 2) } } });
    expect((await listFaxPage(fax, { limit: 2 })).hasMore).toBe(true);
    expect((await listFaxPage(fax, { limit: 3 })).hasMore).toBe(false);
  });

  it("reads the newer top-level shape with has_more and next_offset", async () => {
    answer = newContract(store);

    const page = await listFaxPage(fax, { limit: 2 });

    expect(ids(page.records)).toEqual(["r1", "r2"]);
    expect(page.hasMore).toBe(true);
    expect(page.nextOffset).toBe(2);
  });

  it("leaves nextOffset out when next_offset is null", async () => {
    answer = newContract(store);

    const page = await listFaxPage(fax, { limit: 5 });

    expect(page.hasMore).toBe(false);
    expect(page).not.toHaveProperty("nextOffset");
  });

  it("returns no records for an empty body", async () => {
    answer = () => ({ json: {} });
    expect(await listFaxPage(fax)).toEqual({ records: [], hasMore: false });
  });

  it("sends the query", async () => {
    answer = () => ({ json: { data: { records: [] } } });

    await listFaxPage(fax, { category: "inbox", before: "2026-11-20 10:00:00", limit: 10 });

    expect(queries()).toEqual(["category=inbox&before=2026-11-20 10:00:00&limit=10"]);
  });

  it.each([
    ["limit 0", { limit: 0 }, "query.limit"],
    ["a fractional limit", { limit: 1.5 }, "query.limit"],
    ["a negative offset", { offset: -1 }, "query.offset"],
    ["an ISO before", { before: "2026-11-20T10:00:00Z" }, "query.before"],
    ["an unknown category", { category: "trash" }, "query.category"],
    ["an unknown parameter", { sort_by: "date" }, "sort_by"],
  ])("refuses %s before sending", async (_, query, field) => {
    const error = await listFaxPage(fax, query as ListFaxesQuery).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
    expect(server.requests).toHaveLength(0);
  });
});

describe("iterateFaxes with offsets (newer contract)", () => {
  it("follows next_offset until has_more is false", async () => {
    answer = newContract(store);

    expect(await all({ category: "sent", limit: 2 })).toEqual(["r1", "r2", "r3", "r4", "r5"]);
    expect(queries()).toEqual([
      "category=sent&limit=2",
      "category=sent&limit=2&offset=2",
      "category=sent&limit=2&offset=4",
    ]);
  });

  it("stops when the offset does not advance", async () => {
    answer = () => ({ json: { records: store.slice(0, 2), has_more: true, next_offset: 0 } });

    expect(await all()).toEqual(["r1", "r2"]);
    expect(server.requests).toHaveLength(1);
  });

  it("uses offset + page length when next_offset is missing", async () => {
    let calls = 0;
    answer = (_, query) => {
      const offset = Number(query.get("offset") ?? 0);
      calls++;
      return { json: { records: store.slice(offset, offset + 2), has_more: calls < 2 } };
    };

    expect(await all()).toEqual(["r1", "r2", "r3", "r4"]);
    expect(queries()).toEqual(["", "offset=2"]);
  });
});

describe("iterateFaxes by time window (SDK 3.0.4 contract)", () => {
  it("walks `before` back over 3 pages, from the oldest start_time of each page", async () => {
    answer = oldContract(store);

    expect(await all({ limit: 2 })).toEqual(["r1", "r2", "r3", "r4", "r5"]);
    expect(queries()).toEqual([
      "limit=2",
      "limit=2&before=2026-11-20 10:00:04",
      "limit=2&before=2026-11-20 10:00:02",
    ]);
  });

  it("keeps the caller's filters and starts from the caller's before", async () => {
    answer = oldContract(store);

    expect(await all({ category: "inbox", before: "2026-11-20 10:00:05", limit: 2 })).toEqual([
      "r2",
      "r3",
      "r4",
      "r5",
    ]);
    expect(queries()[1]).toBe("category=inbox&before=2026-11-20 10:00:03&limit=2");
  });

  it("yields records at the boundary once when `before` is inclusive", async () => {
    answer = oldContract(store, { inclusive: true });

    expect(await all({ limit: 2 })).toEqual(["r1", "r2", "r3", "r4", "r5"]);
    expect(queries().slice(1)).toEqual([
      "limit=2&before=2026-11-20 10:00:04",
      "limit=2&before=2026-11-20 10:00:03",
      "limit=2&before=2026-11-20 10:00:02",
      "limit=2&before=2026-11-20 10:00:01",
    ]);
  });

  it("learns the page size from the first page when no limit is given", async () => {
    answer = oldContract(store, { defaultLimit: 2 });

    expect(await all()).toEqual(["r1", "r2", "r3", "r4", "r5"]);
    expect(server.requests).toHaveLength(3);
  });

  it("stops on an empty page", async () => {
    answer = oldContract(store.slice(0, 4));

    expect(await all({ limit: 2 })).toEqual(["r1", "r2", "r3", "r4"]);
    expect(server.requests).toHaveLength(3);
  });

  it("stops when the server ignores `before` (the window does not move)", async () => {
    answer = () => ({ json: { data: { records: store.slice(0, 2) } } });

    expect(await all({ limit: 2 })).toEqual(["r1", "r2"]);
    expect(server.requests).toHaveLength(2);
  });

  it("stops when a full page shares one start_time and `before` is inclusive", async () => {
    const sameSecond = ["a", "b", "c", "d"].map((id) => record(id, "2026-11-20 09:00:00"));
    answer = oldContract([...sameSecond, record("older", "2026-11-20 08:00:00")], {
      inclusive: true,
    });

    expect(await all({ limit: 2 })).toEqual(["a", "b"]);
    expect(server.requests).toHaveLength(2);
  });

  it("does not ask for the same window twice, even if it brought new records", async () => {
    const [a, b, c, d] = ["a", "b", "c", "d"].map((id) => record(id, "2026-11-20 09:00:00"));
    const pages = [
      [a, b],
      [c, a],
      [d, b],
    ];
    answer = () => ({ json: { data: { records: pages.shift() ?? [] } } });

    expect(await all({ limit: 2 })).toEqual(["a", "b", "c"]);
    expect(queries()).toEqual(["limit=2", "limit=2&before=2026-11-20 09:00:00"]);
  });

  it("stops when the records have no start_time", async () => {
    answer = () => ({ json: { data: { records: [record("x"), record("y")] } } });

    expect(await all({ limit: 2 })).toEqual(["x", "y"]);
    expect(server.requests).toHaveLength(1);
  });

  it("sends no more requests after the caller breaks", async () => {
    answer = oldContract(store);

    for await (const r of iterateFaxes(fax, { limit: 2 })) if (r.id === "r2") break;

    expect(server.requests).toHaveLength(1);
  });
});

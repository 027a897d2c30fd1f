// Fax records: one page of listFaxes in either response shape, and iteration over all pages.
import { listFaxes as listFaxesOperation } from "../../generated/operations.js";
import type { Fax, ListFaxesParams } from "../../generated/types.js";
import * as rules from "../../generated/rules.js";
import type { FaxPlusCore } from "../core/client.js";
import { UnexpectedResponseError } from "../core/errors.js";
import type { RequestOptions } from "../core/options.js";
import { apiPromise, type ApiPromise } from "../operations/response.js";

/** Query of listFaxes: `category`, the `after`/`before` window (UTC), `limit`, `offset`. */
export type ListFaxesQuery = Omit<ListFaxesParams, "user_id">;

/** One page of fax records. */
export interface FaxPage {
  records: Fax[];
  /**
   * Whether another page may hold more records. The API's `has_more` when it says (newer shape);
   * else (SDK 3.0.4 shape) whether the page is full: at least `limit` records, or without a
   * `limit` at least 25 (`SMALLEST_DEFAULT_PAGE`, the smaller of the two defaults documented), so
   * that `false` never hides a record (a `true` may be followed by an empty page).
   */
  hasMore: boolean;
  /** The `offset` of the next page, when the API gives one. */
  nextOffset?: number;
}

interface PageRead {
  page: FaxPage;
  said: boolean | undefined;
  byOffset: boolean;
}

/**
 * listFaxes' page size without a `limit`, the smaller of the documented ones: 50 (the Python
 * SDK's documentation) and 25 (the newer list-faxes contract, unconfirmed).
 */
export const SMALLEST_DEFAULT_PAGE = 25;

/**
 * Lists one page of fax records. Reads both response shapes the API may use: `{data: {records}}`
 * (SDK 3.0.4) and `{records, has_more, next_offset, ...}` (newer, unconfirmed).
 */
export function listFaxPage(
  client: FaxPlusCore,
  query: ListFaxesQuery = {},
  options?: RequestOptions,
): ApiPromise<FaxPage> {
  return apiPromise(
    readFaxPage(client, query, options).then(({ data, response }) => ({
      data: data.page,
      response,
    })),
  );
}

/**
 * One page, what the API said of more pages (`has_more`, if anything), and whether it pages by
 * offset (it said `has_more` or `next_offset`).
 */
function readFaxPage(
  client: FaxPlusCore,
  query: ListFaxesQuery,
  options: RequestOptions | undefined,
): Promise<{ data: PageRead; response: Response }> {
  return listFaxesOperation(client, query, options)
    .withResponse()
    .then(({ data: list, response }) => {
      const records: unknown = list?.data?.records ?? list?.records ?? [];
      if (!Array.isArray(records) || !records.every(isRecord)) {
        throw new UnexpectedResponseError(
          response,
          rules.listFaxes,
          "its records are not a list of fax records",
        );
      }
      const said = typeof list?.has_more === "boolean" ? list.has_more : undefined;
      const full = records.length > 0 && records.length >= (query.limit ?? SMALLEST_DEFAULT_PAGE);
      const page: FaxPage = { records, hasMore: said ?? full };
      if (typeof list?.next_offset === "number") page.nextOffset = list.next_offset;
      const byOffset = said !== undefined || page.nextOffset !== undefined;
      return { data: { page, said, byOffset }, response };
    });
}

/**
 * Iterates over every fax record matching `query`, fetching pages as needed. When the API pages
 * with `has_more`/`next_offset`, it follows the offsets. Otherwise it walks back in time: the next
 * page is the one `before` the oldest `start_time` seen, records at that boundary are not yielded
 * twice, and it stops on an empty or short page, or when the window stops moving.
 * @example for await (const record of iterateFaxes(client, { category: "inbox" })) console.log(record.id);
 */
export async function* iterateFaxes(
  client: FaxPlusCore,
  query: ListFaxesQuery = {},
  options?: RequestOptions,
): AsyncGenerator<Fax, void, undefined> {
  const { data: first } = await readFaxPage(client, query, options);
  if (first.byOffset) {
    yield* byOffset(client, query, options, first);
  } else {
    yield* byTime(client, query, options, first.page);
  }
}

async function* byOffset(
  client: FaxPlusCore,
  query: ListFaxesQuery,
  options: RequestOptions | undefined,
  read: PageRead,
): AsyncGenerator<Fax, void, undefined> {
  let offset = query.offset ?? 0;
  for (;;) {
    const { page } = read;
    yield* page.records;
    const more = read.said ?? page.nextOffset !== undefined;
    const next = page.nextOffset ?? offset + page.records.length;
    if (!more || page.records.length === 0 || next <= offset) return;
    offset = next;
    read = (await readFaxPage(client, { ...query, offset }, options)).data;
  }
}

async function* byTime(
  client: FaxPlusCore,
  query: ListFaxesQuery,
  options: RequestOptions | undefined,
  page: FaxPage,
): AsyncGenerator<Fax, void, undefined> {
  // The server's default page size is unknown (50 or 25): a full first page sets it.
  const pageSize = query.limit ?? page.records.length;
  let before = query.before;
  // Whether `before` is inclusive is unknown: remember the IDs at the boundary time.
  let boundary = new Set<string>();
  for (;;) {
    // The fixed "YYYY-MM-DD HH:mm:ss" format sorts as text.
    const inWindow = (r: Fax) =>
      before === undefined || r.start_time === undefined || r.start_time <= before;
    const fresh = page.records.filter((r) => inWindow(r) && !boundary.has(r.id));
    yield* fresh;
    const oldest = oldestStartTime(page.records);
    const stuck = oldest === undefined || (before !== undefined && oldest >= before);
    if (fresh.length === 0 || page.records.length < pageSize || stuck) return;
    boundary = new Set(page.records.filter((r) => r.start_time === oldest).map((r) => r.id));
    before = oldest;
    page = await listFaxPage(client, { ...query, before }, options);
  }
}

function isRecord(value: unknown): value is Fax {
  return typeof value === "object" && value !== null && typeof (value as Fax).id === "string";
}

function oldestStartTime(records: Fax[]): string | undefined {
  let oldest: string | undefined;
  for (const { start_time } of records) {
    if (start_time !== undefined && (oldest === undefined || start_time < oldest)) {
      oldest = start_time;
    }
  }
  return oldest;
}

// Bulk updates of any size: the whole update is checked first, then the IDs are deduped, split
// into batches of the API's maximum (the spec's maxItems), sent with bounded concurrency, item-level
// 500s retried once, and the per-item codes merged into one result. A bulk update never throws
// after its first batch: what it learnt is returned, with the IDs it could not update in `failed`.
import * as rules from "../../generated/rules.js";
import {
  bulkUpdateFaxes as bulkFaxes,
  bulkUpdateOutboxFaxes as bulkOutbox,
} from "../../generated/operations.js";
import type { BulkOperationResultFax, BulkOperationResultOutbox } from "../../generated/types.js";
import { checkRequestOptions, type FaxPlusCore } from "../core/client.js";
import { ApiError, UnexpectedResponseError, ValidationError } from "../core/errors.js";
import { ownFields, type RequestOptions } from "../core/options.js";
import { check, readArray, readFields } from "../core/validate.js";
import { apiPromise, type ApiPromise, type WithResponse } from "../operations/response.js";

/** A per-item code of a bulk update answer, as the spec enumerates it. */
export type BulkItemCode =
  | NonNullable<BulkOperationResultFax["results"]>[number]["code"]
  | NonNullable<BulkOperationResultOutbox["results"]>[number]["code"];

/** An ID that was not updated for a reason other than 403, 404 or 409. */
export interface BulkFailure {
  readonly id: string;
  /** The item code the API gave (500 after the follow-up retry, or a code the spec does not list). */
  readonly code?: number;
  /** Why the batch holding this ID failed as a whole, or why there was no answer for it. */
  readonly error?: Error;
}

/** The outcome of a bulk update, every unique ID in exactly one list, in input order. */
export interface BulkUpdateResult {
  /** Updated (item code 204). */
  readonly updated: string[];
  /** No such fax or outbox job (404). */
  readonly notFound: string[];
  /** Not yours to change (403). */
  readonly forbidden: string[];
  /** In a state that forbids the change, e.g. an outbox job already `sending` (409). */
  readonly conflict: string[];
  /** Everything else: item 500s that failed again, and IDs of batches that failed as a whole. */
  readonly failed: BulkFailure[];
}

/** Per-call options of bulk updates. */
export interface BulkOptions extends RequestOptions {
  /** Batches in flight at once. Default 4. */
  concurrency?: number | undefined;
  /**
   * Progress: called with `(0, total)` first, then after each batch with the number of unique IDs
   * whose outcome is known (an item-level 500 counts once its retry is done).
   */
  onProgress?: ((done: number, total: number) => void) | undefined;
}

/** The changes of `updateFaxesInBatches`: the read flag and/or the comment, named as the API names them. */
export interface BulkFaxChanges {
  is_read?: boolean | undefined;
  comment?: string | undefined;
}

/** The change of `updateOutboxFaxesInBatches`: the comment. */
export interface BulkOutboxChanges {
  comment: string;
}

/**
 * Marks any number of fax records read or unread and/or sets their comment: deduped, split into
 * batches of the API's maximum (requests of `bulkUpdateFaxes`), sent `concurrency` at a time.
 */
export function updateFaxesInBatches(
  client: FaxPlusCore,
  ids: readonly string[],
  changes: BulkFaxChanges,
  options?: BulkOptions,
): ApiPromise<BulkUpdateResult> {
  return apiPromise(
    (async () => {
      const given = readFields(changes, "changes");
      const fields: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(given)) {
        if (key === "is_read" || key === "comment") fields[key] = value;
        else throw new ValidationError(key, "is not a change of fax records (is_read, comment)");
      }
      return bulk(client, rules.bulkUpdateFaxes, ids, fields, options, (body, opts) =>
        bulkFaxes(client, body, opts).withResponse(),
      );
    })(),
  );
}

/**
 * Sets the comment of any number of outbox jobs: deduped, split into batches of the API's
 * maximum (requests of `bulkUpdateOutboxFaxes`), sent `concurrency` at a time. Jobs already
 * `sending` come back in `conflict`.
 */
export function updateOutboxFaxesInBatches(
  client: FaxPlusCore,
  ids: readonly string[],
  changes: BulkOutboxChanges,
  options?: BulkOptions,
): ApiPromise<BulkUpdateResult> {
  return apiPromise(
    (async () => {
      const fields = readFields(changes, "changes");
      return bulk(client, rules.bulkUpdateOutboxFaxes, ids, fields, options, (body, opts) =>
        bulkOutbox(client, body, opts).withResponse(),
      );
    })(),
  );
}

type BulkOperation = (typeof rules)["bulkUpdateFaxes" | "bulkUpdateOutboxFaxes"];
type Answer = WithResponse<{ results?: unknown } | undefined>;
type SendBatch = (body: never, options: RequestOptions | undefined) => Promise<Answer>;

const BUCKETS = {
  204: "updated",
  403: "forbidden",
  404: "notFound",
  409: "conflict",
  500: "retry",
} as const satisfies Record<BulkItemCode, string>;

const BULK_OPTIONS = new Set(["maxRetries", "timeout", "signal", "concurrency", "onProgress"]);

/** Checks the whole update (every ID with its position, the changes, the options), then runs it. */
async function bulk(
  client: FaxPlusCore,
  operation: BulkOperation,
  ids: unknown,
  fields: Record<string, unknown>,
  options: unknown,
  sendBatch: SendBatch,
): Promise<WithResponse<BulkUpdateResult>> {
  const rule = operation.body;
  const list = readIds(ids);
  check(rule, { ...fields, ids: list.slice(0, 1) });
  list.forEach((id, i) => check(rule.properties.ids.items, id, `ids[${i}]`));
  const given = ownFields(options, "options", BULK_OPTIONS, "an option of bulk updates");
  const concurrency = given["concurrency"] ?? 4;
  if (
    !Number.isInteger(concurrency) ||
    (concurrency as number) < 1 ||
    (concurrency as number) > 64
  ) {
    throw new ValidationError("concurrency", "must be a positive integer (at most 64)");
  }
  const onProgress = given["onProgress"];
  if (onProgress !== undefined && typeof onProgress !== "function") {
    throw new ValidationError("onProgress", "must be a function");
  }
  const { concurrency: _, onProgress: __, ...rest } = given;
  const request = rest as RequestOptions;
  checkRequestOptions(client, request); // refuses bad request options now
  return run(list, {
    operation,
    batchSize: rule.properties.ids.maxItems,
    concurrency: concurrency as number,
    signal: request.signal,
    onProgress: onProgress as BulkOptions["onProgress"],
    sendBatch: (batch) => sendBatch({ ...fields, ids: batch } as never, request),
  });
}

/** The caller's ID list, read once. */
function readIds(ids: unknown): string[] {
  return readArray(ids, "ids") as string[];
}

interface Plan {
  operation: BulkOperation;
  batchSize: number;
  concurrency: number;
  signal: AbortSignal | undefined;
  onProgress: BulkOptions["onProgress"];
  sendBatch: (ids: string[]) => Promise<Answer>;
}

async function run(ids: readonly string[], plan: Plan): Promise<WithResponse<BulkUpdateResult>> {
  const unique = [...new Set(ids)];
  const order = new Map(unique.map((id, i) => [id, i]));
  const result: BulkUpdateResult = {
    updated: [],
    notFound: [],
    forbidden: [],
    conflict: [],
    failed: [],
  };
  let stopped: Error | undefined;
  let last: Response | undefined;
  let settled = 0;
  const progress = (count: number) => {
    settled += count;
    try {
      plan.onProgress?.(settled, unique.length);
    } catch {
      // A progress callback must not break the update.
    }
  };
  progress(0);

  async function round(list: string[], finalRound: boolean): Promise<string[]> {
    const retry: string[] = [];
    await pool(chunk(list, plan.batchSize), plan.concurrency, async (batch) => {
      if (!stopped && plan.signal?.aborted) stopped = reasonOf(plan.signal.reason);
      if (stopped) return fail(batch, stopped);
      let answer: Answer;
      try {
        answer = await plan.sendBatch(batch);
      } catch (error) {
        // A request-level 4xx (bad token, no permission, bad input) would repeat for every batch,
        // and a caller's abort means: send no more.
        const aborted = plan.signal?.aborted === true;
        if (
          aborted ||
          (error instanceof ApiError && error.status < 500 && ![408, 429].includes(error.status))
        ) {
          stopped = reasonOf(error);
        }
        return fail(batch, reasonOf(error));
      }
      last = answer.response;
      const codes = itemCodes(answer, plan.operation);
      if (codes instanceof Error) return fail(batch, codes);
      let again = 0;
      for (const id of batch) {
        const code = codes.get(id);
        const bucket = code === undefined ? undefined : BUCKETS[code as BulkItemCode];
        if (code === undefined) {
          const error = `the answer has no result for ${id}`;
          result.failed.push({
            id,
            error: new UnexpectedResponseError(answer.response, plan.operation, error),
          });
        } else if (bucket === undefined) {
          const error = `item code ${code} for ${id} is not one the spec lists`;
          result.failed.push({
            id,
            code,
            error: new UnexpectedResponseError(answer.response, plan.operation, error),
          });
        } else if (bucket !== "retry") result[bucket].push(id);
        else if (finalRound) result.failed.push({ id, code: 500 });
        else {
          retry.push(id);
          again++;
        }
      }
      progress(batch.length - again);
    });
    return retry;
  }
  function fail(batch: string[], error: Error) {
    for (const id of batch) result.failed.push({ id, error });
    progress(batch.length);
  }

  const again = await round(unique, false);
  if (again.length) await round(again, true);

  const byInput = (a: string, b: string) => (order.get(a) ?? 0) - (order.get(b) ?? 0);
  for (const list of [result.updated, result.notFound, result.forbidden, result.conflict])
    list.sort(byInput);
  result.failed.sort((a, b) => byInput(a.id, b.id));
  return { data: result, response: last ?? new Response(null, { status: 204 }) };
}

/** The per-item codes of a batch's answer, or the error that it is not what the spec says. */
function itemCodes(
  { data, response }: Answer,
  operation: BulkOperation,
): Map<string, number> | Error {
  const results = data?.results;
  const malformed = (what: string) => new UnexpectedResponseError(response, operation, what);
  if (!Array.isArray(results)) return malformed("the answer has no results list");
  const codes = new Map<string, number>();
  for (const item of results as unknown[]) {
    const { id, code } = (item ?? {}) as { id?: unknown; code?: unknown };
    if (typeof id !== "string" || typeof code !== "number") {
      return malformed("a result is not an {id, code} pair");
    }
    codes.set(id, code);
  }
  return codes;
}

function reasonOf(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Runs `work` on every item with at most `concurrency` in flight. */
async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

// Bulk updates of any size: the whole update is checked first (each ID once), then the IDs are
// deduped, split into batches of the API's maximum (the spec's maxItems), sent with bounded
// concurrency (each batch's body built from the checked values, not checked again), item-level
// 500s retried once, and the per-item codes merged into one result. A bulk update never throws
// after its first batch: what it learnt is returned, with the IDs it could not update in `failed`
// and those no answer covers (after a caller's abort or a request-level 4xx) in `notAttempted`.
import * as rules from "../../generated/rules.js";
import type { BulkOperationResultFax, BulkOperationResultOutbox } from "../../generated/types.js";
import { checkRequestOptions, type FaxPlusCore } from "../core/client.js";
import { ApiError, UnexpectedResponseError, ValidationError } from "../core/errors.js";
import { ownFields, type RequestOptions } from "../core/options.js";
import { check, readArray, readFields } from "../core/validate.js";
import { callOperation, type BodyEncoder } from "../operations/operation.js";
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
  /**
   * IDs with no outcome because the update stopped early (see `stoppedBy`): IDs no request
   * carried, and, after a caller's abort, the IDs of batches whose answer the abort cut off (the
   * server may have applied those; a bulk update is idempotent, so running it again for
   * `notAttempted` is safe).
   */
  readonly notAttempted: string[];
  /**
   * Why the update stopped before every batch was answered: the caller's abort reason as is, or
   * the request-level error that would have repeated for every batch (a 4xx other than 408 and
   * 429). Undefined when every batch got its answer.
   */
  readonly stoppedBy?: unknown;
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
      return bulk(client, rules.bulkUpdateFaxes, ids, fields, options);
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
      return bulk(client, rules.bulkUpdateOutboxFaxes, ids, fields, options);
    })(),
  );
}

type BulkOperation = (typeof rules)["bulkUpdateFaxes" | "bulkUpdateOutboxFaxes"];
type Answer = WithResponse<{ results?: unknown } | undefined>;

/**
 * A batch's JSON body from values the whole-call check already passed (each ID once, not again per
 * batch). They are the SDK's own copies (the ID list read once, the changes' fields read once),
 * so nothing can change between the check and the send.
 */
const checkedJson: BodyEncoder = (_rules, fields) => ({
  content: JSON.stringify(fields),
  type: "application/json",
});

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
): Promise<WithResponse<BulkUpdateResult>> {
  const rule = operation.body;
  const list = readIds(ids);
  check(rule, { ...fields, ids: list.slice(0, 1) });
  const idRule = rule.properties.ids.items;
  for (let i = 1; i < list.length; i++) {
    try {
      check(idRule, list[i], "ids");
    } catch {
      check(idRule, list[i], `ids[${i}]`); // the same failure, now naming the ID's position
    }
  }
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
    sendBatch: (batch) =>
      callOperation<Answer["data"]>(
        client,
        operation,
        { ...fields, ids: batch },
        request,
        undefined,
        checkedJson,
      ),
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

/** The outcome lists of a bulk update, or of one of its batches. */
interface Outcomes {
  updated: string[];
  notFound: string[];
  forbidden: string[];
  conflict: string[];
  failed: BulkFailure[];
  notAttempted: string[];
}

const outcomes = (): Outcomes => ({
  updated: [],
  notFound: [],
  forbidden: [],
  conflict: [],
  failed: [],
  notAttempted: [],
});

async function run(ids: readonly string[], plan: Plan): Promise<WithResponse<BulkUpdateResult>> {
  const unique = [...new Set(ids)];
  /** Set when no further batch may go out: a caller's abort, or a request-level 4xx. */
  let stopped: { reason: unknown } | undefined;
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

  /** Sends `list` in batches; each batch's outcomes in `parts`, in batch (so input) order. */
  async function round(list: string[], finalRound: boolean, parts: Outcomes[]): Promise<string[]> {
    const retry: string[] = [];
    await pool(chunk(list, plan.batchSize), plan.concurrency, async (batch, index) => {
      const result = (parts[index] = outcomes());
      if (!stopped && plan.signal?.aborted) stopped = { reason: plan.signal.reason };
      if (stopped) return unanswered(result, batch, finalRound);
      let answer: Answer;
      try {
        answer = await plan.sendBatch(batch);
      } catch (error) {
        // A caller's abort means: send no more, and this batch has no answer. It is never retried.
        if (plan.signal?.aborted) {
          stopped ??= { reason: plan.signal.reason };
          return unanswered(result, batch, finalRound);
        }
        // A request-level 4xx (bad token, no permission, bad input) would repeat for every batch.
        if (error instanceof ApiError && error.status < 500 && ![408, 429].includes(error.status)) {
          stopped ??= { reason: error };
        }
        return fail(result, batch, reasonOf(error));
      }
      last = answer.response;
      const codes = itemCodes(answer, plan.operation);
      if (codes instanceof Error) return fail(result, batch, codes);
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
  function fail(result: Outcomes, batch: string[], error: Error) {
    for (const id of batch) result.failed.push({ id, error });
    progress(batch.length);
  }
  /** A batch the update stopped before (or while) sending: no outcome, not counted as done. */
  function unanswered(result: Outcomes, batch: string[], finalRound: boolean) {
    // An item-level 500 waiting for its retry keeps that answer as its outcome.
    if (finalRound) for (const id of batch) result.failed.push({ id, code: 500 });
    else result.notAttempted.push(...batch);
  }

  const parts: Outcomes[] = [];
  const again = await round(unique, false, parts);
  if (again.length) {
    const retried: Outcomes[] = [];
    await round(again, true, retried);
    parts.push(...retried);
  }
  const result = merge(parts, again.length ? unique : undefined);
  // Aborted before any batch got an answer: like any call, it rejects with the abort reason.
  const aborted = stopped && plan.signal?.aborted && stopped.reason === plan.signal.reason;
  if (aborted && result.notAttempted.length === unique.length) throw stopped?.reason;
  const data: BulkUpdateResult = stopped ? { ...result, stoppedBy: stopped.reason } : result;
  return { data, response: last ?? new Response(null, { status: 204 }) };
}

/**
 * The batches' outcomes joined. The first round's batches are in input order already; when a
 * follow-up round ran (item 500s retried), its IDs are sorted back into `order`.
 */
function merge(parts: Outcomes[], order: string[] | undefined): Outcomes {
  const all = outcomes();
  for (const part of parts) {
    all.updated.push(...part.updated);
    all.notFound.push(...part.notFound);
    all.forbidden.push(...part.forbidden);
    all.conflict.push(...part.conflict);
    all.failed.push(...part.failed);
    all.notAttempted.push(...part.notAttempted);
  }
  if (order) {
    const position = new Map(order.map((id, i) => [id, i]));
    const byInput = (a: string, b: string) => (position.get(a) ?? 0) - (position.get(b) ?? 0);
    for (const list of [all.updated, all.notFound, all.forbidden, all.conflict, all.notAttempted])
      list.sort(byInput);
    all.failed.sort((a, b) => byInput(a.id, b.id));
  }
  return all;
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
async function pool<T>(
  items: T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

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

/**
 * Where an item code puts its ID; undefined for a code the spec does not list. (A switch: an
 * object keyed by the codes is a slow lookup, once per ID.)
 */
function bucketOf(code: number) {
  const listed = code as BulkItemCode;
  switch (listed) {
    case 204:
      return "updated";
    case 403:
      return "forbidden";
    case 404:
      return "notFound";
    case 409:
      return "conflict";
    case 500:
      return "retry";
    default: {
      // Compiles only while every code the spec lists has its case above.
      const unlisted: never = listed;
      void unlisted;
      return undefined;
    }
  }
}

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
  // Without request options, each batch takes the client's settings as they are.
  const request = Object.keys(rest).length ? (rest as RequestOptions) : undefined;
  checkRequestOptions(client, request); // refuses bad request options now
  return run(list, {
    operation,
    batchSize: rule.properties.ids.maxItems,
    concurrency: concurrency as number,
    signal: request?.signal,
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

/** Where an ID ended up: a list of the result, or its entry in `failed`. */
type Outcome = "updated" | "notFound" | "forbidden" | "conflict" | "notAttempted" | BulkFailure;

async function run(ids: readonly string[], plan: Plan): Promise<WithResponse<BulkUpdateResult>> {
  const unique = deduped(ids);
  /** The outcome of `unique[i]`, by position: the result lists come out in input order. */
  const outcome: Outcome[] = new Array<Outcome>(unique.length);
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

  /**
   * Sends `list` in batches, `list[k]` being `unique[at[k]]` (`unique[k]` without `at`); returns
   * the positions of item-level 500s, to be retried unless this is the final round.
   */
  async function round(
    list: readonly string[],
    at: readonly number[] | undefined,
    finalRound: boolean,
  ): Promise<number[]> {
    const retry: number[] = [];
    const size = plan.batchSize;
    await pool(Math.ceil(list.length / size), plan.concurrency, async (index) => {
      const start = index * size;
      const batch = list.slice(start, start + size);
      const position = (j: number) => (at ? (at[start + j] as number) : start + j);
      if (!stopped && plan.signal?.aborted) stopped = { reason: plan.signal.reason };
      if (stopped) return unanswered(batch, position, finalRound);
      let answer: Answer;
      try {
        answer = await plan.sendBatch(batch);
      } catch (error) {
        // A caller's abort means: send no more, and this batch has no answer. It is never retried.
        if (plan.signal?.aborted) {
          stopped ??= { reason: plan.signal.reason };
          return unanswered(batch, position, finalRound);
        }
        // A request-level 4xx (bad token, no permission, bad input) would repeat for every batch.
        if (error instanceof ApiError && error.status < 500 && ![408, 429].includes(error.status)) {
          stopped ??= { reason: error };
        }
        return fail(batch, position, reasonOf(error));
      }
      last = answer.response;
      const codes = itemCodes(answer, plan.operation, batch);
      if (codes instanceof Error) return fail(batch, position, codes);
      let again = 0;
      for (let j = 0; j < batch.length; j++) {
        const id = batch[j] as string;
        const code = codes[j];
        const bucket = code === undefined ? undefined : bucketOf(code);
        if (code === undefined) {
          const error = `the answer has no result for ${id}`;
          outcome[position(j)] = {
            id,
            error: new UnexpectedResponseError(answer.response, plan.operation, error),
          };
        } else if (bucket === undefined) {
          const error = `item code ${code} for ${id} is not one the spec lists`;
          outcome[position(j)] = {
            id,
            code,
            error: new UnexpectedResponseError(answer.response, plan.operation, error),
          };
        } else if (bucket !== "retry") outcome[position(j)] = bucket;
        else if (finalRound) outcome[position(j)] = { id, code: 500 };
        else {
          retry.push(position(j));
          again++;
        }
      }
      progress(batch.length - again);
    });
    return retry;
  }
  function fail(batch: string[], position: (j: number) => number, error: Error) {
    for (let j = 0; j < batch.length; j++) outcome[position(j)] = { id: batch[j] as string, error };
    progress(batch.length);
  }
  /** A batch the update stopped before (or while) sending: no outcome, not counted as done. */
  function unanswered(batch: string[], position: (j: number) => number, finalRound: boolean) {
    // An item-level 500 waiting for its retry keeps that answer as its outcome.
    for (let j = 0; j < batch.length; j++) {
      outcome[position(j)] = finalRound ? { id: batch[j] as string, code: 500 } : "notAttempted";
    }
  }

  const again = await round(unique, undefined, false);
  if (again.length) {
    await round(
      again.map((i) => unique[i] as string),
      again,
      true,
    );
  }
  const result = collect(unique, outcome);
  // Aborted before any batch got an answer: like any call, it rejects with the abort reason.
  const aborted = stopped && plan.signal?.aborted && stopped.reason === plan.signal.reason;
  if (aborted && result.notAttempted.length === unique.length) throw stopped?.reason;
  const data: BulkUpdateResult = stopped ? { ...result, stoppedBy: stopped.reason } : result;
  return { data, response: last ?? new Response(null, { status: 204 }) };
}

/**
 * `ids` without repeats, first occurrences kept (`ids` itself when it has none). The Set is
 * dropped here, not held across the whole update.
 */
function deduped(ids: readonly string[]): readonly string[] {
  const seen = new Set(ids);
  return seen.size === ids.length ? ids : [...seen];
}

/** The result lists, in input order. */
function collect(unique: readonly string[], outcome: readonly Outcome[]): BulkUpdateResult {
  const result = {
    updated: [] as string[],
    notFound: [] as string[],
    forbidden: [] as string[],
    conflict: [] as string[],
    failed: [] as BulkFailure[],
    notAttempted: [] as string[],
  };
  for (let i = 0; i < unique.length; i++) {
    // Every position has its outcome once the rounds are done; none is ever dropped.
    const o = outcome[i] ?? "notAttempted";
    if (typeof o === "string") result[o].push(unique[i] as string);
    else result.failed.push(o);
  }
  return result;
}

/**
 * The per-item codes of a batch's answer, in the batch's order (undefined: the answer has no
 * result for that ID), or the error that it is not what the spec says. An answer that lists the
 * batch's IDs in their order (the usual one) is read as it is; any other by ID.
 */
function itemCodes(
  { data, response }: Answer,
  operation: BulkOperation,
  batch: readonly string[],
): (number | undefined)[] | Error {
  const results = data?.results;
  const malformed = (what: string) => new UnexpectedResponseError(response, operation, what);
  if (!Array.isArray(results)) return malformed("the answer has no results list");
  const codes: (number | undefined)[] = [];
  let inOrder = results.length === batch.length;
  for (let i = 0; i < results.length; i++) {
    const { id, code } = ((results as unknown[])[i] ?? {}) as { id?: unknown; code?: unknown };
    if (typeof id !== "string" || typeof code !== "number") {
      return malformed("a result is not an {id, code} pair");
    }
    if (inOrder && id === batch[i]) codes.push(code);
    else inOrder = false;
  }
  if (inOrder) return codes;
  const byId = new Map<string, number>();
  for (const { id, code } of results as { id: string; code: number }[]) byId.set(id, code);
  return batch.map((id) => byId.get(id));
}

function reasonOf(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** Runs `work(0)` ... `work(count - 1)` with at most `concurrency` in flight. */
async function pool(count: number, concurrency: number, work: (index: number) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

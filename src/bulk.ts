// Bulk updates beyond the API's per-request maximum: dedupe, split into batches, send them with
// bounded concurrency, retry item-level 500s once, and merge the per-item codes into one result.
import type { components } from "../generated/schema.js";
import { ApiError } from "./errors.js";

type Schemas = components["schemas"];
/** A per-item code of a bulk update answer, as the spec enumerates it. */
export type BulkItemCode =
  Schemas["BulkOperationResultItemFax"]["code"] | Schemas["BulkOperationResultItemOutbox"]["code"];

/** An ID that was not updated for a reason other than 403, 404 or 409. */
export interface BulkFailure {
  readonly id: string;
  /** The item code the API gave (500 after the follow-up retry), if it answered for this ID. */
  readonly code?: BulkItemCode;
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

/** How to split the work; the batch size comes from the spec's `maxItems`. */
export interface BulkPlan {
  readonly batchSize: number;
  readonly concurrency: number;
  readonly sendBatch: (ids: string[]) => Promise<readonly { id: string; code: BulkItemCode }[]>;
  /** Called with the count of unique IDs that have their outcome, first with 0. */
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
}

const BUCKETS = {
  204: "updated",
  403: "forbidden",
  404: "notFound",
  409: "conflict",
  500: "retry",
} as const satisfies Record<BulkItemCode, string>;

export async function bulkUpdate(
  ids: readonly string[],
  plan: BulkPlan,
): Promise<BulkUpdateResult> {
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
  let done = 0;
  const progress = (settled: number) => {
    done += settled;
    plan.onProgress?.(done, unique.length);
  };
  progress(0);

  async function run(list: string[], finalRound: boolean): Promise<string[]> {
    const retry: string[] = [];
    await pool(chunk(list, plan.batchSize), plan.concurrency, async (batch) => {
      if (stopped) return fail(batch, stopped);
      let answers;
      try {
        answers = await plan.sendBatch(batch);
      } catch (error) {
        // A request-level 4xx (bad token, no permission, bad input) would repeat for every batch.
        if (error instanceof ApiError && error.status < 500 && ![408, 429].includes(error.status)) {
          stopped = error;
        }
        return fail(batch, error instanceof Error ? error : new Error(String(error)));
      }
      const codes = new Map(answers.map((a) => [a.id, a.code]));
      let again = 0;
      for (const id of batch) {
        const code = codes.get(id);
        const bucket = code === undefined ? undefined : BUCKETS[code];
        if (bucket === undefined) {
          result.failed.push({ id, error: new Error("the API gave no result for this ID") });
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

  const again = await run(unique, false);
  if (again.length) await run(again, true);

  const byInput = (a: string, b: string) => order.get(a)! - order.get(b)!;
  for (const list of [result.updated, result.notFound, result.forbidden, result.conflict])
    list.sort(byInput);
  result.failed.sort((a, b) => byInput(a.id, b.id));
  return result;
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
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

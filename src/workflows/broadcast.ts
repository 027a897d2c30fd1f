// Broadcast: one document to many recipients, each sent exactly once across crashes and reruns.
// One API send per recipient, each with its own key: a lost answer then concerns one recipient,
// reconciliation finds exactly that recipient's job, a refused number fails alone, and pacing
// per sending number is meaningful. (The API takes up to the spec's `to.maxItems` destinations per
// send; batching them would save requests but make a lost answer ambiguous for the whole batch.)
// The ledger is the truth: an intent is durable before its request; on start, pending sends are
// reconciled (never blindly re-sent); documents are uploaded once and their paths recorded.
import * as rules from "../../generated/rules.js";
import { sendFax } from "../../generated/operations.js";
import { checkRequestOptions, type FaxPlusCore } from "../core/client.js";
import { ValidationError } from "../core/errors.js";
import type { RequestOptions } from "../core/options.js";
import { check, readFields, type SchemaRules } from "../core/validate.js";
import { systemClock, type Clock } from "./clock.js";
import { isUploadInput, upload, type UploadInput } from "./files.js";
import {
  ledgerEntries,
  memoryLedger,
  type LedgerEntry,
  type SendLedger,
  type UploadRecord,
} from "./ledger.js";
import {
  DEFAULT_CLOCK_SKEW_MS,
  DEFAULT_VISIBILITY_MS,
  judge,
  observe,
  type ReconcileResult,
} from "./reconcile.js";
import { newSendKey, stampKey } from "./send-key.js";
import { isAmbiguous, prepareSend, type SendFaxInput } from "./send.js";

/** What to broadcast: the send payload without `to` (one recipient per send) and `from`. */
export interface BroadcastInput extends Omit<SendFaxInput, "to" | "from" | "files"> {
  /** The number to send from, or a pool of numbers (used in turn, paced per number). */
  from: string | readonly string[];
  /** Destination numbers; duplicates are sent once. */
  recipients: readonly string[];
  /** Documents (uploaded once, before the first send) or paths from `upload`. */
  files?: readonly (string | UploadInput)[];
}

/** Options of {@link broadcast}. */
export interface BroadcastOptions extends RequestOptions {
  /** Where sends are recorded; resume by running again with the same ledger. Default: in memory. */
  ledger?: SendLedger | undefined;
  /** Sends in flight at once. Default 4. */
  concurrency?: number | undefined;
  /** Least time between two sends from one number (ms). Default 0. */
  pacingMs?: number | undefined;
  /** How long a job may take to show in the outbox listing (ms). Default 60 000. */
  visibilityMs?: number | undefined;
  /** Called once per recipient, the moment its outcome is known (its fax ID included). */
  onResult?: ((report: RecipientReport) => void) | undefined;
  /** Called after each recipient's outcome with the counts so far. */
  onProgress?: ((done: number, total: number) => void) | undefined;
  /** Time and sleeping (tests). */
  clock?: Clock | undefined;
}

/** The outcome for one recipient. */
export interface RecipientReport {
  to: string;
  /** `sent` (queued), `failed` (refused, nothing queued: a rerun tries again), `unknown`. */
  state: "sent" | "failed" | "unknown";
  key: string;
  /** The fax ID, when the answer or a record gave it. */
  faxId?: string;
  /** The outbox job ID, when reconciliation found the job. */
  jobId?: string;
  /** Why it failed or is unknown. */
  reason?: string;
}

/** The outcome of a broadcast: one report per unique recipient, in input order. */
export interface BroadcastResult {
  reports: RecipientReport[];
  sent: number;
  failed: number;
  unknown: number;
}

/** Rounds of "reconcile the pending, send again what was not sent" after the first pass. */
const MAX_ROUNDS = 4;

/**
 * Sends the same fax to every recipient, exactly once per recipient across crashes and reruns
 * when given a durable ledger (`fileLedger` on Node): run it again with the same ledger to
 * resume. Every recipient is checked before anything is sent (all bad numbers are listed). The
 * ledger is locked for the run; another run on it throws LedgerBusyError and sends nothing.
 */
export async function broadcast(
  client: FaxPlusCore,
  input: BroadcastInput,
  options: BroadcastOptions = {},
): Promise<BroadcastResult> {
  const fields = readFields(input, "input");
  const { recipients: given, from: fromInput, files: documentsInput, ...fax } = fields;
  const recipients = checkRecipients(given);
  const pool = checkPool(fromInput);
  const {
    ledger = memoryLedger(),
    concurrency = 4,
    pacingMs = 0,
    visibilityMs = DEFAULT_VISIBILITY_MS,
    onResult,
    onProgress,
    clock = systemClock,
    ...request
  } = options;
  checkRequestOptions(client, request);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new ValidationError("concurrency", "must be an integer from 1 to 64");
  }
  const files = (documentsInput ?? []) as (string | UploadInput)[];
  files.forEach((file, i) => {
    if (typeof file !== "string" && !isUploadInput(file)) {
      throw new ValidationError(`files[${i}]`, "must be a path or a document (Blob, File, bytes)");
    }
  });
  // The whole payload is checked once, with a stand-in recipient and document paths.
  const template = (to: string, from: string, paths: string[], key: string) => {
    const payload: Record<string, unknown> = { ...structuredClone(fax), from, to: [to] };
    if (paths.length > 0) payload["files"] = paths;
    stampKey(payload, key);
    return prepareSend(payload, rules.sendFax.body).payload;
  };
  template(
    recipients[0] ?? "+10000000000",
    pool[0]!,
    files.map((file) => (typeof file === "string" ? file : "/(document)")),
    newSendKey(),
  );

  const lock = await ledger.lock();
  try {
    const reports = new Map<string, RecipientReport>();
    let done = 0;
    const report = (r: RecipientReport) => {
      reports.set(r.to, r);
      done++;
      safely(() => onResult?.(r));
      safely(() => onProgress?.(done, recipients.length));
    };

    // What the ledger knows of each recipient (one recipient per send).
    const records = await ledger.records();
    const entries = ledgerEntries(records);
    const byRecipient = new Map<string, LedgerEntry>();
    for (const entry of entries.values()) {
      const to = entry.intent.to[0];
      if (to !== undefined && entry.intent.to.length === 1) byRecipient.set(to, entry);
    }
    const toSend: string[] = [];
    let pending: LedgerEntry[] = [];
    for (const to of recipients) {
      const entry = byRecipient.get(to);
      const state = entry?.outcome?.state;
      if (entry && state === "sent") report(sentReport(to, entry));
      else if (entry && (state === undefined || state === "unknown")) pending.push(entry);
      else toSend.push(to);
    }

    // Documents: uploaded once per ledger; a resumed run reuses the recorded paths.
    const paths = await documentPaths(client, files, records, ledger, clock, request);

    const nextFrom = pacer(pool, pacingMs, clock, request.signal);
    const sendOne = async (to: string): Promise<LedgerEntry | undefined> => {
      const key = newSendKey();
      const from = await nextFrom();
      const payload = template(to, from, paths, key);
      const at = clock.now();
      const intent = { type: "intent" as const, key, at, to: [to], from };
      await ledger.append(intent, { durable: true });
      try {
        const data = await sendFax(client, payload as never, request);
        const faxId = data?.ids?.[to];
        if (faxId === undefined) return { key, intent }; // a 2xx without the ID: reconcile
        await ledger.append({
          type: "outcome",
          key,
          at: clock.now(),
          state: "sent",
          ids: { [to]: faxId },
        });
        report({ to, state: "sent", key, faxId });
        return undefined;
      } catch (error) {
        if (request.signal?.aborted) throw error;
        if (isAmbiguous(error)) return { key, intent };
        const reason = error instanceof Error ? error.message : String(error);
        await ledger.append({ type: "outcome", key, at: clock.now(), state: "failed", reason });
        report({ to, state: "failed", key, reason });
        return undefined;
      }
    };

    for (let round = 0; ; round++) {
      // Pending sends first: reconciled together, from one look at the outbox and records.
      if (pending.length > 0) {
        const outcomes = await reconcileAll(client, pending, visibilityMs, clock, request);
        for (const [entry, result] of outcomes) {
          const to = entry.intent.to[0]!;
          const at = clock.now();
          if (result.state === "sent") {
            const ids = result.faxIds;
            const jobs = result.jobs.map((job) => job.id);
            await ledger.append({ type: "outcome", key: entry.key, at, state: "sent", ids, jobs });
            report({
              to,
              state: "sent",
              key: entry.key,
              ...(ids[to] === undefined ? {} : { faxId: ids[to] }),
              ...(jobs[0] === undefined ? {} : { jobId: jobs[0] }),
            });
          } else if (result.state === "not_sent") {
            await ledger.append({ type: "outcome", key: entry.key, at, state: "not_sent" });
            toSend.push(to);
          } else {
            await ledger.append({
              type: "outcome",
              key: entry.key,
              at,
              state: "unknown",
              reason: result.reason,
            });
            report({ to, state: "unknown", key: entry.key, reason: result.reason });
          }
        }
        pending = [];
      }
      if (toSend.length === 0 || round >= MAX_ROUNDS) break;
      const batch = toSend.splice(0);
      const ambiguous = await pool_(batch, concurrency, sendOne);
      pending = ambiguous.filter((entry): entry is LedgerEntry => entry !== undefined);
    }
    for (const to of toSend) {
      report({
        to,
        state: "unknown",
        key: "",
        reason: "not sent: too many rounds of lost answers",
      });
    }

    const ordered = recipients.map((to) => reports.get(to)!).filter(Boolean);
    return {
      reports: ordered,
      sent: ordered.filter((r) => r.state === "sent").length,
      failed: ordered.filter((r) => r.state === "failed").length,
      unknown: ordered.filter((r) => r.state === "unknown").length,
    };
  } finally {
    await lock.release();
  }
}

/** A recipient that the spec's rule for a destination refuses. */
export interface BadRecipient {
  /** Its position in the list (0-based). */
  index: number;
  value: unknown;
  /** What it must satisfy, in words. */
  rule: string;
}

/**
 * The recipients that the spec's rule for a destination (`to[]` of a send) refuses, all of them,
 * in order: check a list before a broadcast, e.g. to report every bad line of an upload at once.
 */
export function findBadRecipients(recipients: readonly unknown[]): BadRecipient[] {
  const rule = (rules.sendFax.body.properties.to as SchemaRules).items!;
  const bad: BadRecipient[] = [];
  recipients.forEach((value, index) => {
    try {
      check(rule, value, `recipients[${index}]`);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      bad.push({ index, value, rule: error.rule });
    }
  });
  return bad;
}

/** Every recipient checked against the spec's rule for a destination; all bad ones listed. */
function checkRecipients(value: unknown): string[] {
  if (!Array.isArray(value)) throw new ValidationError("recipients", "must be a list of numbers");
  const bad = findBadRecipients(value);
  if (bad.length > 0) {
    const list = bad.map(({ index, value: v }) => `${index + 1}: ${JSON.stringify(v)}`);
    throw new ValidationError(
      "recipients",
      `${bad.length} number(s) are refused (${bad[0]!.rule}); nothing was sent: ${list.join(", ")}`,
    );
  }
  if (value.length === 0) throw new ValidationError("recipients", "must hold at least one number");
  return [...new Set(value as string[])];
}

function checkPool(value: unknown): string[] {
  const pool = typeof value === "string" ? [value] : Array.isArray(value) ? value : undefined;
  if (!pool || pool.length === 0 || !pool.every((n) => typeof n === "string")) {
    throw new ValidationError("from", "must be a number or a non-empty list of numbers");
  }
  return pool as string[];
}

function sentReport(to: string, entry: LedgerEntry): RecipientReport {
  const faxId = entry.outcome?.ids?.[to];
  const jobId = entry.outcome?.jobs?.[0];
  return {
    to,
    state: "sent",
    key: entry.key,
    ...(faxId === undefined ? {} : { faxId }),
    ...(jobId === undefined ? {} : { jobId }),
  };
}

/** The documents' paths: recorded by an earlier run of this ledger, or uploaded now and recorded. */
async function documentPaths(
  client: FaxPlusCore,
  files: (string | UploadInput)[],
  records: readonly { type: string }[],
  ledger: SendLedger,
  clock: Clock,
  request: RequestOptions,
): Promise<string[]> {
  const documents = files.map((file, i) => describe(file, i));
  const known = records
    .filter((r): r is UploadRecord => r.type === "upload")
    .reverse()
    .find((r) => JSON.stringify(r.documents) === JSON.stringify(documents));
  if (known && known.paths.length === files.length) return known.paths;
  const paths: string[] = [];
  for (const file of files) {
    paths.push(typeof file === "string" ? file : await upload(client, file, request));
  }
  await ledger.append({ type: "upload", at: clock.now(), documents, paths }, { durable: true });
  return paths;
}

function describe(file: string | UploadInput, i: number): { name: string; size: number } {
  if (typeof file === "string") return { name: file, size: 0 };
  const named = file as { name?: unknown; size?: unknown; byteLength?: unknown };
  const name = typeof named.name === "string" ? named.name : `document ${i + 1}`;
  const size =
    typeof named.size === "number"
      ? named.size
      : typeof named.byteLength === "number"
        ? named.byteLength
        : -1;
  return { name, size };
}

/**
 * Reconciles many pending sends from one observation (the outbox, and the sent records since the
 * oldest of them); inside the visibility window it waits and looks again.
 */
async function reconcileAll(
  client: FaxPlusCore,
  pending: LedgerEntry[],
  visibilityMs: number,
  clock: Clock,
  request: RequestOptions,
): Promise<[LedgerEntry, ReconcileResult][]> {
  const since = Math.min(...pending.map((entry) => entry.intent.at)) - DEFAULT_CLOCK_SKEW_MS;
  for (;;) {
    let results: [LedgerEntry, ReconcileResult][];
    try {
      const observation = await observe(client, since, request, clock);
      results = pending.map((entry) => [
        entry,
        judge(observation, {
          key: entry.key,
          sentAfter: entry.intent.at,
          to: entry.intent.to,
          visibilityMs,
        }),
      ]);
    } catch (error) {
      if (request.signal?.aborted) throw error;
      const reason = `reconciliation failed: ${error instanceof Error ? error.message : String(error)}`;
      return pending.map((entry) => [
        entry,
        { state: "unknown", key: entry.key, reason, candidates: [] },
      ]);
    }
    const wait = Math.max(
      0,
      ...results.map(([, r]) => (r.state === "unknown" ? (r.retryAfterMs ?? 0) : 0)),
    );
    if (wait === 0) return results;
    await clock.sleep(wait, request.signal);
  }
}

/** Hands out sending numbers in turn, each at most once per `pacingMs`. */
function pacer(
  pool: string[],
  pacingMs: number,
  clock: Clock,
  signal: AbortSignal | undefined,
): () => Promise<string> {
  const nextAt = pool.map(() => 0);
  return async () => {
    let best = 0;
    for (let i = 1; i < pool.length; i++) if (nextAt[i]! < nextAt[best]!) best = i;
    const now = clock.now();
    const at = Math.max(now, nextAt[best]!);
    nextAt[best] = at + pacingMs;
    if (at > now) await clock.sleep(at - now, signal);
    return pool[best]!;
  };
}

/** Runs `work` on every item, `concurrency` at a time; the results in item order. */
async function pool_<T, R>(items: T[], concurrency: number, work: (item: T) => Promise<R>) {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

function safely(call: () => void): void {
  try {
    call();
  } catch {
    // A callback must not break the broadcast.
  }
}

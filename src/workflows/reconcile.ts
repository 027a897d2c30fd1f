// Reconciliation: was the send with this key queued? Answered from what the API shows, the outbox
// first (its jobs keep `comment.tags`), then the sent fax records of the window since the send.
// It answers `not_sent` only on evidence (see `judge`), else `sent` or `unknown` with the reason.
import { listOutboxFaxes } from "../../generated/operations.js";
import type { Fax, Outbox } from "../../generated/types.js";
import { checkRequestOptions, type FaxPlusCore } from "../core/client.js";
import { ValidationError } from "../core/errors.js";
import { ownFields, type RequestOptions } from "../core/options.js";
import { readArray } from "../core/validate.js";
import { apiPromise, type ApiPromise } from "../operations/response.js";
import { systemClock, type Clock } from "./clock.js";
import { listFaxPage } from "./records.js";
import { checkSendKey, keyTag } from "./send-key.js";

/**
 * How long after a send its job may still be missing from the outbox listing, by default (ms).
 * The real API's delay is not documented; this is a conservative guess (see README).
 */
export const DEFAULT_VISIBILITY_MS = 60_000;
/** How far the API's clock may be off the caller's, by default (ms): widens the records' window. */
export const DEFAULT_CLOCK_SKEW_MS = 300_000; // 5 minutes, a literal: a bundler drops it when unused
/** Sent records read at most per observation; more leaves the answer `unknown`. */
const MAX_RECORDS = 20_000;
const PAGE_SIZE = 50;

/** An outbox job carrying the key. */
export interface FoundJob {
  /** The outbox ID (cancel, getOutbox). */
  id: string;
  to: string[];
  status: string;
}

/** What was looked at before answering `not_sent`. */
export interface NotSentEvidence {
  /** When the outbox was listed (ISO time, the caller's clock): no job carried the key. */
  outboxListedAt: string;
  /** Jobs in that listing. */
  outboxJobs: number;
  /** The start of the window of sent records read (ISO, the caller's clock minus the skew). */
  recordsSince: string;
  /** Sent records read in the window: none carries the key, none could be this send. */
  recordsChecked: number;
  /** The visibility window that had passed since the send (ms). */
  visibilityMs: number;
}

/** The answer of {@link reconcile}. */
export type ReconcileResult =
  | {
      state: "sent";
      key: string;
      /** Outbox jobs carrying the key (empty once the fax left the outbox). */
      jobs: FoundJob[];
      /** Destination to fax record ID, from sent records carrying the key. */
      faxIds: Record<string, string>;
    }
  | { state: "not_sent"; key: string; evidence: NotSentEvidence }
  | {
      state: "unknown";
      key: string;
      /** Why neither `sent` nor `not_sent` could be established, in words. */
      reason: string;
      /** Sent records without tags that could be this send (same destination, in the window). */
      candidates: Fax[];
      /** Ask again after this many ms: the send is still inside its visibility window. */
      retryAfterMs?: number;
    };

/** What {@link reconcile} looks for. */
export interface ReconcileQuery {
  /** The send key. */
  key: string;
  /** When the send was made (at or before its request). Without it, `not_sent` is never answered. */
  sentAfter?: Date | number | undefined;
  /** The send's destinations: a sent record without tags to one of them is a candidate. */
  to?: readonly string[] | undefined;
  /** How long a job may stay invisible in the outbox listing (ms). Default 60 000. */
  visibilityMs?: number | undefined;
  /** How far the API's clock may be off (ms). Default 300 000. */
  clockSkewMs?: number | undefined;
}

/** Request options of {@link reconcile}, plus an injectable clock (tests). */
export interface ReconcileOptions extends RequestOptions {
  clock?: Clock | undefined;
}

/** One look at the API: the outbox and the sent records since a time. */
export interface Observation {
  /** When the outbox was listed (caller's clock, ms). */
  listedAt: number;
  jobs: Outbox[];
  records: Fax[];
  /** Start of the records' window (ms, caller's clock, skew included); undefined: not read. */
  recordsSince: number | undefined;
  /** Why the records of the window could not all be read, if so. */
  incomplete?: string;
}

/**
 * Answers whether the send with `key` was queued: `sent` (with its outbox jobs and fax IDs),
 * `not_sent` (with the evidence), or `unknown` (with the reason and any candidate records). Reads
 * the outbox, then the sent records since `sentAfter`. Never answers `not_sent` without evidence:
 * see README, "Exactly-once sending".
 */
export function reconcile(
  client: FaxPlusCore,
  query: ReconcileQuery,
  options?: ReconcileOptions,
): ApiPromise<ReconcileResult> {
  return apiPromise(
    (async () => {
      const given = ownFields(query, "query", QUERY_NAMES, "a field of reconcile's query");
      const key = checkSendKey(given["key"]);
      const sentAfter = timeOf(given["sentAfter"]);
      const to =
        given["to"] === undefined ? undefined : (readArray(given["to"], "to") as string[]).slice();
      const visibilityMs = duration(given, "visibilityMs", DEFAULT_VISIBILITY_MS);
      const clockSkewMs = duration(given, "clockSkewMs", DEFAULT_CLOCK_SKEW_MS);
      const { clock = systemClock, ...request } = (options ?? {}) as ReconcileOptions;
      checkRequestOptions(client, request);
      const since = sentAfter === undefined ? undefined : sentAfter - clockSkewMs;
      const observation = await observe(client, since, request, clock);
      const result = judge(observation, { key, sentAfter, to, visibilityMs });
      return { data: result, response: new Response(null, { status: 204 }) };
    })(),
  );
}

const QUERY_NAMES = new Set(["key", "sentAfter", "to", "visibilityMs", "clockSkewMs"]);

/**
 * Lists the outbox, then (when `since` is given) every sent record since then. The order matters:
 * a job that leaves the outbox after the first listing is among the records of the second.
 */
export async function observe(
  client: FaxPlusCore,
  since: number | undefined,
  options: RequestOptions | undefined,
  clock: Clock = systemClock,
): Promise<Observation> {
  const listedAt = clock.now();
  const outbox = await listOutboxFaxes(client, {}, options);
  const jobs = Array.isArray(outbox?.records) ? outbox.records : [];
  if (since === undefined) return { listedAt, jobs, records: [], recordsSince: undefined };
  const { records, incomplete } = await sentSince(client, since, options);
  return {
    listedAt,
    jobs,
    records,
    recordsSince: since,
    ...(incomplete === undefined ? {} : { incomplete }),
  };
}

/** What one send is known by, for {@link judge}. */
export interface SendFacts {
  key: string;
  sentAfter: number | undefined;
  to: readonly string[] | undefined;
  visibilityMs: number;
}

/**
 * The answer for one send from one observation. `sent`: a job or a record carries the key.
 * `not_sent` needs all of: the send time is known; the outbox was listed at least `visibilityMs`
 * after it; the records of the window were all read; and no record of the window could be this
 * send (a record carrying tags without the key cannot; a record without tags can, when it goes to
 * one of the destinations, or to anyone when they are not known). Anything else is `unknown`.
 */
export function judge(observation: Observation, facts: SendFacts): ReconcileResult {
  const { key, sentAfter, to, visibilityMs } = facts;
  const tag = keyTag(key);
  const jobs = observation.jobs
    .filter((job) => tagsOf(job)?.includes(tag))
    .map((job) => ({ id: job.id, to: job.to ?? [], status: job.status }));
  const records = observation.records.filter((record) => tagsOf(record)?.includes(tag));
  if (jobs.length > 0 || records.length > 0) {
    const faxIds: Record<string, string> = {};
    for (const record of records) if (record.to !== undefined) faxIds[record.to] = record.id;
    return { state: "sent", key, jobs, faxIds };
  }
  const unknown = (reason: string, candidates: Fax[] = [], retryAfterMs?: number) => ({
    state: "unknown" as const,
    key,
    reason,
    candidates,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
  if (sentAfter === undefined || observation.recordsSince === undefined) {
    return unknown(
      "no job in the outbox carries the key, and without the time of the send its sent records cannot be searched",
    );
  }
  if (observation.incomplete !== undefined) return unknown(observation.incomplete);
  const candidates = observation.records.filter(
    (record) =>
      tagsOf(record) === undefined &&
      (to === undefined || (record.to !== undefined && to.includes(record.to))),
  );
  if (candidates.length > 0) {
    const toWhom = to === undefined ? "" : " to its destination";
    return unknown(
      `no job carries the key, but ${candidates.length} sent record(s)${toWhom} since the send keep no tags, so any of them may be this fax`,
      candidates,
    );
  }
  // Last: waiting cannot turn a candidate or an incomplete listing into evidence.
  const visibleFrom = sentAfter + visibilityMs;
  if (observation.listedAt < visibleFrom) {
    return unknown(
      `no job in the outbox carries the key yet, but a job may stay invisible for ${visibilityMs} ms after its send`,
      [],
      visibleFrom - observation.listedAt,
    );
  }
  return {
    state: "not_sent",
    key,
    evidence: {
      outboxListedAt: new Date(observation.listedAt).toISOString(),
      outboxJobs: observation.jobs.length,
      recordsSince: new Date(observation.recordsSince).toISOString(),
      recordsChecked: observation.records.length,
      visibilityMs,
    },
  };
}

/**
 * The tags a job or record keeps: `comment.tags` (outbox jobs; sent records too, if the API keeps
 * them there) or a top-level `tags`; undefined when it keeps none (a plain-string comment).
 */
export function tagsOf(item: Outbox | Fax): string[] | undefined {
  const { comment, tags } = item as { comment?: unknown; tags?: unknown };
  const inComment =
    typeof comment === "object" && comment !== null
      ? (comment as { tags?: unknown }).tags
      : undefined;
  const list = Array.isArray(inComment) ? inComment : Array.isArray(tags) ? tags : undefined;
  return list?.filter((tag): tag is string => typeof tag === "string");
}

/** Every sent record since `since`, or why they could not all be read. */
async function sentSince(
  client: FaxPlusCore,
  since: number,
  options: RequestOptions | undefined,
): Promise<{ records: Fax[]; incomplete?: string }> {
  const after = apiTime(since);
  const seen = new Map<string, Fax>();
  let before: string | undefined;
  let offset: number | undefined;
  for (;;) {
    const page = await listFaxPage(
      client,
      {
        category: "sent",
        after,
        limit: PAGE_SIZE,
        ...(before === undefined ? {} : { before }),
        ...(offset === undefined ? {} : { offset }),
      },
      options,
    );
    let fresh = 0;
    for (const record of page.records) {
      if (!seen.has(record.id)) fresh++;
      seen.set(record.id, record);
    }
    if (seen.size > MAX_RECORDS) {
      return { records: [], incomplete: `more than ${MAX_RECORDS} sent records since the send` };
    }
    if (page.records.length < PAGE_SIZE || fresh === 0) break;
    if (page.hasMore !== undefined || page.nextOffset !== undefined) {
      if (page.hasMore === false) break;
      offset = page.nextOffset ?? (offset ?? 0) + page.records.length;
      continue;
    }
    // Paging by time: the next page ends at the oldest start time of this one.
    const times = page.records.map((record) => record.start_time ?? "");
    const oldest = times.reduce((a, b) => (b < a ? b : a));
    if (oldest === "" || times.every((time) => time === oldest)) {
      return {
        records: [...seen.values()],
        incomplete: `more than ${PAGE_SIZE} sent records share one second (${oldest || "no time"}), and the API cannot page within a second`,
      };
    }
    // Inclusive or exclusive `before` is unknown: records at `oldest` are read again, deduped.
    const next = nextSecond(oldest);
    if (before !== undefined && next >= before) break;
    before = next;
  }
  return { records: [...seen.values()] };
}

/** `YYYY-MM-DD HH:mm:ss` one second after `time`, so that a `before` keeps records at `time`. */
function nextSecond(time: string): string {
  const ms = Date.parse(`${time.replace(" ", "T")}Z`);
  return Number.isNaN(ms) ? time : apiTime(ms + 1000);
}

/** The API's `YYYY-MM-DD HH:mm:ss`, UTC. */
function apiTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}

function timeOf(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== "number" || !Number.isFinite(ms)) {
    throw new ValidationError("sentAfter", "must be a Date or a time in ms since 1970");
  }
  return ms;
}

function duration(fields: Record<string, unknown>, name: string, fallback: number): number {
  const value = fields[name] ?? fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new ValidationError(name, "must be a number of ms, 0 or more");
  }
  return value;
}

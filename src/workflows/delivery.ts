// Waiting for an outgoing fax to be delivered: poll the outbox and the sent records (what exists),
// never an ID that answers 404 while the fax is queued.
import { systemClock, type Clock } from "./clock.js";
import { getFax, listOutboxFaxes } from "../../generated/operations.js";
import type { Fax, FaxStatus, OutboxStatus } from "../../generated/types.js";
import type { FaxPlusCore } from "../core/client.js";
import * as rules from "../../generated/rules.js";
import type { OperationRules } from "../core/rules.js";
import {
  FaxPlusError,
  NotFoundError,
  UnexpectedResponseError,
  ValidationError,
} from "../core/errors.js";
import { checkSignal, ownFields } from "../core/options.js";
import { encodePathParam } from "../core/path.js";
import { check } from "../core/validate.js";
import { apiPromise, type ApiPromise, type WithResponse } from "../operations/response.js";
import { listFaxPage } from "./records.js";

export interface WaitForDeliveryOptions {
  /**
   * How long to wait in total, in ms. Default 10 minutes. (Each poll is one request, bounded by
   * the client's per-attempt `timeout`.)
   */
  maxWait?: number;
  /** The first delay between polls, in ms; each next is 1.5 times longer, up to 30 s. Default 2 s. */
  pollInterval?: number;
  /** Stops waiting; the wait then rejects with the abort reason. */
  signal?: AbortSignal;
  /**
   * Called whenever the status seen changes: outbox statuses (`submitted`, `converting`, ...)
   * while the fax is queued, then the fax record's (for a live status display).
   */
  onStatus?: (status: OutboxStatus | FaxStatus) => void;
}

export type { Clock } from "./clock.js";
export { systemClock } from "./clock.js";

/** The fax was not delivered (nor failed) within the `maxWait` of `waitForDelivery`. */
export class DeliveryTimeoutError extends FaxPlusError {
  override name = "DeliveryTimeoutError";
  /** The outbox or fax ID waited for. */
  readonly id: string;
  /** The `maxWait` that passed, in ms. */
  readonly maxWait: number;
  /** The last status seen: an outbox status while queued, else the fax record's (if any). */
  readonly lastStatus: OutboxStatus | FaxStatus | undefined;

  constructor(id: string, maxWait: number, lastStatus: OutboxStatus | FaxStatus | undefined) {
    const seen = lastStatus === undefined ? "no status seen" : `last status: ${lastStatus}`;
    super(`Fax ${id} was not delivered within ${maxWait} ms (${seen}).`);
    this.id = id;
    this.maxWait = maxWait;
    this.lastStatus = lastStatus;
  }
}

// `satisfies` keeps this list in step with the spec's FaxStatus enum.
// Pure: in the one-file dist bundle, an app that never waits for delivery drops it.
const FINAL_STATUSES = /* @__PURE__ */ new Set(
  /* @__PURE__ */ Object.keys({
    success: true,
    partially_sent: true,
    partially_received: true,
    insufficient_credit: true,
    failed: true,
    failed_internal_process_error: true,
    failed_user_busy: true,
    failed_no_answer: true,
    failed_unallocated_number: true,
    failed_office_converter_issue: true,
    failed_separate_file_pages_issue: true,
    failed_render_header_issue: true,
    failed_invalid_number_format: true,
    failed_mimetype_not_supported: true,
    failed_destination_not_supported: true,
    failed_image_preparation: true,
    failed_to_send: true,
    failed_normal_temporary_failure: true,
    failed_unknown_converter_issue: true,
    failed_normal_clearing: true,
    failed_convert_to_tiff_issue: true,
    failed_fs_49: true,
    failed_fs_2: true,
  } satisfies Record<FaxStatus, true>),
);

const MAX_INTERVAL = 30_000;
const WAIT_OPTIONS = new Set(["maxWait", "pollInterval", "signal", "onStatus"]);

/**
 * Waits until a sent fax has a final status and returns its fax record, whether it succeeded or
 * failed: check `record.status` (`success`, or `partially_sent`, `insufficient_credit`,
 * `failed_*`). Pass a fax ID that `send` returned (`return_ids`, on by default).
 *
 * It polls only what exists, so a normal send logs no 404: each round lists the outbox and the
 * newest sent fax records (`listOutboxFaxes`, `listFaxes` with `category: "sent"`). The record
 * with the ID ends the wait once its status is final. While the outbox holds the fax, its job's
 * status is reported to `onStatus` when the job can be told apart (the ID is the job's, or one
 * job is queued: a job does not carry the fax IDs it becomes). When the outbox is empty and the
 * record is not among the newest, the record is read by ID (`getFax`): an older fax.
 * @throws DeliveryTimeoutError when `maxWait` passes first (a request in flight may overrun it)
 */
export function waitForDelivery(
  client: FaxPlusCore,
  id: string,
  options: WaitForDeliveryOptions = {},
  clock: Clock = systemClock,
): ApiPromise<Fax> {
  return apiPromise(poll(client, id, options, clock));
}

async function poll(
  client: FaxPlusCore,
  id: string,
  options: WaitForDeliveryOptions,
  clock: Clock,
): Promise<WithResponse<Fax>> {
  // The ID is checked as getFax checks it, before the first request (which does not carry it).
  encodePathParam("fax_id", id);
  check(rules.getFax.params["path.fax_id"], id, "path.fax_id");
  const fields = ownFields(options, "options", WAIT_OPTIONS, "an option of waitForDelivery");
  const maxWait = positive("maxWait", fields["maxWait"] ?? 600_000);
  let delay = positive("pollInterval", fields["pollInterval"] ?? 2_000);
  const signal = checkSignal(fields["signal"]);
  const requestOptions = signal ? { signal } : undefined;
  const maxDelay = Math.max(delay, MAX_INTERVAL);
  const deadline = clock.now() + maxWait;
  let lastStatus: OutboxStatus | FaxStatus | undefined;
  const onStatus = fields["onStatus"];
  if (onStatus !== undefined && typeof onStatus !== "function") {
    throw new ValidationError("onStatus", "must be a function");
  }
  const seen = (status: OutboxStatus | FaxStatus) => {
    if (status !== lastStatus) (onStatus as WaitForDeliveryOptions["onStatus"])?.(status);
    lastStatus = status;
  };

  for (;;) {
    const outbox = await listOutboxFaxes(client, {}, requestOptions).withResponse();
    const jobs = outbox.data?.records;
    if (!Array.isArray(jobs) || !jobs.every(hasStatus)) {
      throw new UnexpectedResponseError(
        outbox.response,
        rules.listOutboxFaxes,
        "its records are not a list of outbox jobs",
      );
    }
    const job = jobs.find((j) => j.id === id) ?? (jobs.length === 1 ? jobs[0] : undefined);
    if (job?.id === id) {
      seen(job.status);
    } else {
      const sent = await listFaxPage(client, { category: "sent" }, requestOptions).withResponse();
      let found: WithResponse<Fax> | undefined;
      const listed = sent.data.records.find((r) => r.id === id);
      if (listed) found = { data: listed, response: sent.response };
      else if (jobs.length === 0)
        found = await orUndefinedOn404(
          getFax(client, { fax_id: id }, requestOptions),
          rules.getFax,
        );
      if (found && !hasStatus(found.data)) {
        throw new UnexpectedResponseError(
          found.response,
          rules.listFaxes,
          "the fax record has no status",
        );
      }
      if (found) seen(found.data.status);
      else if (job) seen(job.status);
      if (found && FINAL_STATUSES.has(found.data.status)) return found;
    }
    const left = deadline - clock.now();
    if (left <= 0) throw new DeliveryTimeoutError(id, maxWait, lastStatus);
    await clock.sleep(Math.min(delay, left), signal);
    delay = Math.min(delay * 1.5, maxDelay);
  }
}

function hasStatus(value: unknown): value is { id: string; status: never } {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { status?: unknown }).status === "string"
  );
}

/**
 * The data and response of a read, or undefined when the API answered 404. The data must be a
 * record with a status: anything else is an UnexpectedResponseError, not a TypeError later.
 */
async function orUndefinedOn404<T extends { status?: unknown }>(
  request: ApiPromise<T>,
  operation: OperationRules,
): Promise<WithResponse<T> | undefined> {
  let result: WithResponse<T>;
  try {
    result = await request.withResponse();
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
  const status = (result.data as { status?: unknown } | null | undefined)?.status;
  if (typeof status !== "string") {
    throw new UnexpectedResponseError(result.response, operation, "the answer has no status");
  }
  return result;
}

function positive(field: string, value: unknown): number {
  if (typeof value === "number" && Number.isFinite(value) && value > 0) return value;
  throw new ValidationError(field, "must be a positive number of ms");
}

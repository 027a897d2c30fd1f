// Waiting for an outgoing fax to be delivered: poll the outbox item, then the fax record.
import { systemClock, type Clock } from "./clock.js";
import { getFax, getOutboxFax } from "../../generated/operations.js";
import type { Fax, FaxStatus, OutboxStatus } from "../../generated/types.js";
import type { FaxPlusCore } from "../core/client.js";
import * as rules from "../../generated/rules.js";
import type { OperationRules } from "../../generated/rules.js";
import {
  FaxPlusError,
  NotFoundError,
  UnexpectedResponseError,
  ValidationError,
} from "../core/errors.js";
import { checkSignal, ownFields } from "../core/options.js";
import { apiPromise, type ApiPromise, type WithResponse } from "../operations/response.js";

export interface WaitForDeliveryOptions {
  /** How long to wait in total, in ms. Default 10 minutes. */
  timeout?: number;
  /** The first delay between polls, in ms; each next is 1.5 times longer, up to 30 s. Default 2 s. */
  interval?: number;
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

/** The fax was not delivered (nor failed) within the `timeout` of `waitForDelivery`. */
export class DeliveryTimeoutError extends FaxPlusError {
  override name = "DeliveryTimeoutError";
  /** The outbox or fax ID waited for. */
  readonly id: string;
  /** The timeout, in ms. */
  readonly timeout: number;
  /** The last status seen: an outbox status while queued, else the fax record's (if any). */
  readonly lastStatus: OutboxStatus | FaxStatus | undefined;

  constructor(id: string, timeout: number, lastStatus: OutboxStatus | FaxStatus | undefined) {
    const seen = lastStatus === undefined ? "no status seen" : `last status: ${lastStatus}`;
    super(`Fax ${id} was not delivered within ${timeout} ms (${seen}).`);
    this.id = id;
    this.timeout = timeout;
    this.lastStatus = lastStatus;
  }
}

// `satisfies` keeps this list in step with the spec's FaxStatus enum.
const FINAL_STATUSES = new Set(
  Object.keys({
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
const WAIT_OPTIONS = new Set(["timeout", "interval", "signal", "onStatus"]);

/**
 * Waits until a sent fax has a final status and returns its fax record, whether it succeeded or
 * failed: check `record.status` (`success`, or `partially_sent`, `insufficient_credit`,
 * `failed_*`). Pass a fax ID that `send` returned (`return_ids`, on by default): while the outbox
 * answers for the ID the fax is queued; once it answers 404, the fax record with that ID is polled
 * until its status is final. An outbox job ID works only while the job is queued: the sent fax
 * gets its own record ID, so waiting on a job ID alone ends in `DeliveryTimeoutError`.
 * @throws DeliveryTimeoutError when `timeout` passes first (a request in flight may overrun it)
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
  const fields = ownFields(options, "options", WAIT_OPTIONS, "an option of waitForDelivery");
  const timeout = positive("timeout", fields["timeout"] ?? 600_000);
  let delay = positive("interval", fields["interval"] ?? 2_000);
  const signal = checkSignal(fields["signal"]);
  const requestOptions = signal ? { signal } : undefined;
  const maxDelay = Math.max(delay, MAX_INTERVAL);
  const deadline = clock.now() + timeout;
  let queued = true;
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
    if (queued) {
      const item = await orUndefinedOn404(
        getOutboxFax(client, { outbox_fax_id: id }, requestOptions),
        rules.getOutboxFax,
      );
      if (item) seen(item.data.status);
      else queued = false;
    }
    if (!queued) {
      const found = await orUndefinedOn404(
        getFax(client, { fax_id: id }, requestOptions),
        rules.getFax,
      );
      if (found) seen(found.data.status);
      if (found && FINAL_STATUSES.has(found.data.status)) return found;
    }
    const left = deadline - clock.now();
    if (left <= 0) throw new DeliveryTimeoutError(id, timeout, lastStatus);
    await clock.sleep(Math.min(delay, left), signal);
    delay = Math.min(delay * 1.5, maxDelay);
  }
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

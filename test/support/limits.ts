// The vendor's limits, read from generated/rules.ts: a spec update that changes one changes the
// tests' expectations with it (no test writes 100 or 32 by hand).
import * as rules from "../../generated/rules.js";

const bulkFaxes = rules.bulkUpdateFaxes.body.properties;
const bulkOutbox = rules.bulkUpdateOutboxFaxes.body.properties;
const retry = rules.sendFax.body.properties.options.properties.retry.properties;

export const limits = {
  /** IDs per bulk update request (fax records). */
  bulkFaxIds: bulkFaxes.ids.maxItems,
  /** IDs per bulk update request (outbox jobs). */
  bulkOutboxIds: bulkOutbox.ids.maxItems,
  /** Characters of a fax record ID. */
  faxIdLength: bulkFaxes.ids.items.maxLength,
  /** Characters of an outbox job ID. */
  outboxIdLength: bulkOutbox.ids.items.maxLength,
  /** Characters of a bulk update's comment (fax records). */
  faxComment: bulkFaxes.comment.maxLength,
  /** Characters of a bulk update's comment (outbox jobs). */
  outboxComment: bulkOutbox.comment.maxLength,
  /** Highest `options.retry.count` of a send. */
  retryCount: retry.count.maximum,
  /** Highest `options.retry.delay` of a send. */
  retryDelay: retry.delay.maximum,
} as const;

/** Requests a bulk update of `ids` unique IDs takes, at `perRequest` IDs each. */
export function batches(ids: number, perRequest: number): number {
  return Math.ceil(ids / perRequest);
}

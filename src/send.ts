// Send-a-fax payloads: the spec's PayloadOutbox, plus resend / forward / combine via `from_fax`.
import type { components } from "../generated/schema.js";
import { ValidationError } from "./errors.js";
import type { UploadInput } from "./files.js";

/** The send-a-fax request body exactly as the spec defines it. */
export type SendFaxPayload = components["schemas"]["PayloadOutbox"];

/**
 * The send-a-fax payload, plus: `send_time` may be a `Date` (sent as UTC), and `files` may hold
 * documents to upload first (in order) next to paths returned by `upload`.
 */
export type SendFaxInput = Omit<SendFaxPayload, "send_time" | "files"> & {
  send_time?: SendFaxPayload["send_time"] | Date;
  files?: (string | UploadInput)[];
};

/** A payload ready to send but for its uploads. */
export type PreparedPayload = Omit<SendFaxPayload, "files"> & { files?: (string | UploadInput)[] };

/** Destination number to fax ID, returned when `return_ids` is set. */
export type SendFaxIds = NonNullable<components["schemas"]["SendFaxResponse"]["ids"]>;

/**
 * What `resend` takes: a send payload whose file comes from the fax being resent. Without `to`
 * or `from`, the original record's destination and number are used.
 */
export type ResendInput = Omit<SendFaxInput, "from_fax" | "to" | "from"> &
  Partial<Pick<SendFaxInput, "to" | "from">>;

/** What `forward` takes; `owner` is the user ID owning the fax (a corporate member), default self. */
export type ForwardInput = Omit<SendFaxInput, "from_fax"> & { owner?: string };

export function sendPayload(input: SendFaxInput): PreparedPayload {
  const { send_time, ...rest } = input;
  if (!(send_time instanceof Date)) return input as PreparedPayload;
  return { ...rest, send_time: formatSendTime(send_time) };
}

/** Resending keeps the original quality: `options.enhancement` is false unless given. */
export function resendPayload(
  faxId: string,
  input: ResendInput & Pick<SendFaxInput, "to" | "from">,
): PreparedPayload {
  return sendPayload({
    ...input,
    from_fax: { fax_id: faxId },
    options: { enhancement: false, ...input.options },
  });
}

/** Forwarding sends an existing (received) fax file as is, like resend. */
export function forwardPayload(faxId: string, { owner, ...input }: ForwardInput): PreparedPayload {
  return sendPayload({
    ...input,
    from_fax: owner === undefined ? { fax_id: faxId } : { fax_id: faxId, user_id: owner },
    options: { enhancement: false, ...input.options },
  });
}

/** The API's `YYYY-MM-DD HH:mm:ss +0000`, in UTC. */
export function formatSendTime(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new ValidationError("send_time", "must be a valid Date");
  const iso = date.toISOString(); // 2026-11-21T05:38:08.123Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000`;
}

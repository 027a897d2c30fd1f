// Errors to exit codes and one-line messages: 2 for bad usage or input refused before anything
// was sent, 1 for failures of the API, the network or a fax. A failure of a command that sends a
// fax says whether a fax may have been queued.
import { UsageError } from "./args.js";

/** A command's own failure (a fax failed, IDs not updated): exit 1 with this message. */
export class CommandFailed extends Error {
  override name = "CommandFailed";
}

/** Wraps an error of the step that sends a fax (uploads and the send request). */
export class SendFailed extends Error {
  override name = "SendFailed";
  constructor(readonly error: unknown) {
    super(error instanceof Error ? error.message : String(error), { cause: error });
  }
}

export interface Failure {
  code: 1 | 2;
  message: string;
  /** More lines for --verbose. */
  details: string[];
}

export async function describeFailure(error: unknown, command: string): Promise<Failure> {
  if (error instanceof UsageError) {
    return {
      code: 2,
      message: `${command}: ${error.message}${error.showHelp ? ` (see faxplus ${command} --help)` : ""}`,
      details: [],
    };
  }
  if (error instanceof CommandFailed) {
    return { code: 1, message: `${command}: ${error.message}`, details: [] };
  }
  const sdk = await import("../index.js");
  const sending = error instanceof SendFailed;
  const cause = sending ? error.error : error;
  const details = detailsOf(cause, sdk);

  if (cause instanceof sdk.ValidationError) {
    return { code: 2, message: `${command}: refused before sending: ${cause.message}`, details };
  }
  let message: string;
  if (cause instanceof sdk.ApiError) {
    message = `the API answered ${cause.status} ${cause.error ?? ""}`.trimEnd();
    if (cause.description) message += `: ${cause.description}`;
    message += ` (${cause.method} ${cause.path}).`;
    if (cause.status === 401) message += " Check the token (FAXPLUS_TOKEN or --token).";
    if (cause.retryAfter !== undefined) message += ` Retry after ${Math.ceil(cause.retryAfter)} s.`;
  } else if (cause instanceof sdk.TimeoutError) {
    message = `no answer from the API: ${cause.method} ${cause.url} timed out after ${cause.timeout} ms.`;
  } else if (cause instanceof sdk.ConnectionError) {
    message = `could not reach the API: ${cause.method} ${cause.url}: ${cause.code ?? "connection failed"}.`;
  } else if (cause instanceof sdk.SendUnresolvedError) {
    const since = new Date(cause.sentAfter).toISOString();
    return {
      code: 1,
      message:
        `${command}: the answer was lost and whether the fax was queued is not established: ` +
        `${cause.result.state === "unknown" ? cause.result.reason : cause.result.state}. ` +
        `Do not send it again: check later with \`faxplus reconcile ${cause.key} --since ${since}\`.`,
      details,
    };
  } else if (cause instanceof sdk.DeliveryTimeoutError) {
    message = `${cause.message} It may still be delivered: faxplus wait ${cause.id}`;
  } else {
    message = cause instanceof Error ? cause.message : String(cause);
  }
  if (sending) message += mayHaveQueued(cause, sdk) ? MAYBE_QUEUED : " No fax was queued.";
  const key = (cause as { key?: unknown } | undefined)?.key;
  if (sending && typeof key === "string" && mayHaveQueued(cause, sdk)) {
    message += ` Its send key: ${key} (faxplus reconcile ${key}).`;
  }
  return { code: 1, message: `${command}: ${message}`, details };
}

const MAYBE_QUEUED =
  " A fax may have been queued: check `faxplus outbox` and `faxplus list --category sent`" +
  " before sending again.";

type Sdk = typeof import("../index.js");

/** Whether the send request itself may have reached the API (uploads never queue a fax). */
function mayHaveQueued(error: unknown, sdk: Sdk): boolean {
  if (error instanceof sdk.ApiError) {
    return error.mayHaveBeenProcessed && error.method === "POST" && error.path.endsWith("/outbox");
  }
  if (error instanceof sdk.ConnectionError) {
    return error.mayHaveBeenProcessed && error.method === "POST" && /\/outbox$/.test(error.url);
  }
  return !(error instanceof sdk.FaxPlusError);
}

/** What --verbose adds: the SDK's full message, the API's answer, causes and the stack. */
function detailsOf(error: unknown, sdk: Sdk): string[] {
  const lines: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 5; depth++) {
    if (!(e instanceof Error)) {
      lines.push(`caused by: ${String(e)}`);
      break;
    }
    lines.push(`${depth === 0 ? "" : "caused by: "}${e.name}: ${e.message}`);
    if (e instanceof sdk.ApiError && e.body !== undefined) {
      lines.push(`response body: ${JSON.stringify(e.body)}`);
    }
    const stack = e.stack?.split("\n").slice(1) ?? [];
    lines.push(...stack.map((line) => `  ${line.trim()}`));
    e = e.cause;
  }
  return lines;
}

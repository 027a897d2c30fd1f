// A body handed on unread (a download stream, a document through `fax.api`): the answer's chunks
// pass through a relay stream, and its attempt, with the deadline and the caller's abort, ends
// only when that body ends, fails or is cancelled. Apart from the transport so that only apps that
// stream a body bundle it.
import { Attempt, readError, type Reading } from "./transport.js";

/**
 * The answer with its body unread, under its attempt's deadline until the body ends. Outside an
 * attempt (`readingOf`), or for an answer without a body, the answer as it is.
 */
export function handOn(response: Response, reading: Reading): Response {
  const body = response.body;
  if (body === null || !(reading instanceof Attempt)) return response;
  let relay: Relay | undefined;
  if (!reading.keep((reason) => relay?.stop(reason))) return response;
  relay = new Relay(reading, body.getReader());
  return withUrl(
    new Response(new ReadableStream(relay, { highWaterMark: 0 }), response),
    response.url || reading.request.url,
  );
}

/** `response` with `url` set (a Response made by hand has ""): the URL the answer came from. */
export function withUrl(response: Response, url: string): Response {
  Object.defineProperty(response, "url", { value: url });
  return response;
}

/** Passes the answer's chunks through and ends the attempt with them. */
class Relay implements UnderlyingDefaultSource<Uint8Array> {
  controller: ReadableStreamDefaultController<Uint8Array> | undefined;

  constructor(
    readonly attempt: Attempt,
    readonly reader: ReadableStreamDefaultReader<Uint8Array>,
  ) {}

  start(controller: ReadableStreamDefaultController<Uint8Array>): void {
    this.controller = controller;
  }

  async pull(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    try {
      const { done, value } = await this.reader.read();
      if (!done) return controller.enqueue(value);
      this.attempt.finish();
      controller.close();
    } catch (error) {
      this.attempt.finish();
      controller.error(readError(error, this.attempt.request));
    }
  }

  cancel(reason: unknown): Promise<void> {
    this.attempt.finish();
    return this.reader.cancel(reason);
  }

  /** The attempt was stopped (it has finished): the deadline passed, or the caller aborted. */
  stop(reason: unknown): void {
    this.controller?.error(reason);
    this.reader.cancel(reason).catch(() => {});
  }
}

// Reading a request body without trusting it: at most a given number of bytes is kept, and JSON
// nested deeper than any payload of the API is refused before it is parsed. Both are one pass
// over the bytes.
import type { IncomingMessage } from "node:http";
import { MAX_DEPTH } from "../core/validate.js";

/**
 * Levels of arrays and objects a JSON body may open inside one another: the body itself plus the
 * MAX_DEPTH levels below it that the SDK's validator accepts. No payload of the API needs more
 * than five.
 */
export const MAX_NESTING = MAX_DEPTH + 1;

/**
 * The body's bytes, or `undefined` as soon as it is known to exceed `limit` bytes: a larger
 * `Content-Length` is refused before anything is read, and a body without one stops being read
 * (the request is paused, what was kept is dropped) at the first chunk past the limit. Rejects
 * when the client goes away before the body ends.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array | undefined> {
  if (Number(req.headers["content-length"] ?? 0) > limit) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      stop();
      req.pause();
      chunks.length = 0;
      resolve(undefined);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    const onClose = () => onError(new Error("the client closed the request before its body ended"));
    req.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
  });
}

/**
 * Whether the JSON text `bytes` opens more than `max` arrays or objects inside one another. A
 * linear scan that skips strings and their escapes (`"[[\"["` opens nothing); bytes of multi-byte
 * UTF-8 characters never equal the ASCII ones it looks for. On text that is not JSON the answer
 * does not matter: the parse that follows refuses it.
 */
export function nestedDeeperThan(bytes: Uint8Array, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      if (++depth > max) return true;
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) {
      depth--;
    }
  }
  return false;
}

const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \
const OPEN_ARRAY = 0x5b; // [
const CLOSE_ARRAY = 0x5d; // ]
const OPEN_OBJECT = 0x7b; // {
const CLOSE_OBJECT = 0x7d; // }

// What tests of other concerns need from the send key: an answer with one fax ID per destination
// (a send answered without IDs is reconciled, see test/workflows/exactly-once.test.ts), and the
// body of a send without the key tag that the SDK adds to every send.
import { KEY_TAG_PREFIX } from "../../src/index.js";

/** `{ destination: fax ID }` for every `to` of a send body. */
export function idsFor(body: unknown): Record<string, string> {
  const to = (body as { to?: unknown } | undefined)?.to;
  if (!Array.isArray(to)) return {};
  return Object.fromEntries(to.map((number, i) => [String(number), `fax-${i + 1}`]));
}

/**
 * Removes the SDK's key tag from a send body, in place, then an empty `tags` and an empty
 * `comment` (so that a body compares equal to the payload it came from, whose `comment: {}` or
 * `tags: []` the tag filled). Returns whether there was a key tag.
 */
export function stripKeyTag(body: unknown, always = false): boolean {
  const comment = (body as { comment?: unknown } | undefined)?.comment as
    { tags?: unknown; text?: unknown } | undefined;
  if (typeof comment !== "object" || comment === null) return false;
  let found = false;
  if (Array.isArray(comment.tags)) {
    const tags = comment.tags.filter(
      (tag) => !(typeof tag === "string" && tag.startsWith(KEY_TAG_PREFIX)),
    );
    found = tags.length !== comment.tags.length;
    if (tags.length > 0) comment.tags = tags;
    else if (found || always) delete comment.tags;
  }
  if ((found || always) && Object.keys(comment).length === 0) {
    delete (body as { comment?: unknown }).comment;
  }
  return found;
}

/** A copy of a send payload as JSON, normalised like {@link stripKeyTag} does. */
export function withoutKeyTag(payload: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(payload)) as unknown;
  stripKeyTag(copy, true);
  return copy;
}

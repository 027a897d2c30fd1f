// The send key: one per send, the caller's or a random one, stamped into the fax's `comment.tags`
// (the API's only client-controlled marker on a send) so that reconciliation can find the fax.
// Its limits come from the spec's rules for `comment.tags`, never from here.
import * as rules from "../../generated/rules.js";
import { FaxPlusError, ValidationError } from "../core/errors.js";
import { readArray, readFields, type SchemaRules } from "../core/validate.js";

/** What a tag holding a send key starts with. */
export const KEY_TAG_PREFIX = "fxkey:";

/** Random characters in a key the SDK makes (22 base64url characters: 128 bits). */
const GENERATED_LENGTH = 22;
/** A key shorter than this is refused: it would not be unique enough to find one fax. */
const MIN_KEY_LENGTH = 8;
/** The longest key when the spec sets no length limit on a tag. */
const DEFAULT_MAX_KEY_LENGTH = 64;
const KEY_PATTERN = /^[A-Za-z0-9_-]+$/;

/** The spec's rule for `comment.tags` of a send. */
function tagsRule(): SchemaRules | undefined {
  const comment = (rules.sendFax.body.properties.comment as SchemaRules).properties;
  return comment?.["tags"];
}

/** The limits a key must fit, derived from the spec: its longest length, and tags per send. */
export function keyLimits(): { maxKeyLength: number; maxTags: number } {
  const rule = tagsRule();
  const tagMax = rule?.items?.maxLength;
  const maxKeyLength =
    tagMax === undefined
      ? DEFAULT_MAX_KEY_LENGTH
      : Math.min(DEFAULT_MAX_KEY_LENGTH, tagMax - KEY_TAG_PREFIX.length);
  return { maxKeyLength, maxTags: rule?.maxItems ?? Number.POSITIVE_INFINITY };
}

/** A fresh random key: URL-safe, as long as the spec's tag limit allows (at most 22). */
export function newSendKey(): string {
  const length = Math.min(GENERATED_LENGTH, keyLimits().maxKeyLength);
  if (length < MIN_KEY_LENGTH) {
    throw new FaxPlusError(
      `send key: the spec allows tags of ${length + KEY_TAG_PREFIX.length} characters, too short for a key`,
    );
  }
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  let key = "";
  for (const byte of bytes) key += alphabet[byte & 63];
  return key;
}

/** Checks a caller's key: URL-safe characters, within the length the spec's tags allow. */
export function checkSendKey(key: unknown, field = "key"): string {
  const { maxKeyLength } = keyLimits();
  if (
    typeof key !== "string" ||
    key.length < MIN_KEY_LENGTH ||
    key.length > maxKeyLength ||
    !KEY_PATTERN.test(key)
  ) {
    throw new ValidationError(
      field,
      `must be ${MIN_KEY_LENGTH} to ${maxKeyLength} characters from A-Z a-z 0-9 - _`,
    );
  }
  return key;
}

/** The tag that carries `key`. */
export function keyTag(key: string): string {
  return `${KEY_TAG_PREFIX}${key}`;
}

/** The send key in a list of tags, if any. */
export function keyInTags(tags: unknown): string | undefined {
  if (!Array.isArray(tags)) return undefined;
  for (const tag of tags) {
    if (typeof tag === "string" && tag.startsWith(KEY_TAG_PREFIX)) {
      return tag.slice(KEY_TAG_PREFIX.length);
    }
  }
  return undefined;
}

/**
 * Puts the key's tag into the payload's `comment.tags`, after the caller's own tags, keeping the
 * comment's text. Refuses a payload whose tags already hold a send key (pass it as `key`), or
 * whose tags leave no room under the spec's limit.
 */
export function stampKey(fields: Record<string, unknown>, key: string): void {
  const comment = fields["comment"] === undefined ? {} : readFields(fields["comment"], "comment");
  const tags = comment["tags"] === undefined ? [] : readArray(comment["tags"], "comment.tags");
  if (keyInTags(tags) !== undefined) {
    throw new ValidationError(
      "comment.tags",
      `holds a tag starting ${KEY_TAG_PREFIX}, which the SDK keeps for the send key: pass the key as the \`key\` option instead`,
    );
  }
  const { maxTags } = keyLimits();
  if (tags.length + 1 > maxTags) {
    throw new ValidationError(
      "comment.tags",
      `leaves no room for the send key: the API takes at most ${maxTags} tags, and ${tags.length} are given`,
    );
  }
  fields["comment"] = { ...comment, tags: [...tags, keyTag(key)] };
}

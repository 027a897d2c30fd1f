// Fax numbers as people write them ("+1 (415) 555-0123", "0044 20 7946 0018") made into the form
// the API takes ("+14155550123"). The SDK never does this on its own: a UI or the CLI calls it and
// shows the result, and the spec's rule still checks the number when it is sent.
import { ValidationError } from "./core/errors.js";

/** A fax number as {@link normalizeFaxNumber} wrote it, and whether that differs from the input. */
export interface NormalizedFaxNumber {
  /** The number without separators, e.g. `+14155550123`. */
  readonly number: string;
  /** Whether `number` differs from the input (show the user what will be sent). */
  readonly changed: boolean;
}

// Spaces (any Unicode space), ASCII and Unicode dashes, dots and parentheses.
const SEPARATORS = /[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\-\u2010-\u2015.()]/g;

/**
 * Writes a fax number the way the API takes it: removes spaces, dashes, dots and parentheses,
 * and turns a leading `00` (the international call prefix of most countries) into `+`. An
 * extension after `*` is kept; `no_number` is returned as it is. Nothing else is guessed: a
 * national number without a country code stays as it is (and is refused when sent, with words
 * saying what a number looks like). It does not check the result; sending does.
 * @example normalizeFaxNumber("+1 (415) 555-0123") // { number: "+14155550123", changed: true }
 * @example normalizeFaxNumber("0044 20 7946 0018") // { number: "+442079460018", changed: true }
 */
export function normalizeFaxNumber(input: string): NormalizedFaxNumber {
  if (typeof input !== "string") throw new ValidationError("number", "must be a string");
  const trimmed = input.trim();
  if (trimmed.toLowerCase() === "no_number") return { number: trimmed, changed: trimmed !== input };
  let number = trimmed.replace(SEPARATORS, "");
  if (number.startsWith("00")) number = `+${number.slice(2)}`;
  return { number, changed: number !== input };
}

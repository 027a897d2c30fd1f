// A pattern of the spec in words, for refusals a person reads ("must be a fax number: + then the
// country code and number ..."), never the regex itself. The words come from trying the spec's
// pattern on sample values, not from reading its text: a vendor's new pattern changes what is
// said (the minimum of digits, whether `+` is required, an extension, a list) with no hand edit.
//
// A rule brings this file with its pattern: generated/rules.ts writes a patterned string
// `string(pattern("^[+][0-9]{8,}$", { example: "+14155550123" }))`, so that a bundle whose rules
// have no pattern carries none of it.
import type { RuleExtensions } from "./rules.js";
import {
  fail,
  quote,
  type LengthConstraints,
  type PlainConstraints,
  type SchemaRules,
  type StringCheck,
} from "./validate.js";

/**
 * The constraints of a string (`string()`, `dateTime()`) that must match the spec's `pattern`:
 * `source` as the spec writes it, the other `constraints` (an `example` the words show), and the
 * check that refuses a value the pattern does not match in words, naming the field.
 */
export function pattern<
  const P extends string,
  const C extends PlainConstraints & LengthConstraints = Record<never, never>,
>(source: P, constraints?: C): C & { readonly pattern: P; readonly match: StringCheck } {
  return { ...(constraints as C), pattern: source, match: matchPattern };
}

/** Refuses a string that `rule.pattern` does not match, saying in words what it asks for. */
function matchPattern(rule: SchemaRules, value: string, field: string): void {
  const source = rule.pattern!;
  if (!regex(source).test(value)) {
    const example = (rule as RuleExtensions).example;
    fail(field, `${describePattern(source, example)} (got ${quote(value)})`);
  }
}

const compiled = new Map<string, RegExp>();
function regex(source: string): RegExp {
  let re = compiled.get(source);
  if (!re) compiled.set(source, (re = new RegExp(source)));
  return re;
}

const NUMBER = "+14155550123";
const DATE = "2026-11-20 10:00:00";
const OFFSET = " +0000";
const EMAIL = "name@example.com";

/**
 * What `pattern` asks for, in words: a fax or phone number, a date and time, an email address,
 * or (for a pattern of another kind) the example it accepts. `example` is the spec's example of
 * the value, used when the pattern accepts it.
 */
export function describePattern(pattern: string, example?: unknown): string {
  const re = new RegExp(pattern);
  const own = typeof example === "string" && re.test(example) ? example : undefined;
  if (re.test(NUMBER) || re.test(NUMBER.slice(1))) return describeNumber(re, own);
  if (re.test(DATE)) return dateWords(false, own ?? DATE);
  if (re.test(DATE + OFFSET)) return dateWords(true, own ?? DATE + OFFSET);
  if (re.test(EMAIL) && !re.test("name")) return `must be an email address, e.g. ${own ?? EMAIL}`;
  return own === undefined
    ? "is not written the way the API expects"
    : `must be written the way the API expects, e.g. ${own}`;
}

function describeNumber(re: RegExp, example: string | undefined): string {
  const plus = !re.test(NUMBER.slice(1));
  const prefix = plus ? "+" : "";
  let digits: number | undefined;
  for (let n = 1; n <= 20 && digits === undefined; n++) {
    if (re.test(`${prefix}${"4".repeat(n)}`)) digits = n;
  }
  const shown = example ?? (plus ? NUMBER : NUMBER.slice(1));
  const words = [
    plus
      ? `must be a fax number: + then the country code and number, digits only (no spaces or dashes)`
      : `must be a phone number: digits only, + allowed first (no spaces or dashes)`,
  ];
  if (digits !== undefined && digits > 1) words.push(`at least ${digits} digits`);
  words.push(`e.g. ${shown}`);
  const more: string[] = [];
  if (re.test(`${NUMBER}*101`)) more.push(`an extension may follow after * (${NUMBER}*101)`);
  if (re.test(`${NUMBER},+14155550124`)) more.push("several numbers are separated by commas");
  if (re.test("no_number")) more.push("or no_number");
  return [words.join(", "), ...more].join("; ");
}

function dateWords(offset: boolean, example: string): string {
  const form = offset ? "YYYY-MM-DD HH:mm:ss ±HHMM (a UTC offset)" : "YYYY-MM-DD HH:mm:ss";
  return `must be a date and time written ${form}, e.g. ${example}`;
}

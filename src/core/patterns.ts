// A pattern of the spec in words, for refusals a person reads ("must be a fax number: + then the
// country code and number ..."), never the regex itself. The words come from trying the spec's
// pattern on sample values, not from reading its text: a vendor's new pattern changes what is
// said (the minimum of digits, whether `+` is required, an extension, a list) with no hand edit.

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

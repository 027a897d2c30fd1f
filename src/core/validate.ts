// Client-side validation from the spec's own rules. generated/rules.ts builds every rule with the
// kind functions below (`string()`, `array({ items })`, ...): each rule carries its checker, so a
// bundle keeps only the checkers of the rules it uses. A string's limits beyond its type carry
// their checks too (`string(limits({ maxLength: 100 }))`, `string(pattern("^[+][0-9]+$"))` from
// patterns.ts), so that a bundle whose strings have none keeps none of them.
//
// The input is read once into a plain JSON snapshot while it is checked, and the snapshot is what
// gets sent: a getter, a `toJSON` or a prototype cannot make the request differ from what was
// checked. A request the API would refuse is refused here, naming the field, its position and the
// rule.
import { ValidationError } from "./errors.js";

/** Nesting deeper than this is refused: no payload of the API comes close. */
export const MAX_DEPTH = 32;
/** Values in one payload above this are refused before they are walked. */
export const MAX_VALUES = 20_000;

/** A JSON value as a snapshot holds it (a multipart body's files stay Blobs). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The progress of one snapshot, shared by the checkers of its values. */
export interface Walk {
  values: number;
}

/** Checks one value against its rule and returns its snapshot, or throws a ValidationError. */
export type Checker = (
  rule: SchemaRules,
  value: unknown,
  field: string,
  depth: number,
  walk: Walk,
) => Json;

/**
 * Checks a string against a limit of its rule (its length, its pattern) once it is known to be a
 * well-formed string, or throws a ValidationError naming `field`.
 */
export type StringCheck = (rule: SchemaRules, value: string, field: string) => void;

/** A rule of the spec (the subset of JSON Schema that the SDK validates) with its checker. */
export interface SchemaRules {
  readonly check: Checker;
  readonly type?: string;
  readonly enum?: readonly unknown[];
  /** In code points, as JSON Schema counts them; `measure` checks them (`limits()`). */
  readonly minLength?: number;
  readonly maxLength?: number;
  /** On a string with `minLength` or `maxLength`: the check of them (`limits()`). */
  readonly measure?: StringCheck;
  /** The spec's pattern, as the spec writes it; `match` checks it (patterns.ts `pattern()`). */
  readonly pattern?: string;
  /** On a string with a pattern: the check of it, after its length (patterns.ts `pattern()`). */
  readonly match?: StringCheck;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  /** On an object: its required fields. On a parameter: whether it is required. */
  readonly required?: readonly string[] | boolean;
  readonly "x-at-least-one-of"?: readonly string[];
  readonly properties?: { readonly [name: string]: SchemaRules };
  readonly items?: SchemaRules;
  readonly additionalProperties?: false | SchemaRules;
  /** Received data only: `null` is allowed. */
  readonly nullable?: boolean;
}

/**
 * Keywords a rule may carry besides the ones the checkers read, for the SDK code that needs them
 * (src/core/rules.ts `RuleExtensions`: an `example`, `x-accepted-formats`, ...).
 */
type Extensions = { readonly example?: string } & { readonly [key: `x-${string}`]: unknown };

/** The constraints that need no check of their own: a rule without its checker and type. */
export type PlainConstraints = Omit<
  SchemaRules,
  "check" | "type" | "minLength" | "maxLength" | "measure" | "pattern" | "match"
> &
  Extensions;

/** A string's length limits, with the check of them (`limits()`), or none. */
export type LengthConstraints =
  | { readonly minLength?: never; readonly maxLength?: never }
  | { readonly minLength?: number; readonly maxLength?: number; readonly measure: StringCheck };

/**
 * The constraints a kind function takes: a rule without its checker and type (the kind's). A
 * length limit comes with the check of it (`limits()`), a `pattern` with the `match` that checks
 * it (patterns.ts `pattern()`), never alone.
 */
export type Constraints = PlainConstraints &
  LengthConstraints &
  ({ readonly pattern?: never } | { readonly pattern: string; readonly match: StringCheck });
type Rule<Type extends string, C> = C & { readonly type: Type; readonly check: Checker };

/**
 * Checks `value` against `rule` and returns its snapshot: plain JSON built from own enumerable
 * fields, each read once. Throws a {@link ValidationError} naming the first field that breaks a
 * rule in words, e.g. `to[3]: must be a fax number: + then the country code and number, ...`.
 * @param field the name of `value` in messages ("" for a request body)
 */
export function snapshot(rule: SchemaRules, value: unknown, field = ""): Json {
  return walk(rule, value, field, 0, { values: 0 });
}

/** Checks `value` against `rule`; {@link snapshot} without keeping the copy. */
export function check(rule: SchemaRules, value: unknown, field = ""): void {
  walk(rule, value, field, 0, { values: 0 });
}

/** Checks one value (counting it against the limits) with its rule's checker. */
export function walk(
  rule: SchemaRules,
  value: unknown,
  field: string,
  depth: number,
  state: Walk,
): Json {
  if (++state.values > MAX_VALUES) fail(field, `must hold at most ${MAX_VALUES} values in all`);
  if (depth > MAX_DEPTH) fail(field, `must be nested at most ${MAX_DEPTH} levels deep`);
  if (value === null && rule.nullable) return null;
  if (rule.enum && !rule.enum.includes(value))
    fail(field, `must be one of ${rule.enum.join(", ")}`);
  return rule.check(rule, value, field, depth, state);
}

/** Throws the ValidationError of `field` (`body` when it is the whole body) breaking `rule`. */
export function fail(field: string, rule: string): never {
  throw new ValidationError(field || "body", rule);
}

// The kinds. Each returns its constraints with its checker and JSON Schema type. A format is the
// kind's (`dateTime()` is format `faxplus-datetime`, `binary()` format `binary`): a reader that
// needs it compares the checker (`rule.check === dateTime().check`).

/** A string: well-formed Unicode; enum; its length (`limits()`) and pattern (`pattern()`) if any. */
export function string<const C extends Constraints>(constraints?: C): Rule<"string", C> {
  return { ...(constraints as C), type: "string", check: checkString };
}

/** A `YYYY-MM-DD HH:mm:ss[ ±HHMM]` string (format `faxplus-datetime`) naming a real moment. */
export function dateTime<const C extends Constraints>(constraints?: C): Rule<"string", C> {
  return { ...(constraints as C), type: "string", check: checkDateTime };
}

/** A file part of a multipart body (format `binary`): a Blob or File, kept as is. */
export function binary<const C extends Constraints>(constraints?: C): Rule<"string", C> {
  return { ...(constraints as C), type: "string", check: checkBinary };
}

/** An integer within `minimum` and `maximum`. */
export function integer<const C extends Constraints>(constraints?: C): Rule<"integer", C> {
  return { ...(constraints as C), type: "integer", check: checkNumber };
}

/** A finite number within `minimum` and `maximum`. */
export function number<const C extends Constraints>(constraints?: C): Rule<"number", C> {
  return { ...(constraints as C), type: "number", check: checkNumber };
}

/** `true` or `false`. */
export function boolean<const C extends Constraints>(constraints?: C): Rule<"boolean", C> {
  return { ...(constraints as C), type: "boolean", check: checkBoolean };
}

/** An array of `items` (`json()` for any), with `minItems` to `maxItems` of them. */
export function array<const C extends Constraints & { readonly items: SchemaRules }>(
  constraints: C,
): Rule<"array", C> {
  return { ...constraints, type: "array", check: checkArray };
}

/**
 * An object of the fields of `properties`, and of others only when `additionalProperties` is
 * their rule (`object({ additionalProperties: json() })` is any object): a typo would otherwise be
 * sent and ignored. `x-at-least-one-of` fields must not all be empty.
 */
export function object<const C extends Constraints>(constraints?: C): Rule<"object", C> {
  return { ...(constraints as C), type: "object", check: checkObject };
}

/** Any JSON value (a schema without a type, or the fields of a free-form object). */
export function json<const C extends Constraints>(constraints?: C): Rule<"json", C> {
  return { ...(constraints as C), type: "json", check: checkJson };
}

// The checkers.

function checkString(rule: SchemaRules, value: unknown, field: string): Json {
  if (typeof value !== "string") return fail(field, "must be a string");
  if (!isWellFormed(value)) fail(field, "must be well-formed Unicode (no lone surrogates)");
  rule.measure?.(rule, value, field);
  rule.match?.(rule, value, field);
  return value;
}

/**
 * The constraints of a string with a `minLength` or `maxLength` (in code points, as JSON Schema
 * counts them), with the check of them: `string(limits({ maxLength: 100 }))`.
 */
export function limits<
  const C extends PlainConstraints & { readonly minLength?: number; readonly maxLength?: number },
>(constraints: C): C & { readonly measure: StringCheck } {
  return { ...constraints, measure: checkLength };
}

function checkLength(rule: SchemaRules, value: string, field: string): void {
  const { minLength: min, maxLength: max } = rule;
  // A string has at most `length` code points and at least half as many: most strings need no count.
  if (min !== undefined && value.length < 2 * min && codePoints(value, min) < min) {
    fail(
      field,
      value === ""
        ? "must not be empty"
        : `must be at least ${characters(min)} (got ${codePoints(value)})`,
    );
  }
  if (max !== undefined && value.length > max && codePoints(value, max + 1) > max) {
    fail(field, `must be at most ${characters(max)} (got ${codePoints(value)})`);
  }
}

function checkDateTime(rule: SchemaRules, value: unknown, field: string): Json {
  checkString(rule, value, field);
  if (!isCalendarTime(value as string))
    fail(field, `must be a real date and time (got ${quote(value as string)})`);
  return value as string;
}

function checkBinary(_rule: SchemaRules, value: unknown, field: string): Json {
  return value instanceof Blob ? (value as unknown as Json) : fail(field, "must be a Blob or File");
}

function checkNumber(rule: SchemaRules, value: unknown, field: string): Json {
  const integral = rule.type === "integer";
  if (
    typeof value !== "number" ||
    !Number.isFinite(value) ||
    (integral && !Number.isInteger(value))
  ) {
    return fail(field, integral ? "must be an integer" : "must be a finite number");
  }
  if (rule.minimum !== undefined && value < rule.minimum)
    fail(field, `must be at least ${rule.minimum}`);
  if (rule.maximum !== undefined && value > rule.maximum)
    fail(field, `must be at most ${rule.maximum}`);
  return value;
}

function checkBoolean(_rule: SchemaRules, value: unknown, field: string): Json {
  return typeof value === "boolean" ? value : fail(field, "must be true or false");
}

function checkArray(
  rule: SchemaRules,
  value: unknown,
  field: string,
  depth: number,
  state: Walk,
): Json {
  if (!isArray(value, field)) return fail(field, "must be an array");
  const length = read(field, () => value.length);
  if (rule.minItems !== undefined && length < rule.minItems) {
    fail(field, `must have at least ${rule.minItems} item(s)`);
  }
  if (rule.maxItems !== undefined && length > rule.maxItems) {
    fail(field, `must have at most ${rule.maxItems} items (got ${length})`);
  }
  if (state.values + length > MAX_VALUES)
    fail(field, `must hold at most ${MAX_VALUES} values in all`);
  const items = rule.items!; // array() requires them
  const out: Json[] = [];
  for (let i = 0; i < length; i++) {
    const item = read(field, () => value[i]);
    const name = `${field}[${i}]`;
    if (item === undefined) fail(name, "must not be undefined");
    out.push(walk(items, item, name, depth + 1, state));
  }
  return out;
}

function checkObject(
  rule: SchemaRules,
  value: unknown,
  field: string,
  depth: number,
  state: Walk,
): Json {
  const fields = readFields(value, field || "body");
  const name = (key: string) => (field ? `${field}.${key}` : key);
  const { properties, additionalProperties: extra } = rule;
  if (Array.isArray(rule.required)) {
    for (const key of rule.required)
      if (!Object.hasOwn(fields, key)) fail(name(key), "is required");
  }
  const oneOf = rule["x-at-least-one-of"];
  if (oneOf && oneOf.every((key) => isEmpty(fields[key]))) {
    fail(oneOf.map(name).join(" or "), "at least one of them is required");
  }
  const out: { [key: string]: Json } = {};
  for (const key of Object.keys(fields)) {
    const known = properties && Object.hasOwn(properties, key) ? properties[key] : extra || null;
    if (!known) fail(name(key), "is not a field of this request");
    const copy = walk(known, fields[key], name(key), depth + 1, state);
    // `__proto__` as data: an own field, never the copy's prototype.
    if (key === "__proto__") {
      Object.defineProperty(out, key, {
        value: copy,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else out[key] = copy;
  }
  return out;
}

function checkJson(
  _rule: SchemaRules,
  value: unknown,
  field: string,
  depth: number,
  state: Walk,
): Json {
  if (value === null || typeof value === "boolean") return value;
  if (typeof value === "string") return checkString(ANY, value, field);
  if (typeof value === "number")
    return Number.isFinite(value) ? value : fail(field, "must be a finite number");
  if (isArray(value, field)) return checkArray(ANY_ARRAY, value, field, depth, state);
  if (typeof value === "object") return checkObject(ANY_OBJECT, value, field, depth, state);
  return fail(field, `must be a JSON value (got ${typeof value})`);
}

// Any JSON value, and the array and object of them that a free-form value may be (their checkers
// read no type). Only json() reaches them: a bundle whose rules have no free-form value carries
// none of checkJson.
const ANY: SchemaRules = { type: "json", check: checkJson };
const ANY_ARRAY: SchemaRules = { check: checkArray, items: ANY };
const ANY_OBJECT: SchemaRules = { check: checkObject, additionalProperties: ANY };

/**
 * The own enumerable fields of a caller's plain object, each read once into an object without
 * prototype (so that any name is data); undefined fields are left out, as JSON leaves them out.
 * @throws ValidationError naming `field` when `value` is not a plain object or cannot be read
 */
export function readFields(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || isArray(value, field)) {
    return fail(field, "must be an object");
  }
  const proto = read(field, () => Object.getPrototypeOf(value) as unknown);
  if (proto !== Object.prototype && proto !== null) fail(field, "must be a plain object");
  const fields = Object.create(null) as Record<string, unknown>;
  read(field, () => {
    for (const key of Object.keys(value)) {
      const item = (value as Record<string, unknown>)[key];
      if (item !== undefined) fields[key] = item;
    }
  });
  return fields;
}

/**
 * The items of a caller's array, each read once into a plain array (a proxy that throws, or a
 * revoked one, is a ValidationError naming `field`).
 * @throws ValidationError when `value` is not an array or cannot be read
 */
export function readArray(value: unknown, field: string): unknown[] {
  if (!isArray(value, field)) return fail(field, "must be an array");
  return read(field, () => Array.from(value as readonly unknown[]));
}

/** `Array.isArray`, which throws for a revoked proxy: then a ValidationError naming `field`. */
function isArray(value: unknown, field: string): value is unknown[] {
  return read(field, () => Array.isArray(value));
}

/** Runs a read of the caller's input; a throwing getter or proxy becomes a ValidationError. */
function read<T>(field: string, get: () => T): T {
  try {
    return get();
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    return fail(field, "could not be read");
  }
}

/** Empty for "at least one of": absent, or an empty list (an empty string may mean "clear it"). */
function isEmpty(value: unknown): boolean {
  try {
    return value === undefined || (Array.isArray(value) && value.length === 0);
  } catch {
    return false; // a revoked proxy: its own check names it
  }
}

/** Code points of `text`, counting no further than `stop`. */
function codePoints(text: string, stop = Number.POSITIVE_INFINITY): number {
  let count = 0;
  for (let i = 0; i < text.length && count < stop; i++, count++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
  }
  return count;
}

/** No lone surrogate: with the `u` flag a pair is one code point, so `\p{Cs}` matches only those. */
function isWellFormed(text: string): boolean {
  return !/\p{Cs}/u.test(text);
}

/**
 * `YYYY-MM-DD HH:mm:ss` with an optional ` ±HHMM` offset, naming a real calendar moment: the
 * day exists in its month (leap years included), hours 00-23, minutes and seconds 00-59, and the
 * offset at most 14 hours (the widest time zone).
 */
export function isCalendarTime(text: string): boolean {
  const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?: [+-](\d\d)(\d\d))?$/.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second, offsetHours = 0, offsetMinutes = 0] = m
    .slice(1)
    .map((part) => Number(part ?? 0)) as number[];
  return (
    month! >= 1 &&
    month! <= 12 &&
    day! >= 1 &&
    day! <= daysIn(year!, month!) &&
    hour! <= 23 &&
    minute! <= 59 &&
    second! <= 59 &&
    offsetMinutes <= 59 &&
    offsetHours * 60 + offsetMinutes <= 14 * 60
  );
}

/** Days in a month of the proleptic Gregorian calendar (any year, 0000 included). */
function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Checks query parameters against an operation's `query.*` rules: unknown names, missing
 * required ones and bad values throw a {@link ValidationError} such as `query.limit: ...`.
 */
export function checkQuery(
  params: { readonly [name: string]: SchemaRules },
  query: Record<string, unknown>,
): void {
  for (const key of Object.keys(query)) {
    const name = `query.${key}`;
    if (!Object.hasOwn(params, name)) fail(name, "is not a parameter of this request");
    if (query[key] !== undefined) check(params[name] as SchemaRules, query[key], name);
  }
  for (const name of Object.keys(params)) {
    const key = name.slice(6);
    if (name.startsWith("query.") && params[name]?.required === true && query[key] === undefined) {
      fail(name, "is required");
    }
  }
}

/** The JSON value of a body's text, or undefined when it is empty or not JSON. */
export function parseJson(text: string): unknown {
  try {
    return text === "" ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

function characters(count: number): string {
  return count === 1 ? "1 character" : `${count} characters`;
}

/** A value for an error message: JSON-quoted and cut at 80 characters. */
export function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

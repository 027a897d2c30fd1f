// What the hardening properties share: the seed, values generated from the spec's own rules
// (generated/rules.ts: limits, enums, patterns), date-time strings, and a recording server whose
// answer each test sets.
import { stripKeyTag } from "../support/send-key.js";
import fc from "fast-check";
import { dateTime, type Json, type SchemaRules } from "../../src/core/validate.js";
import { startServer, type Handler, type TestServer } from "../support/server.js";

/** One seed for every property: a failure is reproduced by running the file again. */
export const SEED = 20261121;

/** fast-check parameters: the fixed seed and `numRuns` generated cases. */
export function runs<T = unknown>(numRuns: number): fc.Parameters<T> {
  return { seed: SEED, numRuns };
}

/** The checker of `format: faxplus-datetime` rules, to recognise them in generated/rules.ts. */
const DATE_TIME = dateTime().check;

/** Whether a rule is checked as a calendar date (`format: faxplus-datetime`). */
export function isDateTimeRule(rule: SchemaRules): boolean {
  return rule.check === DATE_TIME;
}

// Code points: astral ones (emoji, two UTF-16 units each) as often as BMP ones, never a surrogate.
const codePoint = fc.oneof(
  fc.integer({ min: 0x1f300, max: 0x1faff }),
  fc.integer({ min: 0x20, max: 0xd7ff }),
  fc.integer({ min: 0xe000, max: 0x10ffff }),
);

/** A well-formed string of `min` to `max` code points (as JSON Schema counts its length). */
export function text(min: number, max: number): fc.Arbitrary<string> {
  return fc
    .array(codePoint, { minLength: min, maxLength: max })
    .map((points) => String.fromCodePoint(...points));
}

/** Code points in `value`, counted independently of the SDK. */
export function codePointCount(value: string): number {
  return Array.from(value).length;
}

/**
 * A value the rule accepts (arrays and free strings kept short). `full`: every listed field
 * present and every array holding at least one item, so that every position of the rule exists.
 */
export function valid(rule: SchemaRules, full = false): fc.Arbitrary<Json> {
  if (rule.enum) return fc.constantFrom(...(rule.enum as Json[]));
  switch (rule.type) {
    case "string":
      if (isDateTimeRule(rule)) return calendarTime(rule.pattern);
      if (rule.pattern !== undefined) {
        const min = rule.minLength ?? 0;
        const max = rule.maxLength ?? Number.POSITIVE_INFINITY;
        return fc.stringMatching(new RegExp(rule.pattern)).filter((value) => {
          const n = codePointCount(value);
          return n >= min && n <= max;
        });
      }
      return text(rule.minLength ?? 0, Math.min(rule.maxLength ?? 12, (rule.minLength ?? 0) + 12));
    case "integer":
      return fc.integer({ min: rule.minimum ?? -1_000_000, max: rule.maximum ?? 1_000_000 });
    case "number":
      return fc
        .double({ min: rule.minimum ?? -1e9, max: rule.maximum ?? 1e9, noNaN: true })
        .map((n) => n + 0); // no -0: JSON has no negative zero
    case "boolean":
      return fc.boolean();
    case "array": {
      const min = Math.max(rule.minItems ?? 0, full ? 1 : 0);
      const max = Math.min(rule.maxItems ?? min + 3, min + 3);
      return fc.array(valid(rule.items ?? JSON_RULE, full), { minLength: min, maxLength: max });
    }
    case "object":
      return validObject(rule, full);
    default:
      return json();
  }
}

const JSON_RULE = { type: "json" } as SchemaRules;

function validObject(rule: SchemaRules, full: boolean): fc.Arbitrary<Json> {
  const properties = rule.properties;
  if (properties === undefined) return fc.dictionary(fc.string({ maxLength: 8 }), json());
  const model: Record<string, fc.Arbitrary<Json>> = {};
  for (const [key, sub] of Object.entries(properties)) model[key] = valid(sub, full);
  const required = full
    ? Object.keys(properties)
    : Array.isArray(rule.required)
      ? rule.required
      : [];
  const oneOf = rule["x-at-least-one-of"];
  const record = fc.record(model, { requiredKeys: required }) as fc.Arbitrary<Record<string, Json>>;
  if (!oneOf) return record;
  return record.filter((value) => oneOf.some((key) => !isEmpty(value[key])));
}

function isEmpty(value: Json | undefined): boolean {
  return value === undefined || (Array.isArray(value) && value.length === 0);
}

/** Any JSON value, shallow. */
export function json(): fc.Arbitrary<Json> {
  return fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>;
}

/** Days in a month of the proleptic Gregorian calendar (RFC 3339, appendix C). */
export function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** Date and time parts; each is a number that may or may not be in range. */
export interface TimeParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  sign: "+" | "-";
  offsetHours: number;
  offsetMinutes: number;
}

/** `YYYY-MM-DD HH:mm:ss ±HHMM`, or without the offset when `pattern` has none. */
export function formatTime(parts: TimeParts, pattern?: string): string {
  const { year, month, day, hour, minute, second, sign, offsetHours, offsetMinutes } = parts;
  const local = `${pad(year, 4)}-${pad(month)}-${pad(day)} ${pad(hour)}:${pad(minute)}:${pad(second)}`;
  const zoned = `${local} ${sign}${pad(offsetHours)}${pad(offsetMinutes)}`;
  return pattern === undefined || new RegExp(pattern).test(zoned) ? zoned : local;
}

// Years where the leap rule is easy to get wrong (0 and 2000 are leap years, 1900 and 2100 not).
const year = fc.oneof(
  fc.constantFrom(0, 4, 100, 1900, 2000, 2024, 2025, 2100, 9999),
  fc.integer({ min: 0, max: 9999 }),
);

/** Real date-time parts: offsets within the world's range (-12:00 to +14:00, whole or half). */
export const realTime: fc.Arbitrary<TimeParts> = fc
  .record({
    year,
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 31 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.integer({ min: 0, max: 59 }),
    sign: fc.constantFrom("+" as const, "-" as const),
    offsetHours: fc.integer({ min: 0, max: 12 }),
    offsetMinutes: fc.constantFrom(0, 30, 45),
  })
  .map((parts) => ({ ...parts, day: Math.min(parts.day, daysIn(parts.year, parts.month)) }));

/**
 * Parts that fit `NNNN-NN-NN NN:NN:NN ±NNNN` but name no moment: one part out of its range (Feb 30,
 * Feb 29 of a common year, month 13, hour 24, second 61, offset +9999, ...), the others real.
 * Seconds of 60 and offset hours 15 to 23 are left out: RFC 3339 allows them, the world does not.
 */
export const unrealTime: fc.Arbitrary<TimeParts> = fc
  .tuple(
    realTime,
    fc.oneof(
      fc.record({ month: fc.constantFrom(0, 13, 99) }),
      fc.record({ day: fc.constantFrom(0, 32, 99) }),
      fc.record({ day: fc.constant(-1) }), // one past the month's last day, set below
      fc.record({ hour: fc.integer({ min: 24, max: 99 }) }),
      fc.record({ minute: fc.integer({ min: 60, max: 99 }) }),
      fc.record({ second: fc.integer({ min: 61, max: 99 }) }),
      fc.record({ offsetHours: fc.integer({ min: 24, max: 99 }) }),
      fc.record({ offsetMinutes: fc.integer({ min: 60, max: 99 }) }),
    ),
  )
  .map(([parts, broken]) => {
    const out: TimeParts = { ...parts, ...broken };
    if (out.day === -1) out.day = daysIn(out.year, out.month) + 1;
    return out;
  });

/** A real `YYYY-MM-DD HH:mm:ss[ ±HHMM]` moment, with the offset when `pattern` takes one. */
export function calendarTime(pattern?: string): fc.Arbitrary<string> {
  return realTime.map((parts) => formatTime(parts, pattern));
}

/** A recording server (test/support/server.ts) whose answer the test sets with `answer`. */
export interface Recorder {
  server: TestServer;
  /** Sets how the server answers from now on. */
  answer(handler: Handler): void;
  /** Forgets the requests received so far. */
  reset(): void;
}

/** Starts a recording server that answers `initial` until told otherwise. */
export async function recorder(initial: Handler): Promise<Recorder> {
  let handler = initial;
  // The key tag the SDK adds to every send is not what these tests check: it is taken out.
  const server = await startServer((request, res) => {
    if (request.method === "POST") stripKeyTag(request.json);
    return handler(request, res);
  });
  return {
    server,
    answer: (next) => {
      handler = next;
    },
    reset: () => {
      server.requests.length = 0;
    },
  };
}

/** A position in a value: object keys and array indexes, from the root. */
export type Path = readonly (string | number)[];

/** The field name the SDK uses for a path: `options.retry.count`, `to[3]`. */
export function fieldName(path: Path): string {
  let name = "";
  for (const part of path) {
    name += typeof part === "number" ? `[${part}]` : name === "" ? part : `.${part}`;
  }
  return name;
}

/** Every path inside `value` (not the root itself), parents before children. */
export function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [];
  if (Array.isArray(value)) {
    value.forEach((item, i) => out.push([...prefix, i], ...pathsOf(item, [...prefix, i])));
  } else if (typeof value === "object" && value !== null) {
    for (const key of Object.keys(value)) {
      const item = (value as Record<string, unknown>)[key];
      out.push([...prefix, key], ...pathsOf(item, [...prefix, key]));
    }
  }
  return out;
}

/** The value at `path`, or undefined. */
export function getAt(value: unknown, path: Path): unknown {
  let node = value;
  for (const part of path) node = (node as Record<string | number, unknown> | undefined)?.[part];
  return node;
}

/** Puts `item` at `path` (its parent must exist) as an own data field; returns `value`. */
export function setAt<T>(value: T, path: Path, item: unknown): T {
  if (path.length === 0) return item as T;
  const parent = getAt(value, path.slice(0, -1)) as object;
  Object.defineProperty(parent, path[path.length - 1] as string | number, {
    value: item,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return value;
}

/** A deep copy through JSON text, as a caller's `JSON.parse` would give it. */
export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * `object` with one more field, made by `JSON.parse` of its text: `__proto__` becomes an own
 * field, as in a payload that came from JSON.
 */
export function withKey(object: object, key: string, item: Json): Record<string, Json> {
  const inner = JSON.stringify(object).slice(1, -1);
  const field = `${JSON.stringify(key)}:${JSON.stringify(item)}`;
  return JSON.parse(`{${inner ? `${inner},` : ""}${field}}`) as Record<string, Json>;
}

/** JSON text with object keys sorted, to compare values whatever their key order. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item !== "object" || item === null || Array.isArray(item)) return item;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(item).sort()) {
      Object.defineProperty(sorted, key, {
        value: (item as Record<string, unknown>)[key],
        enumerable: true,
      });
    }
    return sorted;
  });
}

/** Every position in `rule`: its objects' fields and its arrays' first items, with their rules. */
export function positions(rule: SchemaRules, prefix: Path = []): [Path, SchemaRules][] {
  const out: [Path, SchemaRules][] = [];
  if (rule.type === "array" && rule.items) {
    out.push([[...prefix, 0], rule.items], ...positions(rule.items, [...prefix, 0]));
  }
  for (const [key, sub] of Object.entries(rule.properties ?? {})) {
    out.push([[...prefix, key], sub], ...positions(sub, [...prefix, key]));
  }
  return out;
}

/** Whether `value` has the JSON type `rule` asks for (any number for integers; plain objects). */
export function hasRuleType(rule: SchemaRules, value: unknown): boolean {
  switch (rule.type) {
    case "string":
      return typeof value === "string";
    case "integer":
    case "number":
      return typeof value === "number";
    case "boolean":
      return typeof value === "boolean";
    case "array":
      return Array.isArray(value);
    case "object": {
      if (typeof value !== "object" || value === null) return false;
      const proto = Object.getPrototypeOf(value) as unknown;
      return proto === Object.prototype || proto === null;
    }
    default:
      return true;
  }
}

/** Values of every JavaScript type a caller might pass by mistake (never undefined). */
export const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.string({ maxLength: 6 }),
  fc.constant(null),
  fc.array(json(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), json(), { maxKeys: 3 }),
  fc.constantFrom<unknown>(Symbol("s"), 10n, () => "f", new Date(0), new Uint8Array(1)),
);

/** A value of another type than `rule` asks for. */
export function wrongType(rule: SchemaRules): fc.Arbitrary<unknown> {
  return anyValue.filter((value) => !hasRuleType(rule, value));
}

/** The paths of the objects in `rule` whose fields the spec lists (closed), the root included. */
export function closedObjects(rule: SchemaRules, prefix: Path = []): [Path, SchemaRules][] {
  const out: [Path, SchemaRules][] = [];
  if (rule.type !== "object" || rule.properties === undefined) return out;
  if (rule.additionalProperties === undefined || rule.additionalProperties === false) {
    out.push([prefix, rule]);
  }
  for (const [key, sub] of Object.entries(rule.properties)) {
    out.push(...closedObjects(sub, [...prefix, key]));
  }
  return out;
}

// parseWebhook under random JSON shapes: it either throws a ValidationError naming a field that
// really breaks the spec's WebhookCallback schema (generated/rules.ts), or returns a copy of the
// input whose every listed field has the type the spec says. An independent oracle, built from the
// same rules, decides which.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as rules from "../../generated/rules.js";
import { parseWebhook, ValidationError } from "../../src/index.js";
import type { Json, SchemaRules } from "../../src/core/validate.js";
import { canonical, json, runs, text, valid } from "./generators.js";

const callback = rules.WebhookCallback;
/** The objects the narrowed type needs: `hook` with its `event`, and `data`. */
const REQUIRED = ["hook", "hook.event", "data"];

/** Whether a value satisfies a field's rule: type, enum, pattern, minimum (the oracle). */
function satisfies(rule: SchemaRules, value: unknown): boolean {
  if (rule.enum && !rule.enum.includes(value)) return false;
  switch (rule.type) {
    case "string":
      return typeof value === "string" && (!rule.pattern || new RegExp(rule.pattern).test(value));
    case "number":
    case "integer":
      return (
        typeof value === "number" &&
        Number.isFinite(value) &&
        (rule.minimum === undefined || value >= rule.minimum)
      );
    case "boolean":
      return typeof value === "boolean";
    default:
      return true;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The fields of `value` that break the schema, by name (`body`, `hook`, `data.pages`, ...). */
function problems(value: unknown): string[] {
  if (!isObject(value)) return ["body"];
  const out: string[] = [];
  for (const name of ["hook", "data"] as const) {
    const rule = callback.properties[name];
    const part = value[name];
    if (part === undefined) {
      out.push(name);
      continue;
    }
    if (!isObject(part)) {
      out.push(name);
      continue;
    }
    for (const [key, sub] of Object.entries(rule.properties)) {
      if (part[key] !== undefined && !satisfies(sub, part[key])) out.push(`${name}.${key}`);
    }
    if (name === "hook" && part["event"] === undefined) out.push("hook.event");
  }
  return out;
}

/** A listed field: valid for its rule, or any JSON value (often of another type), or absent. */
function field(rule: SchemaRules): fc.Arbitrary<Json | undefined> {
  return fc.oneof(
    { weight: 20, arbitrary: valid(rule) },
    { weight: 1, arbitrary: json() },
    { weight: 2, arbitrary: fc.constant(undefined) },
  );
}

/** Extra fields, named like anything (Object.prototype members included), of any JSON value. */
const extras = fc.dictionary(
  fc.oneof(
    fc.string({ maxLength: 6 }),
    fc.constantFrom(...Object.getOwnPropertyNames(Object.prototype)),
  ),
  json(),
  { maxKeys: 3 },
);

function part(rule: SchemaRules): fc.Arbitrary<Json | undefined> {
  const model: Record<string, fc.Arbitrary<Json | undefined>> = {};
  for (const [key, sub] of Object.entries(rule.properties ?? {})) model[key] = field(sub);
  const shaped = fc
    .tuple(fc.record(model), extras)
    .map(([fields, extra]) => ({ ...extra, ...fields }) as Json);
  return fc.oneof(
    { weight: 20, arbitrary: shaped },
    { weight: 1, arbitrary: json() },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

/**
 * A callback-like body, as JSON text: parsed, keys such as `__proto__` are own fields, as in a
 * body that arrived over HTTP. Undefined fields are left out.
 */
const body = fc.oneof(
  {
    weight: 16,
    arbitrary: fc
      .tuple(part(callback.properties.hook), part(callback.properties.data), extras)
      .map(([hook, data, extra]) => JSON.stringify({ ...extra, hook, data })),
  },
  { weight: 1, arbitrary: json().map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: text(0, 8) }, // not JSON, mostly
);

describe("parseWebhook", () => {
  it("refuses by a field that breaks the schema, or returns the body with every listed field of its type", () => {
    fc.assert(
      fc.property(body, fc.boolean(), (raw, asText) => {
        let input: unknown;
        try {
          input = JSON.parse(raw);
        } catch {
          input = undefined; // not JSON: only the text form can be given
        }
        const given = asText || input === undefined ? raw : input;
        const wrong = input === undefined ? ["body"] : problems(input);
        let result: unknown;
        try {
          result = parseWebhook(given);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
          expect(wrong).toContain((error as ValidationError).field);
          return;
        }
        expect(wrong).toEqual([]);
        expect(canonical(result)).toBe(canonical(input));
        // Every field the spec lists has its type in what was returned.
        const checked = result as Record<"hook" | "data", Record<string, unknown>>;
        for (const name of ["hook", "data"] as const) {
          for (const [key, sub] of Object.entries(callback.properties[name].properties)) {
            const value = checked[name][key];
            if (value !== undefined) expect(satisfies(sub, value)).toBe(true);
          }
        }
        expect(
          REQUIRED.every(
            (path) =>
              path
                .split(".")
                .reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], checked) !==
              undefined,
          ),
        ).toBe(true);
      }),
      runs(500),
    );
  });

  it("a returned callback is a copy: changing the input afterwards changes nothing", () => {
    fc.assert(
      fc.property(
        valid(callback).filter((value) => problems(value).length === 0),
        (value) => {
          const input = JSON.parse(JSON.stringify(value)) as Record<
            string,
            Record<string, unknown>
          >;
          const result = parseWebhook(input);
          const before = canonical(result);
          for (const name of ["hook", "data"]) if (input[name]) input[name]["id"] = 12345;
          expect(canonical(result)).toBe(before);
        },
      ),
      runs(100),
    );
  });
});

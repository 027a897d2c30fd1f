// Client-side validation from the spec's own constraints (generated/rules.ts): a request that the
// API would reject is refused here, with the field, its position and the rule, before anything is sent.
import type { OperationRules, SchemaRules } from "../generated/rules.js";
import { ValidationError } from "./errors.js";

/**
 * Checks `value` against `rules` and throws a {@link ValidationError} naming the first field that
 * breaks a rule, e.g. `to[3]: must match pattern ^[+][0-9]{8,}...`.
 * @param field the name of `value` in messages ("" for a request body)
 */
export function check(rules: SchemaRules, value: unknown, field = ""): void {
  const fail = (rule: string): never => {
    throw new ValidationError(field || "body", rule);
  };
  if (rules.enum && !rules.enum.includes(value)) fail(`must be one of ${rules.enum.join(", ")}`);
  switch (rules.type) {
    case "string":
      if (typeof value !== "string") fail("must be a string");
      checkString(rules, value as string, fail);
      break;
    case "integer":
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value))
        fail(rules.type === "integer" ? "must be an integer" : "must be a number");
      if (rules.type === "integer" && !Number.isInteger(value)) fail("must be an integer");
      if (rules.minimum !== undefined && (value as number) < rules.minimum)
        fail(`must be at least ${rules.minimum}`);
      if (rules.maximum !== undefined && (value as number) > rules.maximum)
        fail(`must be at most ${rules.maximum}`);
      break;
    case "boolean":
      if (typeof value !== "boolean") fail("must be true or false");
      break;
    case "array":
      if (!Array.isArray(value)) fail("must be an array");
      checkArray(rules, value as unknown[], field, fail);
      break;
    case "object":
    case undefined:
      if (rules.properties || rules.required || rules.type === "object") {
        if (typeof value !== "object" || value === null || Array.isArray(value))
          fail("must be an object");
        checkObject(rules, value as Record<string, unknown>, field, fail);
      }
  }
}

function checkString(rules: SchemaRules, value: string, fail: (rule: string) => never) {
  if (rules.minLength !== undefined && value.length < rules.minLength)
    fail(`must be at least ${rules.minLength} characters (got ${value.length})`);
  if (rules.maxLength !== undefined && value.length > rules.maxLength)
    fail(`must be at most ${rules.maxLength} characters (got ${value.length})`);
  if (rules.pattern !== undefined && !regex(rules.pattern).test(value))
    fail(`must match pattern ${rules.pattern} (got ${JSON.stringify(value)})`);
}

function checkArray(
  rules: SchemaRules,
  value: unknown[],
  field: string,
  fail: (rule: string) => never,
) {
  if (rules.minItems !== undefined && value.length < rules.minItems)
    fail(`must have at least ${rules.minItems} item(s)`);
  if (rules.maxItems !== undefined && value.length > rules.maxItems)
    fail(`must have at most ${rules.maxItems} items (got ${value.length})`);
  if (rules.items) value.forEach((item, i) => check(rules.items!, item, `${field}[${i}]`));
}

function checkObject(
  rules: SchemaRules,
  value: Record<string, unknown>,
  field: string,
  fail: (rule: string) => never,
) {
  const name = (key: string) => (field ? `${field}.${key}` : key);
  if (Array.isArray(rules.required)) {
    for (const key of rules.required) {
      if (value[key] === undefined) throw new ValidationError(name(key), "is required");
    }
  }
  const oneOf = rules["x-at-least-one-of"];
  if (oneOf && oneOf.every((key) => value[key] === undefined)) {
    throw new ValidationError(oneOf.map(name).join(" or "), "at least one of them is required");
  }
  for (const [key, item] of Object.entries(value)) {
    const itemRules = rules.properties?.[key];
    if (itemRules) {
      if (item !== undefined) check(itemRules, item, name(key));
    } else if (rules.additionalProperties === false) {
      throw new ValidationError(name(key), "is not a field of this request");
    } else if (rules.additionalProperties && item !== undefined) {
      check(rules.additionalProperties, item, name(key));
    }
  }
}

/**
 * Checks query parameters against an operation's `query.*` rules: unknown names, missing
 * required ones and bad values throw a {@link ValidationError} such as `query.limit: ...`.
 */
export function checkQuery(operation: OperationRules, query: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(query)) {
    const paramRules = operation.params[`query.${key}`];
    if (!paramRules)
      throw new ValidationError(`query.${key}`, "is not a parameter of this request");
    if (value !== undefined) check(paramRules, value, `query.${key}`);
  }
  for (const [name, paramRules] of Object.entries(operation.params)) {
    const key = name.slice("query.".length);
    if (name.startsWith("query.") && paramRules.required === true && query[key] === undefined) {
      throw new ValidationError(name, "is required");
    }
  }
}

const compiled = new Map<string, RegExp>();
function regex(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (!re) compiled.set(pattern, (re = new RegExp(pattern)));
  return re;
}

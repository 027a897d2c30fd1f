// The rule model: from the merged OpenAPI document to the rules the SDK runs on (what each
// operation takes and answers, and what the API sends outside any operation). The emitters in
// emit/ write it out; the shape of one operation's rules is src/core/rules.ts (`OperationRules`).
import {
  compare,
  operationsOf,
  requestParameters,
  resolve,
  schemaRefName,
  SpecError,
} from "./openapi.js";

/** The JSON Schema keywords the SDK's validator understands (src/core/validate.ts). */
const CHECKED_KEYWORDS = [
  "type",
  "format",
  "enum",
  "pattern",
  "minLength",
  "maxLength",
  "minItems",
  "maxItems",
  "minimum",
  "maximum",
  "required",
  "x-at-least-one-of",
];
/** The vendor extensions the SDK reads elsewhere (src/core/rules.ts, `RuleExtensions`). */
const EXTENSION_KEYWORDS = ["x-accepted-formats", "x-max-total-bytes"];

/**
 * The validation rules of every operation, sorted by operationId: its parameters (keyed
 * `path.user_id`, `query.limit`), its request body (JSON or multipart), and what its success
 * response holds. `$ref`s become shared objects (one per component); read-only properties and
 * prose are dropped.
 * @param {any} doc the merged document
 */
export function extractRules(doc) {
  const cache = new Map();
  const rules = {};
  for (const { path, method, op } of operationsOf(doc)) {
    const params = {};
    for (const param of requestParameters(doc, op)) {
      const rule = schemaRules(doc, param.schema ?? {}, cache);
      // A parameter's own example stands for its schema's (OpenAPI puts it on either).
      const example =
        rule.pattern !== undefined &&
        rule.example === undefined &&
        typeof param.example === "string"
          ? { example: param.example }
          : {};
      params[`${param.in}.${param.name}`] = {
        ...rule,
        ...example,
        ...(param.required ? { required: true } : {}),
      };
    }
    const rule = { id: op.operationId, method: method.toUpperCase(), path, params };
    const requestBody = op.requestBody && resolve(doc, op.requestBody);
    const content = requestBody?.content ?? {};
    if (content["application/json"]?.schema) {
      rule.body = schemaRules(doc, content["application/json"].schema, cache);
      rule.bodyType = "json";
    } else if (content["multipart/form-data"]?.schema) {
      rule.body = schemaRules(doc, content["multipart/form-data"].schema, cache);
      rule.bodyType = "multipart";
    } else if (Object.keys(content).length) {
      const types = Object.keys(content).join(", ");
      throw new SpecError(`${op.operationId}: request body type ${types} is not supported`);
    }
    if (rule.body && requestBody.required === true) rule.bodyRequired = true;
    rule.response = successKind(doc, op);
    rules[op.operationId] = rule;
  }
  return Object.fromEntries(Object.entries(rules).sort(([a], [b]) => compare(a, b)));
}

/** `json`, `binary` (a file download) or `empty`, from the operation's 2xx responses. */
function successKind(doc, op) {
  let kind = "empty";
  for (const [code, raw] of Object.entries(op.responses ?? {})) {
    if (!code.startsWith("2")) continue;
    const content = resolve(doc, raw).content ?? {};
    if (content["application/json"]) return "json";
    if (Object.keys(content).length) kind = "binary";
  }
  return kind;
}

/**
 * The rules of the component schemas no operation uses: what the API sends elsewhere, such as
 * the body of a webhook callback (`WebhookCallback`), for the SDK to check what it receives.
 * Read-only fields count, and objects accept fields the spec does not list yet.
 */
export function extractReceivedRules(doc) {
  const used = new Set();
  const visit = (node) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== "object" || node === null) return;
    const name = schemaRefName(node);
    if (name && !used.has(name)) {
      used.add(name);
      visit(doc.components.schemas[name]);
    }
    Object.values(node).forEach(visit);
  };
  visit(doc.paths);
  visit(doc.components?.responses);
  visit(doc.components?.parameters);
  visit(doc.components?.requestBodies);
  const cache = new Map();
  const received = {};
  for (const name of Object.keys(doc.components?.schemas ?? {}).sort(compare)) {
    if (!used.has(name)) {
      received[name] = schemaRules(doc, { $ref: `#/components/schemas/${name}` }, cache, true);
    }
  }
  return received;
}

function schemaRules(doc, raw, cache, received = false) {
  const ref = raw?.$ref;
  if (ref && cache.has(ref)) return cache.get(ref);
  const schema = resolve(doc, raw);
  const out = {};
  if (ref) cache.set(ref, out); // before recursing: a recursive schema refers to itself
  for (const key of CHECKED_KEYWORDS) if (schema[key] !== undefined) out[key] = schema[key];
  // An example travels with a pattern only: messages show it instead of the regex.
  if (typeof schema.pattern === "string" && typeof schema.example === "string") {
    out.example = schema.example;
  }
  for (const key of EXTENSION_KEYWORDS) if (schema[key] !== undefined) out[key] = schema[key];
  if (schema.additionalProperties === false) out.additionalProperties = false;
  if (schema.properties) {
    out.properties = {};
    for (const [name, value] of Object.entries(schema.properties)) {
      if (received || !resolve(doc, value).readOnly) {
        out.properties[name] = schemaRules(doc, value, cache, received);
      }
    }
  }
  if (schema.items) out.items = schemaRules(doc, schema.items, cache, received);
  if (schema.additionalProperties && typeof schema.additionalProperties === "object") {
    out.additionalProperties = schemaRules(doc, schema.additionalProperties, cache, received);
  } else if (received && schema.properties && schema.additionalProperties === undefined) {
    out.additionalProperties = {}; // received data may carry fields added since
  }
  if (received && schema.nullable) out.nullable = true;
  return out;
}

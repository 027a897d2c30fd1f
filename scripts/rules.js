// From the merged OpenAPI document to what the SDK runs on: the request rules of every operation
// (generated/rules.ts), a named type for every schema and every operation's parameters
// (generated/types.ts), and one standalone function per operation (generated/operations.ts).
// Pure functions: scripts/generate.js does the I/O and the formatting.
import { SpecError } from "./spec.js";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/** The JSON Schema keywords the SDK's validator understands (src/core/validate.ts). */
const RULE_KEYWORDS = [
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

/**
 * JavaScript and DOM globals: a schema named like one of them (`Error`, `Number`) would shadow it in
 * user code, so it needs an `x-sdk-name` (set by a correction in spec/).
 */
const GLOBAL_NAMES = new Set([
  ...Object.getOwnPropertyNames(globalThis),
  ...["Blob", "File", "FormData", "Headers", "Request", "Response", "URL", "Event", "Document"],
  ...["Element", "Node", "Text", "Comment", "Location", "History", "Storage", "Window", "Image"],
]);

/**
 * The validation rules of every operation: its parameters (keyed `path.user_id`, `query.limit`),
 * its request body (JSON or multipart), and what its success response holds. `$ref`s are
 * resolved to shared objects (one per component), read-only properties and prose are dropped.
 * @param {any} doc the merged document
 */
export function extractRules(doc) {
  const cache = new Map();
  const rules = {};
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue;
      const params = {};
      for (const raw of op.parameters ?? []) {
        const param = resolve(doc, raw);
        if (param.in !== "path" && param.in !== "query") continue; // headers: set by the client
        params[`${param.in}.${param.name}`] = {
          ...schemaRules(doc, param.schema ?? {}, cache),
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
    if (!isObject(node)) return;
    const match = /^#\/components\/schemas\/(.+)$/.exec(node.$ref ?? "");
    if (match && !used.has(match[1])) {
      used.add(match[1]);
      visit(doc.components.schemas[match[1]]);
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
  for (const key of RULE_KEYWORDS) if (schema[key] !== undefined) out[key] = schema[key];
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

/**
 * generated/rules.ts: one exported constant per operation, in a form bundlers drop when unused.
 * Every rule is a call of its kind's function (src/core/validate.ts: `string({ maxLength: 100 })`),
 * so that a bundle keeps only the checkers its rules use. Rules used more than once (the same
 * component, or identical inline rules) are written once as a module constant and referenced.
 */
export function emitRules(rules, received = {}) {
  const counts = new Map();
  const count = (node) => {
    const key = canonical(node);
    counts.set(key, (counts.get(key) ?? 0) + 1);
    if ((counts.get(key) ?? 0) > 1) return; // children counted on the first visit
    for (const child of ruleChildren(node)) count(child);
  };
  for (const rule of Object.values(rules)) {
    for (const param of Object.values(rule.params)) count(param);
    if (rule.body) count(rule.body);
  }
  for (const schema of Object.values(received)) count(schema);

  const shared = new Map(); // canonical JSON -> constant name
  const declarations = [];
  const kinds = new Set();
  /** The rule as a call of its kind's function; shared rules by the name of their constant. */
  const call = (node, top = false) => {
    const key = canonical(node);
    if (!top && shared.has(key)) return shared.get(key);
    if (!top && (counts.get(key) ?? 0) > 1 && key.length > 16) {
      const body = call(node, true); // children first: declared before this constant
      const name = `r${shared.size}`;
      shared.set(key, name);
      declarations.push(`const ${name} = ${body};`);
      return name;
    }
    const kind = kindOf(node);
    kinds.add(kind);
    const fields = Object.entries(node)
      .filter(([k]) => k !== "type")
      .map(([k, v]) => {
        let value;
        if (k === "properties") {
          const props = Object.entries(v).map(
            ([name, child]) => `${JSON.stringify(name)}: ${call(child)}`,
          );
          value = `{ ${props.join(", ")} }`;
        } else if ((k === "items" || k === "additionalProperties") && isObject(v)) value = call(v);
        else value = JSON.stringify(v);
        return `${JSON.stringify(k)}: ${value}`;
      });
    // Pure: a bundler drops the rules of operations an app does not use.
    return `/* @__PURE__ */ ${kind}(${fields.length ? `{ ${fields.join(", ")} }` : ""})`;
  };

  const exports = Object.values(rules).map((rule) => {
    const { params, body, ...rest } = rule;
    const fields = Object.entries(rest).map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
    const paramFields = Object.entries(params).map(([k, v]) => `${JSON.stringify(k)}: ${call(v)}`);
    fields.push(`params: { ${paramFields.join(", ")} }`);
    if (body) fields.push(`body: ${call(body)}`);
    return `/** \`${rule.method} ${rule.path}\` */\nexport const ${rule.id} = { ${fields.join(", ")} } as const satisfies OperationRules;`;
  });
  const receivedExports = Object.entries(received).map(
    ([name, schema]) =>
      // A schema that operations share too is their constant, not a second copy of it.
      `/** What the API sends as \`${name}\` (outside any operation's answer). */\nexport const ${name} = ${call(schema)};`,
  );

  return `// Generated by scripts/generate.js from spec/: the rules the SDK checks before sending (and what
// it receives outside an operation's answer). Do not edit. One constant per operation: a bundle
// keeps only those of the operations an app uses, and only the checkers their rules need.
import { ${[...kinds].sort().join(", ")}, type SchemaRules } from "../src/core/validate.js";

/** One operation of the spec, as the SDK calls and checks it. */
export interface OperationRules {
  /** The spec's operationId. */
  readonly id: string;
  readonly method: string;
  /** The path template, e.g. \`/accounts/{user_id}/faxes/{fax_id}\`. */
  readonly path: string;
  /** Parameters, keyed \`path.user_id\`, \`query.limit\`, ... */
  readonly params: { readonly [name: string]: SchemaRules };
  readonly body?: SchemaRules;
  readonly bodyType?: "json" | "multipart";
  /** The spec marks the request body as required. */
  readonly bodyRequired?: boolean;
  /** What a success response holds. */
  readonly response: "json" | "binary" | "empty";
}

${declarations.join("\n")}

${exports.join("\n\n")}

${receivedExports.join("\n\n")}
`;
}

/** The kind function of a rule (src/core/validate.ts). */
function kindOf(node) {
  if (node.format === "binary") return "binary";
  if (node.format === "faxplus-datetime") return "dateTime";
  switch (node.type) {
    case "string":
    case "integer":
    case "number":
    case "boolean":
    case "array":
    case "object":
      return node.type;
    case undefined:
      return node.properties || node.required ? "object" : "json";
    default:
      throw new SpecError(`a schema of type ${node.type} is not supported by the validator`);
  }
}

/** The rules nested in a rule (not its properties map itself). */
function ruleChildren(node) {
  const out = [];
  if (node.properties) out.push(...Object.values(node.properties));
  if (isObject(node.items)) out.push(node.items);
  if (isObject(node.additionalProperties)) out.push(node.additionalProperties);
  return out;
}

/**
 * generated/types.ts: a named type for every schema (an interface for object schemas, so that
 * editors and the API docs show \`Fax\` instead of its structure), and the parameters of every
 * operation as one flat object: path parameters (`user_id` optional: the client's userId),
 * query parameters and the fields of the request body.
 */
export function emitTypes(doc, rules) {
  const names = schemaNames(doc);
  const lines = [];
  for (const [schemaName, schema] of Object.entries(doc.components?.schemas ?? {})) {
    const name = names.get(schemaName);
    const ref = `Schema<${JSON.stringify(schemaName)}>`;
    lines.push(docComment(schema.description ?? schema.title, `The \`${schemaName}\` schema.`));
    lines.push(
      isObjectSchema(schema)
        ? `export interface ${name} extends ${ref} {}`
        : `export type ${name} = ${ref};`,
    );
  }

  for (const rule of Object.values(rules)) {
    const op = operationOf(doc, rule);
    const members = [];
    const seen = new Map();
    const claim = (field, where) => {
      if (seen.has(field)) {
        throw new SpecError(
          `${rule.id}: ${where} "${field}" has the name of ${seen.get(field)}; the SDK passes them in one object`,
        );
      }
      seen.set(field, where);
    };
    for (const raw of op.parameters ?? []) {
      const param = resolve(doc, raw);
      if (param.in !== "path" && param.in !== "query") continue;
      claim(param.name, `${param.in} parameter`);
      const type =
        param.in === "path"
          ? `operations[${JSON.stringify(rule.id)}]["parameters"]["path"][${JSON.stringify(param.name)}]`
          : `NonNullable<operations[${JSON.stringify(rule.id)}]["parameters"]["query"]>[${JSON.stringify(param.name)}]`;
      const optional = param.name === "user_id" || !param.required;
      const note =
        param.name === "user_id" ? "Default: the client's `userId` (`self` unless set)." : "";
      members.push(docComment([param.description, note].filter(Boolean).join(" "), ""));
      members.push(
        `${propertyName(param.name)}${optional ? "?" : ""}: ${type}${optional ? " | undefined" : ""};`,
      );
    }
    let base = "";
    if (rule.body) {
      const body = resolve(doc, op.requestBody);
      const [mediaType, media] = Object.entries(body.content)[0];
      const schema = resolve(doc, media.schema);
      for (const field of Object.keys(schema.properties ?? {})) claim(field, "body field");
      const named = refName(media.schema, names);
      const type =
        named ??
        `Shape<operations[${JSON.stringify(rule.id)}]["requestBody"]["content"][${JSON.stringify(mediaType)}]>`;
      // The body's own required fields stay required, whether or not the spec marks the body
      // itself required: the parameters are one object, and a body without them is refused.
      base = ` extends ${type}`;
    }
    const title = `Parameters of \`${rule.id}\` (\`${rule.method} ${rule.path}\`)`;
    lines.push(
      docComment(
        `${title}: path and query parameters and the request body's fields, in one object.`,
        "",
      ),
    );
    lines.push(`export interface ${paramsName(rule.id)}${base} {\n${members.join("\n")}\n}`);
  }

  return `// Generated by scripts/generate.js from spec/: named types of the schemas and of the parameters
// of every operation. Do not edit.
import type { components, operations } from "./schema.js";

/** A schema of the spec by its name in \`components.schemas\`. */
type Schema<Name extends keyof components["schemas"]> = components["schemas"][Name];
/** Lets an interface extend an indexed type (TypeScript wants a name with type arguments there). */
type Shape<T> = T;

${lines.join("\n")}
`;
}

/**
 * generated/operations.ts: one function per operation, `op(client, params?, options?)`, which
 * validates the parameters against the spec's rules, sends the request and returns the data.
 */
export function emitOperations(doc, rules) {
  const names = schemaNames(doc);
  const encoders = [
    ...new Set(
      Object.values(rules)
        .map((r) => r.bodyType)
        .filter(Boolean),
    ),
  ]
    .sort()
    .map((type) => `${type}Body`);
  const blocks = Object.values(rules).map((rule) => {
    const op = operationOf(doc, rule);
    const data = dataType(doc, rule, op, names);
    const summary = op.summary ?? rule.id;
    const description = firstParagraph(op.description);
    const text = [
      `${summary}: \`${rule.method} ${rule.path}\`.`,
      description,
      "@throws ValidationError before sending when a parameter breaks the spec's rules; ApiError (by status) for a non-2xx answer; ConnectionError / TimeoutError when no answer came.",
    ];
    return `${docComment(text.filter(Boolean).join("\n\n"), "")}
export const ${rule.id}: Operation<T.${paramsName(rule.id)}, ${data}> = /* @__PURE__ */ operation(rules.${rule.id}${rule.bodyType ? `, ${rule.bodyType}Body` : ""});`;
  });
  return `// Generated by scripts/generate.js from spec/: one standalone function per operation of the spec.
// Do not edit. Each takes the client first: \`await getFax(client, { fax_id })\`.
import { ${[...encoders, "operation", "type Operation"].join(", ")} } from "../src/operations/operation.js";
import * as rules from "./rules.js";
import type { operations } from "./schema.js";
import type * as T from "./types.js";

${blocks.join("\n\n")}
`;
}

/**
 * README's table of operations (between `<!-- operations:start -->` and `<!-- operations:end -->`):
 * the standalone function of each, its method and path, and the spec's summary.
 */
export function emitOperationsTable(doc, rules) {
  const rows = Object.values(rules).map((rule) => {
    const summary = (operationOf(doc, rule).summary ?? "").replaceAll("|", "\\|");
    return `| \`${rule.id}\` | ${rule.method} ${rule.path} | ${summary} |`;
  });
  return [
    "| function (and `fax.operations.*`) | method and path | what it does |",
    "| --- | --- | --- |",
    ...rows,
  ].join("\n");
}

/** `getFax` -> `GetFaxParams`. */
export function paramsName(operationId) {
  return `${operationId[0].toUpperCase()}${operationId.slice(1)}Params`;
}

/** The TypeScript type of an operation's success data (named types prefixed `T.`). */
function dataType(doc, rule, op, names) {
  if (rule.response === "binary") return "Blob";
  if (rule.response === "empty") return "void";
  const types = new Set();
  for (const [code, raw] of Object.entries(op.responses ?? {})) {
    if (!code.startsWith("2")) continue;
    const media = resolve(doc, raw).content?.["application/json"];
    if (!media) continue;
    const named = refName(media.schema, names);
    types.add(
      named
        ? `T.${named}`
        : `NonNullable<operations[${JSON.stringify(rule.id)}]["responses"][${code}]["content"]>["application/json"]`,
    );
  }
  return [...types].join(" | ");
}

/** The SDK's name of every schema: its own, or `x-sdk-name` where its own shadows a global. */
function schemaNames(doc) {
  const names = new Map();
  for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) {
    const sdkName = schema["x-sdk-name"] ?? name;
    if (GLOBAL_NAMES.has(sdkName)) {
      throw new SpecError(
        `components.schemas.${name} would shadow the global ${sdkName} in user code: give it an x-sdk-name in spec/ (e.g. ${name}Body)`,
      );
    }
    if (!/^[A-Z][A-Za-z0-9]*$/.test(sdkName)) {
      throw new SpecError(`components.schemas.${name}: ${sdkName} is not a PascalCase type name`);
    }
    names.set(name, sdkName);
  }
  return names;
}

function refName(schema, names) {
  const match = /^#\/components\/schemas\/(.+)$/.exec(schema?.$ref ?? "");
  return match ? names.get(match[1]) : undefined;
}

function isObjectSchema(schema) {
  return (
    (schema.type === "object" || (schema.type === undefined && schema.properties)) &&
    !schema.oneOf &&
    !schema.anyOf &&
    !schema.allOf &&
    !schema.nullable
  );
}

function operationOf(doc, rule) {
  return doc.paths[rule.path][rule.method.toLowerCase()];
}

function docComment(text, fallback) {
  const body = (text || fallback).trim();
  if (!body) return "";
  const safe = body.replaceAll("*/", "*\\/");
  return `/**\n${safe
    .split("\n")
    .map((line) => ` * ${line}`.trimEnd())
    .join("\n")}\n */`;
}

function firstParagraph(text) {
  return (text ?? "").trim().split(/\n\s*\n/)[0] ?? "";
}

function propertyName(name) {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
}

function canonical(node) {
  return JSON.stringify(node);
}

function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function resolve(doc, value) {
  let seen = 0;
  while (value?.$ref) {
    if (++seen > 20) throw new SpecError(`$ref cycle at ${value.$ref}`);
    const target = value.$ref
      .slice(2)
      .split("/")
      .map((key) => key.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce((node, key) => node?.[key], doc);
    if (target === undefined) throw new SpecError(`unresolved $ref ${value.$ref}`);
    value = target;
  }
  return value;
}

function compare(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

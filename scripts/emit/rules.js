// generated/rules.ts: one exported constant per operation, in a form bundlers drop when unused.
// Every rule is a call of its kind's function (src/core/validate.ts: `string({ maxLength: 100 })`),
// so that a bundle keeps only the checkers its rules use; a pattern is the constraints of
// src/core/patterns.ts (`string(pattern("^[0-9]+$", { example: "42" }))`), which bring its check
// and its words, so that only a bundle with a patterned rule carries them. Rules used more than
// once (the same component, or identical inline rules) are written once as a module constant.
// Every byte here is in the bundle of an app that uses the operation, so what goes without saying
// is left out: the operationId (the constant's name), a JSON body and answer (`bodyType` and
// `response` say only multipart, binary or empty), a keyword the kind implies (`type`, `format`),
// and `additionalProperties: false` (an object takes other fields only when it gives their rule).
// The type every operation's constant satisfies is src/core/rules.ts (`OperationRules`).
import { isObject, SpecError } from "../openapi.js";

/**
 * @param {Record<string, any>} rules extractRules(doc)
 * @param {Record<string, any>} received extractReceivedRules(doc)
 */
export function emitRules(rules, received = {}) {
  const counts = new Map();
  const count = (node) => {
    const key = JSON.stringify(node);
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
  const used = new Set(); // the functions of src/core/validate.ts the rules call
  let usesPattern = false;
  /** The rule as a call of its kind's function; shared rules by the name of their constant. */
  const call = (node, top = false) => {
    const key = JSON.stringify(node);
    if (!top && shared.has(key)) return shared.get(key);
    if (!top && (counts.get(key) ?? 0) > 1 && key.length > 16) {
      const body = call(node, true); // children first: declared before this constant
      const name = `r${shared.size}`;
      shared.set(key, name);
      declarations.push(`const ${name} = ${body};`);
      return name;
    }
    const kind = kindOf(node);
    used.add(kind);
    const fields = Object.entries({ ...node, ...anyValues(kind, node) })
      .filter(([k, v]) => !implied(k, v))
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
    let constraints = fields.length ? `{ ${fields.join(", ")} }` : "";
    // A string's length limits and pattern bring their checks (src/core/validate.ts `limits()`,
    // src/core/patterns.ts `pattern()` with its words): only a string has them.
    const text = kind === "string" || kind === "dateTime";
    if (node.minLength !== undefined || node.maxLength !== undefined) {
      if (!text) throw new SpecError(`a length on a schema of type ${node.type} is not supported`);
      used.add("limits");
      constraints = `/* @__PURE__ */ limits(${constraints})`;
    }
    if (node.pattern !== undefined) {
      if (!text) throw new SpecError(`a pattern on a schema of type ${node.type} is not supported`);
      usesPattern = true;
      const source = JSON.stringify(node.pattern);
      constraints = `/* @__PURE__ */ pattern(${constraints ? `${source}, ${constraints}` : source})`;
    }
    // Pure: a bundler drops the rules of operations an app does not use.
    return `/* @__PURE__ */ ${kind}(${constraints})`;
  };

  const exports = Object.values(rules).map((rule) => {
    // The operationId is the constant's name; JSON (a body, an answer) is what goes unsaid.
    const { id, params, body, ...rest } = rule;
    const fields = Object.entries(rest)
      .filter(([k, v]) => !((k === "bodyType" || k === "response") && v === "json"))
      .map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
    const paramFields = Object.entries(params).map(([k, v]) => `${JSON.stringify(k)}: ${call(v)}`);
    fields.push(`params: { ${paramFields.join(", ")} }`);
    if (body) fields.push(`body: ${call(body)}`);
    return `/** \`${rule.method} ${rule.path}\` */\nexport const ${id} = { ${fields.join(", ")} } as const satisfies OperationRules;`;
  });
  const receivedExports = Object.entries(received).map(
    ([name, schema]) =>
      // A schema that operations share too is their constant, not a second copy of it.
      `/** What the API sends as \`${name}\` (outside any operation's answer). */\nexport const ${name} = ${call(schema)};`,
  );

  return `// Generated by scripts/generate.js from spec/: the rules the SDK checks before sending (and what
// it receives outside an operation's answer). Do not edit. One constant per operation: a bundle
// keeps only those of the operations an app uses, and only the checkers their rules need.
import type { OperationRules } from "../src/core/rules.js";
${usesPattern ? `import { pattern } from "../src/core/patterns.js";\n` : ""}import { ${[...used].sort().join(", ")} } from "../src/core/validate.js";

export type { AcceptedFormat, OperationRules, RuleExtensions } from "../src/core/rules.js";

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

/**
 * Whether a keyword goes without saying in the call of the rule's kind: `type` and `format` are
 * the kind's (`dateTime()` is a `faxplus-datetime` string), `pattern` is written as `pattern()`,
 * and an object takes no fields but its properties unless `additionalProperties` is a rule.
 */
function implied(key, value) {
  if (key === "type" || key === "format" || key === "pattern") return true;
  return key === "additionalProperties" && value === false;
}

/**
 * The parts of a rule that JSON Schema leaves open, written as `json()` (any value): the items of
 * an array without `items`, the fields of an object with neither `properties` nor
 * `additionalProperties`. The validator then falls back on nothing: only rules with a free-form
 * value bring its checker.
 */
function anyValues(kind, node) {
  if (kind === "array" && node.items === undefined) return { items: {} };
  if (kind === "object" && node.properties === undefined && node.additionalProperties === undefined)
    return { additionalProperties: {} };
  return {};
}

/** The rules nested in a rule (not its properties map itself). */
function ruleChildren(node) {
  const out = [];
  if (node.properties) out.push(...Object.values(node.properties));
  if (isObject(node.items)) out.push(node.items);
  if (isObject(node.additionalProperties)) out.push(node.additionalProperties);
  return out;
}

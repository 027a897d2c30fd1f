// What the TypeScript emitters share: the SDK's names of schemas and parameter types, and doc
// comments.
import { schemaRefName, SpecError } from "../openapi.js";

/**
 * JavaScript and DOM globals: a schema named like one of them (`Error`, `Number`) would shadow it in
 * user code, so it needs an `x-sdk-name` (set by a correction in spec/).
 */
const GLOBAL_NAMES = new Set([
  ...Object.getOwnPropertyNames(globalThis),
  ...["Blob", "File", "FormData", "Headers", "Request", "Response", "URL", "Event", "Document"],
  ...["Element", "Node", "Text", "Comment", "Location", "History", "Storage", "Window", "Image"],
]);

/** The SDK's name of every schema: its own, or `x-sdk-name` where its own shadows a global. */
export function schemaNames(doc) {
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

/** The SDK's name of the schema a `$ref` points to, or undefined for an inline schema. */
export function sdkRefName(schema, names) {
  const name = schemaRefName(schema);
  return name === undefined ? undefined : names.get(name);
}

/** `getFax` -> `GetFaxParams`. */
export function paramsName(operationId) {
  return `${operationId[0].toUpperCase()}${operationId.slice(1)}Params`;
}

export function docComment(text, fallback) {
  const body = (text || fallback).trim();
  if (!body) return "";
  const safe = body.replaceAll("*/", "*\\/");
  return `/**\n${safe
    .split("\n")
    .map((line) => ` * ${line}`.trimEnd())
    .join("\n")}\n */`;
}

export function firstParagraph(text) {
  return (text ?? "").trim().split(/\n\s*\n/)[0] ?? "";
}

export function propertyName(name) {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
}

/** The operation a rule was extracted from. */
export function operationOf(doc, rule) {
  return doc.paths[rule.path][rule.method.toLowerCase()];
}

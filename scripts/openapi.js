// The one walker of an OpenAPI document that every step of the generator shares: the HTTP
// methods, the operations in a stable order, and `$ref` resolution (one failure behaviour: an
// unresolved `$ref` or a cycle is a SpecError naming it).

/** A problem with spec/ that a maintainer fixes there; the command prints it without a stack. */
export class SpecError extends Error {}

/** The HTTP methods of a path item, in the order OpenAPI lists them. */
export const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/**
 * Every operation of a document, path by path, methods in {@link METHODS} order.
 * @param {any} doc
 * @returns {Generator<{ key: string, path: string, method: string, op: any }>}
 */
export function* operationsOf(doc) {
  for (const [path, item] of Object.entries(doc?.paths ?? {})) {
    for (const method of METHODS) {
      const op = item?.[method];
      if (op) yield { key: `${method.toUpperCase()} ${path}`, path, method, op };
    }
  }
}

/** The operations of a document keyed `METHOD /path`. */
export function operationMap(doc) {
  return new Map([...operationsOf(doc)].map(({ key, op }) => [key, op]));
}

/**
 * Follows local `$ref`s until a value that is not a reference.
 * @param {any} doc
 * @param {any} value
 */
export function resolve(doc, value) {
  let seen = 0;
  while (value?.$ref) {
    if (++seen > 20) throw new SpecError(`$ref cycle at ${value.$ref}`);
    const target = pointerPath(value.$ref).reduce((node, key) => node?.[key], doc);
    if (target === undefined) throw new SpecError(`unresolved $ref ${value.$ref}`);
    value = target;
  }
  return value;
}

/** `#/components/schemas/Fax` -> `["components", "schemas", "Fax"]`. */
export function pointerPath(ref) {
  return ref
    .slice(2)
    .split("/")
    .map((key) => key.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** The name of the component schema a schema refers to (`Fax`), or undefined. */
export function schemaRefName(schema) {
  return /^#\/components\/schemas\/(.+)$/.exec(schema?.$ref ?? "")?.[1];
}

/** Every local `$ref` string under a value. */
export function* refsIn(value) {
  if (!value || typeof value !== "object") return;
  if (typeof value.$ref === "string" && value.$ref.startsWith("#/")) yield value.$ref;
  for (const child of Object.values(value)) yield* refsIn(child);
}

/** The path and query parameters of an operation, resolved (headers are the client's). */
export function requestParameters(doc, op) {
  return (op.parameters ?? [])
    .map((raw) => resolve(doc, raw))
    .filter((param) => param.in === "path" || param.in === "query");
}

export function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function compare(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

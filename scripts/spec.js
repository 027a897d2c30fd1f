// Pure functions of the spec pipeline: pages and fragments in, one OpenAPI document out.
// scripts/generate.js does the I/O; test/spec/ tests these on small YAML fixtures.
import { isDeepStrictEqual } from "node:util";
import { parse } from "yaml";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const BLOCK_START = /^````yaml (\w+) (\S+)\s*$/;
const BLOCK_END = /^````\s*$/;

export class SpecError extends Error {}

/**
 * The OpenAPI document inside a vendor reference page, or `undefined` when the page has none.
 * @param {string} text the page
 * @param {string} name the page's file name, for error messages
 */
export function extractPage(text, name) {
  const lines = text.split("\n");
  const start = lines.findIndex((line) => BLOCK_START.test(line));
  if (start === -1) return undefined;
  const end = lines.findIndex((line, i) => i > start && BLOCK_END.test(line));
  if (end === -1)
    throw new SpecError(`${name}: the yaml block opened on line ${start + 1} never closes`);
  return parseYaml(lines.slice(start + 1, end).join("\n"), name, start + 1);
}

/**
 * Parses YAML, naming the file and the line (counted in the file) of a syntax error.
 * @param {string} text
 * @param {string} name
 * @param {number} lineOffset lines of the file before `text`
 */
export function parseYaml(text, name, lineOffset = 0) {
  try {
    return parse(text);
  } catch (error) {
    const pos = error?.linePos?.[0];
    const where = pos ? `line ${pos.line + lineOffset}` : "unknown line";
    // The parser's own "at line L, column C" counts from the block, not the file: drop it.
    const reason = String(error?.message ?? error)
      .split("\n")[0]
      .replace(/ at line \d+, column \d+:?$/, "");
    throw new SpecError(`${name}: broken YAML at ${where}: ${reason}`);
  }
}

/**
 * Merges documents into one.
 * - Paths merge by method. An operation in two upstream pages must be identical; an upstream page
 *   replaces a local fragment for the same method and path (reported in `notes`).
 * - Components with the same name must be deep-equal; they are kept once.
 * - Top-level `info`, `servers` and `security` come from the first upstream page.
 * @param {{ name: string, kind: "page" | "local", doc: any }[]} sources in a stable order
 * @returns {{ doc: any, notes: string[] }}
 */
export function mergeDocuments(sources) {
  const notes = [];
  const pages = sources.filter((s) => s.kind === "page");
  const first = pages[0] ?? sources[0];
  if (!first) throw new SpecError("no OpenAPI document found in spec/");

  /** @type {Map<string, { source: typeof first, op: any }>} */
  const operations = new Map();
  /** @type {Map<string, { source: typeof first, value: any }>} */
  const components = new Map();
  const operationIds = new Map();

  // Upstream pages first, so that a fragment for the same operation is recognised as replaced.
  for (const source of [...pages, ...sources.filter((s) => s.kind !== "page")]) {
    const { doc, name } = source;
    if (!doc || typeof doc !== "object" || !doc.paths) {
      throw new SpecError(`${name}: not an OpenAPI document (no paths)`);
    }
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item ?? {})) {
        if (!METHODS.includes(method)) {
          throw new SpecError(`${name}: ${path} has "${method}", which is not an HTTP method`);
        }
        const key = `${method.toUpperCase()} ${path}`;
        if (!op?.operationId) throw new SpecError(`${name}: ${key} has no operationId`);
        const seen = operations.get(key);
        if (seen) {
          if (source.kind === "local" && seen.source.kind === "page") {
            notes.push(`${seen.source.name} replaces ${name} for ${key}`);
            continue;
          }
          if (!isDeepStrictEqual(seen.op, op)) {
            throw new SpecError(`${seen.source.name} and ${name} define ${key} differently`);
          }
          continue;
        }
        const sameId = operationIds.get(op.operationId);
        if (sameId) {
          throw new SpecError(`${sameId} and ${name} both use operationId ${op.operationId}`);
        }
        operationIds.set(op.operationId, name);
        operations.set(key, { source, op });
      }
    }
    for (const [section, entries] of Object.entries(doc.components ?? {})) {
      for (const [componentName, value] of Object.entries(entries ?? {})) {
        const key = `components.${section}.${componentName}`;
        const seen = components.get(key);
        if (seen && !isDeepStrictEqual(seen.value, value)) {
          throw new SpecError(`${seen.source.name} and ${name} define ${key} differently`);
        }
        if (!seen) components.set(key, { source, value });
      }
    }
  }

  const paths = {};
  for (const [key, { op }] of [...operations].sort(byPathThenMethod)) {
    const [method, path] = splitKey(key);
    (paths[path] ??= {})[method] = op;
  }
  const merged = {};
  for (const [key, { value }] of [...components].sort(([a], [b]) => compare(a, b))) {
    const [, section, componentName] = key.split(".");
    (merged[section] ??= {})[componentName] = value;
  }
  const { openapi, info, servers, security } = first.doc;
  const doc = { openapi, info, servers, security, paths };
  if (Object.keys(merged).length) doc.components = merged;
  for (const key of Object.keys(doc)) if (doc[key] === undefined) delete doc[key];
  return { doc, notes };
}

/**
 * Applies our corrections (spec/fixes.yaml) to the merged document. Each fix sets or removes the
 * value at a JSON Pointer. A fix whose parent is gone, or that upstream already made, is an error,
 * so that stale fixes are noticed when a page is updated.
 * @param {any} doc
 * @param {{ reason: string, pointer: string, value?: any, remove?: boolean }[]} fixes
 */
export function applyFixes(doc, fixes, name = "spec/fixes.yaml") {
  fixes.forEach((fix, i) => {
    const label = `${name} fix #${i + 1} (${fix.pointer})`;
    if (!fix.reason) throw new SpecError(`${label} has no reason`);
    const keys = fix.pointer.split("/").slice(1).map(unescapePointer);
    const last = keys.pop();
    let parent = doc;
    for (const key of keys) {
      parent = parent?.[key];
      if (parent === undefined || typeof parent !== "object") {
        throw new SpecError(`${label} no longer applies: ${key} is missing; was the page updated?`);
      }
    }
    if (last === undefined) throw new SpecError(`${label} has an empty pointer`);
    if (fix.remove) {
      if (!(last in parent)) throw new SpecError(`${label} no longer applies: nothing to remove`);
      delete parent[last];
    } else {
      if (isDeepStrictEqual(parent[last], fix.value)) {
        throw new SpecError(`${label} is already upstream: remove the fix`);
      }
      parent[last] = fix.value;
    }
  });
  return doc;
}

function unescapePointer(key) {
  return key.replace(/~1/g, "/").replace(/~0/g, "~");
}

function splitKey(key) {
  const space = key.indexOf(" ");
  return [key.slice(0, space).toLowerCase(), key.slice(space + 1)];
}

function byPathThenMethod([a], [b]) {
  const [ma, pa] = splitKey(a);
  const [mb, pb] = splitKey(b);
  return compare(pa, pb) || METHODS.indexOf(ma) - METHODS.indexOf(mb);
}

function compare(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

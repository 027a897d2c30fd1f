// Pure functions of the spec pipeline: pages and fragments in, one OpenAPI document out.
// scripts/generate.js does the I/O; test/spec/ tests these on small YAML fixtures.
import { isDeepStrictEqual } from "node:util";
import { parse } from "yaml";
import { METHODS, pointerPath, refsIn, SpecError } from "./openapi.js";

export { SpecError };
// A fence of three or more backticks (or tildes) opening a ```yaml METHOD PATH``` block: the
// vendor's pages use four backticks, a page saved from another tool may use three.
const BLOCK_START = /^(`{3,}|~{3,})yaml[ \t]+([A-Za-z]+)[ \t]+(\/\S*)[ \t]*$/;
/** The OpenAPI version the build reads and generated/openapi.yaml declares. */
export const OPENAPI_VERSION = /^3\.0\.\d+$/;

/**
 * A page's text with a byte-order mark and Windows (CRLF) or old Mac (CR) line endings removed:
 * pages are read the same whichever way they were saved.
 * @param {string} text
 */
export function normalizeText(text) {
  return text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
}

/**
 * Every ```yaml METHOD PATH``` OpenAPI block of a vendor reference page, parsed.
 * @param {string} text the page, as saved (any line endings)
 * @param {string} name the page's file name, for error messages
 * @returns {{ method: string, path: string, line: number, doc: any }[]}
 */
export function extractBlocks(text, name) {
  const lines = normalizeText(text).split("\n");
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = BLOCK_START.exec(lines[i] ?? "");
    if (!open) continue;
    const fence = open[1] ?? "```";
    const closes = (line) => {
      const trimmed = line.trimEnd();
      return trimmed.length >= fence.length && trimmed === (fence[0] ?? "`").repeat(trimmed.length);
    };
    const end = lines.findIndex((line, j) => j > i && closes(line));
    if (end === -1)
      throw new SpecError(`${name}: the yaml block opened on line ${i + 1} never closes`);
    const doc = parseYaml(lines.slice(i + 1, end).join("\n"), name, i + 1);
    blocks.push({ method: (open[2] ?? "").toLowerCase(), path: open[3] ?? "", line: i + 1, doc });
    i = end;
  }
  return blocks;
}

/**
 * The OpenAPI document inside a vendor reference page (its first block), or `undefined` when
 * the page has none.
 * @param {string} text the page
 * @param {string} name the page's file name, for error messages
 */
export function extractPage(text, name) {
  return extractBlocks(text, name)[0]?.doc;
}

/**
 * The operation a page without an OpenAPI block shows, when it is the vendor's rendered web page
 * (its method on one line, then the path either on the same line or one segment per line, as
 * the seed `004_*.txt` has it): `"POST /accounts/{user_id}/outbox"`, or `undefined`.
 * @param {string} text
 */
export function renderedOperation(text) {
  const lines = normalizeText(text)
    .split("\n")
    .map((line) => line.trim());
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const single = /^(GET|PUT|POST|DELETE|PATCH|HEAD|OPTIONS)\s+(\/[\w{}./-]*)$/.exec(line);
    if (single) return `${single[1]} ${single[2]}`;
    if (!/^(GET|PUT|POST|DELETE|PATCH|HEAD|OPTIONS)$/.test(line)) continue;
    let path = "";
    for (let j = i + 1; j < lines.length; j++) {
      const part = lines[j] ?? "";
      if (part === "/" || (path.endsWith("/") && /^[\w{}.-]+$/.test(part))) path += part;
      else break;
    }
    if (path.length > 1) return `${line} ${path}`;
  }
  return undefined;
}

/**
 * Refuses a document in an OpenAPI version other than 3.0.x, by name, before anything is merged:
 * a 3.1 document means other things by the same keywords (`type: [string, "null"]` instead of
 * `nullable`, numeric `exclusiveMinimum`, `examples`), which a plain merge would get wrong.
 * @param {any} doc
 * @param {string} name
 */
export function checkOpenApiVersion(doc, name) {
  const version = doc?.openapi;
  if (typeof version === "string" && OPENAPI_VERSION.test(version)) return;
  const what =
    version !== undefined
      ? `OpenAPI ${version}`
      : doc?.swagger !== undefined
        ? `Swagger ${doc.swagger}`
        : "no `openapi` version";
  throw new SpecError(
    `${name}: ${what}; the build reads OpenAPI 3.0.x only (generated/openapi.yaml is 3.0.1). ` +
      "Keep the previous page until the build supports that version (see spec/README.md).",
  );
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
 * Merges documents into one, vendor first.
 * - Paths merge by method. An operation in two upstream pages must be identical; an upstream page
 *   replaces a local fragment's operation for the same method and path.
 * - Components merge per name. Upstream pages must agree with each other (else the build fails
 *   naming both pages and the first field that differs), and so must our fragments; where a page
 *   and a fragment both define one, the page's wins and the difference is reported.
 * - A component only fragments define stays while one of those fragments still contributes an
 *   operation, or while something kept refers to it; otherwise it is dropped (and reported).
 * - Top-level `info`, `servers` and `security` come from the first upstream page.
 * @param {{ name: string, kind: "page" | "local", doc: any }[]} sources in a stable order
 * @returns {{
 *   doc: any,
 *   notes: string[],
 *   replacedOperations: { key: string, page: string, local: string, op: any }[],
 *   replacedComponents: { key: string, page: string, local: string, before: any, after: any }[],
 *   droppedComponents: { key: string, local: string }[],
 * }}
 */
export function mergeDocuments(sources) {
  const notes = [];
  const pages = sources.filter((s) => s.kind === "page");
  const locals = sources.filter((s) => s.kind !== "page");
  const first = pages[0] ?? sources[0];
  if (!first) throw new SpecError("no OpenAPI document found in spec/");

  /** @type {Map<string, { source: typeof first, op: any }>} */
  const operations = new Map();
  const operationIds = new Map();
  const replacedOperations = [];
  /** fragments that still contribute at least one operation */
  const contributing = new Set();

  // Upstream pages first, so that a fragment for the same operation is recognised as replaced.
  for (const source of [...pages, ...locals]) {
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
            replacedOperations.push({ key, page: seen.source.name, local: name, op });
            continue;
          }
          const diff = firstDifference(seen.op, op);
          if (diff) {
            throw new SpecError(
              `${seen.source.name} and ${name} define ${key} differently: ${describeDifference(diff, seen.source.name, name)}`,
            );
          }
          continue;
        }
        const sameId = operationIds.get(op.operationId);
        if (sameId) {
          const hint =
            source.kind === "local"
              ? ` (if ${sameId} now covers this operation under another path, delete ${name})`
              : "";
          throw new SpecError(
            `${sameId} and ${name} both use operationId ${op.operationId}${hint}`,
          );
        }
        operationIds.set(op.operationId, name);
        operations.set(key, { source, op });
        if (source.kind === "local") contributing.add(name);
      }
    }
  }

  /** @type {Map<string, { page?: { name: string, value: any }, locals: { name: string, value: any }[] }>} */
  const definitions = new Map();
  for (const source of [...pages, ...locals]) {
    for (const [section, entries] of Object.entries(source.doc.components ?? {})) {
      for (const [componentName, value] of Object.entries(entries ?? {})) {
        const key = `components.${section}.${componentName}`;
        let entry = definitions.get(key);
        if (!entry) definitions.set(key, (entry = { locals: [] }));
        const earlier = source.kind === "page" ? entry.page : entry.locals[0];
        if (earlier) {
          const diff = firstDifference(earlier.value, value);
          if (diff) {
            throw new SpecError(
              `${earlier.name} and ${source.name} define ${key} differently: ${describeDifference(diff, earlier.name, source.name)}`,
            );
          }
        }
        if (source.kind === "page") entry.page ??= { name: source.name, value };
        else entry.locals.push({ name: source.name, value });
      }
    }
  }

  const components = new Map();
  const replacedComponents = [];
  /** components only fragments that no longer contribute an operation define */
  const orphans = new Map();
  for (const [key, { page, locals: defs }] of definitions) {
    const local = defs[0];
    if (page) {
      components.set(key, page.value);
      if (local && !isDeepStrictEqual(local.value, page.value)) {
        replacedComponents.push({
          key,
          page: page.name,
          local: local.name,
          before: local.value,
          after: page.value,
        });
      }
    } else if (local) {
      components.set(key, local.value);
      if (!defs.some((d) => contributing.has(d.name))) orphans.set(key, local.name);
    }
  }

  // Drop orphans that nothing kept refers to (repeat: an orphan may keep another orphan alive).
  const droppedComponents = [];
  for (;;) {
    const used = new Set();
    const roots = [...operations.values()].map((o) => o.op);
    for (const [key, value] of components) if (!orphans.has(key)) roots.push(value);
    const queue = [...roots];
    while (queue.length) {
      const node = queue.pop();
      for (const ref of refsIn(node)) {
        const key = pointerPath(ref).join(".");
        if (used.has(key)) continue;
        used.add(key);
        if (components.has(key)) queue.push(components.get(key));
      }
    }
    const unused = [...orphans.keys()].filter((key) => !used.has(key));
    if (!unused.length) break;
    for (const key of unused) {
      droppedComponents.push({ key, local: orphans.get(key) });
      components.delete(key);
      orphans.delete(key);
    }
  }
  droppedComponents.sort((a, b) => compare(a.key, b.key));
  // A fragment whose operations pages all replaced: say whether it still serves a purpose.
  for (const name of new Set(replacedOperations.map((r) => r.local))) {
    if (contributing.has(name)) continue;
    const kept = [...orphans].filter(([, local]) => local === name).map(([key]) => key);
    notes.push(
      kept.length
        ? `${name} now only contributes ${kept.join(", ")}, which other operations use`
        : `${name} is now wholly replaced by the vendor's pages: delete it`,
    );
  }

  const paths = {};
  for (const [key, { op }] of [...operations].sort(byPathThenMethod)) {
    const [method, path] = splitKey(key);
    (paths[path] ??= {})[method] = op;
  }
  const merged = {};
  for (const [key, value] of [...components].sort(([a], [b]) => compare(a, b))) {
    const [, section, componentName] = key.split(".");
    (merged[section] ??= {})[componentName] = value;
  }
  const { openapi, info, servers, security } = first.doc;
  const doc = { openapi, info, servers, security, paths };
  if (Object.keys(merged).length) doc.components = merged;
  for (const key of Object.keys(doc)) if (doc[key] === undefined) delete doc[key];
  return { doc, notes, replacedOperations, replacedComponents, droppedComponents };
}

/**
 * The first place where two JSON values differ, as a path of keys, or `undefined` when they
 * are deep-equal.
 * @returns {{ path: (string | number)[], a: any, b: any } | undefined}
 */
export function firstDifference(a, b, path = []) {
  if (isDeepStrictEqual(a, b)) return undefined;
  const objects = a && b && typeof a === "object" && typeof b === "object";
  if (!objects || Array.isArray(a) !== Array.isArray(b)) return { path, a, b };
  if (Array.isArray(a) && a.length !== b.length) return { path, a, b };
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  for (const key of keys) {
    const diff = firstDifference(a[key], b[key], [...path, key]);
    if (diff) return diff;
  }
  return { path, a, b };
}

function describeDifference({ path, a, b }, nameA, nameB) {
  const where = path.length ? path.join(".") : "the whole value";
  return `${where} is ${show(a)} in ${nameA} and ${show(b)} in ${nameB}`;
}

/** A value for a message: JSON, cut short, `absent` for undefined. */
export function show(value) {
  if (value === undefined) return "absent";
  const text = JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
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

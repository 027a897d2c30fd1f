// Applies spec/corrections.overlay.yaml, an OpenAPI Overlay 1.0 document, to the merged API
// description, and notices corrections that went stale because the vendor changed what they
// correct. spec/README.md says why this format and what `x-upstream` means.
import { isDeepStrictEqual } from "node:util";
import { exec } from "jsonpath-rfc9535";
import { show, SpecError } from "./spec.js";

/**
 * @typedef {{
 *   target: string,
 *   description?: string,
 *   update?: any,
 *   remove?: boolean,
 *   "x-upstream"?: any,
 *   "x-linear-rewrite"?: boolean,
 * }} Action
 */

/**
 * Applies the actions of an Overlay 1.0 document in order, in place.
 *
 * Standard semantics (Overlay 1.0.0, JSONPath per RFC 9535): `update` on an object merges its
 * properties recursively (objects merge, other values replace); on an array it appends; `remove`
 * deletes the selected nodes. Two stricter rules keep every correction honest:
 * - an action whose target selects nothing is an error (its reason is gone upstream);
 * - an `update` that changes nothing is an error (upstream made the correction already).
 * And one extension: `x-upstream` records what the vendor had where an `update` writes (an
 * object with the update's keys; a key left out means "absent upstream"). When the vendor's value
 * is no longer that, the correction is reported with the old and the new value, because it was
 * written against the old one. Every problem is collected, then all are thrown together.
 *
 * Merging an array into an existing array is refused: Overlay 1.0 leaves open whether a nested
 * array is appended to or replaced, so such a correction would mean different things in
 * different tools. Remove the old value first.
 *
 * A correction marked `x-linear-rewrite: true` exists only to replace a super-linear pattern of
 * the vendor's by a linear one of the same language. When it selects nothing (the vendor changed
 * that pattern), it is not an error: it is returned in `unneeded`, and the build's ReDoS check of
 * every pattern decides whether the vendor's new pattern can stand on its own.
 * @param {any} doc
 * @param {any} overlay the parsed overlay document
 * @param {string} name its file name, for messages
 * @returns {{ applied: number, unneeded: { index: number, label: string }[] }}
 */
export function applyOverlay(doc, overlay, name = "spec/corrections.overlay.yaml") {
  if (!overlay || typeof overlay !== "object" || !/^1\.0\.\d+$/.test(String(overlay.overlay))) {
    throw new SpecError(`${name}: not an Overlay 1.0 document (needs \`overlay: 1.0.0\`)`);
  }
  if (!Array.isArray(overlay.actions)) throw new SpecError(`${name}: no \`actions\` list`);
  const problems = [];
  const unneeded = [];
  overlay.actions.forEach((/** @type {Action} */ action, index) => {
    const label = `${name} action #${index + 1} (${action?.target})`;
    try {
      if (applyAction(doc, action, label) === "selected nothing") unneeded.push({ index, label });
    } catch (error) {
      if (!(error instanceof SpecError)) throw error;
      problems.push(error.message);
    }
  });
  if (problems.length) {
    throw new SpecError(
      `${problems.length} correction(s) no longer fit the pages:\n  ${problems.join("\n  ")}`,
    );
  }
  return { applied: overlay.actions.length - unneeded.length, unneeded };
}

/**
 * @param {any} doc
 * @param {Action} action
 * @param {string} label
 * @returns {"applied" | "selected nothing"} the latter only for a linear rewrite
 */
function applyAction(doc, action, label) {
  if (typeof action?.target !== "string" || !action.target.startsWith("$")) {
    throw new SpecError(`${label}: needs a JSONPath \`target\` starting with $`);
  }
  if (!action.description) throw new SpecError(`${label}: has no description (the reason)`);
  if (!action.remove && action.update === undefined) {
    throw new SpecError(`${label}: has neither \`update\` nor \`remove: true\``);
  }
  /** @type {{ value: any, path: (string | number)[] }[]} */
  const nodes = [];
  try {
    exec(doc, action.target, (value, path) => nodes.push({ value, path: [...path] }));
  } catch (error) {
    throw new SpecError(
      `${label}: invalid JSONPath: ${error instanceof Error ? error.message : error}`,
    );
  }
  if (!nodes.length && action["x-linear-rewrite"] === true) return "selected nothing";
  if (!nodes.length) {
    // A correction that finds its target by value (`$..[?@.pattern == '...']`): name the value.
    const byValue = /\[\?@\.([\w-]+) == '(.*)'\]$/.exec(action.target);
    throw new SpecError(
      byValue
        ? `${label} selects nothing: no ${byValue[1]} is ${JSON.stringify(byValue[2])} any more, so the vendor changed it; if the build accepts their new one, delete this correction`
        : `${label} selects nothing: the vendor changed or removed what it corrects; review it against the page, then update or delete it`,
    );
  }
  for (const { value, path } of nodes) {
    if (value === null || typeof value !== "object") {
      throw new SpecError(
        `${label} selects ${show(value)} at ${pointer(path)}; Overlay 1.0 targets objects or arrays only (select the containing object)`,
      );
    }
  }
  if (action.remove) {
    // Deepest first and from the end of arrays, so that earlier removals do not move later ones.
    const ordered = [...nodes].sort((a, b) => b.path.length - a.path.length || compareIndex(b, a));
    for (const { value, path } of ordered) {
      if ("x-upstream" in action && !isDeepStrictEqual(value, action["x-upstream"])) {
        throw new SpecError(
          `${label}: the vendor changed what it removes at ${pointer(path)}, from ${show(action["x-upstream"])} to ${show(value)}; review the correction`,
        );
      }
      const parent = path.slice(0, -1).reduce((node, key) => node[key], doc);
      const key = path[path.length - 1];
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
    }
    return "applied";
  }
  for (const { value, path } of nodes) {
    if (Array.isArray(value)) {
      value.push(structuredClone(action.update));
      continue;
    }
    if (!action.update || typeof action.update !== "object" || Array.isArray(action.update)) {
      throw new SpecError(`${label}: an update of an object must be an object`);
    }
    const changed = Object.keys(action.update).filter(
      (key) => !isDeepStrictEqual(merged(value[key], action.update[key]), value[key]),
    );
    if (!changed.length) {
      throw new SpecError(
        `${label} changes nothing at ${pointer(path)}: the vendor made this correction already; delete it`,
      );
    }
    const upstream = action["x-upstream"];
    if (upstream !== undefined) {
      for (const key of Object.keys(action.update)) {
        if (!isDeepStrictEqual(value[key], upstream[key])) {
          throw new SpecError(
            `${label}: the vendor changed ${pointer([...path, key])} from ${show(upstream[key])} to ${show(value[key])}; the correction sets ${show(action.update[key])}. Review it: update its x-upstream, or delete it`,
          );
        }
      }
    }
    mergeInto(value, action.update, label, path);
  }
  return "applied";
}

/** The result of merging `update` into `base`, without changing either. */
function merged(base, update) {
  if (isPlainObject(base) && isPlainObject(update)) {
    const out = { ...base };
    for (const [key, value] of Object.entries(update)) out[key] = merged(base[key], value);
    return out;
  }
  return update;
}

function mergeInto(target, update, label, path) {
  for (const [key, value] of Object.entries(update)) {
    if (isPlainObject(target[key]) && isPlainObject(value)) {
      mergeInto(target[key], value, label, [...path, key]);
    } else if (Array.isArray(target[key]) && Array.isArray(value)) {
      throw new SpecError(
        `${label}: merges an array into the existing array at ${pointer([...path, key])}, which Overlay 1.0 leaves ambiguous; remove it in an earlier action first`,
      );
    } else {
      target[key] = structuredClone(value);
    }
  }
}

function isPlainObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function compareIndex(a, b) {
  const x = a.path[a.path.length - 1];
  const y = b.path[b.path.length - 1];
  return typeof x === "number" && typeof y === "number" ? x - y : 0;
}

/** A JSON Pointer for a path, for messages. */
export function pointer(path) {
  return `/${path.map((key) => String(key).replace(/~/g, "~0").replace(/\//g, "~1")).join("/")}`;
}

// What a regeneration changes for SDK users: the API-surface report that `npm run generate`
// prints and writes to generated/CHANGES.md, and the per-schema report printed when a vendor page
// replaces one of our fragments' schemas.
import { isDeepStrictEqual } from "node:util";
import { firstDifference, show } from "./spec.js";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
/** Limits whose larger value lets more through. */
const UPPER = ["maxLength", "maxItems", "maximum", "maxProperties"];
/** Limits whose smaller value lets more through. */
const LOWER = ["minLength", "minItems", "minimum", "minProperties"];

/**
 * @typedef {"breaking" | "review" | "change"} Severity
 * @typedef {{ where: string, text: string, kind: string, tightened?: boolean }} Change
 * @typedef {{ scope: string, where: string, text: string, severity: Severity }} Entry
 */

/**
 * The differences between two schemas, field by field. `$ref`s are followed with `resolveA` /
 * `resolveB`, or compared as names when those are absent.
 * @param {any} a the old schema
 * @param {any} b the new schema
 * @param {{ resolveA?: (s: any) => any, resolveB?: (s: any) => any }} [options]
 * @returns {Change[]}
 */
export function compareSchemas(a, b, options = {}, where = "", stack = []) {
  const out = [];
  const ra = options.resolveA ? options.resolveA(a) : a;
  const rb = options.resolveB ? options.resolveB(b) : b;
  if (!ra || !rb || typeof ra !== "object" || typeof rb !== "object") return out;
  const pair = `${a?.$ref ?? ""}|${b?.$ref ?? ""}`;
  if (pair !== "|" && stack.includes(pair)) return out; // a recursive schema: compared already
  const next = pair === "|" ? stack : [...stack, pair];
  const push = (kind, text, extra = {}) => out.push({ where, kind, text, ...extra });

  if (!options.resolveA && (ra.$ref || rb.$ref)) {
    if (ra.$ref !== rb.$ref) push("type", `${code(describeType(ra))} → ${code(describeType(rb))}`);
    return out;
  }
  const typeA = typeOf(ra);
  const typeB = typeOf(rb);
  if (typeA !== typeB) {
    push("type", `type ${code(typeA ?? "any")} → ${code(typeB ?? "any")}`);
    return out;
  }
  if (!ra.nullable !== !rb.nullable) {
    push("nullable", rb.nullable ? "may now be null" : "may no longer be null", {
      tightened: !rb.nullable,
    });
  }
  if (ra.format !== rb.format) {
    const text =
      ra.format === undefined
        ? `format ${code(rb.format)} added`
        : rb.format === undefined
          ? `format ${code(ra.format)} removed`
          : `format ${code(ra.format)} → ${code(rb.format)}`;
    push("format", text, { tightened: rb.format !== undefined });
  }
  if (ra.pattern !== rb.pattern) {
    const text =
      ra.pattern === undefined
        ? `pattern ${code(rb.pattern)} added`
        : rb.pattern === undefined
          ? `pattern ${code(ra.pattern)} removed`
          : `pattern ${code(ra.pattern)} → ${code(rb.pattern)}`;
    push("pattern", text, {
      ...(ra.pattern === undefined || rb.pattern === undefined
        ? { tightened: rb.pattern !== undefined }
        : {}),
    });
  }
  if (ra.enum || rb.enum) {
    const before = ra.enum ?? [];
    const after = rb.enum ?? [];
    const added = after.filter((v) => !before.some((w) => isDeepStrictEqual(v, w)));
    const removed = before.filter((v) => !after.some((w) => isDeepStrictEqual(v, w)));
    if (!ra.enum) push("enum", `now limited to ${after.map(code).join(", ")}`, { tightened: true });
    else if (!rb.enum)
      push("enum", `no longer limited to ${before.map(code).join(", ")}`, { tightened: false });
    else {
      if (removed.length)
        push("enum", `enum values removed: ${removed.map(code).join(", ")}`, { tightened: true });
      if (added.length)
        push("enum", `enum values added: ${added.map(code).join(", ")}`, { tightened: false });
    }
  }
  for (const key of [...UPPER, ...LOWER]) {
    if (ra[key] === rb[key]) continue;
    const upper = UPPER.includes(key);
    const tightened =
      rb[key] === undefined
        ? false
        : ra[key] === undefined
          ? true
          : upper
            ? rb[key] < ra[key]
            : rb[key] > ra[key];
    const text =
      ra[key] === undefined
        ? `${key} ${code(rb[key])} added`
        : rb[key] === undefined
          ? `${key} ${code(ra[key])} removed`
          : `${key} ${code(ra[key])} → ${code(rb[key])}`;
    push("limit", text, { tightened });
  }
  for (const key of ["exclusiveMinimum", "exclusiveMaximum", "uniqueItems"]) {
    if (!ra[key] !== !rb[key]) {
      push("limit", `${key} ${code(!!ra[key])} → ${code(!!rb[key])}`, { tightened: !!rb[key] });
    }
  }
  const reqA = new Set(Array.isArray(ra.required) ? ra.required : []);
  const reqB = new Set(Array.isArray(rb.required) ? rb.required : []);
  const propsA = ra.properties ?? {};
  const propsB = rb.properties ?? {};
  const field = (name) => (where ? `${where}.${name}` : name);
  for (const name of Object.keys(propsB)) {
    if (!(name in propsA)) {
      out.push({
        where: field(name),
        kind: "field-added",
        text: `field added (${code(describeType(propsB[name], options.resolveB))}, ${reqB.has(name) ? "required" : "optional"})`,
        tightened: reqB.has(name),
      });
    }
  }
  for (const name of Object.keys(propsA)) {
    if (!(name in propsB))
      out.push({ where: field(name), kind: "field-removed", text: "field removed" });
  }
  for (const name of Object.keys(propsA)) {
    if (!(name in propsB)) continue;
    if (reqB.has(name) && !reqA.has(name)) {
      out.push({ where: field(name), kind: "required", text: "now required", tightened: true });
    } else if (reqA.has(name) && !reqB.has(name)) {
      out.push({
        where: field(name),
        kind: "required",
        text: "no longer required",
        tightened: false,
      });
    }
    out.push(...compareSchemas(propsA[name], propsB[name], options, field(name), next));
  }
  const apA = ra.additionalProperties;
  const apB = rb.additionalProperties;
  if ((apA === false) !== (apB === false)) {
    push(
      "additional",
      apB === false ? "unknown fields now refused" : "unknown fields now allowed",
      {
        tightened: apB === false,
      },
    );
  } else if (apA && apB && typeof apA === "object" && typeof apB === "object") {
    out.push(...compareSchemas(apA, apB, options, `${where}{*}`, next));
  }
  if (ra.items && rb.items)
    out.push(...compareSchemas(ra.items, rb.items, options, `${where}[]`, next));
  for (const key of ["allOf", "anyOf", "oneOf"]) {
    const listA = ra[key] ?? [];
    const listB = rb[key] ?? [];
    if (listA.length !== listB.length)
      push("composition", `${key}: ${listA.length} → ${listB.length} schemas`);
    else
      listA.forEach((s, i) =>
        out.push(...compareSchemas(s, listB[i], options, `${where}.${key}[${i}]`, next)),
      );
  }
  return out;
}

/** A value as a Markdown code span (readable on the terminal too). */
function code(value) {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  const fence = text.includes("`") ? "``" : "`";
  return `${fence}${text.includes("`") ? ` ${text} ` : text}${fence}`;
}

function typeOf(schema) {
  if (schema.type) return schema.type;
  if (schema.properties || schema.additionalProperties !== undefined) return "object";
  if (schema.items) return "array";
  return undefined;
}

function describeType(schema, resolve) {
  if (!schema) return "any";
  if (schema.$ref && !resolve) return schema.$ref.split("/").pop();
  const s = resolve ? resolve(schema) : schema;
  if (!s) return "any";
  if (schema.$ref) return schema.$ref.split("/").pop();
  if (typeOf(s) === "array") return `array of ${describeType(s.items, resolve)}`;
  return typeOf(s) ?? "any";
}

/**
 * How a request or response change affects callers.
 * @param {"request" | "response"} side
 * @param {Change} change
 * @returns {Severity}
 */
export function severity(side, change) {
  const { kind, tightened } = change;
  if (kind === "type" || kind === "field-removed") return "breaking";
  if (kind === "pattern" || kind === "composition") return "review";
  if (side === "request") return tightened ? "breaking" : "change";
  // Responses: callers' code reads them. A field that may now be missing or null, or an enum
  // value their code has never seen, breaks it; a new field or a narrower value does not.
  if (kind === "required" || kind === "nullable") return tightened ? "change" : "breaking";
  if (kind === "enum") return tightened ? "change" : "breaking";
  return "change";
}

/**
 * What a replaced fragment schema looks like in the vendor's page: one line per difference, in
 * words (no breaking marks: the API-surface report judges the effect on callers).
 * @param {string} key e.g. components.schemas.Fax
 * @param {any} before the fragment's value
 * @param {any} after the page's value
 * @returns {string[]}
 */
export function describeComponentChange(key, before, after) {
  if (!key.startsWith("components.schemas.")) {
    const diff = firstDifference(before, after);
    return diff
      ? [`differs at ${diff.path.join(".") || "the top"}: ${show(diff.a)} → ${show(diff.b)}`]
      : [];
  }
  const changes = compareSchemas(before, after);
  if (!changes.length) return ["wording only (descriptions, examples)"];
  return changes.map((c) => {
    const word =
      c.tightened === undefined || c.kind === "field-added"
        ? ""
        : c.tightened
          ? " (tightened)"
          : " (loosened)";
    return `${c.where ? `\`${c.where}\`: ` : ""}${c.text}${word}`;
  });
}

/**
 * The API-surface differences between two merged descriptions, by operation.
 * @param {any} before the committed description (or undefined the first time)
 * @param {any} after the new one
 * @returns {Entry[]}
 */
export function diffSurface(before, after) {
  const entries = [];
  const opsA = operations(before);
  const opsB = operations(after);
  const resolveA = resolver(before);
  const resolveB = resolver(after);
  const options = { resolveA, resolveB };
  for (const [key, op] of opsB) {
    if (!opsA.has(key))
      entries.push({
        scope: "Operations",
        where: "",
        text: `added: ${op.operationId} (${key})`,
        severity: "change",
      });
  }
  for (const [key, op] of opsA) {
    if (!opsB.has(key))
      entries.push({
        scope: "Operations",
        where: "",
        text: `removed: ${op.operationId} (${key})`,
        severity: "breaking",
      });
  }
  for (const [key, b] of opsB) {
    const a = opsA.get(key);
    if (!a) continue;
    const scope = `${b.operationId} (${key})`;
    const add = (side, where, change) => {
      const word =
        side !== "request" || change.kind === "field-added" || change.kind === "required"
          ? ""
          : change.tightened === true
            ? " (tightened)"
            : change.tightened === false
              ? " (loosened)"
              : "";
      const path = change.where
        ? change.where.startsWith("[")
          ? change.where
          : `.${change.where}`
        : "";
      entries.push({
        scope,
        where: `${where}${path}`,
        text: `${change.text}${word}`,
        severity: severity(side, change),
      });
    };
    if (a.operationId !== b.operationId) {
      entries.push({
        scope,
        where: "",
        text: `operationId ${a.operationId} → ${b.operationId} (the SDK method name may change)`,
        severity: "breaking",
      });
    }
    // Parameters
    const paramsA = params(a, resolveA);
    const paramsB = params(b, resolveB);
    for (const [name, p] of paramsB) {
      if (!paramsA.has(name)) {
        entries.push({
          scope,
          where: name,
          text: `parameter added (${p.required ? "required" : "optional"})`,
          severity: p.required ? "breaking" : "change",
        });
      }
    }
    for (const name of paramsA.keys()) {
      if (!paramsB.has(name))
        entries.push({ scope, where: name, text: "parameter removed", severity: "breaking" });
    }
    for (const [name, pa] of paramsA) {
      const pb = paramsB.get(name);
      if (!pb) continue;
      if (!pa.required && pb.required)
        entries.push({ scope, where: name, text: "now required", severity: "breaking" });
      if (pa.required && !pb.required)
        entries.push({ scope, where: name, text: "no longer required", severity: "change" });
      for (const change of compareSchemas(pa.schema ?? {}, pb.schema ?? {}, options))
        add("request", name, change);
    }
    // Request body
    const bodyA = a.requestBody && resolveA(a.requestBody);
    const bodyB = b.requestBody && resolveB(b.requestBody);
    if (!bodyA !== !bodyB) {
      entries.push({
        scope,
        where: "body",
        text: bodyB ? "request body added" : "request body removed",
        severity: bodyB?.required || !bodyB ? "breaking" : "change",
      });
    } else if (bodyA && bodyB) {
      if (!bodyA.required && bodyB.required)
        entries.push({ scope, where: "body", text: "now required", severity: "breaking" });
      for (const media of union(bodyA.content, bodyB.content)) {
        const sa = bodyA.content?.[media]?.schema;
        const sb = bodyB.content?.[media]?.schema;
        if (!sa !== !sb) {
          entries.push({
            scope,
            where: "body",
            text: `${media} ${sb ? "now accepted" : "no longer accepted"}`,
            severity: sb ? "change" : "breaking",
          });
        } else if (sa && sb) {
          for (const change of compareSchemas(sa, sb, options))
            add("request", bodyWhere(media, bodyB), change);
        }
      }
    }
    // Responses
    for (const status of union(a.responses, b.responses)) {
      const resA = a.responses?.[status] && resolveA(a.responses[status]);
      const resB = b.responses?.[status] && resolveB(b.responses[status]);
      if (!resA !== !resB) {
        entries.push({
          scope,
          where: `response ${status}`,
          text: resB ? "declared" : "no longer declared",
          severity: "change",
        });
        continue;
      }
      for (const media of union(resA.content, resB.content)) {
        const sa = resA.content?.[media]?.schema;
        const sb = resB.content?.[media]?.schema;
        if (sa && sb) {
          for (const change of compareSchemas(sa, sb, options)) {
            if (
              change.kind === "limit" ||
              change.kind === "format" ||
              change.kind === "pattern" ||
              change.kind === "additional"
            )
              continue;
            add("response", `response ${status}`, change);
          }
        } else if (sa || sb) {
          entries.push({
            scope,
            where: `response ${status}`,
            text: `${media} ${sb ? "added" : "removed"}`,
            severity: sb ? "change" : "breaking",
          });
        }
      }
    }
  }
  // Grouped by operation ("Operations" first), in the order found within each.
  const scopes = [...new Set(entries.map((e) => e.scope))].sort((a, b) =>
    a === "Operations" ? -1 : b === "Operations" ? 1 : a < b ? -1 : a > b ? 1 : 0,
  );
  return scopes.flatMap((scope) => entries.filter((e) => e.scope === scope));
}

function bodyWhere(media, body) {
  return Object.keys(body.content ?? {}).length > 1 ? `body (${media})` : "body";
}

function operations(doc) {
  const map = new Map();
  for (const [path, item] of Object.entries(doc?.paths ?? {})) {
    for (const method of METHODS) {
      if (item?.[method]) map.set(`${method.toUpperCase()} ${path}`, item[method]);
    }
  }
  return map;
}

function params(op, resolve) {
  const map = new Map();
  for (const raw of op.parameters ?? []) {
    const p = resolve(raw);
    if (p?.name) map.set(`${p.in}.${p.name}`, p);
  }
  return map;
}

function union(a, b) {
  return [...new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})])];
}

/** Follows local `$ref`s within a document. */
export function resolver(doc) {
  return (value) => {
    let seen = 0;
    while (value?.$ref && seen++ < 20) {
      const next = value.$ref
        .slice(2)
        .split("/")
        .map((k) => k.replace(/~1/g, "/").replace(/~0/g, "~"))
        .reduce((node, key) => node?.[key], doc);
      if (next === undefined) return value;
      value = next;
    }
    return value;
  };
}

/**
 * The report as Markdown, for generated/CHANGES.md.
 * @param {Entry[]} entries
 * @param {{ from?: string, to: string }} ids short fingerprints of the two openapi.yaml files
 */
export function formatReport(entries, ids) {
  const breaking = entries.filter((e) => e.severity === "breaking").length;
  const review = entries.filter((e) => e.severity === "review").length;
  const lines = [
    "# API-surface changes",
    "",
    "Written by `npm run generate` (scripts/changes.js): what the last regeneration changed for SDK",
    "users, compared with the `generated/openapi.yaml` committed before it. Do not edit.",
    "",
    `Compared: ${ids.from ? `\`${ids.from}\`` : "nothing (first generation)"} → \`${ids.to}\` (sha256 of generated/openapi.yaml)`,
    "",
  ];
  if (!entries.length) {
    lines.push("No change to the API surface (descriptions and examples may differ).", "");
    return lines.join("\n");
  }
  lines.push(
    breaking
      ? `**${breaking} breaking change(s)**: callers' code or requests that worked may now fail. Publish as a new major version (a new minor while 0.x).`
      : "No breaking change.",
    "",
  );
  if (review)
    lines.push(
      `${review} change(s) to review by hand (a changed pattern may refuse values it accepted).`,
      "",
    );
  const mark = { breaking: "**BREAKING** ", review: "**REVIEW** ", change: "" };
  for (const scope of new Set(entries.map((e) => e.scope))) {
    lines.push(`## ${scope}`, "");
    for (const e of entries.filter((x) => x.scope === scope)) {
      lines.push(`- ${mark[e.severity]}${e.where ? `\`${e.where}\`: ` : ""}${e.text}`);
    }
    lines.push("");
  }
  return lines.join("\n");
}

/**
 * The report as lines for the terminal.
 * @param {Entry[]} entries
 */
export function formatConsole(entries) {
  if (!entries.length) return ["API surface: no change since the committed generated/openapi.yaml"];
  const breaking = entries.filter((e) => e.severity === "breaking").length;
  const lines = [
    `API surface: ${entries.length} change(s) since the committed generated/openapi.yaml${breaking ? `, ${breaking} BREAKING` : ""} (generated/CHANGES.md):`,
  ];
  const mark = { breaking: "BREAKING ", review: "REVIEW ", change: "" };
  for (const e of entries) {
    lines.push(
      `  ${mark[e.severity]}${e.scope === "Operations" ? "" : `${e.scope} `}${e.where ? `${e.where}: ` : ""}${e.text}`,
    );
  }
  return lines;
}

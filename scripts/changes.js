// What a regeneration changes for SDK users: the API-surface report that `npm run generate`
// prints and writes to generated/CHANGES.md, and the per-schema report printed when a vendor page
// replaces one of our fragments' schemas. How each keyword's change reads and whether it tightens
// is one table (KEYWORDS); how much a change matters to callers is another (SEVERITY).
import { isDeepStrictEqual } from "node:util";
import { operationMap, resolve } from "./openapi.js";
import { firstDifference, show } from "./spec.js";

/**
 * @typedef {"breaking" | "review" | "change"} Severity
 * @typedef {{ where: string, text: string, kind: string, tightened?: boolean }} Change
 * @typedef {{ scope: string, where: string, text: string, severity: Severity }} Entry
 * @typedef {{ text: string, tightened?: boolean }} Found
 * @typedef {{ key: string, kind: string, changes: (a: any, b: any) => Found[] }} KeywordRule
 */

/** `format` added / removed / changed, with whether the new value lets less through. */
const valueRule = (key, kind, tightened) => ({
  key,
  kind,
  changes: (a, b) =>
    a === b
      ? []
      : [
          {
            text:
              a === undefined
                ? `${key} ${code(b)} added`
                : b === undefined
                  ? `${key} ${code(a)} removed`
                  : `${key} ${code(a)} → ${code(b)}`,
            ...withTightened(tightened(a, b)),
          },
        ],
});
/** A limit whose larger value lets more through (`maxLength`), or whose smaller does. */
const limitRule = (key, upper) =>
  valueRule(key, "limit", (a, b) =>
    b === undefined ? false : a === undefined ? true : upper ? b < a : b > a,
  );
/** A flag (`uniqueItems`): on tightens. */
const flagRule = (key) => ({
  key,
  kind: "limit",
  changes: (a, b) =>
    !a === !b ? [] : [{ text: `${key} ${code(!!a)} → ${code(!!b)}`, tightened: !!b }],
});

/**
 * The JSON Schema keywords the report compares, in the order it reports them, each with how its
 * change reads and whether it tightens (lets less through). `undefined` means "neither, review".
 * @type {KeywordRule[]}
 */
const KEYWORDS = [
  {
    key: "nullable",
    kind: "nullable",
    changes: (a, b) =>
      !a === !b ? [] : [{ text: b ? "may now be null" : "may no longer be null", tightened: !b }],
  },
  valueRule("format", "format", (a, b) => b !== undefined),
  // A pattern changed for another is neither tighter nor looser: a person reviews it.
  valueRule("pattern", "pattern", (a, b) =>
    a === undefined || b === undefined ? b !== undefined : undefined,
  ),
  {
    key: "enum",
    kind: "enum",
    changes: (a, b) => {
      if (!a && !b) return [];
      if (!a) return [{ text: `now limited to ${b.map(code).join(", ")}`, tightened: true }];
      if (!b) return [{ text: `no longer limited to ${a.map(code).join(", ")}`, tightened: false }];
      const removed = a.filter((v) => !b.some((w) => isDeepStrictEqual(v, w)));
      const added = b.filter((v) => !a.some((w) => isDeepStrictEqual(v, w)));
      return [
        ...(removed.length
          ? [{ text: `enum values removed: ${removed.map(code).join(", ")}`, tightened: true }]
          : []),
        ...(added.length
          ? [{ text: `enum values added: ${added.map(code).join(", ")}`, tightened: false }]
          : []),
      ];
    },
  },
  ...["maxLength", "maxItems", "maximum", "maxProperties"].map((key) => limitRule(key, true)),
  ...["minLength", "minItems", "minimum", "minProperties"].map((key) => limitRule(key, false)),
  ...["exclusiveMinimum", "exclusiveMaximum", "uniqueItems"].map(flagRule),
];

/**
 * How much a change matters to callers, by kind: `always` whichever side it is on; otherwise by
 * side and by whether it tightened. Requests: a tightening refuses what worked. Responses (callers'
 * code reads them): a field that may now be missing or null, or an enum value their code has never
 * seen, breaks it; `ignored` kinds do not matter to a reader at all.
 */
const SEVERITY = {
  always: {
    type: "breaking",
    "field-removed": "breaking",
    pattern: "review",
    composition: "review",
  },
  responseLooseningBreaks: new Set(["required", "nullable", "enum"]),
  responseIgnored: new Set(["limit", "format", "pattern", "additional"]),
};

/**
 * The differences between two schemas, field by field. `$ref`s are followed with `resolveA` /
 * `resolveB`, or compared as names when those are absent.
 * @param {any} a the old schema
 * @param {any} b the new schema
 * @param {{ resolveA?: (s: any) => any, resolveB?: (s: any) => any }} [options]
 * @returns {Change[]}
 */
export function compareSchemas(a, b, options = {}, where = "", stack = []) {
  const ra = options.resolveA ? options.resolveA(a) : a;
  const rb = options.resolveB ? options.resolveB(b) : b;
  if (!ra || !rb || typeof ra !== "object" || typeof rb !== "object") return [];
  const pair = `${a?.$ref ?? ""}|${b?.$ref ?? ""}`;
  if (pair !== "|" && stack.includes(pair)) return []; // a recursive schema: compared already
  const next = pair === "|" ? stack : [...stack, pair];
  if (!options.resolveA && (ra.$ref || rb.$ref)) {
    if (ra.$ref === rb.$ref) return [];
    return [{ where, kind: "type", text: `${code(describeType(ra))} → ${code(describeType(rb))}` }];
  }
  if (typeOf(ra) !== typeOf(rb)) {
    const text = `type ${code(typeOf(ra) ?? "any")} → ${code(typeOf(rb) ?? "any")}`;
    return [{ where, kind: "type", text }];
  }
  const out = [];
  for (const { key, kind, changes } of KEYWORDS) {
    for (const found of changes(ra[key], rb[key])) out.push({ where, kind, ...found });
  }
  out.push(...compareProperties(ra, rb, options, where, next));
  const apA = ra.additionalProperties;
  const apB = rb.additionalProperties;
  if ((apA === false) !== (apB === false)) {
    const text = apB === false ? "unknown fields now refused" : "unknown fields now allowed";
    out.push({ where, kind: "additional", text, tightened: apB === false });
  } else if (apA && apB && typeof apA === "object" && typeof apB === "object") {
    out.push(...compareSchemas(apA, apB, options, `${where}{*}`, next));
  }
  if (ra.items && rb.items) {
    out.push(...compareSchemas(ra.items, rb.items, options, `${where}[]`, next));
  }
  for (const key of ["allOf", "anyOf", "oneOf"]) {
    const listA = ra[key] ?? [];
    const listB = rb[key] ?? [];
    if (listA.length !== listB.length) {
      out.push({
        where,
        kind: "composition",
        text: `${key}: ${listA.length} → ${listB.length} schemas`,
      });
    } else {
      listA.forEach((s, i) =>
        out.push(...compareSchemas(s, listB[i], options, `${where}.${key}[${i}]`, next)),
      );
    }
  }
  return out;
}

/** Fields added, removed, newly (not) required, and the changes inside the fields both have. */
function compareProperties(ra, rb, options, where, stack) {
  const out = [];
  const reqA = new Set(Array.isArray(ra.required) ? ra.required : []);
  const reqB = new Set(Array.isArray(rb.required) ? rb.required : []);
  const propsA = ra.properties ?? {};
  const propsB = rb.properties ?? {};
  const field = (name) => (where ? `${where}.${name}` : name);
  for (const name of Object.keys(propsB)) {
    if (name in propsA) continue;
    const type = code(describeType(propsB[name], options.resolveB));
    const required = reqB.has(name);
    out.push({
      where: field(name),
      kind: "field-added",
      text: `field added (${type}, ${required ? "required" : "optional"})`,
      tightened: required,
    });
  }
  for (const name of Object.keys(propsA)) {
    if (!(name in propsB))
      out.push({ where: field(name), kind: "field-removed", text: "field removed" });
  }
  for (const name of Object.keys(propsA)) {
    if (!(name in propsB)) continue;
    if (reqB.has(name) !== reqA.has(name)) {
      const now = reqB.has(name);
      const text = now ? "now required" : "no longer required";
      out.push({ where: field(name), kind: "required", text, tightened: now });
    }
    out.push(...compareSchemas(propsA[name], propsB[name], options, field(name), stack));
  }
  return out;
}

function withTightened(tightened) {
  return tightened === undefined ? {} : { tightened };
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

function describeType(schema, resolveRef) {
  if (!schema) return "any";
  if (schema.$ref && !resolveRef) return schema.$ref.split("/").pop();
  const s = resolveRef ? resolveRef(schema) : schema;
  if (!s) return "any";
  if (schema.$ref) return schema.$ref.split("/").pop();
  if (typeOf(s) === "array") return `array of ${describeType(s.items, resolveRef)}`;
  return typeOf(s) ?? "any";
}

/**
 * How a request or response change affects callers (the SEVERITY table).
 * @param {"request" | "response"} side
 * @param {Change} change
 * @returns {Severity}
 */
export function severity(side, { kind, tightened }) {
  if (SEVERITY.always[kind]) return SEVERITY.always[kind];
  if (side === "request") return tightened ? "breaking" : "change";
  if (SEVERITY.responseLooseningBreaks.has(kind)) return tightened ? "change" : "breaking";
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
  const opsA = operationMap(before);
  const opsB = operationMap(after);
  const options = { resolveA: (s) => resolve(before, s), resolveB: (s) => resolve(after, s) };
  const entries = [];
  for (const [key, op] of opsB) {
    if (!opsA.has(key)) {
      const text = `added: ${op.operationId} (${key})`;
      entries.push({ scope: "Operations", where: "", text, severity: "change" });
    }
  }
  for (const [key, op] of opsA) {
    if (!opsB.has(key)) {
      const text = `removed: ${op.operationId} (${key})`;
      entries.push({ scope: "Operations", where: "", text, severity: "breaking" });
    }
  }
  for (const [key, b] of opsB) {
    const a = opsA.get(key);
    if (!a) continue;
    const scope = `${b.operationId} (${key})`;
    const report = {
      /** @param {string} where @param {string} text @param {Severity} severity */
      add: (where, text, severity) => entries.push({ scope, where, text, severity }),
      /** @param {"request" | "response"} side @param {string} where @param {Change} change */
      change: (side, where, change) => entries.push(schemaEntry(scope, side, where, change)),
    };
    if (a.operationId !== b.operationId) {
      const text = `operationId ${a.operationId} → ${b.operationId} (the SDK method name may change)`;
      report.add("", text, "breaking");
    }
    diffParameters(a, b, options, report);
    diffBody(a, b, options, report);
    diffResponses(a, b, options, report);
  }
  // Grouped by operation ("Operations" first), in the order found within each.
  const scopes = [...new Set(entries.map((e) => e.scope))].sort((x, y) =>
    x === "Operations" ? -1 : y === "Operations" ? 1 : x < y ? -1 : x > y ? 1 : 0,
  );
  return scopes.flatMap((scope) => entries.filter((e) => e.scope === scope));
}

/** One change inside a schema as a report entry, with its tightened / loosened word. */
function schemaEntry(scope, side, where, change) {
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
  return {
    scope,
    where: `${where}${path}`,
    text: `${change.text}${word}`,
    severity: severity(side, change),
  };
}

function diffParameters(a, b, options, report) {
  const paramsA = params(a, options.resolveA);
  const paramsB = params(b, options.resolveB);
  for (const [name, p] of paramsB) {
    if (paramsA.has(name)) continue;
    const text = `parameter added (${p.required ? "required" : "optional"})`;
    report.add(name, text, p.required ? "breaking" : "change");
  }
  for (const name of paramsA.keys()) {
    if (!paramsB.has(name)) report.add(name, "parameter removed", "breaking");
  }
  for (const [name, pa] of paramsA) {
    const pb = paramsB.get(name);
    if (!pb) continue;
    if (!pa.required && pb.required) report.add(name, "now required", "breaking");
    if (pa.required && !pb.required) report.add(name, "no longer required", "change");
    for (const change of compareSchemas(pa.schema ?? {}, pb.schema ?? {}, options))
      report.change("request", name, change);
  }
}

function diffBody(a, b, options, report) {
  const bodyA = a.requestBody && options.resolveA(a.requestBody);
  const bodyB = b.requestBody && options.resolveB(b.requestBody);
  if (!bodyA !== !bodyB) {
    const text = bodyB ? "request body added" : "request body removed";
    report.add("body", text, bodyB?.required || !bodyB ? "breaking" : "change");
    return;
  }
  if (!bodyA || !bodyB) return;
  if (!bodyA.required && bodyB.required) report.add("body", "now required", "breaking");
  for (const media of union(bodyA.content, bodyB.content)) {
    const sa = bodyA.content?.[media]?.schema;
    const sb = bodyB.content?.[media]?.schema;
    if (!sa !== !sb) {
      const text = `${media} ${sb ? "now accepted" : "no longer accepted"}`;
      report.add("body", text, sb ? "change" : "breaking");
    } else if (sa && sb) {
      const where = Object.keys(bodyB.content ?? {}).length > 1 ? `body (${media})` : "body";
      for (const change of compareSchemas(sa, sb, options)) report.change("request", where, change);
    }
  }
}

function diffResponses(a, b, options, report) {
  for (const status of union(a.responses, b.responses)) {
    const where = `response ${status}`;
    const resA = a.responses?.[status] && options.resolveA(a.responses[status]);
    const resB = b.responses?.[status] && options.resolveB(b.responses[status]);
    if (!resA !== !resB) {
      report.add(where, resB ? "declared" : "no longer declared", "change");
      continue;
    }
    for (const media of union(resA.content, resB.content)) {
      const sa = resA.content?.[media]?.schema;
      const sb = resB.content?.[media]?.schema;
      if (sa && sb) {
        for (const change of compareSchemas(sa, sb, options)) {
          if (!SEVERITY.responseIgnored.has(change.kind)) report.change("response", where, change);
        }
      } else if (sa || sb) {
        report.add(where, `${media} ${sb ? "added" : "removed"}`, sb ? "change" : "breaking");
      }
    }
  }
}

function params(op, resolveParam) {
  const map = new Map();
  for (const raw of op.parameters ?? []) {
    const p = resolveParam(raw);
    if (p?.name) map.set(`${p.in}.${p.name}`, p);
  }
  return map;
}

function union(a, b) {
  return [...new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})])];
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

// Every `pattern` of the merged API description, checked with recheck (a ReDoS checker that
// combines automata analysis and fuzzing): a pattern a backtracking engine can take more than
// linear time on stops the build, because the SDK and the mock test every request against it.
import { check } from "recheck";
import { SpecError } from "./spec.js";

/**
 * Every `pattern` in a document with where it is, e.g.
 * `components.schemas.PayloadOutbox.properties.from`.
 * @param {any} doc
 * @returns {{ where: string, pattern: string }[]}
 */
export function patternsIn(doc) {
  const found = [];
  const walk = (node, path) => {
    if (!node || typeof node !== "object") return;
    if (typeof node.pattern === "string") found.push({ where: path, pattern: node.pattern });
    for (const [key, child] of Object.entries(node)) {
      if (key === "example" || key === "examples") continue;
      // Parameters by name ("parameters[after]"), not by index.
      const label = Array.isArray(node) && typeof child?.name === "string" ? child.name : key;
      walk(child, Array.isArray(node) ? `${path}[${label}]` : path ? `${path}.${key}` : key);
    }
  };
  walk(doc, "");
  return found;
}

/**
 * The verdict of recheck on one pattern, as the SDK compiles it (no flags) and as JSON Schema
 * validators do (`u`); the worse of the two.
 * @param {string} pattern
 * @returns {Promise<{ status: "safe" | "vulnerable" | "unknown", complexity: string, attack?: string }>}
 */
export async function checkPattern(pattern) {
  let worst;
  for (const flags of ["", "u"]) {
    // A fixed seed: the fuzzer gives the same verdict on every run.
    const result = await check(pattern, flags, { randomSeed: 1, timeout: 20_000 });
    const verdict = {
      status: result.status,
      complexity:
        result.status === "unknown"
          ? `unknown (${result.error?.kind ?? "error"})`
          : (result.complexity?.summary ?? result.complexity?.type ?? ""),
      ...(result.status === "vulnerable" ? { attack: result.attack?.pattern } : {}),
    };
    if (!worst || rank(verdict.status) > rank(worst.status)) worst = verdict;
  }
  return /** @type {any} */ (worst);
}

function rank(status) {
  return status === "safe" ? 0 : status === "unknown" ? 1 : 2;
}

/**
 * Fails, naming each schema and pattern, when a pattern of the document is super-linear or
 * cannot be analysed.
 * @param {any} doc
 * @returns {Promise<number>} how many distinct patterns were checked
 */
export async function assertLinearPatterns(doc) {
  const found = patternsIn(doc);
  const distinct = [...new Set(found.map((f) => f.pattern))];
  const verdicts = new Map();
  for (const pattern of distinct) verdicts.set(pattern, await checkPattern(pattern));
  const bad = found.filter((f) => verdicts.get(f.pattern)?.status !== "safe");
  if (bad.length) {
    const lines = bad.map((f) => {
      const v = verdicts.get(f.pattern);
      const attack = v.attack ? `; e.g. ${v.attack}` : "";
      return `${f.where}: ${JSON.stringify(f.pattern)} is ${v.complexity}${attack}`;
    });
    throw new SpecError(
      `${bad.length} pattern(s) can stall a backtracking regex engine (ReDoS). Add a correction with a linear pattern of the same language (spec/README.md, "Patterns"):\n  ${lines.join("\n  ")}`,
    );
  }
  return distinct.length;
}

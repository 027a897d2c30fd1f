// Every `pattern` of the merged API description, checked with recheck (a ReDoS checker that
// combines automata analysis and fuzzing): a pattern a backtracking engine can take more than
// linear time on stops the build, because the SDK and the mock test every request against it.
// Verdicts are cached in node_modules/.cache (keyed by recheck's version and our parameters):
// loading recheck and checking costs about 0.4 s of every `npm run generate` otherwise.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { SpecError } from "./openapi.js";

const PARAMS = { randomSeed: 1, timeout: 20_000 };
const CACHE = new URL("../node_modules/.cache/faxplus-unofficial/redos.json", import.meta.url);
const RECHECK = new URL("../node_modules/recheck/package.json", import.meta.url);

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
 * @param {{ cache?: boolean }} [options] `cache: false` always runs recheck (the tests do)
 * @returns {Promise<{ status: "safe" | "vulnerable" | "unknown", complexity: string, attack?: string }>}
 */
export async function checkPattern(pattern, { cache: useCache = true } = {}) {
  const cache = useCache ? await loadCache() : { key: "", verdicts: {} };
  const cached = cache.verdicts[pattern];
  if (cached) return cached;
  const { check } = await import("recheck");
  let worst;
  for (const flags of ["", "u"]) {
    // A fixed seed: the fuzzer gives the same verdict on every run.
    const result = await check(pattern, flags, PARAMS);
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
  if (useCache && worst.status !== "unknown") {
    cache.verdicts[pattern] = worst;
    await saveCache(cache);
  }
  return /** @type {any} */ (worst);
}

/** @type {Promise<{ key: string, verdicts: Record<string, any> }> | undefined} */
let loaded;
function loadCache() {
  loaded ??= (async () => {
    const version = JSON.parse(await readFile(RECHECK, "utf8")).version;
    const key = `recheck ${version} ${JSON.stringify(PARAMS)} flags "" and "u"`;
    const stored = await readFile(CACHE, "utf8")
      .then((text) => JSON.parse(text))
      .catch(() => undefined);
    return { key, verdicts: stored?.key === key ? stored.verdicts : {} };
  })();
  return loaded;
}

async function saveCache(cache) {
  try {
    await mkdir(new URL(".", CACHE), { recursive: true });
    // Whole or not at all: another build may read it at the same time.
    const temp = new URL(`redos.json.${process.pid}`, CACHE);
    await writeFile(temp, JSON.stringify(cache));
    await rename(temp, CACHE);
  } catch {
    // A cache that cannot be written only costs time.
  }
}

function rank(status) {
  return status === "safe" ? 0 : status === "unknown" ? 1 : 2;
}

/**
 * Fails, naming each schema and pattern, when a pattern of the document is super-linear or
 * cannot be analysed.
 * @param {any} doc
 * @param {{ hint?: string }} [options] `hint`: a sentence added to the failure (e.g. which
 *   linear rewrite no longer found the vendor's old pattern)
 * @returns {Promise<number>} how many distinct patterns were checked
 */
export async function assertLinearPatterns(doc, { hint } = {}) {
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
    const why = hint ? `\n  (${hint}: update that correction for the new pattern.)` : "";
    throw new SpecError(
      `${bad.length} pattern(s) can stall a backtracking regex engine (ReDoS). Add a correction with a linear pattern of the same language (spec/README.md, "Patterns"):\n  ${lines.join("\n  ")}${why}`,
    );
  }
  return distinct.length;
}

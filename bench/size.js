// Browser bundle size: esbuild bundles (platform browser, ESM, minified) of small entries that
// (a) construct FaxPlus and make one raw `fax.api` call, (b) also call every helper (every method
// of FaxPlus and every function exported by src/index.ts, found at run time), (c) use bare
// openapi-fetch for the same raw call, (d) use bare openapi-fetch for the requests the helpers
// send (no validation, retries or batching). Sizes: raw, gzip (level 9), brotli (quality 11).
// Bundles src/index.ts directly (esbuild handles TypeScript): no build step needed.
//
// Usage: node bench/size.js   (prints one JSON line; bench/run.js puts it in the table)
// test/size.test.ts asserts the budget with measureSizes().
import * as esbuild from "esbuild";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const repo = fileURLToPath(new URL("..", import.meta.url));
const INDEX = "./src/index.ts";
/** Budget of entry (b), client and every helper, in gzip bytes (5 kB, SI). */
export const GZIP_BUDGET = 5000;

const RAW_CALL = `"/accounts/{user_id}/faxes/{fax_id}", { params: { path: { user_id: "self", fax_id: id } } }`;

/** The value exports of src/index.ts and the public methods of FaxPlus, as they are now. */
export async function discoverApi() {
  const dir = await mkdtemp(join(tmpdir(), "faxplus-size-"));
  try {
    const file = join(dir, "index.mjs");
    await esbuild.build({
      entryPoints: [join(repo, INDEX)],
      bundle: true,
      platform: "node",
      format: "esm",
      outfile: file,
      logLevel: "silent",
    });
    const sdk = await import(pathToFileURL(file).href);
    const classes = [];
    const helpers = [];
    const constants = [];
    for (const [name, value] of Object.entries(sdk)) {
      if (name === "FaxPlus") continue;
      if (typeof value !== "function") constants.push(name);
      else if (/^class\b/.test(Function.prototype.toString.call(value))) classes.push(name);
      else {
        // Helpers taking the client first: `upload(fax, input)`; others: `parseWebhook(body)`.
        const source = Function.prototype.toString.call(value);
        const takesClient = /^(?:async\s*)?function\s*\*?\s*[\w$]*\s*\(\s*fax\b/.test(source);
        helpers.push({ name, takesClient });
      }
    }
    const methods = Object.getOwnPropertyNames(sdk.FaxPlus.prototype).filter(
      (name) => name !== "constructor" && typeof sdk.FaxPlus.prototype[name] === "function",
    );
    return { methods, helpers, classes, constants };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Entry sources, keyed by row. */
export function entries(api) {
  const clientOnly = [
    `import { FaxPlus } from "${INDEX}";`,
    `const fax = new FaxPlus({ token: "token" });`,
    `export const run = (id) => fax.api.GET(${RAW_CALL});`,
  ].join("\n");

  const names = ["FaxPlus", ...api.helpers.map((h) => h.name), ...api.classes, ...api.constants];
  const everything = [
    `import { ${names.join(", ")} } from "${INDEX}";`,
    `const fax = new FaxPlus({ token: "token" });`,
    `export async function run(id, input) {`,
    `  await fax.api.GET(${RAW_CALL});`,
    ...api.methods.map((m) => `  await fax.${m}(input, input, input);`),
    ...api.helpers.map(
      (h) => `  await ${h.name}(${h.takesClient ? "fax, input, input" : "input, input"});`,
    ),
    `  return [${[...api.classes, ...api.constants].join(", ")}];`,
    `}`,
  ].join("\n");

  const bare = [
    `import createClient from "openapi-fetch";`,
    `const api = createClient({ baseUrl: "https://restapi.fax.plus/v3", headers: { authorization: "Bearer token" } });`,
  ];
  const bareOne = [...bare, `export const run = (id) => api.GET(${RAW_CALL});`].join("\n");
  // The requests behind send/resend/forward, updateOutbox, bulkUpdateOutbox, bulkUpdateFaxes,
  // upload, listFaxes/iterateFaxes and waitForDelivery, as plain openapi-fetch calls.
  const bareHelpers = [
    ...bare,
    `const path = { user_id: "self" };`,
    `export async function run(id, body) {`,
    `  await api.GET(${RAW_CALL});`,
    `  await api.POST("/accounts/{user_id}/outbox", { params: { path }, body });`,
    `  await api.PUT("/accounts/{user_id}/outbox/{outbox_fax_id}", { params: { path: { ...path, outbox_fax_id: id } }, body });`,
    `  await api.PUT("/accounts/{user_id}/outbox", { params: { path }, body });`,
    `  await api.PUT("/accounts/{user_id}/faxes", { params: { path }, body });`,
    `  await api.POST("/accounts/{user_id}/files", { params: { path }, body, bodySerializer: (b) => { const f = new FormData(); f.append("fax_file", b.fax_file, "a.pdf"); return f; } });`,
    `  await api.GET("/accounts/{user_id}/faxes", { params: { path, query: body } });`,
    `  await api.GET("/accounts/{user_id}/outbox/{outbox_fax_id}", { params: { path: { ...path, outbox_fax_id: id } } });`,
    `}`,
  ].join("\n");

  return [
    { key: "client", label: "(a) FaxPlus + 1 raw fax.api call", source: clientOnly },
    { key: "all", label: "(b) FaxPlus + every helper", source: everything },
    { key: "openapiFetch", label: "(c) bare openapi-fetch, same raw call", source: bareOne },
    {
      key: "openapiFetchHelpers",
      label: "(d) bare openapi-fetch, the helpers' requests",
      source: bareHelpers,
    },
  ];
}

async function bundle(source, name) {
  const result = await esbuild.build({
    stdin: { contents: source, resolveDir: repo, sourcefile: `${name}.js`, loader: "js" },
    bundle: true,
    platform: "browser",
    format: "esm",
    minify: true,
    write: false,
    metafile: true,
    outfile: `${name}.out.js`,
    // Kept as imports so that the check below can see them (a browser build would fail on them).
    external: ["node:*"],
    logLevel: "silent",
  });
  const code = result.outputFiles[0].contents;
  const output = Object.values(result.metafile.outputs)[0];
  const gzip = gzipSync(code, { level: 9 }).length;
  // Minified bytes per input; gzip share estimated in proportion (gzip is not additive).
  const inputs = Object.entries(output.inputs)
    .map(([file, { bytesInOutput }]) => ({
      file: file === `${name}.js` ? "(entry)" : relative(repo, join(repo, file)),
      bytes: bytesInOutput,
      gzipEstimate: Math.round((bytesInOutput / code.length) * gzip),
    }))
    .filter((i) => i.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
  const text = Buffer.from(code).toString("utf8");
  const nodeImports = [
    ...new Set([
      ...output.imports.map((i) => i.path).filter((p) => p.startsWith("node:")),
      ...[...text.matchAll(/["'`](node:[\w/]+)["'`]/g)].map((m) => m[1]),
    ]),
  ];
  return {
    raw: code.length,
    gzip,
    brotli: brotliCompressSync(code, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
    }).length,
    inputs,
    nodeImports,
    text,
  };
}

/** Bundles every entry; `rows[i].text` is the minified bundle. */
export async function measureSizes() {
  const api = await discoverApi();
  const rows = [];
  for (const entry of entries(api)) {
    rows.push({ key: entry.key, label: entry.label, ...(await bundle(entry.source, entry.key)) });
  }
  return { api, rows, budget: GZIP_BUDGET };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { api, rows, budget } = await measureSizes();
  const all = rows.find((r) => r.key === "all");
  console.log(
    JSON.stringify({
      bench: "size",
      budgetGzip: budget,
      withinBudget: all.gzip <= budget,
      helpers: [...api.methods.map((m) => `fax.${m}`), ...api.helpers.map((h) => h.name)],
      rows: rows.map(({ text, ...row }) => row),
    }),
  );
}

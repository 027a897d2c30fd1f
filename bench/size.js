// Browser bundle size: esbuild bundles (platform browser, ESM, minified) of small apps that use
// the SDK, next to the same requests with bare openapi-fetch. Sizes: minified, gzip (level 9),
// brotli (quality 11); and the share of each bundle that is openapi-fetch, the core, the rules, the
// operations, the workflows and the class (from esbuild's metafile: minified bytes per input, and
// gzip in proportion, since gzip is not additive).
//
// Usage: node bench/size.js   (prints one JSON line; bench/run.js puts it in the table)
// test/size.test.ts checks the same bundles with measureSizes().
import * as esbuild from "esbuild";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const repo = fileURLToPath(new URL("..", import.meta.url));
const INDEX = "./src/index.ts";

/** The targets of issue 11, in gzip bytes (kB = 1000 bytes). */
export const TARGETS = { send: 6500, read: 5500, all: 11000 };

const SEND = `{ from: "+12345678901", to: ["+12345678902"], files: [file] }`;

/** Entry sources, keyed by row. */
export const ENTRIES = [
  {
    key: "send",
    label: "an app that only sends a fax (upload + send)",
    source: `import { createFaxPlus, send } from "${INDEX}";
const client = createFaxPlus({ token: "token" });
export const run = (file) => send(client, ${SEND});`,
  },
  {
    key: "read",
    label: "an app that only reads one fax record",
    source: `import { createFaxPlus, getFax } from "${INDEX}";
const client = createFaxPlus({ token: "token" });
export const run = (id) => getFax(client, { fax_id: id });`,
  },
  {
    key: "all",
    label: "the whole main entry (every export)",
    source: `export * from "${INDEX}";`,
  },
  {
    key: "class",
    label: "the class, one helper called",
    source: `import { FaxPlus } from "${INDEX}";
const fax = new FaxPlus({ token: "token" });
export const run = (id) => fax.getFax({ fax_id: id });`,
  },
  {
    key: "bareSend",
    label: "bare openapi-fetch: upload + send",
    source: `import createClient from "openapi-fetch";
const api = createClient({ baseUrl: "https://restapi.fax.plus/v3", headers: { authorization: "Bearer token" } });
const path = { user_id: "self" };
export async function run(file) {
  const { data } = await api.POST("/accounts/{user_id}/files", { params: { path }, body: { fax_file: file }, bodySerializer: (b) => { const f = new FormData(); f.append("fax_file", b.fax_file, "a.pdf"); return f; } });
  return api.POST("/accounts/{user_id}/outbox", { params: { path }, body: { from: "+12345678901", to: ["+12345678902"], files: [data.path] } });
}`,
  },
  {
    key: "bareRead",
    label: "bare openapi-fetch: read one fax record",
    source: `import createClient from "openapi-fetch";
const api = createClient({ baseUrl: "https://restapi.fax.plus/v3", headers: { authorization: "Bearer token" } });
export const run = (id) => api.GET("/accounts/{user_id}/faxes/{fax_id}", { params: { path: { user_id: "self", fax_id: id } } });`,
  },
];

/** The part of the package an input file belongs to. */
export function partOf(file) {
  if (file.includes("node_modules/openapi-fetch/")) return "openapi-fetch";
  if (file.startsWith("src/core/")) return "core";
  if (file === "generated/rules.ts") return "rules";
  if (file.startsWith("src/operations/") || file === "generated/operations.ts") return "operations";
  if (file.startsWith("src/workflows/")) return "workflows";
  if (file.startsWith("src/webhooks/")) return "webhooks";
  if (file === "src/faxplus.ts") return "class";
  return "other";
}

async function bundle({ key, source }) {
  const result = await esbuild.build({
    stdin: { contents: source, resolveDir: repo, sourcefile: `${key}.js`, loader: "js" },
    bundle: true,
    platform: "browser",
    format: "esm",
    minify: true,
    write: false,
    metafile: true,
    outfile: `${key}.out.js`,
    // Kept as imports so that the check below can see them (a browser build would fail on them).
    external: ["node:*"],
    logLevel: "silent",
  });
  const code = result.outputFiles[0].contents;
  const output = Object.values(result.metafile.outputs)[0];
  const gzip = gzipSync(code, { level: 9 }).length;
  const inputs = Object.entries(output.inputs)
    .map(([file, { bytesInOutput }]) => ({
      file: file === `${key}.js` ? "(entry)" : relative(repo, file),
      bytes: bytesInOutput,
    }))
    .filter((input) => input.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
  const shares = {};
  for (const input of inputs) {
    const part = partOf(input.file);
    shares[part] = (shares[part] ?? 0) + input.bytes;
  }
  for (const part of Object.keys(shares)) {
    shares[part] = {
      bytes: shares[part],
      gzipEstimate: Math.round((shares[part] / code.length) * gzip),
    };
  }
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
    brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    shares,
    inputs,
    nodeImports,
    text,
  };
}

/** Bundles every entry; `rows[i].text` is the minified bundle. */
export async function measureSizes() {
  const rows = [];
  for (const entry of ENTRIES)
    rows.push({ key: entry.key, label: entry.label, ...(await bundle(entry)) });
  return { rows, targets: TARGETS };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { rows, targets } = await measureSizes();
  console.log(
    JSON.stringify({
      bench: "size",
      targets,
      rows: rows.map(({ text, inputs, ...row }) => row),
    }),
  );
}

// Browser bundle size of what users get: small apps bundled (esbuild --bundle --minify, platform
// browser, ESM, gzip -9, brotli 11) from the PACKED package installed in a temporary consumer
// project, beside the same apps written with the peers, bundled from the same spec in the same run:
//  - bare openapi-fetch (the version this package depends on);
//  - hey-api (@hey-api/openapi-ts generating a fetch client from generated/openapi.yaml), without
//    validation and with its valibot plugin (`validator: true`);
//  - the vendor SDK (@alohi/faxplus-api 3.0.4 + axios 0.21), bundled from its published TypeScript
//    source. It is not on the npm registry, and its code is not ours to copy into this repository:
//    give a checkout of its repository (AlohiHQ/faxplus-js at 3.0.4) with `--vendor DIR` or the
//    FAXPLUS_VENDOR_SDK environment variable; without one its rows say so.
// The peers are installed into the temporary project at run time from the npm registry (npm's
// cache first), not kept in devDependencies: `npm ci` stays lean for everyone, and hey-api (58
// packages, engines node >= 22.18) is a tool of this benchmark only.
//
// The installed package is one file per entry, so esbuild's metafile cannot split it into parts;
// the same three apps are also bundled from src/ ("src" rows), whose metafile gives the share of
// each part (openapi-fetch, the core file by file, the rules, the operations, the workflows, the
// class). Shares are minified bytes per input, and gzip in proportion (gzip is not additive).
//
// Usage: node bench/size.js [--no-peers] [--vendor DIR] [--tarball PATH]
//   prints one JSON line (bench/run.js puts it in the table) and the issue-21 table on stderr.
// test/size.test.ts checks the installed package's budgets with measureSizes({ tarball, peers: false }).
import { execFile } from "node:child_process";
import { copyFile, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import * as esbuild from "esbuild";

const run = promisify(execFile);
const repo = fileURLToPath(new URL("..", import.meta.url));

/** The targets of issue 21, in gzip bytes (kB = 1000 bytes), for the installed package. */
export const TARGETS = { read: 7000, send: 8000, class: 11000 };

/** The peers' packages, installed into the consumer project when peers are measured. */
export const PEER_PACKAGES = [
  "@hey-api/openapi-ts@0.99.0",
  "typescript@5.9.3", // hey-api's generator needs it
  "valibot@1.5.0",
  "axios@0.21.4", // the vendor SDK's dependency (^0.21.1)
  "form-data@4.0.0",
];

const SEND = `{ from: "+12345678901", to: ["+12345678902"], files: [file] }`;
const HEY_CONFIG = `{ baseUrl: "https://restapi.fax.plus/v3", headers: { authorization: "Bearer token" } }`;

/** The apps, each written against every subject. `null`: that subject has no such app. */
const APPS = {
  read: {
    label: "read one fax (standalone getFax)",
    ours: (pkg) => `import { createFaxPlus, getFax } from "${pkg}";
const client = createFaxPlus({ token: "token" });
export const run = (id) => getFax(client, { fax_id: id });`,
    bare: `import createClient from "openapi-fetch";
const api = createClient({ baseUrl: "https://restapi.fax.plus/v3", headers: { authorization: "Bearer token" } });
export const run = (id) => api.GET("/accounts/{user_id}/faxes/{fax_id}", { params: { path: { user_id: "self", fax_id: id } } });`,
    hey: (dir) => `import { client } from "./${dir}/client.gen.ts";
import { getFax } from "./${dir}/sdk.gen.ts";
client.setConfig(${HEY_CONFIG});
export const run = (id) => getFax({ path: { user_id: "self", fax_id: id }, throwOnError: true });`,
    vendor: `import { Configuration, FaxesApi } from "./vendor/index.ts";
const faxes = new FaxesApi(new Configuration({ accessToken: "token" }));
export const run = (id) => faxes.getFax({ userId: "self", faxId: id });`,
  },
  send: {
    label: "upload + send (send workflow)",
    ours: (pkg) => `import { createFaxPlus, send } from "${pkg}";
const client = createFaxPlus({ token: "token" });
export const run = (file) => send(client, ${SEND});`,
    bare: `import createClient from "openapi-fetch";
const api = createClient({ baseUrl: "https://restapi.fax.plus/v3", headers: { authorization: "Bearer token" } });
const path = { user_id: "self" };
export async function run(file) {
  const { data } = await api.POST("/accounts/{user_id}/files", { params: { path }, body: { fax_file: file }, bodySerializer: (b) => { const f = new FormData(); f.append("fax_file", b.fax_file, "a.pdf"); return f; } });
  return api.POST("/accounts/{user_id}/outbox", { params: { path }, body: { from: "+12345678901", to: ["+12345678902"], files: [data.path] } });
}`,
    hey: (dir) => `import { client } from "./${dir}/client.gen.ts";
import { sendFax, uploadFile } from "./${dir}/sdk.gen.ts";
client.setConfig(${HEY_CONFIG});
const path = { user_id: "self" };
export async function run(file) {
  const { data } = await uploadFile({ path, body: { fax_file: file }, throwOnError: true });
  return sendFax({ path, body: { from: "+12345678901", to: ["+12345678902"], files: [data.path] }, throwOnError: true });
}`,
    vendor: `import { Configuration, FilesApi, OutboxApi } from "./vendor/index.ts";
const configuration = new Configuration({ accessToken: "token" });
const files = new FilesApi(configuration);
const outbox = new OutboxApi(configuration);
export async function run(file) {
  const { data } = await files.uploadFile({ userId: "self", faxFile: file });
  return outbox.sendFax({ userId: "self", payloadOutbox: { from: "+12345678901", to: ["+12345678902"], files: [data.path] } });
}`,
  },
  class: {
    label: "the class, one read (vendor: its whole SDK)",
    ours: (pkg) => `import { FaxPlus } from "${pkg}";
const fax = new FaxPlus({ token: "token" });
export const run = (id) => fax.getFax({ fax_id: id });`,
    bare: null,
    hey: null,
    vendor: `export * from "./vendor/index.ts";`,
  },
  constant: {
    label: "one constant (every other top-level statement must drop)",
    ours: (pkg) => `export { DEFAULT_BASE_URL } from "${pkg}";`,
    bare: null,
    hey: null,
    vendor: null,
    inTable: false,
  },
};

/** The subjects (columns), in the order of the table. */
export const SUBJECTS = {
  ours: "this SDK, installed",
  src: "this SDK, from src",
  heyValibot: "hey-api + valibot (validated)",
  hey: "hey-api (no validation)",
  vendor: "vendor SDK 3.0.4 + axios 0.21",
  bare: "openapi-fetch bare",
};

function sourceOf(app, subject) {
  switch (subject) {
    case "ours":
      return app.ours("faxplus-unofficial");
    case "src":
      return app.ours(join(repo, "src/index.ts"));
    case "hey":
      return app.hey && app.hey("hey-plain");
    case "heyValibot":
      return app.hey && app.hey("hey-valibot");
    default:
      return app[subject];
  }
}

/** The part of a bundle an input file belongs to. */
export function partOf(file) {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
  if (pkg) return pkg[1] === "faxplus-unofficial" ? "package (one file)" : pkg[1];
  if (file.startsWith("src/core/")) return "core";
  if (file === "generated/rules.ts") return "rules";
  if (file.startsWith("src/operations/") || file === "generated/operations.ts") return "operations";
  if (file.startsWith("src/workflows/")) return "workflows";
  if (file.startsWith("src/webhooks/")) return "webhooks";
  if (file === "src/faxplus.ts") return "class";
  if (file.startsWith("hey-"))
    return file.endsWith("valibot.gen.ts") ? "hey-api valibot schemas" : "hey-api client";
  if (file.startsWith("vendor/")) return "vendor SDK";
  return "other";
}

async function bundle(key, source, resolveDir) {
  const result = await esbuild.build({
    stdin: { contents: source, resolveDir, sourcefile: `${key}.js`, loader: "js" },
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
  const base = resolveDir === repo ? repo : resolveDir;
  const inputs = Object.entries(output.inputs)
    .map(([file, { bytesInOutput }]) => ({
      file:
        file === `${key}.js`
          ? "(entry)"
          : relative(base, join(repo, file)).replace(/^(\.\.\/)+/, ""),
      bytes: bytesInOutput,
    }))
    .filter((input) => input.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
  for (const input of inputs) input.gzipEstimate = Math.round((input.bytes / code.length) * gzip);
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

/** Builds the package with its own build and packs it as `npm publish` would; the tarball's path. */
export async function packTarball(dir) {
  const stage = join(dir, "stage");
  await mkdir(stage, { recursive: true });
  await run(process.execPath, [join(repo, "scripts/build.js"), "--outdir", join(stage, "dist")], {
    cwd: repo,
  });
  for (const file of ["package.json", "README.md", "LICENSE"]) {
    await copyFile(join(repo, file), join(stage, file));
  }
  const args = ["pack", "--json", "--ignore-scripts", "--pack-destination", dir];
  const { stdout } = await run("npm", args, { cwd: stage });
  return join(dir, JSON.parse(stdout)[0].filename);
}

/**
 * The temporary consumer project: the tarball installed, and with `peers` the peers' packages,
 * the two hey-api clients generated from generated/openapi.yaml, and the vendor's source copied
 * from `vendor` (a directory) when given.
 */
async function consumer(dir, tarball, peers, vendor) {
  const manifest = { name: "faxplus-size-consumer", private: true, type: "module" };
  await writeFile(join(dir, "package.json"), JSON.stringify(manifest));
  const specs = [tarball, ...(peers ? PEER_PACKAGES : [])];
  await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", ...specs], {
    cwd: dir,
    maxBuffer: 16 << 20,
  });
  const have = { ours: true, src: true, bare: true };
  if (!peers) return have;
  const spec = join(repo, "generated/openapi.yaml");
  const common = `input: ${JSON.stringify(spec)}, logs: { level: "silent", file: false }`;
  await writeFile(
    join(dir, "openapi-ts.config.mjs"),
    `export default [
  { ${common}, output: "hey-plain", plugins: ["@hey-api/client-fetch", "@hey-api/sdk"] },
  { ${common}, output: "hey-valibot", plugins: ["@hey-api/client-fetch", "valibot", { name: "@hey-api/sdk", validator: true }] },
];\n`,
  );
  await run(join(dir, "node_modules/.bin/openapi-ts"), ["-f", "openapi-ts.config.mjs"], {
    cwd: dir,
  });
  // hey-api 0.99 writes the spec's \u2028 / \u2029 (in the e-mail pattern) into a regex literal
  // as raw line separators, which no JavaScript parser accepts: escaped again here.
  const schemas = join(dir, "hey-valibot/valibot.gen.ts");
  const text = await readFile(schemas, "utf8");
  await writeFile(schemas, text.replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029"));
  have.hey = have.heyValibot = true;
  if (vendor) {
    await cp(vendor, join(dir, "vendor"), {
      recursive: true,
      filter: (path) => !/[/\\]\.(git|idea)([/\\]|$)/.test(path),
    });
    have.vendor = (await readdir(join(dir, "vendor"))).includes("index.ts");
  }
  return have;
}

/**
 * Bundles every app against every subject. `tarball`: an already packed package (else it is packed
 * here); `peers: false` measures this SDK only (no registry needed beyond npm's cache).
 * Each row: { key: "<subject>.<app>", subject, app, label, raw, gzip, brotli, shares, inputs,
 * nodeImports, text } or { key, subject, app, skipped }.
 */
export async function measureSizes({
  tarball,
  peers = true,
  vendor = process.env.FAXPLUS_VENDOR_SDK,
} = {}) {
  const dir = await mkdtemp(join(tmpdir(), "faxplus-size-"));
  try {
    const packed = tarball ?? (await packTarball(dir));
    const project = join(dir, "consumer");
    await mkdir(project);
    const have = await consumer(project, packed, peers, vendor);
    const rows = [];
    for (const [appKey, app] of Object.entries(APPS)) {
      for (const subject of Object.keys(SUBJECTS)) {
        const key = `${subject}.${appKey}`;
        const source = sourceOf(app, subject);
        if (source === null || source === undefined) continue;
        if (!have[subject]) {
          const why =
            subject === "vendor"
              ? "no vendor source (--vendor DIR or FAXPLUS_VENDOR_SDK: it is not on the npm registry)"
              : "peers not measured (--no-peers)";
          rows.push({ key, subject, app: appKey, label: app.label, skipped: why });
          continue;
        }
        const resolveDir = subject === "src" ? repo : project;
        rows.push({
          key,
          subject,
          app: appKey,
          label: app.label,
          ...(await bundle(key, source, resolveDir)),
        });
      }
    }
    return { rows, targets: TARGETS };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The table: one line per app, one column per subject, gzip kB. */
export function table(rows) {
  const kB = (bytes) => (bytes / 1000).toFixed(1);
  const lines = [
    `| app | ${Object.values(SUBJECTS).join(" | ")} |`,
    `|---|${Object.keys(SUBJECTS)
      .map(() => "---")
      .join("|")}|`,
  ];
  for (const [appKey, app] of Object.entries(APPS)) {
    if (app.inTable === false) continue;
    const cells = Object.keys(SUBJECTS).map((subject) => {
      const row = rows.find((r) => r.key === `${subject}.${appKey}`);
      if (!row) return "-";
      if (row.skipped) return "n/a";
      const target = subject === "ours" ? TARGETS[appKey] : undefined;
      return target ? `${kB(row.gzip)} (<= ${kB(target)})` : kB(row.gzip);
    });
    lines.push(`| ${app.label} | ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const flag = (name) => {
    const at = process.argv.indexOf(name);
    return at === -1 ? undefined : process.argv[at + 1];
  };
  const { rows, targets } = await measureSizes({
    tarball: flag("--tarball"),
    peers: !process.argv.includes("--no-peers"),
    vendor: flag("--vendor") ?? process.env.FAXPLUS_VENDOR_SDK,
  });
  process.stderr.write(`${table(rows)}\n`);
  const core = rows.find((r) => r.key === "src.read");
  if (core?.inputs) {
    process.stderr.write("\nsrc.read, gzip estimate per input:\n");
    for (const input of core.inputs)
      process.stderr.write(`  ${input.file} ${input.gzipEstimate}\n`);
  }
  console.log(
    JSON.stringify({
      bench: "size",
      targets,
      rows: rows.map(({ text, ...row }) => row),
    }),
  );
}

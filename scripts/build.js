// npm run compile: src/ and generated/ -> dist/. The declarations come from tsc (one .d.ts per
// source file); the JavaScript is one esbuild bundle per entry point (the main entry, /node, /mock
// and the faxplus bin), with the code they share in chunks, so that the error classes of every
// entry point are the same classes and Node loads a handful of modules instead of ~30 (import
// time). Bundles keep their `/* @__PURE__ */` marks and stay unminified: an app's bundler still
// drops what the app does not import.
//
// Usage: node scripts/build.js [--outdir DIR]   (default dist/)
import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";

const repo = fileURLToPath(new URL("..", import.meta.url));
const flag = process.argv.indexOf("--outdir");
const outdir = resolve(flag === -1 ? join(repo, "dist") : (process.argv[flag + 1] ?? "dist"));

/** The entry points of package.json's exports and bin, by their path under dist/. */
export const ENTRY_POINTS = {
  "src/index": "src/index.ts",
  "src/node": "src/node.ts",
  "src/mock/index": "src/mock/index.ts",
  "src/cli/main": "src/cli/main.ts",
};

await rm(outdir, { recursive: true, force: true });
const tsc = join(repo, "node_modules/typescript/bin/tsc");
const args = ["-p", join(repo, "tsconfig.build.json"), "--emitDeclarationOnly", "--outDir", outdir];
await promisify(execFile)(process.execPath, [tsc, ...args], { cwd: repo });
await build({
  absWorkingDir: repo,
  entryPoints: ENTRY_POINTS,
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "es2022",
  // The dependency stays a dependency; Node's modules stay Node's.
  external: ["openapi-fetch", "node:*"],
  chunkNames: "src/chunks/[name]-[hash]",
  legalComments: "none",
  logLevel: "warning",
});

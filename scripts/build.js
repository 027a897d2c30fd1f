// npm run compile: src/ and generated/ -> dist/. The declarations come from tsc (one .d.ts per
// source file); the JavaScript is one esbuild bundle per entry point (the main entry, /node, /mock
// and the faxplus bin). The main entry is ONE file: Node reads each module of an import in turn,
// and on a small machine each costs about a millisecond of import time. An entry that imports
// another (/node re-exports the main entry; the bin imports all three) imports its bundle, so that
// every entry point has the same error classes. The mock is self-contained (it checks requests
// with its own copy of the rules). Bundles keep their `/* @__PURE__ */` marks and stay
// unminified: an app's bundler still drops what the app does not import. One statement esbuild
// writes is not droppable: the object of an `import * as` namespace that the bundle uses as a value
// (faxplus.ts binds every operation), filled by a top-level `__export(ns, {...})` call. It is
// rewritten into a pure-annotated expression (`pureNamespaces`), so that an app that never reaches
// the namespace (every app not using the class) carries none of its operations or rules.
//
// Usage: node scripts/build.js [--outdir DIR]   (default dist/)
import { execFile } from "node:child_process";
import { readFile, rm, writeFile } from "node:fs/promises";
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

const sources = new Set(Object.values(ENTRY_POINTS).map((source) => join(repo, source)));
for (const [out, source] of Object.entries(ENTRY_POINTS)) {
  const cli = out === "src/cli/main";
  const result = await build({
    absWorkingDir: repo,
    entryPoints: { [out]: source },
    outdir,
    bundle: true,
    // The bin loads each command's code when it runs (start-up of `faxplus --help`).
    splitting: cli,
    chunkNames: "src/cli/[name]-[hash]",
    format: "esm",
    platform: "node",
    target: "es2022",
    // The dependency stays a dependency; Node's modules stay Node's.
    external: ["openapi-fetch", "node:*"],
    plugins: [otherEntriesExternal(join(repo, source))],
    legalComments: "none",
    logLevel: "warning",
    metafile: true,
  });
  for (const file of Object.keys(result.metafile.outputs)) {
    if (!file.endsWith(".js")) continue;
    const path = join(repo, file);
    const code = await readFile(path, "utf8");
    const pure = pureNamespaces(code);
    if (pure !== code) await writeFile(path, pure);
  }
}

/**
 * esbuild fills a namespace object with a top-level statement
 * `var x_exports = {};\n__export(x_exports, { name: () => name, ... });`, which keeps every name
 * it lists in any bundle of the file. This makes it `var x_exports = /* @__PURE__ *\/ (...)(...)`:
 * dropped when nothing reads `x_exports`. Throws if a top-level `__export(` call is left.
 */
export function pureNamespaces(code) {
  const out = code.replace(
    /^var (\w+_exports) = \{\};\n__export\(\1, (\{\n[^]*?\n\})\);$/gm,
    (_, name, getters) =>
      `var ${name} = /* @__PURE__ */ ((target, all) => (__export(target, all), target))({}, ${getters});`,
  );
  if (/^__export\(/m.test(out)) throw new Error("scripts/build.js: a top-level __export( is left");
  return out;
}

/**
 * Keeps an import of another entry point (`./index.js` in src/node.ts) as an import of its bundle.
 * dist/ mirrors src/ (and the bin's chunks sit beside it), so the relative path stays right.
 */
function otherEntriesExternal(self) {
  return {
    name: "other-entries-external",
    setup(builder) {
      builder.onResolve({ filter: /\.js$/ }, (args) => {
        if (!args.path.startsWith(".")) return undefined;
        const source = resolve(args.resolveDir, args.path).replace(/\.js$/, ".ts");
        if (source === self || !sources.has(source)) return undefined;
        return { path: args.path, external: true };
      });
    },
  };
}

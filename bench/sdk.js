// Where the benchmarks get the package from: its compiled `dist/src/<entry>.js` (run `npm run
// compile` first, as `npm run bench` does), or, without dist/ (or when asked), a fresh esbuild
// bundle of `src/<entry>.ts` for Node.
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const repo = fileURLToPath(new URL("..", import.meta.url));

/**
 * The URL of entry `name` (`index`, `mock/index`, ...) and where it came from: dist/, or a bundle
 * of src/ written into `dir` (which the caller removes), always with `fromSource`.
 */
export async function sdkUrl(name, dir, { fromSource = false } = {}) {
  const dist = join(repo, `dist/src/${name}.js`);
  if (!fromSource && existsSync(dist)) return { url: pathToFileURL(dist).href, from: "dist" };
  const { build } = await import("esbuild");
  const file = join(dir, `${name.replaceAll("/", "-")}.mjs`);
  await build({
    entryPoints: [join(repo, `src/${name}.ts`)],
    bundle: true,
    platform: "node",
    format: "esm",
    outfile: file,
    logLevel: "silent",
  });
  return { url: pathToFileURL(file).href, from: "src (esbuild)" };
}

/** Imports entry `name` (see {@link sdkUrl}); a bundle's directory is removed once imported. */
export async function loadSdk(name = "index") {
  const dir = await mkdtemp(join(tmpdir(), "faxplus-bench-sdk-"));
  try {
    const { url, from } = await sdkUrl(name, dir);
    return { module: await import(url), from };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

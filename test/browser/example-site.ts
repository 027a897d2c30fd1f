// An example app of examples/ as a user builds it, for the browser tests: the packed package
// installed from its tarball into a copy of the example, the example's other dependencies linked
// from the repository's node_modules (the same pinned versions: checked), type-checked with tsc,
// bundled by Vite, and served as static files on a free port of 127.0.0.1.
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";
import { promisify } from "node:util";
import { BIN, ROOT, copyProject, linkFromRoot, npmInstall, packTarball } from "../support/pack.js";

const run = promisify(execFile);
const SDK = "faxplus-unofficial";

interface Manifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/**
 * Copies `sources` of `examples/<name>` to a temporary directory, installs the tarball there,
 * links every other dependency the example's package.json names from the repository's
 * node_modules, then runs `tsc --noEmit` and `vite build`. Returns the directory (`dist/` holds
 * the build). Fails when the example pins a version other than the repository's.
 */
export async function buildExample(name: string, sources: string[]): Promise<string> {
  const { tarball } = await packTarball();
  const dir = await copyProject(join(ROOT, "examples", name), sources, `faxplus-${name}-`);
  const manifest = JSON.parse(await readFile(join(dir, "package.json"), "utf8")) as Manifest;
  const root = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as Manifest;
  const pinned = { ...manifest.dependencies, ...manifest.devDependencies };
  const linked = Object.keys(pinned).filter((dependency) => dependency !== SDK);
  for (const dependency of linked) {
    const ours = root.devDependencies?.[dependency] ?? root.dependencies?.[dependency];
    if (ours !== pinned[dependency]) {
      throw new Error(
        `examples/${name} pins ${dependency}@${pinned[dependency]}, the repository ${ours ?? "has none"}: make them equal`,
      );
    }
  }
  // Only the SDK comes from npm (the tarball); the rest are the repository's own copies.
  delete manifest.dependencies;
  delete manifest.devDependencies;
  await writeFile(join(dir, "package.json"), JSON.stringify(manifest));
  await npmInstall(dir, tarball);
  for (const dependency of linked) await linkFromRoot(dir, dependency);
  await step(dir, join(BIN, "tsc"), ["--noEmit", "-p", "tsconfig.json"]);
  await step(dir, process.execPath, [join(dir, "node_modules/vite/bin/vite.js"), "build"]);
  return dir;
}

/** Runs a build step in `dir`; its failure carries the tool's output (tsc reports on stdout). */
async function step(dir: string, file: string, args: string[]): Promise<void> {
  try {
    await run(file, args, { cwd: dir });
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`${args.join(" ")} failed in ${dir}:\n${stdout}${stderr}`);
  }
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

/** A static file server for `root` on a free port of 127.0.0.1. */
export async function serveStatic(root: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const file = normalize(join(root, pathname.endsWith("/") ? `${pathname}index.html` : pathname));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) => {
        const type = TYPES[extname(file)] ?? "application/octet-stream";
        res.writeHead(200, { "content-type": type }).end(body);
      },
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

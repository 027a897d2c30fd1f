// Builds and packs the package the way `npm publish` would, once per source state, for the tests
// that install it like a user does (test/consumer, test/browser). The build goes to a staging
// directory, never to the repository's dist/, so it neither races other tests nor packs stale files.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import {
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const BIN = join(ROOT, "node_modules/.bin");

const run = promisify(execFile);

/** Everything that changes the tarball: a change to any of them means a new build. */
const INPUTS = [
  "src",
  "generated",
  "package.json",
  "README.md",
  "LICENSE",
  "tsconfig.json",
  "tsconfig.build.json",
  "scripts/build.js",
];
/** Files of the repository root copied next to dist/ before packing (npm adds package.json). */
const SHIPPED = ["package.json", "README.md", "LICENSE"];

export interface Packed {
  /** Absolute path of `faxplus-unofficial-<version>.tgz`. */
  tarball: string;
  /** The paths inside the tarball, without the `package/` prefix, sorted. */
  files: string[];
}

/**
 * Builds src/ with scripts/build.js (the package's own build) into a staging directory, copies the shipped root files
 * next to it and runs `npm pack` there. Concurrent test files share one build through a lock.
 */
export async function packTarball(): Promise<Packed> {
  const dir = join(tmpdir(), `faxplus-pack-${await inputsHash()}`);
  const result = join(dir, "packed.json");
  const lock = `${dir}.lock`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    const done = await readJson<Packed>(result);
    if (done) return done;
    if (await tryLock(lock)) break;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  try {
    await rm(dir, { recursive: true, force: true });
    const stage = join(dir, "stage");
    await mkdir(stage, { recursive: true });
    const build = [join(ROOT, "scripts/build.js"), "--outdir", join(stage, "dist")];
    await run(process.execPath, build, { cwd: ROOT });
    for (const file of SHIPPED) await copyFile(join(ROOT, file), join(stage, file));
    const args = ["pack", "--json", "--ignore-scripts", "--pack-destination", dir];
    const { stdout } = await run("npm", args, { cwd: stage });
    const [info] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    if (!info) throw new Error(`npm pack printed no result: ${stdout}`);
    const packed: Packed = {
      tarball: join(dir, info.filename),
      files: info.files.map((f) => f.path).sort(),
    };
    await writeFile(result, JSON.stringify(packed));
    await removeOldBuilds(dir);
    return packed;
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** Removes the builds of earlier source states made more than an hour ago. */
async function removeOldBuilds(current: string): Promise<void> {
  for (const name of await readdir(tmpdir())) {
    const path = join(tmpdir(), name);
    if (!/^faxplus-pack-[0-9a-f]{16}$/.test(name) || path === current) continue;
    const info = await stat(path).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > 3_600_000) {
      await rm(path, { recursive: true, force: true });
    }
  }
}

/**
 * Takes the lock directory; one older than `staleMs` (default two minutes) is left over from a
 * killed run and is removed, to be taken on the next try.
 */
export async function tryLock(lock: string, staleMs = 120_000): Promise<boolean> {
  try {
    await mkdir(lock);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const age = Date.now() - (await stat(lock).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
    if (age > staleMs) await rm(lock, { recursive: true, force: true });
    return false;
  }
}

async function inputsHash(): Promise<string> {
  const hash = createHash("sha256");
  for (const file of (await walk(INPUTS)).sort()) {
    hash.update(`${file}\0`);
    hash.update(await readFile(join(ROOT, file)));
  }
  return hash.digest("hex").slice(0, 16);
}

async function walk(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(join(ROOT, path));
    if (!info.isDirectory()) {
      files.push(path);
      continue;
    }
    const entries = await readdir(join(ROOT, path));
    files.push(...(await walk(entries.map((entry) => join(path, entry)))));
  }
  return files;
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as T;
  } catch {
    return undefined;
  }
}

/**
 * A fresh project directory in the OS temp dir (outside the repository, so nothing resolves from
 * the repository's node_modules by accident) with `files` copied from `from`.
 */
export async function copyProject(from: string, files: string[], prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  for (const file of files) {
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await copyFile(join(from, file), join(dir, file));
  }
  return dir;
}

/** `npm install` in `dir`, offline when npm's cache has everything. */
export async function npmInstall(dir: string, ...specs: string[]): Promise<void> {
  const args = ["install", "--no-audit", "--no-fund", "--prefer-offline", ...specs];
  await run("npm", args, { cwd: dir });
}

/** Links a dev tool of the repository (e.g. `vite`, `@types/node`) into `dir/node_modules`. */
export async function linkFromRoot(dir: string, name: string): Promise<void> {
  const target = join(dir, "node_modules", name);
  await mkdir(dirname(target), { recursive: true });
  await rm(target, { recursive: true, force: true });
  await symlink(join(ROOT, "node_modules", name), target, "dir");
}

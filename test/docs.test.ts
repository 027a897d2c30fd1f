// The API docs (`npm run docs`, TypeDoc) are pages a person can read: named types keep the
// records out of every signature, and the raw maps of openapi-typescript (`paths`, ...) are not
// documented (each made a page of megabytes). Sizes in bytes of HTML, a stand-in for height.
import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";

const root = new URL("../", import.meta.url).pathname;
let out: string;
let pages: Map<string, number>;
let output: string;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), "faxplus-docs-"));
  const typedoc = join(root, "node_modules/typedoc/bin/typedoc");
  // A warning (e.g. a public signature naming a type the docs leave out) fails the build.
  const args = [typedoc, "--out", out, "--treatWarningsAsErrors"];
  const { stdout, stderr } = await promisify(execFile)(process.execPath, args, { cwd: root });
  output = `${stdout}${stderr}`;
  pages = new Map();
  for (const dir of ["classes", "interfaces", "functions", "types", "variables"]) {
    const names = await readdir(join(out, dir)).catch(() => []);
    for (const name of names) pages.set(`${dir}/${name}`, (await stat(join(out, dir, name))).size);
  }
}, 120_000);

afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

it("builds without warnings", () => {
  expect(output).toContain("html generated");
  expect(output).not.toContain("[warning]");
});

it("documents the class and the named types, not the raw maps", () => {
  expect(pages.has("classes/faxplus-unofficial.FaxPlus.html")).toBe(true);
  expect(pages.has("interfaces/faxplus-unofficial.Fax.html")).toBe(true);
  for (const raw of ["paths", "components", "operations"]) {
    expect(pages.has(`interfaces/faxplus-unofficial.${raw}.html`), raw).toBe(false);
  }
});

it("keeps every page readable: none above 200 kB of HTML", () => {
  const large = [...pages].filter(([, size]) => size > 200_000).map(([page]) => page);
  expect(large).toEqual([]);
});

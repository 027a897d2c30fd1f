// The package as a user gets it: packed, installed from the tarball into a project outside the
// repository, type-checked under both module resolutions, run under Node (imported from ES
// modules, and required from CommonJS), bundled for browsers.
import { execFile } from "node:child_process";
import { builtinModules } from "node:module";
import { readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build, type Plugin } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BIN,
  copyProject,
  linkFromRoot,
  npmInstall,
  packTarball,
  type Packed,
} from "../support/pack.js";

const run = promisify(execFile);
const HERE = dirname(fileURLToPath(import.meta.url));
const CONFIGS = ["tsconfig.bundler.json", "tsconfig.nodenext.json", "tsconfig.cts.json"];
const COMMONJS = ["require.cjs", "require.cts"];
const EMIT = ["--noEmit", "false", "--outDir", "out"];

/** A call the types must reject: `to` is a string instead of an array, `from` is missing. */
const WRONG = `import { FaxPlus } from "faxplus-unofficial";
const fax = new FaxPlus({ token: async () => "t" });
export const ids = await fax.send({ to: "+14155550123", files: ["/transient-1"] });
`;

let packed: Packed;
let dir: string;

beforeAll(async () => {
  packed = await packTarball();
  dir = await copyProject(HERE, ["index.ts", ...COMMONJS, ...CONFIGS], "faxplus-consumer-");
  const manifest = { name: "faxplus-consumer", private: true, type: "module" };
  await writeFile(join(dir, "package.json"), JSON.stringify(manifest));
  await npmInstall(dir, packed.tarball);
  // Types of Node for index.ts (it starts the mock and reads a file); typescript runs from the repo.
  await linkFromRoot(dir, "@types/node");
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs the repository's tsc in the consumer project; resolves to its exit code and output. */
async function tsc(...args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await run(join(BIN, "tsc"), args, { cwd: dir });
    return { code: 0, output: stdout };
  } catch (error) {
    const { code, stdout } = error as { code?: number; stdout?: string };
    return { code: code ?? -1, output: stdout ?? String(error) };
  }
}

describe("the packed tarball", () => {
  it("holds the compiled entry points, the faxplus bin, README, LICENSE and package.json, nothing else", () => {
    const unexpected = packed.files.filter(
      (file) =>
        !/^dist\/(src|generated)\/[\w/-]+\.(js|d\.ts)$/.test(file) &&
        !["README.md", "LICENSE", "package.json"].includes(file),
    );
    expect(unexpected).toEqual([]);
    for (const entry of ["index", "node", "mock/index"]) {
      expect(packed.files).toContain(`dist/src/${entry}.js`);
      expect(packed.files).toContain(`dist/src/${entry}.d.ts`);
    }
    expect(packed.files).toContain("README.md");
    expect(packed.files).toContain("LICENSE");
    // The faxplus bin ships as JavaScript only: it is not an entry point to type against.
    expect(packed.files).toContain("dist/src/cli/main.js");
    expect(packed.files.filter((file) => /^dist\/src\/cli\/.*\.d\.ts$/.test(file))).toEqual([]);
  });

  it("has no source-map reference to a file it does not contain", async () => {
    const installed = join(dir, "node_modules/faxplus-unofficial");
    const references: string[] = [];
    const dangling: string[] = [];
    for (const file of await filesUnder(installed)) {
      const text = await readFile(join(installed, file), "utf8");
      for (const [, target] of text.matchAll(/^\/\/# sourceMappingURL=(\S+)$/gm)) {
        if (!target || target.startsWith("data:")) continue;
        references.push(file);
        const path = join(installed, dirname(file), target);
        if (!(await stat(path).catch(() => undefined))) dangling.push(`${file} -> ${target}`);
      }
    }
    expect(dangling).toEqual([]);
    expect(references).toEqual([]); // none are emitted (tsconfig.build.json)
  });
});

describe("a TypeScript project using the installed package", () => {
  it("type-checks with tsconfig.bundler.json", async () => {
    const { code, output } = await tsc("-p", "tsconfig.bundler.json");
    expect(output).toBe("");
    expect(code).toBe(0);
  });

  // Emitting too, for the next test to run: the same check plus the JavaScript.
  it("type-checks with tsconfig.nodenext.json", async () => {
    const { code, output } = await tsc("-p", "tsconfig.nodenext.json", ...EMIT);
    expect(output).toBe("");
    expect(code).toBe(0);
  });

  it("runs under Node: sends through the mock, errors are instances of the exported classes", async () => {
    const { stdout } = await run(process.execPath, ["out/index.js"], { cwd: dir });
    const report = JSON.parse(stdout) as Record<string, unknown>;
    expect(report).toMatchObject({
      listed: 2,
      uploaded: expect.stringMatching(/^\/transient-/),
      sent: { "+14155550123": expect.stringMatching(/^\w+$/) },
      validation: expect.stringMatching(/^to\[0\]: ./),
      apiStatus: 401,
      isAuthError: true,
      fileName: "package.json",
    });
  });

  it("rejects a wrong call to fax.send (so the checks above can fail)", async () => {
    await writeFile(join(dir, "wrong.ts"), WRONG);
    // The package's declarations were checked above already.
    const config = {
      extends: "./tsconfig.nodenext.json",
      compilerOptions: { skipLibCheck: true },
      files: ["wrong.ts"],
    };
    await writeFile(join(dir, "tsconfig.wrong.json"), JSON.stringify(config));
    const { code, output } = await tsc("-p", "tsconfig.wrong.json");
    expect(code).not.toBe(0);
    const errors = output.split("\n").filter((line) => / error TS\d+:/.test(line));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((line) => line.startsWith("wrong.ts(3,"))).toBe(true);
  });
});

describe("a CommonJS project using the installed package", () => {
  /** Runs `node ...args` in the consumer project; resolves to its exit code and output. */
  async function node(
    ...args: string[]
  ): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run(process.execPath, args, { cwd: dir });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const { code, stdout, stderr } = error as { code?: number; stdout?: string; stderr?: string };
      return { code: code ?? -1, stdout: stdout ?? "", stderr: stderr ?? String(error) };
    }
  }

  it("require() of the three entry points works in a plain .cjs file", async () => {
    const { code, stdout, stderr } = await node("require.cjs");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      listed: 2,
      validation: expect.stringMatching(/^to\[0\]: ./),
      fileName: "require.cjs",
    });
  });

  // What README says about Node before 20.19 / 22.12, where require(esm) is not on by default.
  it("fails with ERR_REQUIRE_ESM when Node's require(esm) is off", async () => {
    const { code, stderr } = await node("--no-experimental-require-module", "require.cjs");
    expect(code).not.toBe(0);
    expect(stderr).toContain("ERR_REQUIRE_ESM");
    expect(stderr).toContain("node_modules/faxplus-unofficial/dist/src/index.js");
  });

  // Emitting too, for the next test to run: out/require.cjs.
  it("a .cts file using require() type-checks with module nodenext", async () => {
    const { code, output } = await tsc("-p", "tsconfig.cts.json", ...EMIT);
    expect(output).toBe("");
    expect(code).toBe(0);
  });

  it("the compiled .cts runs under Node: sends through the mock, errors are ApiError", async () => {
    const { code, stdout, stderr } = await node("out/require.cjs");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      listed: 2,
      sent: { "+14155550123": expect.stringMatching(/^\w+$/) },
      status: 401,
      fileName: "require.cjs",
    });
  });

  it("the same .cts is refused under module node16, which has no require(esm) (so the check above can fail)", async () => {
    const config = {
      extends: "./tsconfig.cts.json",
      compilerOptions: { module: "Node16", moduleResolution: "Node16", skipLibCheck: true },
    };
    await writeFile(join(dir, "tsconfig.node16.json"), JSON.stringify(config));
    const { code, output } = await tsc("-p", "tsconfig.node16.json");
    expect(code).not.toBe(0);
    const errors = output.split("\n").filter((line) => / error TS\d+:/.test(line));
    // TS1471 for each require() of the package ("The specifier only resolves to an ES module,
    // which cannot be imported with 'require'"), TS1541 for the type-only import of it.
    const found = errors.map((line) =>
      /^require\.cts\((\d+),\d+\): error (TS\d+)/.exec(line)?.slice(1),
    );
    expect(found).toEqual([
      ["5", "TS1471"],
      ["6", "TS1471"],
      ["7", "TS1471"],
      ["8", "TS1541"],
    ]);
  });
});

describe("browser bundles", () => {
  /** Bundles `import * as sdk from <specifier>` for browsers; returns the Node built-ins it imports. */
  async function nodeImports(specifier: string): Promise<string[]> {
    const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
    const found: string[] = [];
    const recordBuiltins: Plugin = {
      name: "record-node-builtins",
      setup(bundle) {
        bundle.onResolve({ filter: /.*/ }, (args) => {
          if (!args.path.startsWith("node:") && !builtins.has(args.path)) return undefined;
          found.push(args.path);
          return { path: args.path, external: true };
        });
      },
    };
    const result = await build({
      stdin: { contents: `export * from ${JSON.stringify(specifier)};`, resolveDir: dir },
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      metafile: true,
      logLevel: "silent",
      plugins: [recordBuiltins],
    });
    // The SDK and its dependency came from the installed package, not from the repository.
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((input) => input.includes("node_modules/faxplus-unofficial/dist/"))).toBe(
      true,
    );
    expect(inputs.some((input) => input.includes("node_modules/openapi-fetch/"))).toBe(true);
    return [...new Set(found)].sort();
  }

  it("the main entry imports no Node built-in", async () => {
    expect(await nodeImports("faxplus-unofficial")).toEqual([]);
  });

  it("the check finds the built-ins of the Node entry (so it can fail)", async () => {
    expect(await nodeImports("faxplus-unofficial/node")).toEqual(
      expect.arrayContaining(["node:fs", "node:path"]),
    );
  });
});

/** The files under `root`, relative to it. */
async function filesUnder(root: string, sub = ""): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(join(root, sub), { withFileTypes: true })) {
    const path = join(sub, entry.name);
    if (entry.isDirectory()) files.push(...(await filesUnder(root, path)));
    else files.push(path);
  }
  return files;
}

// The package as a user gets it: packed, installed from the tarball into a project outside the
// repository, type-checked strictly by TypeScript 5 and 7 under both module resolutions, run under
// Node (imported from ES modules, and required from CommonJS), bundled for browsers.
import { execFile } from "node:child_process";
import { builtinModules } from "node:module";
import { readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build, type Plugin } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executables, installRuntimes, pinnedVersion } from "../runtimes/install.js";
import {
  BIN,
  copyProject,
  linkFromRoot,
  npmInstall,
  packTarball,
  ROOT,
  type Packed,
} from "../support/pack.js";

const run = promisify(execFile);
const HERE = dirname(fileURLToPath(import.meta.url));
const CONFIGS = ["tsconfig.bundler.json", "tsconfig.nodenext.json", "tsconfig.cts.json"];
const COMMONJS = ["require.cjs", "require.cts"];
const EMIT = ["--noEmit", "false", "--outDir", "out"];
/** A compiler run on a loaded 2-core machine can take a minute; this only guards against hangs. */
const COMPILE = 240_000;

const TYPESCRIPT_5 = join(BIN, "tsc");
/** The two TypeScripts users have: 5.x (the repository's) and 7 (the native compiler). */
const COMPILERS = [
  ["TypeScript 5", TYPESCRIPT_5],
  ["TypeScript 7", executables.typescript7],
] as const;

/** A call the types must reject: `to` is a string instead of an array, `from` is missing. */
const WRONG = `import { FaxPlus } from "faxplus-unofficial";
const fax = new FaxPlus({ token: async () => "t" });
export const ids = await fax.send({ to: "+14155550123", files: ["/transient-1"] });
`;

let packed: Packed;
let dir: string;

beforeAll(async () => {
  [packed] = await Promise.all([packTarball(), installRuntimes()]);
  dir = await copyProject(HERE, ["index.ts", ...COMMONJS, ...CONFIGS], "faxplus-consumer-");
  const manifest = { name: "faxplus-consumer", private: true, type: "module" };
  await writeFile(join(dir, "package.json"), JSON.stringify(manifest));
  await npmInstall(dir, packed.tarball);
  // Types of Node for index.ts (it starts the mock and reads a file); the compilers run from the repo.
  await linkFromRoot(dir, "@types/node");
  // The configurations of the checks that must fail (the package's declarations are checked by
  // the others), and the generated types checked as a strict project of their own.
  const configs = {
    "tsconfig.wrong.json": {
      extends: "./tsconfig.nodenext.json",
      compilerOptions: { skipLibCheck: true },
      files: ["wrong.ts"],
    },
    "tsconfig.node16.json": {
      extends: "./tsconfig.cts.json",
      compilerOptions: { module: "Node16", moduleResolution: "Node16", skipLibCheck: true },
    },
    "tsconfig.schema.json": {
      extends: "./tsconfig.nodenext.json",
      compilerOptions: { types: [] },
      files: [join(ROOT, "generated/schema.ts")],
    },
  };
  for (const [file, config] of Object.entries(configs)) {
    await writeFile(join(dir, file), JSON.stringify(config));
  }
  await writeFile(join(dir, "wrong.ts"), WRONG);
}, 900_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs a compiler in the consumer project; resolves to its exit code and output. */
async function tsc(compiler: string, ...args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await run(process.execPath, [compiler, ...args], { cwd: dir });
    return { code: 0, output: stdout };
  } catch (error) {
    const { code, stdout } = error as { code?: number; stdout?: string };
    return { code: code ?? -1, output: stdout ?? String(error) };
  }
}

/**
 * The compiles whose JavaScript a test runs, each made once by whichever test needs it first:
 * every test stands alone, in any order, and none waits for another to have run.
 */
const EMITTED = ["tsconfig.nodenext.json", "tsconfig.cts.json"];
const emitted = new Map<string, Promise<{ code: number; output: string }>>();
function emit(config: string): Promise<{ code: number; output: string }> {
  let result = emitted.get(config);
  if (!result) emitted.set(config, (result = tsc(TYPESCRIPT_5, "-p", config, ...EMIT)));
  return result;
}

/** The `error TS` lines of a compiler's output. */
function errorsOf(output: string): string[] {
  return output.split("\n").filter((line) => / error TS\d+:/.test(line));
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

describe.each(COMPILERS)(
  "a strict TypeScript project using the installed package, %s",
  (_, compiler) => {
    it.each(CONFIGS)(
      "type-checks with %s",
      async (config) => {
        // TypeScript 5's check of a project whose JavaScript a test runs is that compile itself.
        const emits = compiler === TYPESCRIPT_5 && EMITTED.includes(config);
        const { code, output } = await (emits ? emit(config) : tsc(compiler, "-p", config));
        expect(output).toBe("");
        expect(code).toBe(0);
      },
      COMPILE,
    );

    it(
      "rejects a wrong call to fax.send (so the checks above can fail)",
      async () => {
        const { code, output } = await tsc(compiler, "-p", "tsconfig.wrong.json");
        expect(code).not.toBe(0);
        const errors = errorsOf(output);
        expect(errors.length).toBeGreaterThan(0);
        expect(errors.every((line) => line.startsWith("wrong.ts(3,"))).toBe(true);
      },
      COMPILE,
    );

    it(
      "refuses the .cts under module node16, which has no require(esm) (so the check above can fail)",
      async () => {
        const { code, output } = await tsc(compiler, "-p", "tsconfig.node16.json");
        expect(code).not.toBe(0);
        // TS1471 for each require() of the package ("The specifier only resolves to an ES module,
        // which cannot be imported with 'require'"), TS1541 for the type-only import of it.
        const found = errorsOf(output).map((line) =>
          /^require\.cts\((\d+),\d+\): error (TS\d+)/.exec(line)?.slice(1),
        );
        expect(found).toEqual([
          ["5", "TS1471"],
          ["6", "TS1471"],
          ["7", "TS1471"],
          ["8", "TS1541"],
        ]);
      },
      COMPILE,
    );

    // openapi-typescript writes it for TypeScript 5; users compile it (through the package's
    // declarations, checked above) with either.
    it(
      "type-checks generated/schema.ts on its own, strictly",
      async () => {
        const { code, output } = await tsc(compiler, "-p", "tsconfig.schema.json");
        expect(output).toBe("");
        expect(code).toBe(0);
      },
      COMPILE,
    );
  },
);

it("TypeScript 7 is the version test/runtimes pins, and not the repository's tsc", async () => {
  const [five, seven] = await Promise.all(COMPILERS.map(([, path]) => tsc(path, "--version")));
  expect(seven?.output.trim()).toBe(`Version ${await pinnedVersion("typescript7")}`);
  expect(five?.output.trim()).toMatch(/^Version 5\./);
});

describe("the compiled project under the machine's Node", () => {
  it(
    "imports the package: sends through the mock, errors are instances of the exported classes",
    async () => {
      const compiled = await emit("tsconfig.nodenext.json");
      expect(compiled).toEqual({ code: 0, output: "" });
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
    },
    COMPILE,
  );

  it(
    "the compiled .cts require()s it: sends through the mock, errors are ApiError",
    async () => {
      const compiled = await emit("tsconfig.cts.json");
      expect(compiled).toEqual({ code: 0, output: "" });
      const { code, stdout, stderr } = await node("out/require.cjs");
      expect(stderr).toBe("");
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toEqual({
        listed: 2,
        sent: { "+14155550123": expect.stringMatching(/^\w+$/) },
        status: 401,
        fileName: "require.cjs",
      });
    },
    COMPILE,
  );
});

/** Runs `node ...args` in the consumer project; resolves to its exit code and output. */
async function node(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, args, { cwd: dir });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code?: number; stdout?: string; stderr?: string };
    return { code: code ?? -1, stdout: stdout ?? "", stderr: stderr ?? String(error) };
  }
}

describe("a CommonJS project using the installed package", () => {
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

// The runtime matrix: the packed package, installed like a user does, runs the README's session
// (session.js) against the embedded mock on Node 20.19 (the floor of `engines`), 22, 24 and 26,
// Bun, Deno, and Cloudflare's workerd (the browser-style main entry, bundled as a Worker). Each
// runtime is the npm package test/runtimes/package.json pins; the mock runs in this process, on
// the machine's Node, on loopback.
import { execFile } from "node:child_process";
import { readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seeds, startMockServer } from "../../src/mock/index.js";
import { copyProject, npmInstall, packTarball, ROOT } from "../support/pack.js";
import { executables, installRuntimes, pinnedVersion, type Runtime } from "./install.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const FILES = ["session.js", "main.js", "require.cjs", "worker.js", "worker.capnp"];
const TOKEN = "runtime-token";
/** A loaded 2-core machine can take seconds to start a runtime; this only guards against hangs. */
const TIMEOUT = 120_000;

let dir: string;

beforeAll(async () => {
  const [packed] = await Promise.all([packTarball(), installRuntimes()]);
  dir = await copyProject(HERE, FILES, "faxplus-runtimes-");
  const manifest = { name: "faxplus-runtime-session", private: true, type: "module" };
  await writeFile(join(dir, "package.json"), JSON.stringify(manifest));
  await npmInstall(dir, packed.tarball);
  // What a Workers project's build does with the main entry (wrangler bundles with esbuild).
  await build({
    entryPoints: [join(dir, "worker.js")],
    outfile: join(dir, "worker.bundle.js"),
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["workerd", "worker"],
    logLevel: "silent",
  });
}, 900_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Starts a mock of its own, runs `args` with it as JSON (argument or env), returns the report. */
async function sessionWith(
  executable: string,
  args: (mock: string) => string[],
  env: (mock: string) => NodeJS.ProcessEnv = () => ({}),
): Promise<{ report: Record<string, unknown>; stderr: string }> {
  const mock = await startMockServer({ token: TOKEN });
  try {
    const json = JSON.stringify({
      baseUrl: mock.baseUrl,
      token: TOKEN,
      from: seeds.number,
      to: "+14155550123",
    });
    const { stdout, stderr } = await promisifiedRun(executable, args(json), {
      cwd: dir,
      env: { ...process.env, ...env(json) },
    });
    const lines = stdout.trim().split("\n");
    return { report: JSON.parse(lines.at(-1) ?? "") as Record<string, unknown>, stderr };
  } finally {
    await mock.close();
  }
}

function promisifiedRun(
  file: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { ...options, timeout: TIMEOUT }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(" ")} failed: ${error.message}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

/** What every runtime's session must report: the same as on the machine's Node. */
const SESSION = {
  listed: 2,
  uploaded: expect.stringMatching(/^\/transient-/),
  id: expect.stringMatching(/^\w+$/),
  delivered: "success",
  validation: "to[0]",
  status: 401,
  isAuthError: true,
};

describe.each(["node20", "node22", "node24", "node26"] as const)("Node (%s)", (name) => {
  it(
    "runs the session, importing the package",
    async () => {
      const { report, stderr } = await sessionWith(executables[name], (mock) => ["main.js", mock]);
      expect(report).toEqual({ runtime: `node ${await pinnedVersion(name)}`, ...SESSION });
      expect(stderr).toBe("");
    },
    TIMEOUT,
  );

  it(
    "require()s the package from CommonJS, without a warning",
    async () => {
      const { stdout, stderr } = await promisifiedRun(executables[name], ["require.cjs"], {
        cwd: dir,
        env: process.env,
      });
      expect(JSON.parse(stdout)).toEqual({ required: "function" });
      expect(stderr).toBe("");
    },
    TIMEOUT,
  );
});

it("the matrix's Node 20 is the lowest version engines admits", async () => {
  const manifest = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as {
    engines: { node: string };
  };
  const floor = /^\^(\d+\.\d+\.\d+) \|\|/.exec(manifest.engines.node)?.[1];
  expect(floor).toBe(await pinnedVersion("node20"));
});

it(
  "Bun runs the session",
  async () => {
    const { report } = await sessionWith(executables.bun, (mock) => ["main.js", mock]);
    expect(report).toEqual({ runtime: `bun ${await pinnedVersion("bun")}`, ...SESSION });
  },
  TIMEOUT,
);

it(
  "Deno runs the session",
  async () => {
    const env = { DENO_DIR: join(dir, ".deno"), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" };
    const { report } = await sessionWith(
      executables.deno,
      (mock) => ["run", "--allow-net=127.0.0.1", "--allow-read", "--allow-env", "main.js", mock],
      () => env,
    );
    expect(report).toEqual({ runtime: `deno ${await pinnedVersion("deno")}`, ...SESSION });
  },
  TIMEOUT,
);

it(
  "Cloudflare Workers (workerd) runs the session from the bundled main entry",
  async () => {
    const { report, stderr } = await sessionWith(
      executables.workerd,
      () => ["test", "worker.capnp"],
      (mock) => ({ FAXPLUS_MOCK: mock }),
    );
    expect(report).toEqual({ runtime: "Cloudflare-Workers", ...SESSION });
    expect(stderr).toContain("[ PASS ] main");
  },
  TIMEOUT,
);

// So the checks above can fail: a runtime that cannot reach the mock fails its session.
it(
  "workerd without loopback in its network fails the session",
  async () => {
    const config = await readFile(join(dir, "worker.capnp"), "utf8");
    const closed = config.replace('allow = ["public", "local"]', 'allow = ["public"]');
    expect(closed).not.toBe(config);
    await writeFile(join(dir, "worker-closed.capnp"), closed);
    await expect(
      sessionWith(
        executables.workerd,
        () => ["test", "worker-closed.capnp"],
        (mock) => ({
          FAXPLUS_MOCK: mock,
        }),
      ),
    ).rejects.toThrow(/ConnectionError/);
  },
  TIMEOUT,
);

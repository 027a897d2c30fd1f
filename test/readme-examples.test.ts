// README's quick starts ("Two ways in") run as written: each ```ts block after a
// `<!-- runnable -->` line is compiled with esbuild and run by Node from inside the repository,
// where the package's own name resolves to its build (dist/), as it does for a user.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { transform } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = new URL("../", import.meta.url).pathname;
const dir = join(root, ".artifacts/readme");

/** The ```ts blocks that follow a `<!-- runnable -->` line, with their README line. */
async function runnableBlocks(): Promise<{ line: number; code: string }[]> {
  const lines = (await readFile(join(root, "README.md"), "utf8")).split("\n");
  const blocks: { line: number; code: string }[] = [];
  lines.forEach((text, i) => {
    if (text.trim() !== "<!-- runnable -->") return;
    const open = lines.findIndex((l, j) => j > i && l.startsWith("```ts"));
    const close = lines.findIndex((l, j) => j > open && l.startsWith("```"));
    blocks.push({ line: open + 1, code: lines.slice(open + 1, close).join("\n") });
  });
  return blocks;
}

beforeAll(async () => {
  // npm test builds dist/ first (lint:package); build it here when this file runs alone.
  if (!existsSync(join(root, "dist/src/index.js"))) {
    await run(process.execPath, ["scripts/build.js"], { cwd: root });
  }
  await mkdir(dir, { recursive: true });
}, 120_000);

describe("README's runnable examples", () => {
  it("are there: the class and the standalone functions", async () => {
    const blocks = await runnableBlocks();
    expect(blocks).toHaveLength(2);
    expect(blocks[0]?.code).toContain("new FaxPlus(");
    expect(blocks[1]?.code).toContain("createFaxPlus(");
  });

  it("the class way runs and sees its fax delivered", async () => {
    const [block] = await runnableBlocks();
    expect(await execute(block!)).toBe("success\n");
  });

  it("the standalone way runs and reads a record with its response", async () => {
    const [, block] = await runnableBlocks();
    expect(await execute(block!)).toMatch(/^\+\d+ 200\n$/);
  });
});

async function execute({ line, code }: { line: number; code: string }): Promise<string> {
  const { code: js } = await transform(code, { loader: "ts", format: "esm" });
  const file = join(dir, `block-${line}.mjs`);
  await writeFile(file, js);
  const { stdout } = await run(process.execPath, [file], { cwd: root, timeout: 60_000 });
  return stdout;
}

// Every TypeScript code block of README.md compiles as written. Each block whose fence says ts,
// typescript, tsx, mts or cts is type-checked as its own ES module, with the repository's compiler
// options (strict, noUncheckedIndexedAccess, exactOptionalPropertyTypes: what compiles here
// compiles in laxer projects too), the package's entry points (package.json `exports`) mapped to
// their sources ("faxplus-unofficial/node" -> src/node.ts) and the repository's node_modules for
// anything else (vitest, @types/node).
//
// A block must stand alone: import what it uses, and declare values that come from elsewhere
// (`declare const faxId: string;`). A block that is deliberately not TypeScript says so in its
// fence (```sh, ```text, ```json, or a bare ```) and is not checked.
import { existsSync, readFileSync } from "node:fs";
import { join, posix } from "node:path";
import ts from "typescript";
import { expect, it } from "vitest";
import { ROOT } from "./support/pack.js";

const README = join(ROOT, "README.md");
const CHECKED = new Set(["ts", "typescript", "tsx", "mts", "cts"]);

/**
 * package.json's exports as `paths` to their sources, through tsconfig.build.json's outDir and
 * rootDir: "faxplus-unofficial/node" -> ./dist/src/node.d.ts -> ./src/node.ts.
 */
function entryPoints(): Record<string, string[]> {
  const read = <T>(file: string) => JSON.parse(readFileSync(join(ROOT, file), "utf8")) as T;
  const manifest = read<{ name: string; exports: Record<string, string | { types?: string }> }>(
    "package.json",
  );
  const { outDir = ".", rootDir = "." } = read<{
    compilerOptions: { outDir?: string; rootDir?: string };
  }>("tsconfig.build.json").compilerOptions;
  const paths: Record<string, string[]> = {};
  for (const [key, target] of Object.entries(manifest.exports)) {
    if (typeof target === "string" || !target.types) continue;
    const emitted = posix.relative(outDir, target.types);
    const source = `./${posix.join(rootDir, emitted).replace(/\.d\.([mc]?)ts$/, ".$1ts")}`;
    paths[posix.join(manifest.name, key)] = [source];
  }
  return paths;
}

interface Block {
  /** README line of the first line of code (the one after the opening fence). */
  line: number;
  lang: string;
  code: string;
}

/** The fenced code blocks of a Markdown text, with the README line where each one's code starts. */
function codeBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[i] ?? "");
    if (!open) continue;
    const [, indent = "", fence = "", lang = ""] = open;
    const start = i + 1;
    let end = start;
    const closes = (line: string) => /^(`+|~+)$/.test(line.trim()) && line.trim().startsWith(fence);
    while (end < lines.length && !closes(lines[end] ?? "")) end++;
    const body = lines
      .slice(start, end)
      .map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l));
    blocks.push({ line: start + 1, lang: lang.toLowerCase(), code: body.join("\n") });
    i = end;
  }
  return blocks;
}

/** Type-checks the blocks in one program; returns "README.md:<line>:<col> TS<code>: <message>" per error. */
function typeCheck(blocks: Block[]): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, "tsconfig.json"),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    },
  );
  if (!config) throw new Error("cannot read tsconfig.json");
  const options: ts.CompilerOptions = {
    ...config.options,
    noEmit: true,
    paths: entryPoints(),
    jsx: ts.JsxEmit.ReactJSX,
  };
  // Virtual files next to README.md, so that imports resolve from the repository's node_modules.
  // .mts: always an ES module (top-level await, import); .tsx and .cts when the fence says so.
  const files = new Map<string, Block>();
  for (const block of blocks) {
    const extension = block.lang === "tsx" ? "tsx" : block.lang === "cts" ? "cts" : "mts";
    files.set(join(ROOT, `README.md.line-${block.line}.${extension}`), block);
  }
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (name) => files.has(name) || fileExists.call(host, name);
  host.readFile = (name) => files.get(name)?.code ?? readFile.call(host, name);
  host.getSourceFile = (name, language, ...rest) => {
    const block = files.get(name);
    if (!block) return getSourceFile.call(host, name, language, ...rest);
    return ts.createSourceFile(name, block.code, language, true);
  };
  const program = ts.createProgram({ rootNames: [...files.keys()], options, host });
  const errors = ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n  ");
    const code = `TS${diagnostic.code}`;
    const file = diagnostic.file;
    if (!file || diagnostic.start === undefined) return `${code}: ${message}`;
    const { line, character } = file.getLineAndCharacterOfPosition(diagnostic.start);
    const block = files.get(file.fileName);
    const where = block
      ? `README.md:${block.line + line}:${character + 1}`
      : `${file.fileName.slice(ROOT.length + 1)}:${line + 1}:${character + 1}`;
    return `${where} ${code}: ${message}`;
  });
  // In README order: by line, then column.
  const position = (error: string) =>
    (/^README\.md:(\d+):(\d+)/.exec(error) ?? []).slice(1).map(Number);
  return errors.sort((a, b) => {
    const [lineA = 0, columnA = 0] = position(a);
    const [lineB = 0, columnB = 0] = position(b);
    return lineA - lineB || columnA - columnB;
  });
}

const blocks = codeBlocks(readFileSync(README, "utf8"));
const checked = blocks.filter((block) => CHECKED.has(block.lang));

it("finds README's TypeScript blocks (so the check below checks something)", () => {
  expect(checked.some((block) => block.code.includes('from "faxplus-unofficial"'))).toBe(true);
  for (const block of checked) expect(block.code).toMatch(/\S/);
  // The package's entry points resolve to sources that exist (not to a stale dist/).
  const sources = Object.values(entryPoints()).flat();
  expect(sources).toContain("./src/index.ts");
  for (const source of sources) expect(existsSync(join(ROOT, source)), source).toBe(true);
});

// The compiler runs synchronously: these timeouts only guard against a hang, and fit a 2-core
// machine with two busy loops (a check that takes 15 s alone took over 60 s there).
const COMPILER_TIMEOUT = 300_000;

it(
  "compiles every TypeScript block of README.md as written",
  () => {
    // Each entry names the README line and column of an error: fix the block there.
    expect(typeCheck(checked)).toEqual([]);
  },
  COMPILER_TIMEOUT,
);

it(
  "reports an error at its README line (so the check above can fail)",
  () => {
    const errors = typeCheck([
      {
        line: 100,
        lang: "ts",
        code: 'import { FaxPlus } from "faxplus-unofficial";\n\nnew FaxPlus({ tokn: "x" });',
      },
      { line: 200, lang: "ts", code: "const ids = await fax.send({});" },
    ]);
    expect(errors).toEqual([
      expect.stringMatching(
        /^README\.md:102:15 TS2561: Object literal may only specify known properties/,
      ),
      expect.stringMatching(/^README\.md:200:19 TS2304: Cannot find name 'fax'\./),
    ]);
  },
  COMPILER_TIMEOUT,
);

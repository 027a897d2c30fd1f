// src/cli is a client of the SDK, not a second one: it imports only the package's public entry
// points; nothing of the SDK imports it (so it never reaches the browser bundle); and the modules
// `faxplus --help` loads import no SDK code (commands and the SDK are imported when they run).
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { ROOT } from "../support/pack.js";

const SRC = join(ROOT, "src");
const CLI = join(SRC, "cli");
const PUBLIC_ENTRIES = ["../index.js", "../node.js", "../mock/index.js"];

interface Import {
  specifier: string;
  /** `import type` (erased) or `import()` (loaded when it runs). */
  lazy: boolean;
}

async function importsOf(file: string): Promise<Import[]> {
  const source = ts.createSourceFile(file, await readFile(file, "utf8"), ts.ScriptTarget.Latest);
  const found: Import[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly = node.importClause?.isTypeOnly === true;
      found.push({ specifier: node.moduleSpecifier.text, lazy: typeOnly });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      found.push({
        specifier: (node.moduleSpecifier as ts.StringLiteral).text,
        lazy: node.isTypeOnly,
      });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push({ specifier: node.arguments[0].text, lazy: true });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const literal = node.argument.literal;
      if (ts.isStringLiteral(literal)) found.push({ specifier: literal.text, lazy: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

async function tsFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe("src/cli", () => {
  it("imports only its own files, node: built-ins and the package's public entry points", async () => {
    const wrong: string[] = [];
    for (const file of await tsFiles(CLI)) {
      for (const { specifier } of await importsOf(file)) {
        const ok =
          specifier.startsWith("node:") ||
          PUBLIC_ENTRIES.includes(specifier) ||
          /^\.\/[\w-]+\.js$/.test(specifier);
        if (!ok) wrong.push(`${relative(ROOT, file)}: ${specifier}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("is imported by nothing of the SDK", async () => {
    const importers: string[] = [];
    for (const file of await tsFiles(SRC)) {
      if (file.startsWith(`${CLI}/`)) continue;
      for (const { specifier } of await importsOf(file)) {
        if (/(^|\/)cli\//.test(specifier)) importers.push(`${relative(ROOT, file)}: ${specifier}`);
      }
    }
    expect(importers).toEqual([]);
  });

  it("loads no SDK module before a command runs (a fast --help)", async () => {
    // Every module main.ts loads eagerly: its static, non-type imports, transitively.
    const loaded = new Set<string>();
    const sdk: string[] = [];
    const walk = async (file: string) => {
      if (loaded.has(file)) return;
      loaded.add(file);
      for (const { specifier, lazy } of await importsOf(join(CLI, file))) {
        if (lazy || specifier.startsWith("node:")) continue;
        if (PUBLIC_ENTRIES.includes(specifier)) sdk.push(`${file}: ${specifier}`);
        else await walk(specifier.replace(/^\.\//, "").replace(/\.js$/, ".ts"));
      }
    };
    await walk("main.ts");
    expect([...loaded].sort()).toEqual([
      "args.ts",
      "commands.ts",
      "context.ts",
      "main.ts",
      "output.ts",
      "signals.ts",
      "suggest.ts",
      "types.ts",
    ]);
    expect(sdk).toEqual([]);
  });

  it("is the package's faxplus bin, an executable script", async () => {
    const manifest = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as {
      bin: Record<string, string>;
    };
    expect(manifest.bin).toEqual({ faxplus: "dist/src/cli/main.js" });
    const main = await readFile(join(CLI, "main.ts"), "utf8");
    expect(main.startsWith("#!/usr/bin/env node\n")).toBe(true);
  });
});

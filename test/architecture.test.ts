// The layers of src/ depend one way (core <- operations <- workflows <- the class <- the entry
// points), generated/ uses only the runtime it is generated for, and no import cycle exists, type
// imports included. Read from the sources' import statements.
import { readdir, readFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = new URL("../", import.meta.url).pathname;

/** Module (path relative to the repository, `.ts`) -> the modules it imports, type-only too. */
async function importGraph(): Promise<Map<string, string[]>> {
  const graph = new Map<string, string[]>();
  for (const dir of ["src", "generated"]) {
    for (const file of await walk(join(root, dir))) {
      const text = await readFile(file, "utf8");
      const from = relative(root, file);
      const targets: string[] = [];
      // Static imports and re-exports (`import type` included), and `import("...")`: a lazy
      // import and a type written `typeof import("...")` are edges of the design too.
      for (const match of text.matchAll(
        /(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"|\bimport\(\s*"([^"]+)"\s*\)/g,
      )) {
        const specifier = (match[1] ?? match[2])!;
        if (!specifier.startsWith(".")) continue;
        targets.push(relative(root, resolve(dirname(file), specifier.replace(/\.js$/, ".ts"))));
      }
      graph.set(from, targets);
    }
  }
  return graph;
}

async function walk(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(path)));
    else if (entry.name.endsWith(".ts")) files.push(path);
  }
  return files;
}

/** Every cycle found by a depth-first walk, each as the list of modules around it. */
export function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, "open");
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === "open") cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

/** Which modules each layer may import (by path prefix); anything else is a wrong-way import. */
const LAYERS: [layer: string, mayImport: string[]][] = [
  ["src/core/", ["src/core/"]], // no knowledge of the API
  [
    "generated/",
    [
      "generated/",
      "src/core/validate.ts",
      "src/core/patterns.ts",
      "src/core/rules.ts",
      "src/operations/operation.ts",
    ],
  ],
  ["src/operations/", ["src/core/", "src/operations/", "generated/"]],
  ["src/workflows/", ["src/core/", "src/operations/", "src/workflows/", "generated/"]],
  ["src/webhooks/", ["src/core/", "src/operations/", "src/webhooks/", "generated/"]],
  ["src/fax-number.ts", ["src/core/"]],
  ["src/mock/", ["src/core/", "src/mock/", "generated/"]],
  // The command line is a client of the SDK: its public entry points only.
  ["src/cli/", ["src/cli/", "src/index.ts", "src/node.ts", "src/mock/index.ts"]],
  [
    "src/faxplus.ts",
    ["src/core/", "src/operations/", "src/workflows/", "src/webhooks/", "generated/"],
  ],
];

describe("dependencies", () => {
  it("have no import cycle under src/ and generated/", async () => {
    const graph = await importGraph();
    expect(graph.size).toBeGreaterThan(20);
    expect(findCycles(graph).map((cycle) => cycle.join(" -> "))).toEqual([]);
  });

  it("point one way: each layer imports only the layers below it", async () => {
    const wrong: string[] = [];
    for (const [from, targets] of await importGraph()) {
      const rule = LAYERS.find(([layer]) => from.startsWith(layer));
      if (!rule) continue; // the entry points (src/index.ts, node.ts) may import every layer
      for (const target of targets) {
        if (!rule[1].some((allowed) => target.startsWith(allowed)))
          wrong.push(`${from} -> ${target}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("nothing but the entry points imports the class", async () => {
    const importers = [...(await importGraph())]
      .filter(([, targets]) => targets.includes("src/faxplus.ts"))
      .map(([from]) => from);
    expect(importers.sort()).toEqual(["src/index.ts"]);
  });

  it("counts type-only and lazy imports as edges (so a cycle through them fails the first test)", async () => {
    const graph = await importGraph();
    // `import type { Context } from "./context.js"` and `await import("./send.js")`.
    expect(graph.get("src/cli/types.ts")).toContain("src/cli/context.ts");
    expect(graph.get("src/cli/commands.ts")).toContain("src/cli/send.ts");
  });

  it("the cycle finder finds a cycle (so the first test can fail)", () => {
    const graph = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["c.ts"]],
      ["c.ts", ["a.ts"]],
      ["d.ts", ["a.ts"]],
    ]);
    expect(findCycles(graph)).toEqual([["a.ts", "b.ts", "c.ts", "a.ts"]]);
  });
});

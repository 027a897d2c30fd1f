// Every operation of the spec is reachable three ways without a hand edit: as a standalone
// function of the main entry, as `fax.operations.<operationId>`, and in README's table (which
// also names the class's own helper methods for it, and those must exist).
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import * as rules from "../../generated/rules.js";
import * as sdk from "../../src/index.js";
import { FaxPlus } from "../../src/index.js";
import { startServer } from "../support/server.js";

/** The operations of generated/rules.ts (its other exports are the rules of received data). */
const operations = Object.entries(rules as Record<string, object>)
  .filter(([, value]) => "method" in value && "path" in value)
  .map(([, value]) => value as rules.OperationRules);

describe("every operation of the spec", () => {
  it("is a standalone function of the main entry", () => {
    for (const { id } of operations) {
      expect(typeof (sdk as Record<string, unknown>)[id], id).toBe("function");
    }
    expect(operations.length).toBeGreaterThan(20);
  });

  it("is bound on the class as fax.operations[operationId]", () => {
    const fax = new FaxPlus({ token: "t" });
    expect(Object.keys(fax.operations).sort()).toEqual(operations.map((o) => o.id).sort());
  });

  it("has a row in README's table with its method and path", async () => {
    const readme = await readFile(new URL("../../README.md", import.meta.url), "utf8");
    for (const { id, method, path } of operations) {
      const row = readme.split("\n").find((line) => line.startsWith(`| \`${id}\` `));
      expect(row, `README has no row for ${id}`).toBeDefined();
      expect(row).toContain(`${method} ${path}`);
    }
  });
});

describe("README's table of class helpers", () => {
  it("names helpers that exist, standalone functions the main entry exports, and real operations", async () => {
    const readme = await readFile(new URL("../../README.md", import.meta.url), "utf8");
    const rows = readme.split("\n").filter((line) => line.startsWith("| `fax."));
    expect(rows.length).toBeGreaterThan(5);
    const prototype = FaxPlus.prototype as unknown as Record<string, unknown>;
    const ids = new Set(operations.map((o) => o.id));
    for (const row of rows) {
      const [helpers = "", functions = "", calls = ""] = row.split(" | ");
      for (const [, name] of helpers.matchAll(/`fax\.(\w+)`/g)) {
        expect(typeof prototype[name!], `fax.${name}`).toBe("function");
      }
      for (const [, name] of functions.matchAll(/`(\w+)`/g)) {
        expect(typeof (sdk as Record<string, unknown>)[name!], name).toBe("function");
      }
      for (const [, name] of calls.matchAll(/`(\w+)`/g)) expect(ids, name).toContain(name);
    }
  });
});

describe("the class is a thin layer", () => {
  it("a FaxPlus instance is a client the standalone functions take", async () => {
    const server = await startServer(() => ({ json: { id: "f1" } }));
    try {
      const fax = new FaxPlus({ token: "t", baseUrl: server.baseUrl, userId: "u7" });
      expect(await sdk.getFax(fax, { fax_id: "f1" })).toEqual({ id: "f1" });
      expect(await fax.operations.getFax({ fax_id: "f2" })).toEqual({ id: "f1" });
      expect(await fax.getFax("f3")).toEqual({ id: "f1" });
      expect(server.requests.map((r) => r.path)).toEqual([
        "/accounts/u7/faxes/f1",
        "/accounts/u7/faxes/f2",
        "/accounts/u7/faxes/f3",
      ]);
    } finally {
      await server.close();
    }
  });

  it("refuses what is not a client, before sending", async () => {
    const error = await sdk.getFax({ userId: "self" }, { fax_id: "f1" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "ValidationError", field: "client" });
  });
});

// Every operation of the spec is reachable three ways without a hand edit: as a standalone
// function of the main entry, as `fax.operations.<operationId>`, and in README's table (which
// also names the class's own helper methods for it, and those must exist).
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import * as rules from "../../generated/rules.js";
import * as sdk from "../../src/index.js";
import { FaxPlus } from "../../src/index.js";
import { startServer } from "../support/server.js";

/**
 * The operations of generated/rules.ts (its other exports are the rules of received data), each
 * with its operationId: the name of its constant.
 */
const operations = Object.entries(rules as Record<string, object>)
  .filter(([, value]) => "method" in value && "path" in value)
  .map(([id, value]) => ({ ...(value as rules.OperationRules), id }));

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

/**
 * Valid parameters of the operations the class has a method of the same name for. A class
 * method named like an operation must be that operation: a new one needs a row here.
 */
const SAME_NAME: Record<string, object | undefined> = {
  listFaxes: { category: "inbox", limit: 2 },
  getFax: { fax_id: "f1" },
  updateFax: { fax_id: "f1", comment: "c", is_read: true },
  deleteFax: { fax_id: "f1" },
  bulkUpdateFaxes: { ids: ["a", "b"], is_read: true },
  listNumbers: undefined,
  getNumber: { number: "+16699990000" },
  revokeNumber: { number: "+16699990000", user_id: "m1" },
  getMemberDetails: { member_user_id: "m1" },
  updateMemberDetails: { member_user_id: "m1", quota: 10, role: "staff" },
  createWebhook: { target: "https://example.com/hook", event: "fax_received" },
  deleteWebhook: { hook_id: "h1" },
};

describe("one name, one meaning", () => {
  it("every class method named like an operation is listed above", () => {
    const prototype = FaxPlus.prototype as unknown as Record<string, unknown>;
    const named = operations.map((o) => o.id).filter((id) => typeof prototype[id] === "function");
    expect(named.sort()).toEqual(Object.keys(SAME_NAME).sort());
  });

  it.each(Object.entries(SAME_NAME))(
    "fax.%s(params) sends and returns exactly what the standalone operation does",
    async (id, params) => {
      const { response } = (rules as unknown as Record<string, rules.OperationRules>)[id]!;
      const server = await startServer(() =>
        response === "empty" ? { status: 204 } : { json: { answer: id } },
      );
      try {
        const fax = new FaxPlus({ token: "t", baseUrl: server.baseUrl, maxRetries: 0 });
        type Call = (...args: unknown[]) => Promise<unknown>;
        const viaClass = await (fax as unknown as Record<string, Call>)[id]!.call(fax, params);
        const viaFunction = await (sdk as unknown as Record<string, Call>)[id]!(fax, params);
        expect(viaClass).toEqual(viaFunction);
        const [a, b] = server.requests.map(({ method, path, text }) => ({ method, path, text }));
        expect(server.requests).toHaveLength(2);
        expect(a).toEqual(b);
      } finally {
        await server.close();
      }
    },
  );
});

describe("the class is a thin layer", () => {
  it("a FaxPlus instance is a client the standalone functions take", async () => {
    const server = await startServer(() => ({ json: { id: "f1" } }));
    try {
      const fax = new FaxPlus({ token: "t", baseUrl: server.baseUrl, userId: "u7" });
      expect(await sdk.getFax(fax, { fax_id: "f1" })).toEqual({ id: "f1" });
      expect(await fax.operations.getFax({ fax_id: "f2" })).toEqual({ id: "f1" });
      expect(await fax.getFax({ fax_id: "f3" })).toEqual({ id: "f1" });
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

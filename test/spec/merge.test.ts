// The spec pipeline's pure functions (scripts/spec.js) on small fixtures: reading pages as the
// vendor gives them, and merging pages with our fragments, vendor first.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: plain-JS build script without type declarations
import * as spec from "../../scripts/spec.js";

const fixtures = new URL("./fixtures/", import.meta.url).pathname;
const read = (name: string) => readFile(join(fixtures, name), "utf8");
const page = async (name: string) => ({
  name,
  kind: "page" as const,
  doc: spec.extractPage(await read(name), name),
});
const local = (name: string, doc: unknown) => ({ name, kind: "local" as const, doc });

describe("reading pages", () => {
  it("returns undefined for a page without an OpenAPI block", async () => {
    expect(spec.extractPage(await read("f-no-block.md"), "f")).toBeUndefined();
  });

  it("names the page and the line of broken YAML", async () => {
    const text = await read("d-broken.md");
    expect(() => spec.extractPage(text, "d-broken.md")).toThrow(
      /^d-broken\.md: broken YAML at line (8|9):/,
    );
  });

  it("reads a page saved with CRLF or CR line endings like the same page with LF", async () => {
    const lf = await read("a-outbox-post.md");
    const expected = spec.extractPage(lf, "lf");
    expect(spec.extractPage(lf.replace(/\n/g, "\r\n"), "crlf")).toEqual(expected);
    expect(spec.extractPage(lf.replace(/\n/g, "\r"), "cr")).toEqual(expected);
    expect(spec.extractPage(`\uFEFF${lf}`, "bom")).toEqual(expected);
  });

  it("reads the vendor's sendFax seed saved with CRLF endings", async () => {
    const crlf = await read("003_4f9c1d36c4173b67.txt");
    expect(crlf).toContain("\r\n");
    const [block] = spec.extractBlocks(crlf, "003");
    expect(block.method).toBe("post");
    expect(block.path).toBe("/accounts/{user_id}/outbox");
    expect(block.doc.paths[block.path].post.operationId).toBe("sendFax");
  });

  it("reads three-backtick fences and every block of a page", () => {
    const text = [
      "```yaml get /a",
      "openapi: 3.0.1",
      "paths: { /a: { get: { operationId: a } } }",
      "```",
      "prose",
      "````yaml put /b",
      "openapi: 3.0.1",
      "paths: { /b: { put: { operationId: b } } }",
      "````",
    ].join("\n");
    const blocks = spec.extractBlocks(text, "two");
    expect(blocks.map((b: { method: string; path: string }) => `${b.method} ${b.path}`)).toEqual([
      "get /a",
      "put /b",
    ]);
  });

  it("recognises the operation a rendered web page shows", async () => {
    expect(spec.renderedOperation(await read("004_d57a7682b0dab6b2.txt"))).toBe(
      "POST /accounts/{user_id}/outbox",
    );
    expect(spec.renderedOperation("# Title\nGET /accounts/{user_id}/faxes\n")).toBe(
      "GET /accounts/{user_id}/faxes",
    );
    expect(spec.renderedOperation(await read("f-no-block.md"))).toBeUndefined();
  });

  it("accepts OpenAPI 3.0.x and refuses any other version by name", () => {
    expect(() => spec.checkOpenApiVersion({ openapi: "3.0.3" }, "p.md")).not.toThrow();
    expect(() => spec.checkOpenApiVersion({ openapi: "3.1.0" }, "p.md")).toThrow(
      /^p\.md: OpenAPI 3\.1\.0; the build reads OpenAPI 3\.0\.x only/,
    );
    expect(() => spec.checkOpenApiVersion({ swagger: "2.0" }, "p.md")).toThrow(/Swagger 2\.0/);
    expect(() => spec.checkOpenApiVersion({ paths: {} }, "p.md")).toThrow(/no `openapi` version/);
  });
});

describe("merging", () => {
  it("merges two methods of one path and keeps identical components once", async () => {
    const { doc } = spec.mergeDocuments([
      await page("a-outbox-post.md"),
      await page("b-outbox-put.md"),
    ]);
    expect(Object.keys(doc.paths["/accounts/{user_id}/outbox"])).toEqual(["put", "post"]);
    expect(Object.keys(doc.components.schemas)).toEqual(["Error"]);
    expect(Object.keys(doc.components.responses)).toEqual(["Error"]);
  });

  it("rejects a component two pages define differently, naming both pages and the field", async () => {
    const sources = [await page("a-outbox-post.md"), await page("c-conflicting-error.md")];
    expect(() => spec.mergeDocuments(sources)).toThrow(
      'a-outbox-post.md and c-conflicting-error.md define components.schemas.Error differently: properties.error.type is "string" in a-outbox-post.md and "integer" in c-conflicting-error.md',
    );
  });

  it("rejects an operation two pages define differently, naming the field", async () => {
    const a = await page("a-outbox-post.md");
    const changed = structuredClone(a.doc);
    changed.paths["/accounts/{user_id}/outbox"].post.summary = "changed";
    expect(() =>
      spec.mergeDocuments([a, { name: "other.md", kind: "page", doc: changed }]),
    ).toThrow(
      'a-outbox-post.md and other.md define POST /accounts/{user_id}/outbox differently: summary is absent in a-outbox-post.md and "changed" in other.md',
    );
  });

  it("rejects an operation without operationId", async () => {
    const source = await page("e-no-operation-id.md");
    expect(() => spec.mergeDocuments([source])).toThrow(
      "e-no-operation-id.md: GET /y has no operationId",
    );
  });

  it("lets an upstream page replace a local fragment for the same method and path, and says so", async () => {
    const fragment = local(
      "g-local-outbox-post.yaml",
      spec.parseYaml(await read("g-local-outbox-post.yaml"), "g"),
    );
    const { doc, notes } = spec.mergeDocuments([fragment, await page("a-outbox-post.md")]);
    expect(doc.paths["/accounts/{user_id}/outbox"].post.summary).toBeUndefined();
    expect(notes).toEqual([
      "a-outbox-post.md replaces g-local-outbox-post.yaml for POST /accounts/{user_id}/outbox",
      "g-local-outbox-post.yaml is now wholly replaced by the vendor's pages: delete it",
    ]);
  });
});

describe("merging a page over a fragment, schema by schema", () => {
  // A fragment for GET /x with its own schemas, and a vendor page for the same operation.
  const fragment = () =>
    local("x.yaml", {
      openapi: "3.0.1",
      paths: {
        "/x": {
          get: {
            operationId: "getX",
            responses: {
              "200": {
                content: { "application/json": { schema: { $ref: "#/components/schemas/X" } } },
              },
              "401": { $ref: "#/components/responses/Unauthorized" },
            },
          },
        },
      },
      components: {
        schemas: {
          X: {
            type: "object",
            description: "ours",
            properties: {
              a: { type: "string", maxLength: 10 },
              d: { $ref: "#/components/schemas/Detail" },
            },
          },
          Detail: { type: "object", properties: { n: { type: "integer" } } },
          Shared: { type: "string", description: "used by another fragment" },
        },
      },
    });
  const other = () =>
    local("y.yaml", {
      openapi: "3.0.1",
      paths: {
        "/y": {
          get: {
            operationId: "getY",
            responses: {
              "200": {
                content: {
                  "application/json": { schema: { $ref: "#/components/schemas/Shared" } },
                },
              },
            },
          },
        },
      },
      components: { schemas: { Lonely: { type: "string", description: "used by nothing" } } },
    });
  const vendor = () => ({
    name: "x.md",
    kind: "page" as const,
    doc: {
      openapi: "3.0.1",
      paths: {
        "/x": {
          get: {
            operationId: "getX",
            responses: {
              "200": {
                content: { "application/json": { schema: { $ref: "#/components/schemas/X" } } },
              },
            },
          },
        },
      },
      components: {
        schemas: {
          X: {
            type: "object",
            description: "theirs",
            properties: { a: { type: "string", maxLength: 5 }, b: { type: "integer" } },
          },
        },
      },
    },
  });

  it("takes the page's operation and schema, and reports how the schema changed", () => {
    const result = spec.mergeDocuments([fragment(), other(), vendor()]);
    expect(result.doc.paths["/x"].get.responses["401"]).toBeUndefined();
    expect(result.doc.components.schemas.X.description).toBe("theirs");
    expect(result.replacedOperations).toMatchObject([
      { key: "GET /x", page: "x.md", local: "x.yaml" },
    ]);
    expect(result.replacedComponents).toMatchObject([
      { key: "components.schemas.X", page: "x.md", local: "x.yaml" },
    ]);
  });

  it("keeps a fragment-only schema while something uses it, and drops it (saying so) when nothing does", () => {
    const { doc, droppedComponents } = spec.mergeDocuments([fragment(), other(), vendor()]);
    // Detail was used only by the fragment's X, which the page replaced.
    expect(doc.components.schemas.Detail).toBeUndefined();
    // Shared is defined by the replaced fragment but used by y.yaml's operation.
    expect(doc.components.schemas.Shared).toBeDefined();
    // Lonely is unused, but y.yaml still contributes an operation, so its schemas stay.
    expect(doc.components.schemas.Lonely).toBeDefined();
    expect(droppedComponents).toEqual([{ key: "components.schemas.Detail", local: "x.yaml" }]);
  });

  it("says whether a fragment the pages replaced still serves a purpose", () => {
    expect(spec.mergeDocuments([fragment(), other(), vendor()]).notes).toEqual([
      "x.md replaces x.yaml for GET /x",
      "x.yaml now only contributes components.schemas.Shared, which other operations use",
    ]);
    expect(spec.mergeDocuments([fragment(), vendor()]).notes).toEqual([
      "x.md replaces x.yaml for GET /x",
      "x.yaml is now wholly replaced by the vendor's pages: delete it",
    ]);
  });

  it("still rejects two fragments that disagree", () => {
    const twin = fragment();
    twin.name = "x2.yaml";
    const doc = twin.doc as {
      paths: object;
      components: { schemas: { X: { description: string } } };
    };
    doc.paths = {};
    doc.components.schemas.X.description = "other";
    expect(() => spec.mergeDocuments([fragment(), twin])).toThrow(
      'x.yaml and x2.yaml define components.schemas.X differently: description is "ours" in x.yaml and "other" in x2.yaml',
    );
  });
});

import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
// @ts-expect-error: plain-JS build script without type declarations
import { applyFixes, extractPage, mergeDocuments, parseYaml } from "../../scripts/spec.js";

const fixtures = new URL("./fixtures/", import.meta.url).pathname;
const page = async (name: string) => ({
  name,
  kind: "page" as const,
  doc: extractPage(await readFile(join(fixtures, name), "utf8"), name),
});

describe("extracting pages", () => {
  it("returns undefined for a page without an OpenAPI block", async () => {
    expect(
      extractPage(await readFile(join(fixtures, "f-no-block.md"), "utf8"), "f"),
    ).toBeUndefined();
  });

  it("names the page and the line of broken YAML", async () => {
    const text = await readFile(join(fixtures, "d-broken.md"), "utf8");
    expect(() => extractPage(text, "d-broken.md")).toThrow(
      /^d-broken\.md: broken YAML at line (8|9):/,
    );
  });
});

describe("merging", () => {
  it("merges two methods of one path and keeps identical components once", async () => {
    const { doc } = mergeDocuments([await page("a-outbox-post.md"), await page("b-outbox-put.md")]);
    expect(Object.keys(doc.paths["/accounts/{user_id}/outbox"])).toEqual(["put", "post"]);
    expect(Object.keys(doc.components.schemas)).toEqual(["Error"]);
    expect(Object.keys(doc.components.responses)).toEqual(["Error"]);
  });

  it("rejects a component defined differently, naming both pages and the component", async () => {
    const sources = [await page("a-outbox-post.md"), await page("c-conflicting-error.md")];
    expect(() => mergeDocuments(sources)).toThrow(
      "a-outbox-post.md and c-conflicting-error.md define components.schemas.Error differently",
    );
  });

  it("rejects an operation defined differently by two pages", async () => {
    const a = await page("a-outbox-post.md");
    const changed = structuredClone(a.doc);
    changed.paths["/accounts/{user_id}/outbox"].post.summary = "changed";
    expect(() => mergeDocuments([a, { name: "other.md", kind: "page", doc: changed }])).toThrow(
      "a-outbox-post.md and other.md define POST /accounts/{user_id}/outbox differently",
    );
  });

  it("rejects an operation without operationId", async () => {
    const source = await page("e-no-operation-id.md");
    expect(() => mergeDocuments([source])).toThrow(
      "e-no-operation-id.md: GET /y has no operationId",
    );
  });

  it("lets an upstream page replace a local fragment for the same method and path, and says so", async () => {
    const local = {
      name: "g-local-outbox-post.yaml",
      kind: "local" as const,
      doc: parseYaml(await readFile(join(fixtures, "g-local-outbox-post.yaml"), "utf8"), "g"),
    };
    const { doc, notes } = mergeDocuments([local, await page("a-outbox-post.md")]);
    expect(doc.paths["/accounts/{user_id}/outbox"].post.summary).toBeUndefined();
    expect(notes).toEqual([
      "a-outbox-post.md replaces g-local-outbox-post.yaml for POST /accounts/{user_id}/outbox",
    ]);
  });
});

describe("fixes", () => {
  const doc = () => ({ components: { schemas: { R: { example: { retry: { count: 2 } } } } } });
  it("sets a value at a JSON pointer", () => {
    const fixed = applyFixes(doc(), [
      { reason: "r", pointer: "/components/schemas/R/example", value: { count: 2 } },
    ]);
    expect(fixed.components.schemas.R.example).toEqual({ count: 2 });
  });
  it("fails when a fix is already upstream or no longer applies", () => {
    const same = {
      reason: "r",
      pointer: "/components/schemas/R/example",
      value: { retry: { count: 2 } },
    };
    expect(() => applyFixes(doc(), [same])).toThrow(/already upstream/);
    const gone = { reason: "r", pointer: "/components/schemas/Gone/example", value: 1 };
    expect(() => applyFixes(doc(), [gone])).toThrow(/no longer applies/);
  });
});

describe("scripts/generate.js on a throwaway spec/", () => {
  const run = promisify(execFile);
  const script = new URL("../../scripts/generate.js", import.meta.url).pathname;

  async function project(pages: string[]) {
    const dir = await mkdtemp(join(tmpdir(), "faxplus-spec-"));
    await mkdir(join(dir, "spec/pages"), { recursive: true });
    await mkdir(join(dir, "generated"));
    for (const name of pages) await cp(join(fixtures, name), join(dir, "spec/pages", name));
    await writeFile(join(dir, "spec/fixes.yaml"), "[]\n");
    await writeFile(join(dir, "generated/openapi.yaml"), "previous\n");
    return dir;
  }

  it("fails on broken YAML with the page name and leaves generated/ untouched", async () => {
    const dir = await project(["a-outbox-post.md", "d-broken.md"]);
    const result = await run(process.execPath, [script, "--root", dir]).catch((e) => e);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/spec\/pages\/d-broken\.md: broken YAML at line \d+/);
    expect(await readFile(join(dir, "generated/openapi.yaml"), "utf8")).toBe("previous\n");
  });

  it("names a page without an OpenAPI block and goes on", async () => {
    const dir = await project(["f-no-block.md", "a-outbox-post.md"]);
    const result = await run(process.execPath, [script, "--root", dir]).catch((e) => e);
    expect(result.stderr).toContain("spec/pages/f-no-block.md: no OpenAPI block, skipped");
  });
});

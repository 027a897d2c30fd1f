// What generated/rules.ts carries besides the checked keywords, read from the generated
// description rather than restated: examples next to patterns (valid ones, since messages show them
// to people), the upload formats and the total size of a fax's files (src/core/rules.ts,
// `RuleExtensions`).
import { readFile } from "node:fs/promises";
import { describe, expect, expectTypeOf, it } from "vitest";
import { parse } from "yaml";
import * as rules from "../../generated/rules.js";
import type { AcceptedFormat, OperationRules } from "../../src/core/rules.js";

const doc = parse(
  await readFile(new URL("../../generated/openapi.yaml", import.meta.url), "utf8"),
) as { components: { schemas: Record<string, { properties: Record<string, never> }> } };

/** Every rule under a value, with where it is. */
function* rulesIn(node: unknown, where: string): Generator<[string, Record<string, unknown>]> {
  if (typeof node !== "object" || node === null) return;
  const rule = node as Record<string, unknown>;
  if (typeof rule["check"] === "function") yield [where, rule];
  for (const [key, child] of Object.entries(rule)) {
    if (typeof child === "object") yield* rulesIn(child, `${where}.${key}`);
  }
}

const all = [...rulesIn(rules, "rules")];

describe("generated/rules.ts", () => {
  it("carries examples next to patterns (fax number, send_time, the listFaxes window), each matching its pattern", () => {
    const patterned = all.filter(([, rule]) => typeof rule["pattern"] === "string");
    expect(patterned.length).toBeGreaterThan(5);
    for (const [where, rule] of patterned) {
      const example = rule["example"];
      if (example === undefined) continue;
      expect(new RegExp(rule["pattern"] as string).test(example as string), where).toBe(true);
    }
    const to = rules.sendFax.body.properties.to.items;
    const pattern: unknown = doc.components.schemas["PayloadOutbox"]!.properties["to"];
    expect(to.pattern).toBe((pattern as { items: { pattern: string } }).items.pattern);
    expect(to.example).toMatch(/^\+[0-9]+$/);
    expect(rules.sendFax.body.properties.send_time.example).toBeTypeOf("string");
    expect(rules.listFaxes.params["query.after"].example).toBeTypeOf("string");
  });

  it("exposes the upload formats and the total size of a fax's files from the spec's extensions", () => {
    const upload = rules.uploadFile.body.properties.fax_file;
    const formats = upload["x-accepted-formats"];
    expectTypeOf(formats).toMatchTypeOf<readonly AcceptedFormat[]>();
    const spec = (doc.components.schemas["FaxFileUpload"]!.properties["fax_file"] as never)[
      "x-accepted-formats"
    ];
    expect(formats).toEqual(spec);
    expect(formats.map((f) => f.extension)).toContain("pdf");
    const files = rules.sendFax.body.properties.files;
    const specFiles = doc.components.schemas["PayloadOutbox"]!.properties["files"] as never;
    expect(files["x-max-total-bytes"]).toBe(specFiles["x-max-total-bytes"]);
    expect(files.maxItems).toBe(specFiles["maxItems"]);
    expectTypeOf(files["x-max-total-bytes"]).toBeNumber();
  });

  it("re-exports the contract declared in src/core/rules.ts", () => {
    expectTypeOf<rules.OperationRules>().toEqualTypeOf<OperationRules>();
    expectTypeOf(rules.sendFax).toMatchTypeOf<OperationRules>();
  });
});
